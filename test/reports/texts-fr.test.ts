/**
 * The texts computed from results (theory, conclusions, transport, the terminal summary) in both languages, and the
 * texts the bench stores in results (models, workloads, calibration): English word for word as before, kept with
 * their keys, said in French by a page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLang, t } from '../../lib/lang/lang.js';
import { sentencesOf, speaker } from '../../lib/lang/sentences.js';
import { causeText, checkText, errorText, stationText } from '../../reports/text/causes.js';
import { conclusionText, rpsWithInterval } from '../../reports/text/conclusions.js';
import { lostUpdatesText } from '../../reports/text/lost-updates.js';
import { workloadDescription } from '../../reports/text/stored.js';
import { summaryTables } from '../../reports/text/summary.js';
import { linkShapeText, transportSentence, transportText } from '../../reports/text/transport.js';
import { buildWorkload, WORKLOAD_NAMES } from '../../bench/plan/workloads.js';
import { CATALOGUE, MODEL_NAMES, modelTexts } from '../../servers/catalogue.js';
import { sentenceTexts } from '../../results/sentences.js';
import { likelyCause, type Cause } from '../../results/theory/prediction-check.js';
import type { OkCase } from '../../results/schema.js';
import { loadFixture } from '../helpers/fixtures.js';

afterEach(() => {
  setLang('en');
});

/** English function words that a French text should not hold (code, model names and units aside). */
const ENGLISH = /\b(the|of|and|with|that|than|served|measured|each|every|per|clients?:|FAILED|offered|open loop)\b/;
const prose = (text: string): string => text.replace(/`[^`]*`/g, '').replace(/--[a-z-]+/g, '').replace(/\b[a-z]+(-[a-z]+)+\b/g, '');

describe('theory against measurement, in French', () => {
  const causes: Cause[] = [
    { kind: 'uncertain-demands', why: 'wide' },
    { kind: 'jit-batching' },
    { kind: 'client-saturation', clientCpuPercent: 98.6 },
    { kind: 'client-lag' },
    { kind: 'link-rate', rateMbit: 0.5 },
    { kind: 'slow-ramp' },
    { kind: 'machine-changed' },
    { kind: 'memory', rssBytes: 80e6, baseRssBytes: 40e6 },
    { kind: 'hand-off' },
    { kind: 'contention' },
    { kind: 'open-client-lag' },
    { kind: 'too-few-requests', requests: 1234, windows: 3 },
    { kind: 'near-saturation', capacity: 47.14, rate: 50 },
    { kind: 'slow-settle' },
    { kind: 'variable-service' },
    { kind: 'batching' },
  ];
  it('every cause reads in English as before and in French', () => {
    expect(causeText({ kind: 'client-saturation', clientCpuPercent: 98.6 })).toBe('client saturation: the load generator used 99% of a core, so the client, not the model, set the pace');
    expect(causeText({ kind: 'near-saturation', capacity: 47.14, rate: 50 })).toContain('theory puts the capacity at 47.1 req/s, close to the 50 offered');
    setLang('fr');
    for (const c of causes) expect(prose(causeText(c)), c.kind).not.toMatch(ENGLISH);
    expect(causeText({ kind: 'client-saturation', clientCpuPercent: 98.6 })).toContain('99\u00a0% d’un cœur');
    expect(causeText({ kind: 'link-rate', rateMbit: 0.5 })).toContain('0,5 Mbit/s');
    expect(causeText({ kind: 'near-saturation', capacity: 47.14, rate: 50 })).toContain('47,1 req/s');
  });
  it('the warning an unsure 1-client case stands on is said in French where the file says what it was made of', () => {
    const results = loadFixture('default-run.json');
    const base = results.cases.find((c): c is OkCase => c.status === 'ok' && c.mode === 'closed' && c.workload === 'hello' && c.model === 'sequential' && c.connections === 1);
    const shaky = base?.warnings.find((w) => w.code === 'wide-interval');
    if (base === undefined || shaky === undefined) throw new Error('the fixture changed: sequential · hello · 1 has no wide interval');
    const at64 = results.cases.find((c): c is OkCase => c.status === 'ok' && c.mode === 'closed' && c.workload === 'hello' && c.model === 'sequential' && c.connections === 64);
    if (at64 === undefined) throw new Error('the fixture changed');
    const said = { ...results, sentences: { [shaky.message]: { key: 'warn.wideInterval', args: { width: 153, n: 3 } } } };
    const cause = likelyCause(said, at64, 0.4);
    expect(cause).toMatchObject({ kind: 'uncertain-demands', why: shaky.message });
    setLang('fr');
    expect(causeText(cause)).toBe(`demandes de service incertaines : un cas sur lequel repose la prédiction (1 client, ou un niveau d’où vient son CPU sous charge) était lui-même incertain (${t('warn.wideInterval', { width: 153, n: 3 })})`);
  });
  it('a check, an error and a station', () => {
    const k = { model: 'sequential', workload: 'io', mode: 'closed', at: 64, measuredRps: 47.1, predictedRps: 48.2, rpsError: -0.0228, measuredMeanUs: 1, predictedMeanUs: 1, latencyError: 0.081, disagrees: true, cause: null } as const;
    expect(checkText(k)).toBe('`sequential` at 64 clients: measured 47.1 req/s, theory 48.2 (−2%); mean latency +8% against theory');
    expect(errorText(0.001)).toBe('0%');
    setLang('fr');
    expect(checkText(k)).toBe('`sequential` à 64 clients : mesuré 47,1 req/s, théorie 48,2 (−2\u00a0%) ; latence moyenne +8\u00a0% par rapport à la théorie');
    expect(checkText({ ...k, mode: 'open', at: 25 })).toContain('à 25 req/s offertes :');
    expect(stationText('event loop')).toBe('boucle d’événements');
    expect(stationText('the client’s connections')).toBe('les connexions du client');
    expect(stationText('pool threads (parallel part)')).toBe('threads du pool (partie parallèle)');
    expect(stationText('constructor')).toBe('constructor');
  });
});

describe('conclusions, transport and lost updates, in French', () => {
  const clear = { ratio: 1.21, interval: { low: 1.17, high: 1.26 }, rounds: 4, verdict: 'faster' } as const;
  it('a pairwise conclusion', () => {
    expect(conclusionText('ws-echo', 8, 'a', 'b', clear)).toBe('on `ws-echo` at 8 clients, `a` served 1.21× the messages of `b` (95%: 1.17–1.26×)');
    setLang('fr');
    expect(conclusionText('cpu', 1, 'a', 'b', clear)).toBe('sur `cpu` à 1 client, `a` a servi 1,21× autant de requêtes que `b` (95 % : 1,17–1,26×)');
    expect(conclusionText('io', 16, 'a', 'b', { ratio: 1.1, interval: { low: 1.02, high: 1.2 }, rounds: 4, verdict: 'same' })).toBe(
      'sur `io` à 16 clients, `a` a servi plus que `b` (95 % : 1,02–1,20×), mais pas à coup sûr des 5 % que le laboratoire appelle une différence',
    );
    expect(conclusionText('cpu', 64, 'a', 'b', { ratio: 1, interval: null, rounds: 1, verdict: 'same' })).toBe('sur `cpu` à 64 clients, `a` et `b` ne diffèrent pas de façon mesurable (trop peu de tours pour le dire)');
  });
  it('how a run spoke to its servers, and the lost updates', () => {
    const tls = { tls: true, newConnections: true, sessions: 'local' } as const;
    expect(transportText(tls)).toBe('HTTPS (self-signed), a new connection per request, local sessions');
    expect(linkShapeText({ delayMs: 5, rateMbit: 10 })).toBe('5 ms and 10 Mbit/s each way');
    expect(lostUpdatesText(213, 1253)).toBe('213 of 1,253 answers (17%)');
    setLang('fr');
    expect(transportText(tls)).toBe('HTTPS (auto-signé), une nouvelle connexion par requête, sessions locales');
    expect(prose(transportSentence(tls) ?? '')).not.toMatch(ENGLISH);
    expect(prose(transportSentence({ tls: false, newConnections: false, sessions: 'shared' }) ?? '')).not.toMatch(ENGLISH);
    expect(linkShapeText({ delayMs: 2.5 })).toBe('2,5 ms dans chaque sens');
    expect(lostUpdatesText(213, 1253)).toMatch(/^213 sur 1[\s\u202f]253 réponses \(17\u00a0%\)$/);
  });
  it('a throughput with its interval', () => {
    const results = loadFixture('default-run.json');
    const c = results.cases.find((x): x is OkCase => x.status === 'ok' && x.rpsInterval !== null);
    if (c === undefined) throw new Error('no case');
    setLang('fr');
    expect(rpsWithInterval(c)).toContain('req/s (95 % : ');
  });
});

describe('the terminal summary, in French', () => {
  it.each(['default-run.json', 'open-run.json', 'ws-held-run.json', 'ws-chat-run.json'])('%s', (name) => {
    const results = loadFixture(name);
    const english = summaryTables(results);
    setLang('fr');
    const french = summaryTables(results);
    expect(french).not.toBe(english);
    // Each line, without the models' and workloads' names and the tables' figures.
    for (const line of french.split('\n')) expect(prose(line), line).not.toMatch(ENGLISH);
  });
});

describe('the texts the bench stores', () => {
  it('are the catalogue’s English, word for word as before, kept with their keys, and said in French', () => {
    // 300, not the fixture's 200: the next test reads the fixture's text without this process's memory of it.
    const workload = buildWorkload('ws-echo', { iterationsPerMs: 1000 }, 300);
    // The text older files hold (test/fixtures/ws-held-run.json, with 200).
    expect(workload.description).toBe('WebSocket: each client sends a message and waits for its echo (reversed), then sends the next, with 300 idle WebSocket connections held open');
    expect(sentencesOf([workload.description])[workload.description]).toEqual({ key: 'workload.ws-echo.held', args: { hold: 300 } });
    for (const name of MODEL_NAMES) expect(sentencesOf([CATALOGUE[name].paragraph])[CATALOGUE[name].paragraph]).toEqual({ key: `model.${name}.paragraph` });
    setLang('fr');
    expect(speaker(undefined)(workload.description)).toBe(t('workload.ws-echo.held', { hold: 300 }));
    expect(modelTexts('sequential').summary).toBe('un seul thread ; chaque étape d’une requête le bloque');
    for (const name of WORKLOAD_NAMES) expect(speaker({})(buildWorkload(name, { iterationsPerMs: 1000 }).description)).toBe(t(`workload.${name}.description`));
  });
  it('older files’ texts are found word for word in the catalogue, the held workloads’ too', () => {
    setLang('fr');
    for (const name of ['default-run.json', 'open-run.json', 'ws-held-run.json', 'ws-chat-run.json', 'run-a.json', 'run-b.json']) {
      const results = { ...loadFixture(name), sentences: undefined };
      const say = speaker(undefined);
      for (const m of results.models) {
        expect(say(m.summary), m.name).not.toBe(m.summary);
        expect(say(m.paragraph), m.name).not.toBe(m.paragraph);
      }
      for (const w of results.workloads) expect(workloadDescription(results, w), w.name).not.toBe(w.description);
      // A method kept from an earlier run names its date: only the file's own sentences say it in French.
      const method = results.calibration.method;
      expect(/kept from the first run/.test(method) ? speaker(loadFixture(name).sentences)(method) : say(method), name).not.toBe(method);
    }
  });
  it('a results file keeps what they were made of', () => {
    const results = loadFixture('ws-held-run.json');
    const texts = sentenceTexts(results);
    for (const m of results.models) expect(texts.has(m.paragraph)).toBe(true);
    for (const w of results.workloads) expect(texts.has(w.description)).toBe(true);
    expect(texts.has(results.calibration.method)).toBe(true);
  });
});
