/**
 * What a run concludes, with how sure it is: for each cell (workload × clients) and each pair of models,
 * faster, slower or no measurable difference in throughput, from the trials of the same rounds (see stats.ts).
 * Headlines, the bench's summary and the comparison page all speak from here.
 */
import { usedTrials } from './case-summary.js';
import { formatRps, formatSpread } from './format.js';
import type { CaseResult, OkCase, Results } from './schema.js';
import { comparePaired, type Comparison, type Verdict } from './stats.js';

export interface Conclusion {
  readonly workload: string;
  readonly connections: number;
  /** The pair, in the order the run lists its models. */
  readonly a: string;
  readonly b: string;
  readonly comparison: Comparison;
  /** "on `io` at 16 clients, `event-loop` served 15.2× the requests of `sequential` (95 %: 14.8–15.6×)". */
  readonly text: string;
}

const clientsText = (n: number): string => `${n} client${n === 1 ? '' : 's'}`;
const times = (x: number): string => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Per round, the used trial's throughput (the first one, if a round holds a retry too). */
function rpsByRound(c: OkCase): Map<number, number> {
  const byRound = new Map<number, number>();
  for (const t of usedTrials(c.trials).used) if (!byRound.has(t.round)) byRound.set(t.round, t.rps);
  return byRound;
}

/** The sentence for a comparison of a with b. */
export function conclusionText(workload: string, connections: number, a: string, b: string, comparison: Comparison): string {
  const where = `on \`${workload}\` at ${clientsText(connections)}`;
  const { ratio, interval, verdict } = comparison;
  if (verdict === 'same') {
    // An interval that leaves out 1 but reaches into ±5 % shows a difference, only not one the lab calls.
    if (interval !== null && (interval.low > 1 || interval.high < 1)) {
      const [more, less, lo, hi] = interval.low > 1 ? [a, b, interval.low, interval.high] : [b, a, 1 / interval.high, 1 / interval.low];
      return `${where}, \`${more}\` served more than \`${less}\` (95%: ${times(lo)}–${times(hi)}×), but not surely by the 5% the lab calls a difference`;
    }
    // The largest difference the interval allows either way: "±8%" says they differ by 8 % at most.
    const spread = interval === null ? 'too few rounds to tell' : formatSpread(Math.max(interval.high - 1, 1 - interval.low));
    return `${where}, \`${a}\` and \`${b}\` do not differ measurably (${spread})`;
  }
  const [more, less, r, lowHigh] =
    verdict === 'faster'
      ? [a, b, ratio, interval === null ? '' : `${times(interval.low)}–${times(interval.high)}×`]
      : [b, a, 1 / ratio, interval === null ? '' : `${times(1 / interval.high)}–${times(1 / interval.low)}×`];
  return `${where}, \`${more}\` served ${times(r)}× the requests of \`${less}\` (95%: ${lowHigh})`;
}

function okCase(cases: readonly CaseResult[], model: string, workload: string, connections: number): OkCase | undefined {
  const found = cases.find((c) => c.mode === 'closed' && c.model === model && c.workload === workload && c.connections === connections);
  return found?.status === 'ok' ? found : undefined;
}

/** Every pair of models measured in the same cell, in the run's order of models, workloads and clients. */
export function conclusions(results: Results): Conclusion[] {
  const out: Conclusion[] = [];
  const models = [...new Set([...results.options.models, ...results.cases.map((c) => c.model)])];
  const workloads = [...new Set([...results.options.workloads, ...results.cases.map((c) => c.workload)])];
  const connections = [...new Set([...results.options.connections, ...results.cases.filter((c) => c.mode === 'closed').map((c) => c.connections)])].sort((x, y) => x - y);
  for (const workload of workloads) {
    for (const n of connections) {
      const cases = models.map((m) => okCase(results.cases, m, workload, n)).filter((c): c is OkCase => c !== undefined);
      for (let i = 0; i < cases.length; i++) {
        for (let j = i + 1; j < cases.length; j++) {
          const a = cases[i];
          const b = cases[j];
          if (a === undefined || b === undefined) continue;
          const ra = rpsByRound(a);
          const rb = rpsByRound(b);
          const pairs = [...ra].flatMap(([round, x]): [number, number][] => {
            const y = rb.get(round);
            return y === undefined ? [] : [[x, y]];
          });
          const comparison = comparePaired(pairs);
          if (comparison === null) continue;
          out.push({ workload, connections: n, a: a.model, b: b.model, comparison, text: conclusionText(workload, n, a.model, b.model, comparison) });
        }
      }
    }
  }
  return out;
}

/** The verdict for a and b in that order, whichever order the conclusion holds them in. */
export function verdictFor(conclusion: Conclusion, a: string): Verdict {
  const { verdict } = conclusion.comparison;
  if (conclusion.a === a || verdict === 'same') return verdict;
  return verdict === 'faster' ? 'slower' : 'faster';
}

export interface Contradiction {
  readonly workload: string;
  readonly connections: number;
  readonly a: string;
  readonly b: string;
  /**
   * 'opposite': one run says a is faster than b, another that it is slower: a real contradiction.
   * 'unconfirmed': one run found a difference where another found none, which is not a contradiction (no
   * measurable difference is not a claim of equality) but a difference a second run did not confirm.
   */
  readonly kind: 'opposite' | 'unconfirmed';
  /** Each run's sentence, in the order of the runs given. */
  readonly texts: readonly string[];
}

/** Where runs disagree about a pair of models that every run measured in the same cell. */
export function contradictions(runs: readonly Results[]): Contradiction[] {
  const all = runs.map((r) => conclusions(r));
  const first = all[0] ?? [];
  const out: Contradiction[] = [];
  for (const c of first) {
    const matches = all.map((list) => list.find((d) => d.workload === c.workload && d.connections === c.connections && ((d.a === c.a && d.b === c.b) || (d.a === c.b && d.b === c.a))));
    // A run of one round per case (a version-1 file) has no interval: it cannot tell, so it neither confirms nor contradicts.
    if (matches.some((m) => m === undefined || m.comparison.interval === null)) continue;
    const verdicts = new Set(matches.map((m) => (m === undefined ? 'same' : verdictFor(m, c.a))));
    if (verdicts.size === 1) continue;
    const kind = verdicts.has('faster') && verdicts.has('slower') ? 'opposite' : 'unconfirmed';
    out.push({ workload: c.workload, connections: c.connections, a: c.a, b: c.b, kind, texts: matches.map((m) => m?.text ?? '') });
  }
  return out;
}

/** "12,345 req/s (95%: 11,900–12,800)" for tables and summaries; the interval only where there is one. */
export function rpsWithInterval(c: OkCase): string {
  return c.rpsInterval === null ? `${formatRps(c.rps)} req/s` : `${formatRps(c.rps)} req/s (95%: ${formatRps(c.rpsInterval.low)}–${formatRps(c.rpsInterval.high)})`;
}

/**
 * A cell's models from most to least throughput, joined by ">" where the neighbours differ measurably and "≈"
 * where they do not: "event-loop ≈ cluster > worker-pool > sequential".
 */
export function rankingText(results: Results, all: readonly Conclusion[], workload: string, connections: number): string | null {
  const cases = results.cases.filter((c): c is OkCase => c.status === 'ok' && c.mode === 'closed' && c.workload === workload && c.connections === connections).sort((x, y) => y.rps - x.rps);
  const [first, ...rest] = cases;
  if (first === undefined) return null;
  let text = first.model;
  let previous = first.model;
  for (const c of rest) {
    const found = all.find((d) => d.workload === workload && d.connections === connections && ((d.a === previous && d.b === c.model) || (d.b === previous && d.a === c.model)));
    // No interval (one round): the ranking cannot say "no measurable difference" either; "?" says so.
    text += found !== undefined && verdictFor(found, previous) === 'faster' ? ` > ${c.model}` : found === undefined || found.comparison.interval === null ? ` ? ${c.model}` : ` ≈ ${c.model}`;
    previous = c.model;
  }
  return text;
}
