/**
 * What a run concludes, with how sure it is: for each cell (workload × clients) and each pair of models,
 * faster, slower or no measurable difference in throughput, from the trials of the same rounds (see stats.ts).
 * Headlines, the bench's summary and the comparison page all speak from here (their words: reports/text/).
 */
import { usedTrials } from './case-summary.js';
import type { OkCase, Results } from '../schema.js';
import { comparePaired, type Comparison, type Verdict } from './stats.js';

export interface Conclusion {
  readonly workload: string;
  readonly connections: number;
  /** The pair, in the order the run lists its models. */
  readonly a: string;
  readonly b: string;
  readonly comparison: Comparison;
}

/** Per round, the used trial's throughput (the first one, if a round holds a retry too). */
function rpsByRound(c: OkCase): Map<number, number> {
  const byRound = new Map<number, number>();
  for (const t of usedTrials(c.trials).used) if (!byRound.has(t.round)) byRound.set(t.round, t.rps);
  return byRound;
}

/**
 * Every pair of models measured in the same cell, in the run's order of models, workloads and clients. Linear in the
 * cases: they are grouped by cell once (a cell is never looked up by scanning every case), and only the cells that
 * exist are visited, whatever the options list.
 */
export function conclusions(results: Results): Conclusion[] {
  const out: Conclusion[] = [];
  const models = [...new Set([...results.options.models, ...results.cases.map((c) => c.model)])];
  const modelOrder = new Map(models.map((m, i) => [m, i]));
  const workloadOrder = new Map([...new Set([...results.options.workloads, ...results.cases.map((c) => c.workload)])].map((w, i) => [w, i]));
  const cells = new Map<string, { workload: string; connections: number; cases: OkCase[] }>();
  for (const c of results.cases) {
    if (c.mode !== 'closed' || c.status !== 'ok') continue;
    const key = `${c.workload}\u0000${c.connections}`;
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { workload: c.workload, connections: c.connections, cases: [] };
      cells.set(key, cell);
    }
    // The first case of a model in a cell, as a lookup by model would find it.
    if (!cell.cases.some((x) => x.model === c.model)) cell.cases.push(c);
  }
  const ordered = [...cells.values()].sort((x, y) => (workloadOrder.get(x.workload) ?? 0) - (workloadOrder.get(y.workload) ?? 0) || x.connections - y.connections);
  for (const { workload, connections: n, cases: unordered } of ordered) {
    const cases = [...unordered].sort((x, y) => (modelOrder.get(x.model) ?? 0) - (modelOrder.get(y.model) ?? 0));
    const rounds = cases.map(rpsByRound);
    for (let i = 0; i < cases.length; i++) {
      for (let j = i + 1; j < cases.length; j++) {
        const a = cases[i];
        const b = cases[j];
        const ra = rounds[i];
        const rb = rounds[j];
        if (a === undefined || b === undefined || ra === undefined || rb === undefined) continue;
        const pairs = [...ra].flatMap(([round, x]): [number, number][] => {
          const y = rb.get(round);
          return y === undefined ? [] : [[x, y]];
        });
        const comparison = comparePaired(pairs);
        if (comparison === null) continue;
        out.push({ workload, connections: n, a: a.model, b: b.model, comparison });
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
  /** Each run's conclusion of the pair, in the order of the runs given. */
  readonly found: readonly Conclusion[];
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
    out.push({ workload: c.workload, connections: c.connections, a: c.a, b: c.b, kind, found: matches.filter((m): m is Conclusion => m !== undefined) });
  }
  return out;
}
