import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseWorkQuery, shareLargeBodies, workBody } from '../../servers/app/work.js';
import { resolveStaticPath } from '../../servers/app/course/static-site.js';
import { splitTarget } from '../../servers/app/handler.js';
import { indexData, parseCsv } from '../../servers/app/course/csv-data.js';
import { runBlocking } from '../../servers/app/run-blocking.js';
import { runAsync } from '../../servers/app/run-async.js';
import { handle } from '../../servers/app/handler.js';
import { burnCpu } from '../../servers/app/cpu-work.js';
import { ASSOCIATION_COUNT, EVENT_COUNT, generateAssociations, generateEvents, sha256 } from '../../scripts/generate-data.js';

describe('parseWorkQuery', () => {
  it('reads the three parameters, defaulting to 0', () => {
    expect(parseWorkQuery('')).toEqual({ cpu: 0, io: 0, bytes: 0 });
    expect(parseWorkQuery('cpu=10&io=20&bytes=30')).toEqual({ cpu: 10, io: 20, bytes: 30 });
    expect(parseWorkQuery('io=10000&cpu=5000000&bytes=10485760')).toEqual({ cpu: 5_000_000, io: 10_000, bytes: 10_485_760 });
  });
  it('names the parameter and its range', () => {
    expect(parseWorkQuery('io=10001')).toEqual({ error: `parameter 'io' must be an integer from 0 to 10000 (milliseconds of waiting), got "10001"` });
    expect(parseWorkQuery('cpu=0x10')).toHaveProperty('error', expect.stringContaining("'cpu'"));
    expect(parseWorkQuery('bytes=1&bytes=1')).toEqual({ error: "parameter 'bytes' is given more than once; give it once" });
  });
});

describe('workBody', () => {
  it('pads the JSON to exactly the asked size when it is larger than the minimum', () => {
    const body = workBody({ cpu: 1, io: 2, bytes: 500 }, 'ab');
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    expect(text).toHaveLength(500);
    // 51 characters without padding: the pad fills the other 449, and the JSON is the same as stringify's.
    expect(text).toBe(JSON.stringify({ cpu: 1, io: 2, bytes: 500, digest: 'ab', pad: 'x'.repeat(449) }));
    expect(workBody({ cpu: 0, io: 0, bytes: 3 }, '')).toBe('{"cpu":0,"io":0,"bytes":3,"digest":"","pad":""}');
  });
  it('gives the same large body again from the last one built, and builds another for other parameters', () => {
    const first = workBody({ cpu: 0, io: 0, bytes: 2_000_000 }, '');
    expect(workBody({ cpu: 0, io: 0, bytes: 2_000_000 }, '')).toBe(first);
    const other = workBody({ cpu: 0, io: 1, bytes: 2_000_000 }, '');
    expect(other).not.toBe(first);
    expect(Buffer.from(other).toString('latin1', 0, 40)).toBe('{"cpu":0,"io":1,"bytes":2000000,"digest"');
    expect(workBody({ cpu: 0, io: 0, bytes: 2_000_000 }, '')).not.toBe(first); // one body kept, not two
  });
  it('builds large bodies in shared memory once told to (a thread whose answers cross to the main thread)', () => {
    const before = workBody({ cpu: 0, io: 0, bytes: 100_000 }, 'a');
    expect(typeof before !== 'string' && before.buffer instanceof SharedArrayBuffer).toBe(false);
    shareLargeBodies();
    const after = workBody({ cpu: 0, io: 0, bytes: 100_000 }, 'b');
    expect(typeof after !== 'string' && after.buffer instanceof SharedArrayBuffer).toBe(true);
    expect(Buffer.from(after).toString('latin1')).toBe(JSON.stringify({ cpu: 0, io: 0, bytes: 100_000, digest: 'b', pad: 'x'.repeat(100_000 - 53) }));
  });
});

describe('resolveStaticPath', () => {
  const root = '/srv/site';
  it('maps paths inside the folder, and folders to index.html', () => {
    expect(resolveStaticPath('a/b.css', root)).toBe(join(root, 'a/b.css'));
    expect(resolveStaticPath('', root)).toBe(join(root, 'index.html'));
    expect(resolveStaticPath('docs/', root)).toBe(join(root, 'docs/index.html'));
    expect(resolveStaticPath('caf%C3%A9.txt', root)).toBe(join(root, 'café.txt'));
  });
  it.each(['..', '../x', '%2e%2e/x', 'a/%2e%2e/%2e%2e/x', '..%2fx', '%2fetc%2fpasswd', '/etc/passwd', '..\\x', 'a%5c..%5c..%5cx', 'x%00', '%', 'a//b', './x'])(
    'refuses %s',
    (raw) => {
      expect(resolveStaticPath(raw, root)).toBeNull();
    },
  );
});

describe('splitTarget', () => {
  it('keeps the raw path (no normalisation) and the query', () => {
    expect(splitTarget('/static/../x?a=1#f')).toEqual({ path: '/static/../x', query: 'a=1' });
    expect(splitTarget('/')).toEqual({ path: '/', query: '' });
  });
});

describe('interpreters', () => {
  it('the blocking and the async interpreter give the same answer', async () => {
    for (const url of ['/', '/work?cpu=100&io=1&bytes=80', '/static/about.html', '/static/missing.txt', '/api/association/7']) {
      const request = { method: 'GET', url, servedBy: { model: 't', pid: 1, threadId: 0 } };
      expect(await runAsync(handle(request))).toEqual(runBlocking(handle(request)));
    }
  });
  it('CPU work is deterministic', () => {
    expect(burnCpu(1000)).toBe(burnCpu(1000));
    expect(burnCpu(1000)).not.toBe(burnCpu(1001));
    expect(burnCpu(0)).toBe('');
  });
});

describe('CSV data', () => {
  it('is generated byte for byte the same on every run and machine', () => {
    expect(generateAssociations()).toBe(generateAssociations());
    // Fixed hashes: a change of generator must be deliberate (and update these lines).
    expect(sha256(generateAssociations())).toBe(ASSOCIATIONS_SHA256);
    expect(sha256(generateEvents())).toBe(EVENTS_SHA256);
  });

  it('has the awkward shapes the parser must handle, and parses them back', () => {
    const associations = generateAssociations();
    const events = generateEvents();
    expect(events).toMatch(/"[^"\n]*,[^"\n]*"/); // quoted comma
    expect(events).toContain('""'); // doubled quote
    expect(events).toMatch(/"[^"]*\n[^"]*"/); // line break inside quotes
    expect(associations).toMatch(/[éèÉœŒ]/);
    const data = indexData(associations, events);
    expect(data.associations.size).toBe(ASSOCIATION_COUNT);
    expect(data.evenements.size).toBe(EVENT_COUNT);
    const descriptions = [...data.evenements.values()].map((e) => e.description);
    expect(descriptions.some((d) => d.includes('\n'))).toBe(true);
    expect(descriptions.some((d) => d.includes('"incontournable"'))).toBe(true);
    let total = 0;
    for (const list of data.evenementsByAssociation.values()) total += list.length;
    expect(total).toBe(EVENT_COUNT);
  });

  it('parses RFC 4180 quoting exactly', () => {
    const rows = parseCsv('id,nom\n1,"a, ""b""\nc"\n2,é\n');
    expect(rows).toEqual([{ id: '1', nom: 'a, "b"\nc' }, { id: '2', nom: 'é' }]);
  });
});

const ASSOCIATIONS_SHA256 = '2975e985408f2ca285346529b70446b833bb37ce85cf4b3766380d73549f652b';
const EVENTS_SHA256 = 'e44ad98de3f0342a6a0a9f3cea99daba6d968b206df27e4f3e5510f9f30e3dc5';

describe('docs/models.md', () => {
  it('carries every model paragraph of the catalogue, word for word', async () => {
    const { readFileSync } = await import('node:fs');
    const { CATALOGUE } = await import('../../servers/catalogue.js');
    const models = readFileSync(new URL('../../docs/models.md', import.meta.url), 'utf8');
    for (const model of Object.values(CATALOGUE)) expect(models).toContain(model.paragraph);
  });
});
