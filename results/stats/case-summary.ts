/**
 * From trials to a case: which trials count, their median and interval, Little's law, and the warnings a
 * reader needs. Shared by the bench (when a cell is done) and the upgrade of version-1 files.
 */
import type { CaseHeld, CaseResult, ChatCountsResult, DistributionPoint, Latency, LittlesLaw, OkTrial, Trial, Warning } from '../schema.js';
import { sentence } from '../../lib/lang/sentences.js';
import { atBestSpeed } from './machine-range.js';
import { interval95, latencyInterval, median, relativeHalfWidth, throughputEstimate, type Interval } from './stats.js';

/** Above this share of one core, the load generator is the bottleneck: the numbers measure the client. */
export const CLIENT_SATURATED_PERCENT = 90;
/** Little's law check: a mean latency below this share of N / X misses waiting that happened. */
export const LITTLE_LOWER_BOUND_RATIO = 0.85;
/** An interval wider than this (either side) asks for more trials. */
export const WIDE_INTERVAL = 0.1;

/**
 * The trials a case stands on: the clean ok ones (not taken while the machine was busy or slower); all ok
 * ones when fewer than two are clean, since a marked number is better than none (and says so).
 */
export function usedTrials(trials: readonly Trial[]): { used: OkTrial[]; includesMarked: boolean } {
  const ok = trials.filter((t): t is OkTrial => t.status === 'ok');
  const clean = ok.filter((t) => t.marked.length === 0);
  return clean.length >= 2 || clean.length === ok.length ? { used: clean, includesMarked: false } : { used: ok, includesMarked: true };
}

export function littlesLaw(connections: number, rps: number, meanUs: number, censored: number): LittlesLaw {
  const expectedMeanUs = rps > 0 ? (connections / rps) * 1e6 : 0;
  const ratio = expectedMeanUs > 0 ? meanUs / expectedMeanUs : 0;
  return { expectedMeanUs: Math.round(expectedMeanUs), ratio: Math.round(ratio * 1000) / 1000, lowerBound: ratio < LITTLE_LOWER_BOUND_RATIO || censored > 0 };
}

export interface MergedLatency {
  readonly latencyUs: Latency;
  readonly distribution: readonly DistributionPoint[];
  readonly sample?: number;
  readonly p50Interval?: Interval | null;
  readonly p99Interval?: Interval | null;
  readonly p999Interval?: Interval | null;
}

export interface CaseInput {
  readonly model: string;
  readonly modelParams: Readonly<Record<string, number>>;
  readonly workload: string;
  readonly connections: number;
  readonly trials: readonly Trial[];
  /**
   * Latency of the used trials' answers together (the bench merges their histograms): its summary and distribution,
   * and, from the bench, how many answers it holds and each percentile's distribution-free interval.
   */
  readonly merged: MergedLatency | null;
  /** Cores of the machine, to tell an oversubscribed model. */
  readonly cpus: number;
  /** Warnings the bench adds (a server that survived its stop). */
  readonly extraWarnings?: readonly Warning[];
  /** How the warm-ups of the case's servers went (bench/run/servers.ts). */
  readonly warmups?: readonly { readonly seconds: number; readonly settled: boolean }[];
  /** Open loop: the offered rate, and the used trials' uncorrected latency and lateness together. */
  readonly open?: {
    readonly targetRate: number;
    readonly uncorrected: { readonly latencyUs: Latency; readonly distribution: readonly DistributionPoint[] } | null;
    readonly lateness: Latency | null;
  };
}

/** Open loop: a client whose sends trail their plan by more than this (p99, µs) is too busy to keep the pace. */
export const CLIENT_LAG_US = 5000;

const sum = (trials: readonly OkTrial[], f: (t: OkTrial) => number): number => trials.reduce((acc, t) => acc + f(t), 0);
const round1 = (value: number): number => Math.round(value * 10) / 10;

/**
 * What a held case and a chat case add: the idle connections held and what each cost in memory (the median over the
 * used trials of what the server's memory grew while they opened, per connection opened), and the room's deliveries
 * together. Each trial's growth is its own: the server's memory also drifts from trial to trial with the active
 * load (its heap grows and is collected), which is not the held connections' cost.
 */
export function heldAndChat(used: readonly OkTrial[]): { held?: CaseHeld; chat?: ChatCountsResult } {
  const heldTrials = used.flatMap((t) => (t.held === undefined ? [] : [t.held]));
  const chats = used.flatMap((t) => (t.chat === undefined ? [] : [t.chat]));
  const out: { held?: CaseHeld; chat?: ChatCountsResult } = {};
  const first = heldTrials[0];
  if (first !== undefined) {
    const base = Math.min(...heldTrials.map((h) => h.rssBeforeBytes));
    const perConnection = heldTrials.filter((h) => h.opened > 0).map((h) => Math.max(0, h.rssAfterBytes - h.rssBeforeBytes) / h.opened);
    out.held = {
      connections: first.asked,
      opened: Math.min(...heldTrials.map((h) => h.opened)),
      refused: heldTrials.reduce((a, h) => a + h.refused, 0),
      rssPerConnectionBytes: perConnection.length === 0 ? null : Math.round(median(perConnection)),
      rssBaseBytes: base,
      rssHeldBytes: Math.round(median(heldTrials.map((h) => h.rssAfterBytes))),
    };
  }
  const firstChat = chats[0];
  if (firstChat !== undefined) {
    const total = (f: (c: ChatCountsResult) => number): number => chats.reduce((a, c) => a + f(c), 0);
    out.chat = { members: firstChat.members, messages: total((c) => c.messages), deliveries: total((c) => c.deliveries), lost: total((c) => c.lost), duplicated: total((c) => c.duplicated) };
  }
  return out;
}

export function summarizeCase(input: CaseInput): CaseResult {
  const base = {
    model: input.model,
    modelParams: { ...input.modelParams },
    workload: input.workload,
    connections: input.connections,
    mode: input.open === undefined ? ('closed' as const) : ('open' as const),
    ...(input.open === undefined ? {} : { targetRate: input.open.targetRate }),
    trials: [...input.trials],
    ...(input.warmups === undefined || input.warmups.length === 0 ? {} : { warmup: input.warmups.map((w) => ({ seconds: w.seconds, settled: w.settled })) }),
  };
  const failed = input.trials.filter((t) => t.status === 'failed');
  const { used, includesMarked } = usedTrials(input.trials);
  const extra = [...(input.extraWarnings ?? [])];
  if (used.length === 0) {
    const error = failed[0]?.status === 'failed' ? failed[0].error : sentence('st.noTrial');
    return { ...base, status: 'failed', error, warnings: extra };
  }
  // One estimator per figure, its interval that estimator's (results/stats/stats.ts).
  const throughput = throughputEstimate(used);
  const rps = throughput.value;
  const merged = input.merged;
  const latencyUs = merged?.latencyUs ?? medianLatency(used);
  // From the bench: percentiles of the pooled answers with their order-statistic intervals. Older inputs (a
  // version-1 file) have no pooled sample: the trials' percentiles, as they were.
  const pooled = merged?.sample !== undefined;
  // The smallest and the largest answer of the used trials: no percentile of theirs lies outside.
  const observed = { min: latencyUs.min, max: latencyUs.max };
  const censored = sum(used, (t) => t.censored);
  const openPart = input.open === undefined ? null : openSummary(input.open, used, latencyUs);
  // Open loop: L is the measured mean in flight and R the time from the actual send; a request never sent or
  // never answered makes the latencies lower bounds.
  const little = openPart === null ? littlesLaw(input.connections, rps, latencyUs.mean, censored) : { ...littlesLaw(openPart.fields.meanInflight, rps, openPart.fields.uncorrectedLatencyUs.mean, censored), lowerBound: censored + openPart.fields.dropped > 0 };
  const rpsInterval = throughput.interval;
  const clientCpuPercent = round1(median(used.map((t) => t.clientCpuPercent)));
  const okCase = {
    ...base,
    status: 'ok' as const,
    rps: round1(rps),
    rpsInterval,
    latencyUs,
    // The trials, not the answers, are the independent units of a percentile (results/stats/stats.ts latencyInterval).
    p50Interval: pooled ? latencyInterval(latencyUs.p50, merged.p50Interval ?? null, used.map((t) => t.latencyUs.p50), observed) : interval95(used.map((t) => t.latencyUs.p50)),
    p99Interval: pooled ? latencyInterval(latencyUs.p99, merged.p99Interval ?? null, used.map((t) => t.latencyUs.p99), observed) : interval95(used.map((t) => t.latencyUs.p99)),
    ...(pooled ? { latencySample: merged.sample, p999Interval: latencyInterval(latencyUs.p999, merged.p999Interval ?? null, used.map((t) => t.latencyUs.p999), observed) } : {}),
    distribution: [...(input.merged?.distribution ?? [])],
    requests: sum(used, (t) => t.requests),
    errors: sum(used, (t) => t.errors),
    timeouts: sum(used, (t) => t.timeouts),
    non2xx: sum(used, (t) => t.non2xx),
    serverCpuPercent: round1(median(used.map((t) => t.serverCpuPercent))),
    serverRssPeakBytes: Math.max(...used.map((t) => t.serverRssPeakBytes)),
    serverProcesses: Math.max(...used.map((t) => t.serverProcesses)),
    clientCpuPercent,
    servedBy: Math.max(...used.map((t) => t.servedBy)),
    littlesLaw: little,
    ...(openPart?.fields ?? {}),
    // The session workload: lost updates of the used trials together, beside their requests.
    ...(used.some((t) => t.lostUpdates !== undefined) ? { lostUpdates: sum(used, (t) => t.lostUpdates ?? 0) } : {}),
    ...heldAndChat(used),
  };
  // Closed loop: the same throughput at the machine's best speed, to compare runs that met the host in other states.
  const best = input.open === undefined ? atBestSpeed(okCase, used) : null;
  const warnings: Warning[] = [...(openPart?.warnings ?? [])];
  if (okCase.held !== undefined && okCase.held.opened < okCase.held.connections) {
    warnings.push({ code: 'held-refused', message: sentence('warn.heldRefused', { opened: okCase.held.opened, held: okCase.held.connections, refused: okCase.held.refused }) });
  }
  if (okCase.chat !== undefined && okCase.chat.lost + okCase.chat.duplicated > 0) {
    warnings.push({ code: 'lost-deliveries', message: sentence('warn.lostDeliveries', { lost: okCase.chat.lost, duplicated: okCase.chat.duplicated, messages: okCase.chat.messages, members: okCase.chat.members }) });
  }
  if (clientCpuPercent >= CLIENT_SATURATED_PERCENT) {
    // Split among agents (--agents), a trial's client CPU is its busiest agent's: that one is named.
    const busiest = used.flatMap((t) => t.agents ?? []).reduce<{ name: string; clientCpuPercent: number } | null>((a, x) => (a === null || x.clientCpuPercent > a.clientCpuPercent ? x : a), null);
    warnings.push({ code: 'client-saturated', message: busiest === null ? sentence('warn.clientSaturated', { cpu: clientCpuPercent }) : sentence('warn.agentSaturated', { cpu: clientCpuPercent, name: busiest.name }) });
  }
  const workers = input.modelParams.processes ?? input.modelParams.threads ?? 1;
  if (workers + 1 > input.cpus) {
    const what = input.modelParams.processes !== undefined ? 'processes' : input.modelParams.threads !== undefined ? 'threads' : 'thread';
    warnings.push({ code: 'oversubscribed', message: sentence(`warn.oversubscribed.${what}`, { n: workers, cores: input.cpus }) });
  }
  if (okCase.errors > 0) warnings.push({ code: 'errors', message: sentence('warn.errors', { n: okCase.errors }) });
  if (okCase.non2xx > 0) warnings.push({ code: 'non-2xx', message: sentence('warn.non2xx', { n: okCase.non2xx }) });
  if (used.some((t) => t.requests === 0)) warnings.push({ code: 'no-response', message: sentence('warn.noResponse') });
  if (censored > 0) warnings.push({ code: 'censored', message: sentence('warn.censored', { n: censored }) });
  if (openPart === null && little.ratio < LITTLE_LOWER_BOUND_RATIO && rps > 0) {
    warnings.push({
      code: 'littles-law',
      message: sentence('warn.littlesLaw', { clients: input.connections, rps: round1(rps), expected: little.expectedMeanUs, mean: latencyUs.mean, ratio: Math.round(little.ratio * 100) }),
    });
  }
  const unanswered = used.filter((t) => (t.unansweredAtWindow ?? 0) > 0);
  const worstRamp = unanswered.reduce<OkTrial | undefined>((w, t) => (w === undefined || (t.unansweredAtWindow ?? 0) > (w.unansweredAtWindow ?? 0) ? t : w), undefined);
  if (worstRamp !== undefined) {
    warnings.push({
      code: 'slow-ramp',
      message: sentence('warn.slowRamp', { n: unanswered.length, unanswered: worstRamp.unansweredAtWindow ?? 0, clients: input.connections, seconds: worstRamp.rampSeconds ?? 0 }),
    });
  }
  const marked = input.trials.filter((t) => t.marked.length > 0).length;
  if (marked > 0) {
    const retried = input.trials.filter((t) => t.retryOf !== undefined).length;
    const key = `warn.marked.${retried === 0 ? 'noRetry' : 'retried'}${includesMarked ? 'Counted' : ''}` as const;
    warnings.push({ code: 'marked-trials', message: sentence(key, { n: marked, retries: retried }) });
  }
  const cold = (input.warmups ?? []).filter((w) => !w.settled);
  if (cold.length > 0) {
    warnings.push({ code: 'cold-server', message: sentence('warn.coldServer', { seconds: cold[0]?.seconds ?? 0 }) });
  }
  if (failed.length > 0) warnings.push({ code: 'failed-trials', message: sentence('warn.failedTrials', { n: failed.length, total: input.trials.length, error: failed[0]?.status === 'failed' ? failed[0].error.slice(0, 400) : '' }) });
  const width = relativeHalfWidth(okCase.rps, rpsInterval);
  if (used.length >= 2 && width > WIDE_INTERVAL) {
    warnings.push({ code: 'wide-interval', message: sentence('warn.wideInterval', { width: Math.round(width * 100), n: used.length }) });
  }
  return { ...okCase, ...(best === null ? {} : { atBestSpeed: best }), warnings: [...warnings, ...extra] };
}

/** The open-loop fields of a case and their warnings: late and dropped sends, and a client that lagged. */
function openSummary(open: NonNullable<CaseInput['open']>, used: readonly OkTrial[], corrected: Latency): { fields: { uncorrectedLatencyUs: Latency; uncorrectedDistribution: DistributionPoint[]; late: number; dropped: number; lateness: Latency | undefined; meanInflight: number; planned: number }; warnings: Warning[] } {
  const late = sum(used, (t) => t.late ?? 0);
  const dropped = sum(used, (t) => t.dropped ?? 0);
  const planned = sum(used, (t) => t.planned ?? t.sample + (t.dropped ?? 0) + t.censored);
  const uncorrected = open.uncorrected?.latencyUs ?? medianLatency(used.map((t) => ({ ...t, latencyUs: t.uncorrectedLatencyUs ?? t.latencyUs })));
  const lateness = open.lateness ?? undefined;
  const warnings: Warning[] = [];
  if (late > 0) {
    warnings.push({ code: 'late-sends', message: sentence('warn.lateSends', { n: late, planned, corrected: corrected.p99, uncorrected: uncorrected.p99 }) });
  }
  if (dropped > 0) warnings.push({ code: 'dropped-sends', message: sentence('warn.droppedSends', { n: dropped }) });
  if (lateness !== undefined && lateness.p99 > CLIENT_LAG_US) {
    warnings.push({ code: 'client-lag', message: sentence('warn.clientLag', { lag: lateness.p99, rate: open.targetRate }) });
  }
  return {
    fields: { uncorrectedLatencyUs: uncorrected, uncorrectedDistribution: [...(open.uncorrected?.distribution ?? [])], late, dropped, lateness, meanInflight: Number(median(used.map((t) => t.meanInflight ?? 0)).toPrecision(3)), planned },
    warnings,
  };
}

/** Without the histograms (an upgraded file), each percentile is the median of the trials'. */
function medianLatency(trials: readonly OkTrial[]): Latency {
  const pick = (f: (l: Latency) => number): number => median(trials.map((t) => f(t.latencyUs)));
  return { min: pick((l) => l.min), mean: pick((l) => l.mean), p50: pick((l) => l.p50), p90: pick((l) => l.p90), p99: pick((l) => l.p99), p999: pick((l) => l.p999), max: pick((l) => l.max) };
}
