/**
 * What the pages and the summary say of a run's connections and of the session workload's lost updates: from a
 * results file that records them, and nothing new for one that does not.
 */
import { describe, expect, it } from 'vitest';
import { summaryTables } from '../../reports/text/summary.js';
import { measuredText } from '../../reports/views/index-view.js';
import { buildRunView } from '../../reports/views/run/run-view.js';
import { validateResults, type Results } from '../../results/schema.js';
import { buildV2Results } from '../helpers/v2-fixture.js';

/** The built fixture as a --tls --sessions local run whose `io` cases are the session workload, with lost updates. */
function sessionRun(lost: (model: string) => number): Results {
  const base = buildV2Results();
  const json = JSON.parse(JSON.stringify(base)) as Results;
  json.options = { ...json.options, workloads: json.options.workloads.map((w) => (w === 'io' ? 'session' : w)), tls: true, newConnections: false, sessions: 'local' };
  json.workloads = json.workloads.map((w) => (w.name === 'io' ? { ...w, name: 'session', description: 'GET /visits', paths: ['/visits'] } : w));
  json.cases = json.cases.map((c) => (c.workload !== 'io' ? c : c.status === 'ok' ? { ...c, workload: 'session', lostUpdates: lost(c.model) } : { ...c, workload: 'session' }));
  return validateResults(json);
}

describe('a run over HTTPS with local sessions', () => {
  it('the facts and "measured as" say how the servers were spoken to', () => {
    const results = sessionRun(() => 0);
    const facts = new Map(buildRunView(results).facts);
    expect(facts.get('Connections')).toMatch(/^HTTPS with the lab's self-signed certificate.*keep-alive.*sessions local/);
    expect(facts.get('Connections')).toContain('The session workload opens a new connection for every visit');
    expect(measuredText(results)).toMatch(/; HTTPS \(self-signed\), keep-alive, local sessions$/);
    const fresh = validateResults({ ...results, options: { ...results.options, tls: false, newConnections: true, sessions: 'shared' } });
    expect(measuredText(fresh)).toMatch(/; HTTP, a new connection per request$/);
  });

  it('a file that does not record them gets no such fact, and its text is as before', () => {
    const results = buildV2Results();
    expect(new Map(buildRunView(results).facts).has('Connections')).toBe(false);
    expect(measuredText(results)).not.toContain('HTTP');
  });

  it('the session workload carries its lost updates, as text, and says what they mean', () => {
    const results = sessionRun((model) => (model === 'cluster' ? 7 : 0));
    const view = buildRunView(results);
    const session = view.workloads.find((w) => w.name === 'session');
    expect(session?.lostUpdatesNote).toMatch(/^Lost updates: answers whose visit count was not the client's previous count \+ 1\./);
    expect(session?.lostUpdatesNote).toContain('locally (--sessions local)');
    expect(session?.lostUpdatesNote).toContain('Lost updates here: cluster.');
    const cluster = session?.series.find((s) => s.model === 'cluster')?.cells.find((c) => c.rps !== null);
    expect(cluster?.lostUpdates).toBe(7);
    expect(cluster?.text.lostUpdates).toMatch(/^7 of [\d,]+ answers \(\d+%\)$/);
    // Other workloads have no lost updates, and no such note.
    expect(view.workloads.filter((w) => w.name !== 'session').every((w) => w.lostUpdatesNote === null)).toBe(true);
    const summary = summaryTables(results);
    expect(summary).toContain("lost updates (a visit count that was not the client's previous + 1; sessions local):");
    expect(summary).toMatch(/cluster × \d+: 7 of [\d,]+ answers/);
  });
});
