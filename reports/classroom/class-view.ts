/**
 * A class's runs side by side (the class hub's page, hub/): the machines, the relations the course teaches with one
 * dot per student (their newest run; earlier ones listed under it) and theory beside it, figures normalised by each
 * machine's own speed where the work computes, the machines to read with care and why, and every case in one table.
 * Pure: the runs' summaries in (reports/classroom/class-run.ts), a view out; the page only draws it. Its cost is
 * linear in the summaries: the hub builds it whenever a run, a question or an answer arrives.
 */
import { currentLang, formatNumber, t, type Lang, type TextKey } from '../../lib/lang/lang.js';
import { median } from '../../results/stats/stats.js';
import { RELATIONS, type ClassRunSummary, type RelationKey, type RelationSpec, type TableRow } from './class-run.js';

export { RELATIONS, isRelationKey, type RelationKey, type RelationSpec } from './class-run.js';

/** One student's shared runs: the newest is their dot; the earlier ones are listed under it. */
export interface StudentRuns {
  readonly name: string;
  readonly newest: { readonly id: number; readonly receivedAt: string; readonly summary: ClassRunSummary };
  readonly earlier: readonly { readonly id: number; readonly receivedAt: string; readonly runId: string }[];
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
  /** The student's earlier runs, newest first ("#12 · 2026-12-07T10:41"). */
  readonly earlier: readonly string[];
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
  readonly key: RelationKey;
  readonly title: string;
  readonly why: string;
  readonly dots: readonly RelationDot[];
  /** Students without a dot here, each with what their run lacks and what fills it. */
  readonly missing: readonly string[];
  /** The class's predictions for it (the questions' answers). */
  readonly answers: readonly { readonly name: string; readonly value: number }[];
  readonly answersLine: string;
  /** The drawn range (log scale), wide enough for every dot, interval, theory value and answer. */
  readonly min: number;
  readonly max: number;
}

export interface QuestionView {
  readonly id: number;
  readonly relation: RelationKey;
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
  readonly table: { readonly headers: readonly string[]; readonly numeric: readonly boolean[]; readonly rows: readonly (readonly (string | number)[])[]; readonly cut: number };
  readonly text: Readonly<Record<string, string>>;
  /** The teacher's server and broker, with the commands that load it together (npm run class -- --target --broker). */
  readonly together: TogetherView | null;
}

/** The teacher's server to load together, and the broker the students' agents register on. */
export interface Together {
  readonly target: string;
  readonly broker: string;
}

export interface TogetherView {
  readonly title: string;
  readonly intro: string;
  readonly agentLine: string;
  readonly agentCommand: string;
  readonly benchLine: string;
  readonly benchCommand: string;
}

/** A server's origin as the page names it: http(s) with a host, nothing after the port. */
export function targetUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(t('cli.class.targetUrl', { url: raw.slice(0, 100) }));
  }
  // What the bench's --target takes: http://, no credentials, nothing after the port.
  if (url.protocol !== 'http:' || url.hostname === '' || url.username !== '' || url.password !== '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '') throw new Error(t('cli.class.targetUrl', { url: raw.slice(0, 100) }));
  return url.origin;
}

function togetherView(together: Together): TogetherView {
  // As given, password included: the students' agents need it, and the page is behind the class code.
  const broker = together.broker;
  return {
    title: t('class.together.title'),
    intro: t('class.together.intro', { target: together.target }),
    agentLine: t('class.together.agent'),
    agentCommand: `npm run agent -- --broker ${broker} --name ${t('class.together.yourName')}`,
    benchLine: t('class.together.bench'),
    benchCommand: `npm run bench -- --target ${together.target} --workloads io --connections 300 --agents N --broker ${broker}`,
  };
}

export interface Answer {
  readonly question: number;
  readonly name: string;
  readonly value: number;
}

export interface Question {
  readonly id: number;
  readonly relation: RelationKey;
}

/** A ratio's dot is this far from the class median before it is named as an outlier. */
const FAR = 1.5;
/** The table holds at most this many rows (a class of thirty default runs has about 2,300). */
export const MAX_TABLE_ROWS = 20_000;

const ratio = (x: number): string => formatNumber(x, x >= 10 ? 0 : 2);
const stamp = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

function machineRow(student: StudentRuns): MachineRow {
  const { id, summary } = student.newest;
  return {
    id,
    name: student.name,
    cpuModel: summary.machine.cpuModel,
    cores: summary.machine.cores,
    singleRate: summary.probe?.singleRate ?? null,
    capacity: summary.probe?.capacity ?? null,
    node: summary.machine.node,
    runId: summary.runId,
    earlier: student.earlier.map((e) => `#${e.id} · ${stamp(e.receivedAt)}`),
  };
}

/** What a student's run lacks for a relation, and the one option that fills it. */
function missingLine(name: string, spec: RelationSpec, lacks: readonly string[]): string {
  return t('class.relationLacks', { name, cases: lacks.join(', '), fix: spec.figure === 'memory' ? t('cls.fixHeld') : '--profile class' });
}

function relationView(students: readonly StudentRuns[], spec: RelationSpec, answers: readonly { name: string; value: number }[]): RelationView {
  const dots: RelationDot[] = [];
  const missing: string[] = [];
  for (const student of students) {
    const { id, summary } = student.newest;
    const r = summary.relations[spec.key];
    if (r === undefined) {
      missing.push(missingLine(student.name, spec, summary.missing[spec.key] ?? []));
      continue;
    }
    const title = r.low === null || r.high === null ? t('cls.dotTitle', { name: student.name, value: ratio(r.value) }) : t('class.dotTitle', { name: student.name, value: ratio(r.value), low: ratio(r.low), high: ratio(r.high) });
    dots.push({ id, name: student.name, ...r, title: r.theory === null ? title : `${title} · ${t('class.theory', { value: `${ratio(r.theory)}×` })}` });
  }
  const values = [...dots.flatMap((d) => [d.value, d.low ?? d.value, d.high ?? d.value, d.theory ?? d.value]), ...answers.map((a) => a.value)].filter((v) => v > 0 && Number.isFinite(v));
  const min = values.length === 0 ? 0.5 : Math.min(...values) / 1.3;
  const max = values.length === 0 ? 2 : Math.max(...values) * 1.3;
  return {
    key: spec.key,
    title: t(`class.relation.${spec.key}` as TextKey),
    why: t(`class.relationWhy.${spec.key}` as TextKey),
    dots,
    missing,
    answers,
    answersLine: answers.length === 0 ? '' : t(answers.length === 1 ? 'cls.answersOne' : 'class.answers', { n: answers.length, median: ratio(median(answers.map((a) => a.value))) }),
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
function outlierReasons(student: StudentRuns, relations: readonly RelationView[]): string[] {
  const { id, summary } = student.newest;
  const far: string[] = [];
  for (const r of relations) {
    if (r.dots.length < 3) continue;
    const mid = median(r.dots.map((d) => d.value));
    const mine = r.dots.find((d) => d.id === id);
    if (mine === undefined || !(mid > 0)) continue;
    const factor = Math.max(mine.value / mid, mid / mine.value);
    if (factor >= FAR) far.push(t('class.outlier.far', { relation: r.key, factor: ratio(factor) }));
  }
  const f = summary.facts;
  const notable = far.length > 0 || f.marked > NOTABLE_SHARE * f.trials || f.saturated > NOTABLE_SHARE * f.cases;
  if (!notable) return [];
  const reasons = [...far];
  if (f.marked > 0) reasons.push(t('class.outlier.marked', { n: f.marked }));
  if (f.drift) reasons.push(t('class.outlier.drift'));
  if (f.saturated > 0) reasons.push(t('class.outlier.client', { n: f.saturated }));
  if (f.disagree > 0) reasons.push(t('class.outlier.theory', { n: f.disagree }));
  return reasons;
}

const TABLE_KEYS: readonly TextKey[] = ['class.col.name', 'class.col.workload', 'class.col.clients', 'class.col.model', 'class.col.rps', 'class.col.low', 'class.col.high', 'class.col.atBest', 'class.col.p99', 'class.col.normalised', 'class.col.single', 'class.col.cores', 'class.col.run'];

/** The newest run of every student, every closed-loop case of it: at most MAX_TABLE_ROWS, and how many were left out. */
function tableRows(students: readonly StudentRuns[]): { rows: (string | number)[][]; cut: number } {
  const rows: (string | number)[][] = [];
  let cut = 0;
  for (const student of students) {
    const { summary } = student.newest;
    for (const row of summary.rows) {
      if (rows.length >= MAX_TABLE_ROWS) {
        cut += 1;
        continue;
      }
      // Rows of summaries made before the figure at best speed have none: blank.
      const [workload, clients, model, rps, low, high, p99, perSpeed, atBest = '']: TableRow = row;
      rows.push([student.name, workload, clients, model, rps, low, high, atBest, p99, perSpeed, summary.probe?.singleRate ?? '', summary.machine.cores, summary.runId]);
    }
  }
  return { rows, cut };
}

/** The texts the page script needs (it has no catalogue of its own: the view carries them, in its language). */
const PAGE_TEXTS: readonly TextKey[] = [
  'class.running', 'class.runningNone', 'class.machines', 'class.machinesNote', 'class.col.name', 'class.col.cpu', 'class.col.cores', 'class.col.single', 'class.col.capacity', 'class.col.node', 'class.col.run', 'class.col.earlier',
  'class.relations', 'class.relationsNote', 'class.relationMissing', 'class.figures', 'class.figuresNote', 'class.outliers', 'class.outliersNone', 'class.table', 'class.tableNote', 'class.tableCut', 'class.csv',
  'class.questions', 'class.questionsNone', 'class.answer', 'class.answerName', 'class.answerValue', 'class.answerSent', 'class.answerFailed', 'class.answerToken',
];

/** "2026-12-03 21:41 UTC": when a class page was made, as its subtitle says it. */
export function renderedStamp(at: Date = new Date()): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function buildClassView(students: readonly StudentRuns[], questions: readonly Question[], answers: readonly Answer[], options: { readonly live: boolean; readonly renderedAt: string; readonly shareUrl: string; readonly runs?: number; readonly together?: Together }): ClassView {
  const relations = RELATIONS.map((spec) => {
    const asked = new Set(questions.filter((q) => q.relation === spec.key).map((q) => q.id));
    return relationView(students, spec, answers.filter((a) => asked.has(a.question)).map((a) => ({ name: a.name, value: a.value })));
  });
  const text: Record<string, string> = {};
  for (const key of PAGE_TEXTS) text[key] = t(key);
  text['class.empty'] = t('class.empty', { url: options.shareUrl });
  const runs = options.runs ?? students.reduce((n, s) => n + 1 + s.earlier.length, 0);
  const table = tableRows(students);
  return {
    lang: currentLang(),
    title: t('class.title', { n: students.length }),
    subtitle: t('class.subtitle', { runs, machines: students.length, at: options.renderedAt }),
    live: options.live,
    machines: students.map(machineRow),
    relations,
    outliers: students.map((s) => ({ name: s.name, reasons: outlierReasons(s, relations) })).filter((o) => o.reasons.length > 0),
    questions: questions.map((q) => ({ id: q.id, relation: q.relation, text: t(`class.relation.${q.relation}` as TextKey), answers: answers.filter((a) => a.question === q.id).length })),
    table: { headers: TABLE_KEYS.map((k) => t(k)), numeric: [false, false, true, false, true, true, true, true, true, true, true, true, false], rows: table.rows, cut: table.cut },
    text,
    together: options.together === undefined ? null : togetherView(options.together),
  };
}
