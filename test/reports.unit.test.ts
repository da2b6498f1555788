import { describe, expect, it } from 'vitest';
import type { Cell } from '../results/aggregate.js';
import { cell } from '../results/aggregate.js';
import { compareWarnings } from '../reports/compare-view.js';
import { headline } from '../reports/headline.js';
import { createHash } from 'node:crypto';
import { embedJson, escapeHtml, inlineScript, pageShell, type PageAssets } from '../reports/html.js';
import { buildRunView } from '../reports/run-view.js';
import { comparePageName, runPageName } from '../reports/write.js';
import { formatUs } from '../results/format.js';
import { isRunId, newRunId, type RunId } from '../results/run-id.js';
import { validateResults } from '../results/schema.js';
import { loadFixture } from './helpers/fixtures.js';

function fakeCell(model: string, rps: number | null, p99: number | null, failed: string[] = []): Cell {
  return {
    model, workload: 'io', connections: 64, runs: 1, failed, warnings: [], rps, p50: null, p99, p999: null, mean: null, max: null,
    serverCpuPercent: null, serverRssPeakBytes: null, clientCpuPercent: null, errors: 0, timeouts: 0, non2xx: 0, servedBy: null, requests: 0, distribution: [],
  };
}

describe('headline', () => {
  it('says which model served most, by how much, with both p99s', () => {
    const cells = [fakeCell('sequential', 40, 1_300_000), fakeCell('event-loop', 492, 21_400)];
    expect(headline('io', 64, cells, new Set())).toBe('At 64 clients on `io`, `event-loop` answered 12× more requests than `sequential`, with a p99 of 21.4 ms against 1.30 s.');
  });
  it('compares the best model with the bare baseline, never counts the baseline as a contender', () => {
    const cells = [fakeCell('event-loop', 9000, 2000), fakeCell('worker-pool', 4000, 5000), fakeCell('baseline', 10000, 1500)];
    expect(headline('hello', 16, cells, new Set(['baseline']))).toBe(
      'At 16 clients on `hello`, `event-loop` answered 2.3× more requests than `worker-pool`, with a p99 of 2.00 ms against 5.00 ms. `event-loop` reached 90% of the bare `baseline` (10,000 req/s).',
    );
  });
  it('says when models are close, and names failures', () => {
    const cells = [fakeCell('cluster', 1000, 3000), fakeCell('event-loop', 950, 3100), fakeCell('sequential', null, null, ['server killed by SIGKILL'])];
    expect(headline('csv', 4, cells, new Set())).toBe(
      'At 4 clients on `csv`, every model answered within 10% of the others: `cluster` 1,000 req/s, `event-loop` 950 req/s, with a p99 of 3.00 ms against 3.10 ms. Failed at this level: `sequential`.',
    );
  });
});

describe('html safety', () => {
  it('escapes text and embeds JSON without a single <', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const json = embedJson({ name: '</script><!-- x' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ name: '</script><!-- x' });
    expect(inlineScript('a="</script>"')).toBe('a="<\\/script>"');
  });
});

describe('run view', () => {
  const results = loadFixture('run-a.json');
  it('keeps failed cases as failed cells, never drops them', () => {
    const failed = results.cases.flatMap((c) => (c.status === 'failed' ? [c] : []));
    expect(failed.length).toBeGreaterThan(0);
    const view = buildRunView(results);
    expect(view.failed).toHaveLength(failed.length);
    for (const c of failed) {
      const x = cell(results.cases, c.model, c.workload, c.connections);
      expect(x.rps).toBeNull();
      expect(x.failed).toContain(c.error);
    }
  });
  it('has a headline per workload', () => {
    const view = buildRunView(results);
    expect(view.headlines).toHaveLength(new Set(results.cases.map((c) => c.workload)).size);
  });
  it('warns when runs of different machines are compared', () => {
    const other = { ...results, machine: { ...results.machine, cpuModel: 'Other', node: 'v22.0.0' } };
    const warnings = compareWarnings([{ label: 'A', results }, { label: 'B', results: other }]);
    expect(warnings.join(' ')).toMatch(/different machines.*different Node\.js versions/);
    expect(compareWarnings([{ label: 'A', results }, { label: 'B', results }])).toEqual([]);
  });
});

describe('one latency formatter for tables and chart axes', () => {
  it('keeps three significant digits, trailing zeros included', () => {
    expect([94, 850, 2_345, 21_400, 214_500, 1_300_000, 12_345_000].map((us) => formatUs(us))).toEqual(['94 µs', '850 µs', '2.35 ms', '21.4 ms', '215 ms', '1.30 s', '12.3 s']);
  });
  it('chooses the unit after rounding, so no "1000 µs" or "1000.0 ms"', () => {
    expect([999.4, 999.6, 9_994, 9_996, 999_400, 999_600].map((us) => formatUs(us))).toEqual(['999 µs', '1.00 ms', '9.99 ms', '10.0 ms', '999 ms', '1.00 s']);
  });
  it('never falls into exponent notation', () => {
    expect([999_600_000, 1_234_567_890].map((us) => formatUs(us))).toEqual(['1,000 s', '1,235 s']);
  });
  it('labels chart axes with the same rounding, without trailing zeros', () => {
    const axis = (us: number): string => formatUs(us, { trimZeros: true });
    expect([100, 1_000, 2_000, 10_000, 100_000, 1_000_000, 2_500_000].map(axis)).toEqual(['100 µs', '1 ms', '2 ms', '10 ms', '100 ms', '1 s', '2.5 s']);
    expect([999.6, 2_345, 214_500, 999_600].map(axis)).toEqual(['1 ms', '2.35 ms', '215 ms', '1 s']);
  });
});

describe('run ids', () => {
  it('accepts what the bench makes, and nothing that could be a path or a URL', () => {
    expect(isRunId(newRunId(new Date('2026-11-27T21:52:02.123Z')))).toBe(true);
    expect(isRunId('2026-11-27T21-52-02Z-3f9a')).toBe(true);
    for (const bad of ['../../../escaped', 'javascript:alert(9)', '2026-11-27T21-52-02Z-3f9a/..', '2026-11-27T21-52-02Z-3f9a\n', '2026-11-27T21-52-02Z-3F9A', '', 42, null]) {
      expect(isRunId(bad), JSON.stringify(bad)).toBe(false);
    }
  });
  it('are checked at every read: a results file naming another place is refused by its runId field', () => {
    const results = loadFixture('run-a.json');
    expect(() => validateResults({ ...results, runId: '../../../escaped' })).toThrow(/^not a valid results file: runId: must be a run id like 2026-11-27T21-52-02Z-3f9a$/);
    expect(validateResults(results).runId).toBe(results.runId);
  });
  it('are the only thing page names are made of', () => {
    const a = '2026-11-27T22-22-00Z-da34' as RunId;
    const b = '2026-11-27T22-22-36Z-f329' as RunId;
    expect(runPageName(a)).toBe('2026-11-27T22-22-00Z-da34.html');
    expect(comparePageName([a, b])).toBe('compare-2026-11-27T22-22-00Z-da34-vs-2026-11-27T22-22-36Z-f329.html');
    // A cast can smuggle a string past the type, not past the check.
    expect(() => runPageName('../../../escaped' as RunId)).toThrow('not a run id');
    expect(() => comparePageName([a, '../../../escaped' as RunId])).toThrow('not a run id');
  });
});

describe('the content security policy', () => {
  const assets: PageAssets = {
    chartJs: 'window.Chart = function () {}; // "</script>" inside',
    css: 'body {\r\n  color: #111;\r\n}\r\n',
    pageJs: { run: 'document.title = "run";', compare: 'document.title = "compare";', index: 'document.title = "index";' },
  };
  const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const directive = (html: string, name: string): string[] => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    return policy.split('; ').find((d) => d.startsWith(`${name} `))?.split(' ').slice(1) ?? [];
  };

  it.each(['run', 'compare', 'index'] as const)('lets run exactly the inline scripts of a %s page, by hash, and nothing inline else', (kind) => {
    const html = pageShell('title', kind, { x: '</script><script>alert(1)</script>' }, assets);
    expect(html).not.toContain('unsafe-inline');
    expect(html).toContain("default-src 'none'");
    // Every executable script element, as the browser will read its text: each has its hash, and no more hashes.
    const scripts = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(kind === 'index' ? 1 : 2);
    expect(directive(html, 'script-src').sort()).toEqual(scripts.map(sha256).sort());
    // The style element's text, with its line ends as the HTML parser leaves them (CR LF becomes LF).
    const style = /<style>([^]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(style).toBe('body {\n  color: #111;\n}\n');
    expect(directive(html, 'style-src')).toEqual([sha256(style)]);
  });
});
