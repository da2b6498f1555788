/**
 * Exact mean value analysis (MVA) of a closed queueing network: N clients go round and round through a few
 * stations, each request spending some demand (seconds) at each. A queueing station serves one request at a
 * time (a thread, a core); a delay station serves all at once (a wait, a timer). For a station of m servers
 * (a pool of threads, the cores), Seidmann's approximation splits it into a queueing station of demand D / m
 * and a delay of D × (m − 1) / m, which keeps the solution exact-form and is within a few percent of the exact
 * multi-server answer.
 *
 *   R_k(n) = D_k × (1 + Q_k(n − 1))   queueing station        R_k(n) = D_k   delay station
 *   X(n)   = n / (Z + Σ_k R_k(n))                             Q_k(n) = X(n) × R_k(n)
 *
 * Asymptotic bounds: X(N) ≤ min(N / (D + Z), 1 / D_max), where D = Σ D_k and D_max the largest demand of a
 * queueing station; the knee N* = (D + Z) / D_max is where the two bounds meet.
 */

export type StationKind = 'queue' | 'delay';

export interface Station {
  readonly name: string;
  readonly kind: StationKind;
  /** Seconds of service per request. */
  readonly demand: number;
  /** Servers of a queueing station (a pool of threads, the cores); 1 unless told. */
  readonly servers?: number;
}

export interface Network {
  readonly stations: readonly Station[];
  /** Think time between an answer and the next request (0 for the lab's closed loop). */
  readonly thinkTime?: number;
}

export interface MvaPoint {
  readonly clients: number;
  /** Requests per second. */
  readonly throughput: number;
  /** Mean response time in seconds (think time excluded). */
  readonly responseTime: number;
  /** Mean number of requests at each station. */
  readonly queues: Readonly<Record<string, number>>;
}

/** Seidmann: a station of m servers as a queue of D / m and a delay of D × (m − 1) / m. */
export function expand(stations: readonly Station[]): Station[] {
  return stations.flatMap((s): Station[] => {
    const m = s.servers ?? 1;
    if (s.kind === 'delay' || m <= 1) return [{ name: s.name, kind: s.kind, demand: s.demand }];
    return [
      { name: s.name, kind: 'queue', demand: s.demand / m },
      { name: `${s.name} (parallel part)`, kind: 'delay', demand: (s.demand * (m - 1)) / m },
    ];
  });
}

/** Solves the network for 1 … maxClients clients; returns one point per client count. */
export function solveMva(network: Network, maxClients: number): MvaPoint[] {
  if (!Number.isInteger(maxClients) || maxClients < 1) throw new RangeError(`clients must be a whole number ≥ 1, got ${maxClients}`);
  const stations = expand(network.stations);
  for (const s of stations) if (!(s.demand >= 0) || !Number.isFinite(s.demand)) throw new RangeError(`station ${s.name}: demand must be a number ≥ 0, got ${s.demand}`);
  const z = network.thinkTime ?? 0;
  const queue = stations.map(() => 0);
  const points: MvaPoint[] = [];
  for (let n = 1; n <= maxClients; n++) {
    const residence = stations.map((s, k) => (s.kind === 'delay' ? s.demand : s.demand * (1 + (queue[k] ?? 0))));
    const r = residence.reduce((a, b) => a + b, 0);
    const x = r + z > 0 ? n / (r + z) : Number.POSITIVE_INFINITY;
    residence.forEach((rk, k) => {
      queue[k] = x * rk;
    });
    const queues: Record<string, number> = {};
    stations.forEach((s, k) => {
      queues[s.name] = (queues[s.name] ?? 0) + (queue[k] ?? 0);
    });
    points.push({ clients: n, throughput: x, responseTime: r, queues });
  }
  return points;
}

export interface Bounds {
  /** Total demand D = Σ D_k over every station (a request alone, no queueing). */
  readonly totalDemand: number;
  /** The largest per-server demand of a queueing station: the bottleneck. */
  readonly maxDemand: number;
  readonly bottleneck: string;
  /** N* = (D + Z) / D_max: below it, clients are the limit; above it, the bottleneck. */
  readonly knee: number;
  /** Upper bound of throughput at n clients. */
  throughputBound(n: number): number;
  /** Lower bound of response time at n clients: max(D, n × D_max − Z). */
  responseBound(n: number): number;
}

export function bounds(network: Network): Bounds {
  const z = network.thinkTime ?? 0;
  const totalDemand = network.stations.reduce((acc, s) => acc + s.demand, 0);
  let maxDemand = 0;
  let bottleneck = '';
  for (const s of network.stations) {
    if (s.kind !== 'queue') continue;
    const perServer = s.demand / (s.servers ?? 1);
    if (perServer > maxDemand) {
      maxDemand = perServer;
      bottleneck = s.name;
    }
  }
  return {
    totalDemand,
    maxDemand,
    bottleneck,
    knee: maxDemand > 0 ? (totalDemand + z) / maxDemand : Number.POSITIVE_INFINITY,
    throughputBound: (n) => Math.min(n / (totalDemand + z), maxDemand > 0 ? 1 / maxDemand : Number.POSITIVE_INFINITY),
    responseBound: (n) => Math.max(totalDemand, n * maxDemand - z),
  };
}
