/**
 * A class's runs side by side (the class hub's page, hub/): the machines, the relations the course teaches with one
 * dot per machine and theory beside it, figures normalised by each machine's own speed, the machines to read with
 * care and why, and every case in one table. Pure: shared runs in, a view out; the page only draws it.
 */
import { currentLang, formatNumber, t, type Lang, type TextKey } from '../../lib/lang/lang.js';
import { bestProbe } from '../../results/stats/probes.js';
import { conclusions, type Conclusion } from '../../results/stats/conclusions.js';
import { checkPredictions } from '../../results/theory/prediction-check.js';
import type { OkCase, Results } from '../../results/schema.js';
import { median } from '../../results/stats/stats.js';

/** One shared run, as the hub keeps it. */
export interface ClassRun {
  readonly id: number;
  /** The student's name, as text. */
  readonly name: string;
  readonly receivedAt: string;
  readonly results: Results;
}

/** A relation the course teaches: a ratio of two models' throughputs in one cell. */
export interface RelationSpec {
  readonly key: 'io' | 'cpu' | 'hello' | 'start';
  readonly workload: string;
  readonly connections: number;
  readonly a: string;
  readonly b: string;
}

export const RELATIONS: readonly RelationSpec[] = [
  { key: 'io', workload: 'io', connections: 16, a: 'event-loop', b: 'sequential' },
  { key: 'cpu', workload: 'cpu', connections: 16, a: 'cluster', b: 'event-loop' },
  { key: 'hello', workload: 'hello', connections: 64, a: 'worker-pool', b: 'event-loop' },
  { key: 'start', workload: 'hello', connections: 1, a: 'event-loop', b: 'process-per-request' },
];

export function isRelationKey(value: string): value is RelationSpec['key'] {
  return RELATIONS.some((r) => r.key === value);
}

export interface MachineRow {
  readonly id: number;
  readonly name: string;
  readonly cpuModel: string;
  readonly cores: number;
  /** PBKDF2 iterations per ms on one thread (the run's best probe); null without probes. */
  readonly singleRate: number | null;
  readonly capacity: number | null;
  readonly node: string;
  readonly runId: string;
  readonly cells: readonly string[];
}

export interface RelationDot {
  readonly id: number;
  readonly name: string;
  readonly value: number;
  readonly low: number | null;
  readonly high: number | null;
  readonly theory: number | null;
  readonly title: string;
}

export interface RelationView {
  readonly key: RelationSpec['key'];
  readonly title: string;
  readonly why: string;
  readonly dots: readonly RelationDot[];
  /** The class's predictions for it (the questions' answers). */
  readonly answers: readonly { readonly name: string; readonly value: number }[];
  readonly answersLine: string;
  /** The drawn range (log scale), wide enough for every dot, interval, theory value and answer. */
  readonly min: number;
  readonly max: number;
}

export interface QuestionView {
  readonly id: number;
  readonly relation: RelationSpec['key'];
  readonly text: string;
  readonly answers: number;
}

export interface ClassView {
  readonly lang: Lang;
  readonly title: string;
  readonly subtitle: string;
  /** True on the hub (answers can be posted, progress is polled); false in a saved page. */
  readonly live: boolean;
  readonly machines: readonly MachineRow[];
  readonly relations: readonly RelationView[];
  readonly outliers: readonly { readonly name: string; readonly reasons: readonly string[] }[];
  readonly questions: readonly QuestionView[];
  readonly table: { readonly headers: readonly string[]; readonly numeric: readonly boolean[]; readonly rows: readonly (readonly (string | number)[])[] };
  readonly text: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly question: number;
  readonly name: string;
  readonly value: number;
}

export interface Question {
  readonly id: number;
  readonly relation: RelationSpec['key'];
}

/** A ratio's dot is this far from the class median before it is named as an outlier. */
const FAR = 1.5;

function okCase(results: Results, model: string, workload: string, connections: number): OkCase | undefined {
  const c = results.cases.find((x) => x.mode === 'closed' && x.model === model && x.workload === workload && x.connections === connections);
  return c?.status === 'ok' ? c : undefined;
}

/** The paired ratio a ÷ b of one run, with its interval, and theory's ratio; null where the run lacks either case. */
export function relationOf(results: Results, spec: RelationSpec, all: readonly Conclusion[] = conclusions(results)): { value: number; low: number | null; high: number | null; theory: number | null } | null {
  const a = okCase(results, spec.a, spec.workload, spec.connections);
  const b = okCase(results, spec.b, spec.workload, spec.connections);
  if (a === undefined || b === undefined || !(a.rps > 0) || !(b.rps > 0)) return null;
  const paired = all.find((c) => c.workload === spec.workload && c.connections === spec.connections && ((c.a === spec.a && c.b === spec.b) || (c.a === spec.b && c.b === spec.a)));
  const theory = a.predicted !== undefined && b.predicted !== undefined && b.predicted.rps > 0 ? a.predicted.rps / b.predicted.rps : null;
  if (paired === undefined) return { value: a.rps / b.rps, low: null, high: null, theory };
  const flip = paired.a !== spec.a;
  const cmp = paired.comparison;
  const value = flip ? 1 / cmp.ratio : cmp.ratio;
  const interval = cmp.interval === null ? null : flip ? { low: 1 / cmp.interval.high, high: 1 / cmp.interval.low } : cmp.interval;
  return { value, low: interval?.low ?? null, high: interval?.high ?? null, theory };
}

const ratio = (x: number): string => formatNumber(x, x >= 10 ? 0 : 2);

function machineRow(run: ClassRun): MachineRow {
  const best = bestProbe(run.results.probes);
  const cells = [...new Set(run.results.cases.map((c) => `${c.workload} × ${c.connections}`))];
  return {
    id: run.id,
    name: run.name,
    cpuModel: run.results.machine.cpuModel,
    cores: run.results.machine.cpus,
    singleRate: best === undefined ? null : Math.round(best.singleRate),
    capacity: best === undefined ? null : Math.round(best.capacity * 100) / 100,
    node: run.results.machine.node,
    runId: run.results.runId,
    cells,
  };
}

function relationView(runs: readonly ClassRun[], concluded: ReadonlyMap<number, readonly Conclusion[]>, spec: RelationSpec, answers: readonly { name: string; value: number }[]): RelationView {
  const dots: RelationDot[] = [];
  for (const run of runs) {
    const r = relationOf(run.results, spec, concluded.get(run.id));
    if (r === null) continue;
    const title = r.low === null || r.high === null ? `${run.name}: ${ratio(r.value)}×` : t('class.dotTitle', { name: run.name, value: ratio(r.value), low: ratio(r.low), high: ratio(r.high) });
    dots.push({ id: run.id, name: run.name, ...r, title: r.theory === null ? title : `${title} · ${t('class.theory', { value: `${ratio(r.theory)}×` })}` });
  }
  const values = [...dots.flatMap((d) => [d.value, d.low ?? d.value, d.high ?? d.value, d.theory ?? d.value]), ...answers.map((a) => a.value)].filter((v) => v > 0 && Number.isFinite(v));
  const min = values.length === 0 ? 0.5 : Math.min(...values) / 1.3;
  const max = values.length === 0 ? 2 : Math.max(...values) * 1.3;
  return {
    key: spec.key,
    title: t(`class.relation.${spec.key}` as TextKey),
    why: t(`class.relationWhy.${spec.key}` as TextKey),
    dots,
    answers,
    answersLine: answers.length === 0 ? '' : t('class.answers', { n: answers.length, median: ratio(median(answers.map((a) => a.value))) }),
    min: Math.min(min, 0.8),
    max: Math.max(max, 1.25),
  };
}

/** A share of marked trials or of cases with a saturated client above this is a run to read with care. */
const NOTABLE_SHARE = 0.3;

/**
 * Why a machine's figures deserve care. On a shared machine every run has some marked trials: a machine is named
 * when it stands out (a dot far from the class's median, or a large share of marked trials or saturated clients),
 * with every likely cause its run recorded.
 */
function outlierReasons(run: ClassRun, relations: readonly RelationView[]): string[] {
  const far: string[] = [];
  for (const r of relations) {
    if (r.dots.length < 3) continue;
    const mid = median(r.dots.map((d) => d.value));
    const mine = r.dots.find((d) => d.id === run.id);
    if (mine === undefined || !(mid > 0)) continue;
    const factor = Math.max(mine.value / mid, mid / mine.value);
    if (factor >= FAR) far.push(t('class.outlier.far', { relation: r.key, factor: ratio(factor) }));
  }
  const cases = run.results.cases;
  const trials = cases.flatMap((c) => c.trials);
  const marked = trials.filter((tr) => tr.status === 'ok' && tr.marked.length > 0).length;
  const saturated = cases.filter((c) => c.warnings.some((w) => w.code === 'client-saturated')).length;
  const notable = far.length > 0 || marked > NOTABLE_SHARE * trials.length || saturated > NOTABLE_SHARE * cases.length;
  if (!notable) return [];
  const reasons = [...far];
  if (marked > 0) reasons.push(t('class.outlier.marked', { n: marked }));
  if (run.results.warnings.some((w) => w.code === 'machine-drift')) reasons.push(t('class.outlier.drift'));
  if (saturated > 0) reasons.push(t('class.outlier.client', { n: saturated }));
  const disagree = checkPredictions(run.results).filter((p) => p.disagrees && Math.abs(p.rpsError) > 0.15).length;
  if (disagree > 0) reasons.push(t('class.outlier.theory', { n: disagree }));
  return reasons;
}

const TABLE_KEYS: readonly TextKey[] = ['class.col.name', 'class.col.workload', 'class.col.clients', 'class.col.model', 'class.col.rps', 'class.col.low', 'class.col.high', 'class.col.p99', 'class.col.normalised', 'class.col.single', 'class.col.cores', 'class.col.run'];

function tableRows(runs: readonly ClassRun[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const run of runs) {
    const single = bestProbe(run.results.probes)?.singleRate ?? null;
    for (const c of run.results.cases) {
      if (c.status !== 'ok' || c.mode !== 'closed') continue;
      const unitsOfSpeed = single === null ? null : single / 1000;
      rows.push([
        run.name,
        c.workload,
        c.connections,
        c.model,
        Math.round(c.rps * 10) / 10,
        c.rpsInterval === null ? '' : Math.round(c.rpsInterval.low * 10) / 10,
        c.rpsInterval === null ? '' : Math.round(c.rpsInterval.high * 10) / 10,
        Math.round(c.latencyUs.p99),
        unitsOfSpeed === null ? '' : Math.round((c.rps / unitsOfSpeed) * 10) / 10,
        single === null ? '' : Math.round(single),
        run.results.machine.cpus,
        run.results.runId,
      ]);
    }
  }
  return rows;
}

/** The texts the page script needs (it has no catalogue of its own: the view carries them, in its language). */
const PAGE_TEXTS: readonly TextKey[] = [
  'class.running', 'class.runningNone', 'class.machines', 'class.machinesNote', 'class.col.name', 'class.col.cpu', 'class.col.cores', 'class.col.single', 'class.col.capacity', 'class.col.node', 'class.col.run',
  'class.relations', 'class.relationsNote', 'class.relationMissing', 'class.figures', 'class.figuresNote', 'class.outliers', 'class.outliersNone', 'class.table', 'class.tableNote', 'class.csv',
  'class.questions', 'class.questionsNone', 'class.answer', 'class.answerName', 'class.answerValue', 'class.answerCode', 'class.answerSent', 'class.answerFailed',
];

/** "2026-12-03 21:41 UTC": when a class page was made, as its subtitle says it. */
export function renderedStamp(at: Date = new Date()): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function buildClassView(runs: readonly ClassRun[], questions: readonly Question[], answers: readonly Answer[], options: { readonly live: boolean; readonly renderedAt: string; readonly shareUrl: string }): ClassView {
  // Each run's paired comparisons, once: every relation reads its own pair from them.
  const concluded = new Map(runs.map((run) => [run.id, conclusions(run.results)]));
  const relations = RELATIONS.map((spec) => {
    const asked = new Set(questions.filter((q) => q.relation === spec.key).map((q) => q.id));
    return relationView(runs, concluded, spec, answers.filter((a) => asked.has(a.question)).map((a) => ({ name: a.name, value: a.value })));
  });
  const machines = new Set(runs.map((r) => `${r.name}\u0000${r.results.machine.cpuModel}`)).size;
  const text: Record<string, string> = {};
  for (const key of PAGE_TEXTS) text[key] = t(key);
  text['class.empty'] = t('class.empty', { url: options.shareUrl });
  return {
    lang: currentLang(),
    title: t('class.title', { n: machines }),
    subtitle: t('class.subtitle', { runs: runs.length, machines, at: options.renderedAt }),
    live: options.live,
    machines: runs.map(machineRow),
    relations,
    outliers: runs.map((run) => ({ name: run.name, reasons: outlierReasons(run, relations) })).filter((o) => o.reasons.length > 0),
    questions: questions.map((q) => ({ id: q.id, relation: q.relation, text: t(`class.relation.${q.relation}` as TextKey), answers: answers.filter((a) => a.question === q.id).length })),
    table: { headers: TABLE_KEYS.map((k) => t(k)), numeric: [false, false, true, false, true, true, true, true, true, true, true, false], rows: tableRows(runs) },
    text,
  };
}
