/**
 * --expect, --summary-md and --junit as CI uses them: a malformed threshold is refused before anything starts; a
 * breached one makes the bench exit 3 naming it; a met one exits 0; the JUnit file is well-formed XML.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH, expectRefusal, labServers } from '../helpers/bench-cli.js';

/** XML well-formedness, enough for a JUnit file: one root, every element closed in order, attributes quoted, entities known. */
function wellFormed(text: string): string | null {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  let at = 0;
  let roots = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const between = body.slice(at, m.index);
    if (between.includes('<') || /&(?!(lt|gt|amp|quot|apos);)/.test(between)) return `bad text before ${m[0]}`;
    at = m.index + m[0].length;
    const [, closing, name = '', , selfClosing] = m;
    if (closing === '/') {
      if (stack.pop() !== name) return `</${name}> closes nothing open`;
    } else if (selfClosing !== '/') {
      if (stack.length === 0) roots += 1;
      stack.push(name);
    } else if (stack.length === 0) roots += 1;
  }
  if (body.slice(at).trim() !== '') return 'text after the root';
  return stack.length > 0 ? `<${stack.join('>, <')}> not closed` : roots === 1 ? null : `${roots} roots`;
}

const bench = (args: readonly string[]): { status: number | null; stdout: string; stderr: string } => {
  const out = mkdtempSync(join(tmpdir(), 'lab-expect-'));
  return spawnSync(process.execPath, [BENCH, '--models', 'event-loop', '--workloads', 'io', '--connections', '16', '--duration', '0.5', '--trials', '2', '--max-trials', '2', '--out', out, ...args], { encoding: 'utf8', timeout: 120_000 });
};

describe('thresholds refused before anything starts', () => {
  it.each([
    [['--expect', 'nonsense'], "not '<workload>.<model>.<clients>.<figure> <op> <value>'"],
    [['--workloads', 'io', '--expect', 'io.event-loop.16.p95 < 5ms'], 'figure "p95"'],
    [['--workloads', 'io', '--expect', 'hello.event-loop.1.rps > 5'], 'workload "hello" is not measured by this run'],
    [['--expect-strict'], '--expect-strict needs --expect or --expect-file'],
    [['--expect-file', '/nonexistent/thresholds.json'], '--expect-file /nonexistent/thresholds.json'],
  ])('%j: one line, status 2, no server started', (args, message) => {
    expectRefusal(args, message);
  });

  it('--expect-file holding something else than a list of strings', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lab-expect-')), 'thresholds.json');
    writeFileSync(file, '{"rps": 5}');
    expectRefusal(['--expect-file', file], 'a JSON list of threshold expressions');
  });
});

describe('thresholds judged on a run', () => {
  it('a breached threshold exits 3 naming it; the Markdown and JUnit files say which; nothing is left running', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-ci-'));
    const md = join(dir, 'summary.md');
    const junit = join(dir, 'junit.xml');
    const before = labServers().length;
    const run = bench(['--expect', 'io.event-loop.16.rps > 1000000', '--expect', 'io.*.16.errors <= 0', '--summary-md', md, '--junit', junit]);
    expect(run.status, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/BREACHED +io\.event-loop\.16\.rps > 1000000: event-loop × 16 on io: [\d,.]+ req\/s/);
    expect(run.stdout).toMatch(/met +io\.\*\.16\.errors <= 0/);
    expect(run.stderr).toContain('a threshold was breached: exit status 3');
    expect(readFileSync(md, 'utf8')).toMatch(/\| ❌ BREACHED \| `io\.event-loop\.16\.rps > 1000000` \|/);
    const xml = readFileSync(junit, 'utf8');
    expect(wellFormed(xml)).toBeNull();
    expect(xml).toMatch(/tests="2" failures="1"/);
    expect(labServers().length).toBe(before);
  }, 150_000);

  it('met thresholds exit 0', () => {
    const run = bench(['--expect', 'io.*.16.errors <= 0', '--expect', 'io.event-loop.16.rps > 1']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/met +io\.event-loop\.16\.rps > 1:/);
  }, 150_000);

  it('the well-formedness check can fail', () => {
    expect(wellFormed('<a><b></a></b>')).not.toBeNull();
    expect(wellFormed('<a>x & y</a>')).not.toBeNull();
    expect(wellFormed('<a/><b/>')).toBe('2 roots');
    expect(wellFormed('<?xml version="1.0"?>\n<a x="1"><b/>text &amp; more</a>\n')).toBeNull();
  });
});
