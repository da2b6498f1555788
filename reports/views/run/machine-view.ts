/** The machine and the options of a run, and its probes: how fast one thread computed, how much all cores gave. */
import { formatBytes, formatDuration } from '../../../lib/format.js';
import type { Probe, Results } from '../../../results/schema.js';
import { CAPACITY_DROP } from '../../../results/stats/probes.js';
import { transportSentence } from '../../text/transport.js';
import { clientPlacement } from '../placement.js';

const percent = (n: number): string => `${n.toFixed(0)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface ProbeView {
  readonly before: string;
  /** Seconds since the run started. */
  readonly seconds: number;
  readonly singleRate: number;
  readonly capacity: number;
  /** Single-thread speed and capacity as shares of the run's best (1 = the best). */
  readonly speedShare: number;
  readonly capacityShare: number;
  readonly backgroundCpuPercent: number;
  /** The bench flagged it: more than 20 % below the best probe before it (older files: capacity below 80 % of the start's). */
  readonly dropped: boolean;
  readonly text: Readonly<Record<'time' | 'single' | 'singleShare' | 'capacity' | 'capacityShare' | 'background', string>>;
}

export interface MachineView {
  readonly cores: number;
  readonly probes: readonly ProbeView[];
  readonly summary: readonly string[];
}

export function machineFacts(results: Results): [string, string][] {
  const m = results.machine;
  const o = results.options;
  const seconds = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000;
  const how =
    results.upgradedFrom === undefined
      ? `${o.trials} trials per case (up to ${o.maxTrials} where the interval stayed wide, within a budget of ${formatDuration(o.budgetSeconds)}), ${o.durationSeconds} s each after ${o.warmupSeconds} s of warm-up; the models of a cell take turns in rounds, in a shuffled order (seed ${o.seed})`
      : `${plural(o.trials, 'repeat')} of ${o.durationSeconds} s per case after ${o.warmupSeconds} s of warm-up, one case after another (a version-${results.upgradedFrom} file: no interleaved trials)`;
  return [
    ['Run', results.runId],
    ['Started', `${results.startedAt} (took ${formatDuration(seconds)})`],
    ['Machine', `${m.cpuModel}, ${m.cpus} cores, ${formatBytes(m.memoryBytes)} memory`],
    ['System', `${m.os}, Node.js ${m.node}`],
    ['Commit', results.git.commit === null ? 'unknown' : `${results.git.commit.slice(0, 12)}${results.git.dirty === true ? ' (with uncommitted changes)' : ''}`],
    ['Profile', `${o.profile}: ${how}`],
    o.rates === undefined
      ? ['Clients', `${o.connections.join(', ')} concurrent connections (closed loop: each sends its next request when the answer arrives)`]
      : ['Load', `open loop: ${o.rates.join(', ')} requests per second offered, ${o.arrivals === 'poisson' ? 'Poisson arrivals (random gaps)' : 'evenly spaced'}, at most ${o.maxInflight ?? '?'} in flight (connections); each workload first at 1 client, closed loop, to measure what a request needs`],
    ...((): [string, string][] => {
      const sentence = transportSentence(o);
      const session = o.workloads.includes('session') && o.newConnections !== true ? ' The session workload opens a new connection for every visit, whatever the rest of the run does.' : '';
      return sentence === null ? [] : [['Connections', `${sentence}${session}`]];
    })(),
    ['Pools', `${plural(o.threads, 'thread')} for worker-pool (at most as many alive for thread-per-request), ${o.processes} process${o.processes === 1 ? '' : 'es'} for cluster (at most as many alive for process-per-request)`],
    ['Client', clientPlacement(results)],
    ['Cores', coresText(results)],
    ...((): [string, string][] => {
      const text = machineSpeedText(results);
      return text === null ? [] : [['Core speed', text]];
    })(),
    ['Calibration', `${results.calibration.iterationsPerMs.toLocaleString('en-US')} PBKDF2 iterations per ms of CPU (${results.calibration.method})`],
  ];
}


/** How fast the cores computed during the run, against this machine's best, and against earlier runs here. */
export function machineSpeedText(results: Pick<Results, 'machineSpeed'>): string | null {
  const s = results.machineSpeed;
  if (s === undefined) return null;
  const history = s.history === undefined ? '' : ` Earlier runs in this folder (${s.history.runs}) met states down to ${percent(s.history.low * 100)}.`;
  return `the cores computed at ${percent(s.median * 100)} of this machine's best (${percent(s.low * 100)}–${percent(s.high * 100)} over the trials; best ${s.best.toLocaleString('en-US')} PBKDF2 iterations per ms of CPU, by a gauge pinned to each core). A shared machine's host slows its cores for minutes at a time: a run made in a slower state measures lower throughputs for work that computes, and its intervals cannot know it.${history}`;
}

export function machineView(results: Results): MachineView | null {
  const probes: readonly Probe[] = results.probes;
  const start = probes.find((p) => p.before === 'start') ?? probes[0];
  if (start === undefined) return null;
  const t0 = Date.parse(results.startedAt);
  // Shares of the run's best (a start taken in a busy moment must not make everything after it look faster);
  // no machine computes more than its cores, so a capacity above that is not the bar.
  const bestSingle = Math.max(...probes.map((p) => p.singleRate));
  const bestCapacity = Math.min(Math.max(...probes.map((p) => p.capacity)), results.machine.cpus);
  const views = probes.map((p): ProbeView => {
    const share = bestCapacity > 0 ? p.capacity / bestCapacity : 1;
    const speed = bestSingle > 0 ? p.singleRate / bestSingle : 1;
    const seconds = Math.max(0, (Date.parse(p.at) - t0) / 1000);
    return {
      before: p.before,
      seconds,
      singleRate: p.singleRate,
      capacity: p.capacity,
      speedShare: speed,
      capacityShare: share,
      backgroundCpuPercent: p.backgroundCpuPercent,
      // The bench's own verdict where the file has it (compared with the best probe before, confirmed at once).
      // Older files, without it: what those benches judged, a capacity below 80 % of the start's.
      dropped: p.drift === undefined ? (start.capacity > 0 ? p.capacity / start.capacity : 1) < CAPACITY_DROP : p.drift.length > 0 && p.confirmed !== false,
      text: {
        time: `+${formatDuration(seconds)}`,
        single: `${Math.round(p.singleRate).toLocaleString('en-US')} /ms`,
        singleShare: percent(speed * 100),
        capacity: `${p.capacity.toFixed(2)} cores`,
        capacityShare: percent(share * 100),
        background: percent(p.backgroundCpuPercent),
      },
    };
  });
  const dropped = probes.filter((_, i) => views[i]?.dropped === true);
  const rates = probes.map((p) => p.singleRate);
  // Why each probe was flagged, as the bench said it (older files: the capacity only).
  const why = (p: Probe): string => (p.drift !== undefined && p.drift.length > 0 ? p.drift.join('; ') : `${p.capacity.toFixed(2)} cores`);
  const summary = [
    `At the start, one thread computed ${Math.round(start.singleRate).toLocaleString('en-US')} PBKDF2 iterations per ms, and all ${results.machine.cpus} cores at once gave ${start.capacity.toFixed(2)} cores’ worth of that.`,
    `Over ${plural(probes.length, 'probe')}, the single-thread speed ranged from ${percent((Math.min(...rates) / bestSingle) * 100)} to 100% of its best (${Math.round(bestSingle).toLocaleString('en-US')} per ms).`,
    dropped.length === 0
      ? `No probe found the machine more than ${percent((1 - CAPACITY_DROP) * 100)} slower, or with that much less parallel capacity, than the best probe before it.`
      : `The machine was slower or had less parallel capacity (by more than ${percent((1 - CAPACITY_DROP) * 100)}, against the best probe before) before ${dropped.map((p) => `${p.before} (${why(p)})`).join(', ')}: trials measured then were marked, and retried where the time budget allowed.`,
  ];
  return { cores: results.machine.cpus, probes: views, summary };
}


/** Where the servers and the load generator ran (--cpus), as the cases recorded it. */
function coresText(results: Results): string {
  const cpus = results.options.cpus;
  if (cpus === undefined) return 'not recorded (the scheduler decided: a file from before --cpus)';
  if (cpus.note !== undefined && cpus.mode !== 'auto') return `not pinned: ${cpus.note}`;
  if (cpus.mode === 'auto' && results.cases.every((c) => c.placement === undefined || (c.placement.server === null && c.placement.client === null))) return `auto: ${cpus.note ?? 'not pinned'}`;
  if (cpus.mode === 'none') return 'not pinned (--cpus none): the scheduler placed servers and client';
  const where = new Map<string, number[]>();
  for (const c of results.cases) {
    const p = c.placement;
    const text = p === undefined || (p.server === null && p.client === null) ? 'every core, for both' : p.server === p.client ? `server and client on core${(p.server ?? '').length > 1 ? 's' : ''} ${p.server ?? 'all'}` : `server on ${p.server ?? 'every core'}, client on ${p.client ?? 'every core'}`;
    where.set(text, [...new Set([...(where.get(text) ?? []), c.connections])]);
  }
  const parts = [...where].map(([text, levels]) => `${text} at ${levels.sort((a, b) => a - b).join(', ')} client${levels.length === 1 && levels[0] === 1 ? '' : 's'}`);
  return `${cpus.mode === 'auto' ? 'auto' : `server=${cpus.server ?? ''},client=${cpus.client ?? ''}`} (pinned with taskset): ${parts.join('; ')}`;
}
