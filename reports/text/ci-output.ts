/**
 * What CI systems read: one line per threshold in the terminal, a Markdown summary (GitHub shows it as the job's
 * summary when written to $GITHUB_STEP_SUMMARY), and a JUnit XML file (one test case per threshold: breached is a
 * failure; unsure is one only with --expect-strict, else it is marked skipped with its reason).
 */
import { formatRps, formatUs } from '../../lib/format.js';
import { t } from '../../lib/lang/lang.js';
import type { Results } from '../../results/schema.js';
import type { CaseJudgement, ThresholdResult } from '../../results/thresholds.js';
import { axes, cell } from '../../results/stats/aggregate.js';
import { clientsText } from './conclusions.js';
import { faultSentences } from './faults.js';
import { speaker } from '../../lib/lang/sentences.js';

/** A case's figure as a threshold line says it: "12,300 req/s (95%: 11,900–12,800)", "2.1 ms", "0 errors". */
function figureText(r: ThresholdResult, j: CaseJudgement): string {
  if (j.value === null || j.interval === null) return t(`ci.why.${j.why ?? 'failed'}`);
  const f = r.threshold.figure;
  const one = (v: number): string => (f === 'rps' ? formatRps(v) : f === 'p50' || f === 'p99' ? formatUs(v) : f === 'recovery' ? (Number.isFinite(v) ? `${v.toFixed(2)} s` : t('ci.notRecovered')) : String(v));
  const exact = j.interval.low === j.interval.high;
  const value = f === 'rps' ? `${one(j.value)} req/s` : f === 'errors' ? t('ci.errors', { n: j.value }) : one(j.value);
  return exact ? value : t('ci.figure', { value, low: one(j.interval.low), high: one(j.interval.high) });
}

/** The case a threshold line names: the breached one, else an unsure one, else the first. */
function telling(r: ThresholdResult): CaseJudgement | undefined {
  return r.cases.find((c) => c.verdict === 'breached') ?? r.cases.find((c) => c.verdict === 'unsure') ?? r.cases[0];
}

/** "breached  io.event-loop.16.rps > 1000000: event-loop × 16 measured 24,100 req/s (95%: 23,800–24,400)". */
export function thresholdLine(r: ThresholdResult): string {
  const c = telling(r);
  const where = c === undefined ? t('ci.noCase') : t('ci.case', { model: c.model, workload: c.workload, clients: c.connections, figure: figureText(r, c) });
  const more = r.cases.length > 1 ? t('ci.ofCases', { met: r.cases.filter((x) => x.verdict === 'met').length, n: r.cases.length }) : '';
  return `${t(`ci.verdict.${r.verdict}`).padEnd(9)} ${r.threshold.text}: ${where}${more}`;
}

export function thresholdLines(results: readonly ThresholdResult[]): string[] {
  return results.length === 0 ? [] : [t('ci.heading'), ...results.map((r) => `  ${thresholdLine(r)}`)];
}

const mdCell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The run in Markdown: one table per workload (req/s and p99 by model and clients), then the thresholds. */
export function markdownSummary(results: Results, judged: readonly ThresholdResult[], strict: boolean): string {
  const out: string[] = [`# ${t('ci.md.title', { run: results.runId })}`, '', t('ci.md.machine', { cpu: results.machine.cpuModel, cores: results.machine.cpus, node: results.machine.node, profile: results.options.profile }), ''];
  if (judged.length > 0) {
    out.push(`## ${t('ci.heading')}`, '', `| ${t('ci.md.verdict')} | ${t('ci.md.threshold')} | ${t('ci.md.case')} |`, '| --- | --- | --- |');
    for (const r of judged) {
      const c = telling(r);
      const mark = r.verdict === 'met' ? '✅' : r.verdict === 'breached' ? '❌' : strict ? '❌' : '⚠️';
      out.push(`| ${mark} ${t(`ci.verdict.${r.verdict}`)} | \`${mdCell(r.threshold.text)}\` | ${c === undefined ? t('ci.noCase') : mdCell(t('ci.case', { model: c.model, workload: c.workload, clients: c.connections, figure: figureText(r, c) }))} |`);
    }
    out.push('');
  }
  const { models, workloads, connections } = axes(results);
  for (const workload of workloads) {
    const levels = connections.filter((n) => models.some((m) => cell(results.cases, m, workload, n).runs > 0));
    if (levels.length === 0) continue;
    out.push(`## \`${workload}\``, '', `| ${t('summary.model')} | ${levels.map((n) => clientsText(n)).join(' | ')} |`, `| --- |${levels.map(() => ' --- |').join('')}`);
    for (const model of models) {
      const cells = levels.map((n) => cell(results.cases, model, workload, n));
      if (cells.every((c) => c.runs === 0)) continue;
      out.push(`| ${model} | ${cells.map((c) => (c.rps === null ? (c.runs > 0 ? t('tx.sum.failed') : '—') : `${formatRps(c.rps)} req/s · p99 ${c.p99 === null ? '—' : formatUs(c.p99)}`)).join(' | ')} |`);
    }
    out.push('');
  }
  const faults = faultSentences(results.cases, speaker(results.sentences));
  if (faults.length > 0) out.push(`## ${t('tx.sum.faults')}`, '', ...faults.map((f) => `- ${mdCell(f)}`), '');
  return `${out.join('\n')}\n`;
}

/** Text as XML 1.0 holds it: the control characters it cannot hold dropped, the five specials escaped. */
const xml = (s: string): string => s.replace(/[^\t\n\r\u0020-\uffff]/gu, '').replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch);

/** JUnit XML: a test suite of the run, a test case per threshold (its cases in the output). */
export function junitXml(results: Results, judged: readonly ThresholdResult[], strict: boolean): string {
  const failures = judged.filter((r) => r.verdict === 'breached' || (strict && r.verdict === 'unsure')).length;
  const skipped = judged.filter((r) => !strict && r.verdict === 'unsure').length;
  const seconds = Math.max(0, (Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="concurrency-lab" tests="${judged.length}" failures="${failures}" skipped="${skipped}" time="${seconds.toFixed(1)}">`,
    `  <testsuite name="${xml(`bench ${results.runId}`)}" tests="${judged.length}" failures="${failures}" skipped="${skipped}" errors="0" timestamp="${xml(results.startedAt.slice(0, 19))}" time="${seconds.toFixed(1)}">`,
  ];
  for (const r of judged) {
    const detail = r.cases.map((c) => `${t(`ci.verdict.${c.verdict}`)}: ${t('ci.case', { model: c.model, workload: c.workload, clients: c.connections, figure: figureText(r, c) })}`).join('\n');
    lines.push(`    <testcase classname="thresholds" name="${xml(r.threshold.text)}">`);
    if (r.verdict === 'breached' || (strict && r.verdict === 'unsure')) lines.push(`      <failure message="${xml(thresholdLine(r).replace(/ {2,}/, ' '))}" type="${r.verdict}">${xml(detail)}</failure>`);
    else if (r.verdict === 'unsure') lines.push(`      <skipped message="${xml(thresholdLine(r).replace(/ {2,}/, ' '))}"/>`);
    lines.push(`      <system-out>${xml(detail)}</system-out>`, '    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
