/** results/thresholds.ts and reports/text/ci-output.ts: thresholds judged on intervals, and the files CI reads. */
import { describe, expect, it } from 'vitest';
import { judgeInterval, judgeThresholds, parseThreshold, thresholdStatus, ThresholdError } from '../../results/thresholds.js';
import { junitXml, markdownSummary, thresholdLines } from '../../reports/text/ci-output.js';
import { loadFixture } from '../helpers/fixtures.js';
import { findOkCase } from '../../results/find-case.js';

const run = loadFixture('default-run.json');
const known = { workloads: run.options.workloads, models: run.options.models, connections: run.options.connections };

describe('a threshold expression', () => {
  it('reads the case, the figure, the bound and its unit', () => {
    expect(parseThreshold('io.event-loop.16.rps > 1000000', known)).toMatchObject({ workload: 'io', model: 'event-loop', clients: 16, figure: 'rps', op: '>', value: 1_000_000 });
    expect(parseThreshold(' hello.*.64.p99 <= 5ms ', known)).toMatchObject({ text: 'hello.*.64.p99 <= 5ms', model: '*', figure: 'p99', op: '<=', value: 5000 });
    expect(parseThreshold('*.*.*.p50 < 1.5s', known).value).toBe(1_500_000);
    expect(parseThreshold('io.*.16.errors <= 0', known)).toMatchObject({ figure: 'errors', value: 0 });
    expect(parseThreshold('io.cluster.16.recovery < 500ms', known).value).toBeCloseTo(0.5, 10);
  });

  it('refuses, naming the part, what is not one', () => {
    const refused = (text: string): string => {
      try {
        parseThreshold(text, known);
      } catch (error: unknown) {
        if (error instanceof ThresholdError) return error.message;
      }
      return 'accepted';
    };
    expect(refused('nonsense')).toMatch(/not '<workload>\.<model>\.<clients>\.<figure> <op> <value>'/);
    expect(refused('io.event-loop.16.rps = 5')).toMatch(/not '<workload>/);
    expect(refused('iox.event-loop.16.rps > 5')).toMatch(/workload "iox" is not measured by this run/);
    expect(refused('io.nginx.16.rps > 5')).toMatch(/model "nginx"/);
    expect(refused('io.event-loop.17.rps > 5')).toMatch(/clients "17" is not a level of this run \(1, 16, 64, or \*\)/);
    expect(refused('io.event-loop.16.p95 > 5')).toMatch(/figure "p95" is not one of rps, p50, p99, errors, recovery/);
    expect(refused('io.event-loop.16.rps > 5ms')).toMatch(/rps takes no unit/);
    expect(refused('io.event-loop.16.p99 > 5min')).toMatch(/a latency's unit is us, ms or s/);
  });
});

describe('a threshold judged on the interval', () => {
  it('is met only where the whole interval meets it, breached only where the whole interval breaches it', () => {
    expect(judgeInterval({ low: 90, high: 110 }, '>', 80)).toBe('met');
    expect(judgeInterval({ low: 90, high: 110 }, '>', 100)).toBe('unsure');
    expect(judgeInterval({ low: 90, high: 110 }, '>', 110)).toBe('breached');
    expect(judgeInterval({ low: 90, high: 110 }, '<', 110)).toBe('unsure');
    expect(judgeInterval({ low: 90, high: 110 }, '<', 111)).toBe('met');
    expect(judgeInterval({ low: 90, high: 110 }, '<=', 89)).toBe('breached');
    expect(judgeInterval({ low: 0, high: 0 }, '<=', 0)).toBe('met');
    expect(judgeInterval({ low: 90, high: 110 }, '>=', 90)).toBe('met');
  });

  it('judges every case a * names, and the run exits 3 when one is breached', () => {
    const el = findOkCase(run.cases, 'event-loop', 'io', 16);
    if (el?.rpsInterval == null) throw new Error('fixture changed');
    const judged = judgeThresholds(
      [
        parseThreshold('io.event-loop.16.rps > 1000000', known),
        parseThreshold(`io.event-loop.16.rps > ${Math.floor(el.rpsInterval.low / 2)}`, known),
        parseThreshold(`io.event-loop.16.rps > ${Math.round(el.rps)}`, known),
        parseThreshold('io.*.16.errors <= 0', known),
        parseThreshold('cpu.sequential.1.p99 < 1ms', known),
      ],
      run.cases,
    );
    expect(judged.map((j) => j.verdict)).toEqual(['breached', 'met', 'unsure', 'met', 'unsure']);
    expect(judged[3]?.cases).toHaveLength(4); // every model that serves io, at 16 clients
    expect(judged[4]?.cases[0]?.why).toBe('max-of-n'); // 824 answers: no p99
    expect(thresholdStatus(judged, false)).toBe(3);
    expect(thresholdStatus(judged.slice(1), false)).toBe(0);
    expect(thresholdStatus(judged.slice(1), true)).toBe(3); // unsure fails when strict
    const lines = thresholdLines(judged);
    expect(lines[1]).toMatch(/^ {2}BREACHED +io\.event-loop\.16\.rps > 1000000: event-loop × 16 on io: [\d,.]+ req\/s \(95%: [\d,.]+–[\d,.]+\)$/);
    expect(lines[4]).toMatch(/met +io\.\*\.16\.errors <= 0: .* \(met by 4 of 4 cases\)$/);
  });

  it('writes a Markdown summary and a JUnit file with one test case per threshold', () => {
    const judged = judgeThresholds([parseThreshold('io.event-loop.16.rps > 1000000', known), parseThreshold('io.*.16.errors <= 0', known), parseThreshold('cpu.sequential.1.p99 < 1ms', known)], run.cases);
    const md = markdownSummary(run, judged, false);
    expect(md).toMatch(/^# Concurrency lab: run /);
    expect(md).toMatch(/\| ❌ BREACHED \| `io\.event-loop\.16\.rps > 1000000` \|/);
    expect(md).toMatch(/\| ⚠️ unsure \| `cpu\.sequential\.1\.p99 < 1ms` \| sequential × 1 on cpu: fewer than 1,000 answers: no p99 to judge \|/);
    expect(md).toMatch(/## `io`\n\n\| model \| 1 client \| 16 clients \| 64 clients \|/);
    const xml = junitXml(run, judged, false);
    expect(xml).toMatch(/<testsuites name="concurrency-lab" tests="3" failures="1" skipped="1"/);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toMatch(/<testcase classname="thresholds" name="io\.event-loop\.16\.rps &gt; 1000000">\n {6}<failure message="BREACHED/);
    expect(junitXml(run, judged, true)).toMatch(/failures="2" skipped="0"/);
  });
});
