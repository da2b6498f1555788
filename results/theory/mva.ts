/**
 * Mean value analysis (MVA) of a closed queueing network: N clients go round and round through a few stations, each
 * request spending some demand (seconds) at each. A queueing station of one server serves one request at a time (a
 * thread); a delay station serves all at once (a wait, a timer); a queueing station of m servers (a pool of threads,
 * the cores) serves up to m at once, and m may be fractional (1.6 cores' worth of computing).
 *
 *   one server:  R_k(n) = D_k × (1 + Q_k(n − 1))        delay:  R_k(n) = D_k
 *   m servers:   R_k(n) = Σ_{j=1..n} j / min(j, m) × D_k × p_k(j − 1 | n − 1)      (load-dependent, exact)
 *                p_k(j | n) = D_k / min(j, m) × X(n) × p_k(j − 1 | n − 1),  p_k(0 | n) = 1 − Σ_{j≥1} p_k(j | n)
 *   X(n) = n / (Z + Σ_k R_k(n)),   Q_k(n) = X(n) × R_k(n)
 *
 * Exact for every station here (Reiser and Lavenberg's recursion with the marginal probabilities of a multi-server
 * station); cheap for the lab's few stations and a few hundred clients. Seidmann's split (a queue of D / m and a
 * delay of D × (m − 1) / m), which the lab used before, is kept as `expand` for comparison: it is within a few percent.
 *
 * Asymptotic bounds: X(N) ≤ min(N / (D + Z), 1 / D_max), where D = Σ D_k and D_max the largest per-server demand of
 * a queueing station; the knee N* = (D + Z) / D_max is where the two bounds meet.
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

/** Seidmann's approximation: a station of m servers as a queue of D / m and a delay of D × (m − 1) / m. */
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

/** Solves the network for 1 … maxClients clients, exactly (see above); returns one point per client count. */
export function solveMva(network: Network, maxClients: number): MvaPoint[] {
  if (!Number.isInteger(maxClients) || maxClients < 1) throw new RangeError(`clients must be a whole number ≥ 1, got ${maxClients}`);
  const stations = network.stations;
  for (const s of stations) {
    if (!(s.demand >= 0) || !Number.isFinite(s.demand)) throw new RangeError(`station ${s.name}: demand must be a number ≥ 0, got ${s.demand}`);
    if (s.servers !== undefined && !(s.servers > 0)) throw new RangeError(`station ${s.name}: servers must be above 0, got ${s.servers}`);
  }
  const z = network.thinkTime ?? 0;
  const multi = (s: Station): boolean => s.kind === 'queue' && (s.servers ?? 1) !== 1;
  const queue = stations.map(() => 0);
  // Marginal probabilities of the number at each multi-server station, p[k][j], for the previous population.
  let marginal: number[][] = stations.map(() => [1]);
  const points: MvaPoint[] = [];
  for (let n = 1; n <= maxClients; n++) {
    const residence = stations.map((s, k) => {
      if (s.kind === 'delay') return s.demand;
      if (!multi(s)) return s.demand * (1 + (queue[k] ?? 0));
      const m = s.servers ?? 1;
      const p = marginal[k] ?? [1];
      let r = 0;
      for (let j = 1; j <= n; j++) r += (j / Math.min(j, m)) * s.demand * (p[j - 1] ?? 0);
      return r;
    });
    const r = residence.reduce((a, b) => a + b, 0);
    const x = r + z > 0 ? n / (r + z) : Number.POSITIVE_INFINITY;
    residence.forEach((rk, k) => {
      queue[k] = x * rk;
    });
    marginal = stations.map((s, k) => {
      if (!multi(s)) return [1];
      const m = s.servers ?? 1;
      const previous = marginal[k] ?? [1];
      const next = [0];
      let busy = 0;
      for (let j = 1; j <= n; j++) {
        const pj = (s.demand / Math.min(j, m)) * x * (previous[j - 1] ?? 0);
        next.push(pj);
        busy += pj;
      }
      // Rounding can make the sum creep above 1 for a saturated station: p(0) never below 0.
      next[0] = Math.max(0, 1 - busy);
      return next;
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
