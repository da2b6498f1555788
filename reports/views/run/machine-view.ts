/** The machine and the options of a run, and its probes: how fast one thread computed, how much all cores gave. */
import { faultName } from '../../text/faults.js';
import { formatBytes, formatDuration } from '../../../lib/format.js';
import type { Probe, Results } from '../../../results/schema.js';
import { CAPACITY_DROP } from '../../../results/stats/probes.js';
import { transportSentence } from '../../text/transport.js';
import { clientPlacement } from '../placement.js';
import { decimal, grouped, t } from '../../../lib/lang/lang.js';
import { speaker } from '../../../lib/lang/sentences.js';
import { counted, wholePercent } from '../figures.js';

const percent = wholePercent;
/** "1.20 cores": a capacity, in cores' worth of computing. */
const coresText = (capacity: number): string => t('rv.probe.cores', { n: decimal(capacity.toFixed(2)) });

export interface ProbeView {
  /** What the bench probed before, as the file says it ("start", "io × 16", "retries of io × 16"). */
  readonly before: string;
  /** The same in the page's language. */
  readonly label: string;
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
  const say = speaker(results.sentences);
  const seconds = (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000;
  const how =
    results.upgradedFrom === undefined
      ? t('rv.fact.how', { trials: o.trials, max: o.maxTrials, budget: formatDuration(o.budgetSeconds), duration: o.durationSeconds, warmup: o.warmupSeconds, seed: String(o.seed) })
      : counted(o.trials, 'rv.fact.howV1.one', 'rv.fact.howV1.many', { duration: o.durationSeconds, warmup: o.warmupSeconds, version: String(results.upgradedFrom) });
  return [
    [t('rv.fact.run'), results.runId],
    [t('rv.fact.started'), t('rv.fact.startedAt', { at: results.startedAt, duration: formatDuration(seconds) })],
    [t('rv.fact.machine'), t('rv.fact.machineIs', { cpu: m.cpuModel, cores: m.cpus, memory: formatBytes(m.memoryBytes) })],
    [t('rv.fact.system'), `${m.os}, Node.js ${m.node}`],
    [t('rv.fact.commit'), results.git.commit === null ? t('rv.fact.commitUnknown') : results.git.dirty === true ? t('rv.fact.commitDirty', { commit: results.git.commit.slice(0, 12) }) : results.git.commit.slice(0, 12)],
    [t('rv.fact.profile'), t('rv.fact.profileIs', { profile: o.profile, how })],
    o.rates === undefined
      ? [t('rv.fact.clients'), t('rv.fact.clientsAre', { levels: o.connections.join(', ') })]
      : [t('rv.fact.load'), t('rv.fact.loadIs', { rates: o.rates.join(', '), arrivals: o.arrivals === 'poisson' ? t('rv.fact.poisson') : t('rv.fact.even'), inflight: o.maxInflight === undefined ? '?' : String(o.maxInflight) })],
    ...((): [string, string][] => {
      const sentence = transportSentence(o);
      const session = o.workloads.includes('session') && o.newConnections !== true ? ` ${t('rv.fact.session')}` : '';
      return sentence === null ? [] : [[t('rv.fact.connections'), `${sentence}${session}`]];
    })(),
    [t('rv.fact.pools'), t('rv.fact.poolsAre', { threads: counted(o.threads, 'rv.threads.one', 'rv.threads.many'), processes: counted(o.processes, 'rv.processes.one', 'rv.processes.many') })],
    [t('rv.fact.client'), clientPlacement(results)],
    ...(o.agents === undefined ? [] : [[t('rv.fact.agents'), agentsText(o.agents, o.broker)] as [string, string]]),
    ...(o.faults === undefined ? [] : [[t('rv.fact.faults'), o.faults.map((f) => faultName(f)).join(', ')] as [string, string]]),
    [t('rv.fact.cores'), placementText(results)],
    ...((): [string, string][] => {
      const text = machineSpeedText(results);
      return text === null ? [] : [[t('rv.fact.coreSpeed'), text]];
    })(),
    [t('rv.fact.calibration'), t('rv.fact.calibrationIs', { rate: grouped(results.calibration.iterationsPerMs), method: say(results.calibration.method) })],
  ];
}


/** How fast the cores computed during the run, against this machine's best, and against earlier runs here. */
export function machineSpeedText(results: Pick<Results, 'machineSpeed'>): string | null {
  const s = results.machineSpeed;
  if (s === undefined) return null;
  const history = s.history === undefined ? '' : ` ${t('rv.speed.history', { runs: s.history.runs, low: percent(s.history.low * 100) })}`;
  return `${t('rv.speed', { median: percent(s.median * 100), low: percent(s.low * 100), high: percent(s.high * 100), best: grouped(s.best) })}${history}`;
}

/**
 * A probe's place in the run as the bench names it (bench/run/run.ts: "start", a cell "io × 16" or "io at 100/s",
 * "retries of" a cell), in the page's language; a name it does not know, as it is.
 */
export function probeLabel(before: string): string {
  if (before === 'start') return t('rv.probe.start');
  const retries = /^retries of (.+)$/.exec(before);
  if (retries !== null) return t('rv.probe.retries', { cell: probeLabel(retries[1] ?? '') });
  const open = /^(\S+) at (\d+(?:\.\d+)?)\/s$/.exec(before);
  if (open !== null) return t('rv.probe.at', { workload: open[1] ?? '', rate: decimal(open[2] ?? '') });
  return before;
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
      label: probeLabel(p.before),
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
        single: `${grouped(p.singleRate)} /ms`,
        singleShare: percent(speed * 100),
        capacity: coresText(p.capacity),
        capacityShare: percent(share * 100),
        background: percent(p.backgroundCpuPercent),
      },
    };
  });
  const dropped = probes.filter((_, i) => views[i]?.dropped === true);
  const rates = probes.map((p) => p.singleRate);
  // Why each probe was flagged, as the bench said it (older files: the capacity only).
  const say = speaker(results.sentences);
  const why = (p: Probe): string => (p.drift !== undefined && p.drift.length > 0 ? p.drift.map(say).join(t('rv.semicolon')) : coresText(p.capacity));
  const drop = percent((1 - CAPACITY_DROP) * 100);
  const summary = [
    t('rv.machine.start', { rate: grouped(start.singleRate), cores: results.machine.cpus, capacity: decimal(start.capacity.toFixed(2)) }),
    counted(probes.length, 'rv.machine.range.one', 'rv.machine.range.many', { low: percent((Math.min(...rates) / bestSingle) * 100), top: percent(100), best: grouped(bestSingle) }),
    dropped.length === 0 ? t('rv.machine.noDrop', { drop }) : t('rv.machine.dropped', { drop, probes: dropped.map((p) => `${probeLabel(p.before)} (${why(p)})`).join(', ') }),
  ];
  return { cores: results.machine.cpus, probes: views, summary };
}


/** Where the servers and the load generator ran (--cpus), as the cases recorded it. */
function placementText(results: Results): string {
  const cpus = results.options.cpus;
  const say = speaker(results.sentences);
  if (cpus === undefined) return t('rv.cores.notRecorded');
  if (cpus.note !== undefined && cpus.mode !== 'auto') return t('rv.cores.notPinned', { note: say(cpus.note) });
  if (cpus.mode === 'auto' && results.cases.every((c) => c.placement === undefined || (c.placement.server === null && c.placement.client === null))) return t('rv.cores.auto', { note: cpus.note === undefined ? t('rv.cores.notPinnedShort') : say(cpus.note) });
  if (cpus.mode === 'none') return t('rv.cores.none');
  const where = new Map<string, number[]>();
  for (const c of results.cases) {
    const p = c.placement;
    const text =
      p === undefined || (p.server === null && p.client === null)
        ? t('rv.cores.everyBoth')
        : p.server === p.client
          ? t((p.server ?? '').length > 1 ? 'rv.cores.together.many' : 'rv.cores.together.one', { cores: p.server ?? t('rv.cores.all') })
          : t('rv.cores.apart', { server: p.server ?? t('rv.cores.every'), client: p.client ?? t('rv.cores.every') });
    where.set(text, [...new Set([...(where.get(text) ?? []), c.connections])]);
  }
  const parts = [...where].map(([text, levels]) => t(levels.length === 1 && levels[0] === 1 ? 'rv.cores.at.one' : 'rv.cores.at.many', { where: text, levels: levels.sort((a, b) => a - b).join(', ') }));
  return t('rv.cores.pinned', { mode: cpus.mode === 'auto' ? 'auto' : `server=${cpus.server ?? ''},client=${cpus.client ?? ''}`, parts: parts.join(t('rv.semicolon')) });
}

/** The load agents: this machine's processes in equal shares, or a broker's agents by their cores, each named. */
function agentsText(agents: NonNullable<Results['options']['agents']>, broker: string | undefined): string {
  if (broker === undefined) return t('rv.fact.agentsAre', { n: agents.length, agents: agents.map((a) => t('rv.fact.agent', { name: a.name, host: a.host })).join(', ') });
  const each = agents.map((a) => t('rv.fact.agentOfBroker', { name: a.name, host: a.host, cores: a.weight, offset: a.clockOffsetMs }));
  return t('rv.fact.agentsOfBroker', { n: agents.length, broker, agents: each.join(', ') });
}
