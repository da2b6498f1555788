/**
 * The servers of one workload: each model is started once in its own process, checked (ready, and answering
 * the workload exactly as the application does), and kept running while its trials are interleaved with the
 * other models'. An idle server costs nothing measurable. A server that dies is started again for its next
 * trial. All are stopped at the end of the workload, on failure and on Ctrl-C.
 */
import { Agent, type Dispatcher } from 'undici';
import { quoted } from '../../lib/printable.js';
import { getAnswer } from '../network/http-get.js';
import { messageOf } from '../../lib/errors.js';
import { CATALOGUE, isModelName, type ModelName } from '../../servers/catalogue.js';
import type { LoadGenerator } from '../load/load-host.js';
import { pause } from '../../lib/pause.js';
import { serverDied, startServerProcess, type ServerProcess } from './server-process.js';
import { sentence } from '../../lib/lang/sentences.js';
import { assertLoadTarget } from '../network/load-target.js';
import { createLink, delayMethod, type LabLink, type LinkShape } from '../network/netns.js';
import { startDelayRelay, type DelayRelay } from '../network/delay-relay.js';
import { shapesLink, type NetworkOptions } from '../network/link-shape.js';
import type { Sampler } from '../machine/sampler.js';
import type { Protocol } from '../plan/workloads.js';
import { PLAIN_TRANSPORT, type Transport } from './transport.js';
import { askWebSocket, wsCheck, WS_PROBE_TEXT } from '../network/ws-ask.js';

export interface ExpectedAnswer {
  readonly status: number;
  readonly body: string;
}

const READY_TIMEOUT_MS = 15_000;

/** Tells why a wait for a server ended early: it died, or the run was interrupted. */
function endedEarly(signal: AbortSignal | undefined): Error | null {
  if (signal?.aborted !== true) return null;
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(sentence('err.interrupted'));
}

/** Asks /health until it answers 200 (each ask bounded as a whole), until `deadline` or `signal` ends the wait. */
export async function waitHealthy(url: string, deadline: number, dispatcher?: Dispatcher, signal?: AbortSignal): Promise<void> {
  let last = sentence('err.noAnswer');
  while (Date.now() < deadline) {
    const early = endedEarly(signal);
    if (early !== null) throw early;
    try {
      const answer = await getAnswer(`${url}/health`, { totalMs: Math.min(HEALTH_ASK_MS, Math.max(1, deadline - Date.now())), ...(dispatcher === undefined ? {} : { dispatcher }), ...(signal === undefined ? {} : { signal }) });
      if (answer.status === 200) return;
      last = sentence('err.status', { status: String(answer.status) });
    } catch (error: unknown) {
      last = messageOf(error);
    }
    await pause(50, signal);
  }
  throw endedEarly(signal) ?? new Error(sentence('err.health', { seconds: READY_TIMEOUT_MS / 1000, last }));
}

/** How long one ask of /health may take as a whole. */
const HEALTH_ASK_MS = 2000;
/** How long the answer to a workload's request may take as a whole, when checked. */
const CHECK_MS = 10_000;

export async function checkAnswers(url: string, expected: ReadonlyMap<string, ExpectedAnswer>, dispatcher?: Dispatcher, signal?: AbortSignal, ca?: string): Promise<void> {
  for (const [path, want] of expected) {
    if (want.status === 101) {
      // A WebSocket path: the model's answer to the probe message must be the reference's.
      const check = wsCheck(path);
      const answer = await askWebSocket(url, check.path, WS_PROBE_TEXT, { totalMs: CHECK_MS, ...(signal === undefined ? {} : { signal }), ...(ca === undefined ? {} : { ca }), ...(check.accept === undefined ? {} : { accept: check.accept }) });
      if (answer !== want.body) throw new Error(sentence('err.wrongWs', { path, answer: quoted(answer, 80), expected: quoted(want.body, 80) }));
      continue;
    }
    // The expected answer is known: a little more than it is all that needs reading.
    const maxBytes = Math.max(64 * 1024, 2 * Buffer.byteLength(want.body));
    const answer = await getAnswer(`${url}${path}`, { totalMs: CHECK_MS, maxBytes, ...(dispatcher === undefined ? {} : { dispatcher }), ...(signal === undefined ? {} : { signal }) });
    if (answer.status !== want.status || answer.body !== want.body) {
      throw new Error(sentence('err.wrong', { path, status: String(answer.status), answer: quoted(answer.body, 80), wantStatus: String(want.status), expected: quoted(want.body, 80) }));
    }
  }
}

/** The warm-up of a fresh server: it ends once the throughput settles, or at its bound. */
export const WARMUP = {
  /** Never shorter: the first ticks are the JIT's and the pool's start, not the server's pace. */
  minSeconds: 0.5,
  /** Never longer: a server that does not settle in this long is measured anyway, and its case says so. */
  maxSeconds: 4,
  /** Settled: the last `ticks` ticks' throughputs within this share of their mean (or within two counts' noise). */
  tolerance: 0.1,
  ticks: 4,
  tickMs: 100,
  connections: 8,
} as const;

/** What a server's warm-up found: how long it took, and whether its throughput settled within the bound. */
export interface Warmup {
  readonly seconds: number;
  readonly settled: boolean;
}

/**
 * Whether the last `WARMUP.ticks` throughputs are steady: each within ±10 % of their mean, or within the noise of
 * counting that few answers (two standard deviations of a count, 2 / √count): a slow server's ticks of a dozen
 * answers each cannot agree to 10 %.
 */
export function steady(rates: readonly { readonly rps: number; readonly count: number }[]): boolean {
  const last = rates.slice(-WARMUP.ticks);
  if (last.length < WARMUP.ticks) return false;
  const mean = last.reduce((a, r) => a + r.rps, 0) / last.length;
  const count = last.reduce((a, r) => a + r.count, 0) / last.length;
  if (!(mean > 0) || !(count > 0)) return false;
  const tolerance = Math.max(WARMUP.tolerance, 2 / Math.sqrt(count));
  return last.every((r) => Math.abs(r.rps / mean - 1) <= tolerance);
}

/**
 * A fresh server's first requests run in the interpreter, before V8 compiles the hot path, and a pool's threads
 * start cold: that is not the model, it is the server's youth. A load, not recorded, keeps it out of the first trial:
 * it runs until the throughput settles (after at least WARMUP.minSeconds), at most WARMUP.maxSeconds. `signal` stops it.
 */
export async function warmUp(generator: LoadGenerator, url: string, paths: readonly string[], newConnections = false, signal?: AbortSignal, protocol: Protocol = 'http', ca?: string): Promise<Warmup> {
  const rates: { rps: number; count: number }[] = [];
  const state: { settledAt: number | null } = { settledAt: null };
  // A WebSocket server warms with the echo's closed loop (the chat's own warm-up is its trials' first second).
  const ws = protocol !== 'http';
  const load = generator.closed({
    url,
    paths: ws ? ['/ws/echo'] : paths,
    ...(ws ? { protocol: 'ws-echo' as const, ...(ca === undefined ? {} : { ca }) } : {}),
    connections: WARMUP.connections,
    warmupSeconds: WARMUP.maxSeconds,
    durationSeconds: 0.01,
    maxDrainSeconds: 2,
    newConnections,
    tickMs: WARMUP.tickMs,
    onProgress: (tick) => {
      if (state.settledAt !== null || tick.stage !== 'warmup' || !(tick.intervalSeconds > 0.05)) return;
      rates.push({ rps: tick.responses / tick.intervalSeconds, count: tick.responses });
      if (tick.elapsedSeconds >= WARMUP.minSeconds && steady(rates)) {
        state.settledAt = tick.elapsedSeconds;
        load.stop();
      }
    },
  });
  const stop = (): void => {
    load.stop();
  };
  signal?.addEventListener('abort', stop, { once: true });
  const t0 = performance.now();
  try {
    await load.done;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  const early = endedEarly(signal);
  if (early !== null) throw early;
  return { seconds: Math.round((state.settledAt ?? (performance.now() - t0) / 1000) * 100) / 100, settled: state.settledAt !== null };
}

export interface RunningModel {
  readonly server: ServerProcess;
  /** How its warm-up went (absent for a stand-in). */
  readonly warmup?: Warmup;
  /** Set once the server's main process has exited: the reason, with its last words. */
  died(): string | undefined;
  /** Samples the server's CPU and memory over a window, where /proc of its pid cannot (a remote server). */
  sampleUsage?(): Sampler;
  /** The server runs on another machine: its CPU is not this machine's (bench/remote.ts). */
  readonly remote?: boolean;
}

export interface ServerSet {
  /** The model's server, started (and checked) if it is not running. Rejects with the reason it cannot run. */
  ensure(model: ModelName, params: Readonly<Record<string, number>>, pin?: (pid: number) => string | null): Promise<RunningModel>;
  /** Stops one server (after it died, or to start it afresh); returns what went wrong stopping it, if anything. */
  stop(model: ModelName): Promise<string | undefined>;
  /** Stops every server; returns what went wrong, if anything (a process that survived SIGKILL). */
  stopAll(): Promise<string[]>;
}

/** Told when a server is about to be started (the live view shows it as a phase). */
export interface ServerSetHooks {
  onStart?(model: ModelName): void;
  /** The run's Ctrl-C: ends a server's checks and warm-up at once. */
  readonly signal?: AbortSignal;
}

/**
 * The server as the load sees it through the lab's delay relay (no netem in the kernel): its URL is the relay's
 * on loopback, and stopping it closes the relay (every connection, both sides) before the server.
 */
async function behindRelay(server: ServerProcess, shape: LinkShape): Promise<ServerProcess> {
  const { hostname, port } = new URL(server.url);
  let relay: DelayRelay;
  try {
    assertLoadTarget(server.url);
    relay = await startDelayRelay(hostname, Number(port), shape.delayMs, shape.rateMbit);
  } catch (error: unknown) {
    await server.stop();
    throw error;
  }
  return {
    url: relay.url,
    pid: server.pid,
    exited: server.exited,
    stderrTail: () => server.stderrTail(),
    stop: async () => {
      try {
        await relay.close();
      } finally {
        await server.stop();
      }
    },
  };
}

/**
 * `transport`: how every server is started (--tls, --sessions) and spoken to (HTTPS checks trust the lab's
 * certificate; the warm-up opens connections as the trials will); `given`: --netns, and how its delay is made.
 */
export function serverSet(generator: LoadGenerator, expected: ReadonlyMap<string, ExpectedAnswer>, transport: Transport = PLAIN_TRANSPORT, given: NetworkOptions | null = null, hooks: ServerSetHooks = {}): ServerSet {
  const network = given === null ? null : delayMethod(given);
  const running = new Map<ModelName, RunningModel>();
  // --netns: each server's namespace, removed once its server is stopped (also when it failed to start).
  const links = new Map<ModelName, LabLink>();
  // The checks over HTTPS verify the server against the lab's certificate, its only trusted CA.
  const dispatcher = transport.ca === null ? undefined : new Agent({ connect: { ca: transport.ca } });
  const stop = async (model: ModelName): Promise<string | undefined> => {
    const entry = running.get(model);
    running.delete(model);
    try {
      await entry?.server.stop();
      return undefined;
    } catch (error: unknown) {
      return messageOf(error);
    } finally {
      links.get(model)?.remove();
      links.delete(model);
    }
  };
  return {
    async ensure(model, params, pin) {
      const existing = running.get(model);
      if (existing !== undefined && existing.died() === undefined) {
        // Where this cell runs it (--cpus): a cell of another number of clients may place it elsewhere.
        pin?.(existing.server.pid);
        return existing;
      }
      if (existing !== undefined) await stop(model);
      hooks.onStart?.(model);
      const link = network === null ? undefined : createLink(network.delayBy === 'netem' ? network : null);
      if (link !== undefined) links.set(model, link);
      // The baseline is not the application: it has no sessions, and refuses the option.
      // (A name outside the catalogue is left to serve, which refuses it in one line: the case fails with that reason.)
      const sessions = isModelName(model) && CATALOGUE[model].reference ? {} : { sessions: transport.sessions };
      let server: ServerProcess;
      try {
        server = await startServerProcess(model, { params, readyTimeoutMs: READY_TIMEOUT_MS, tls: transport.tls, ...sessions, ...(link === undefined ? {} : { host: link.serverAddress, netns: link.namespace }), fileLimit: transport.fileLimit ?? null });
        if (network?.delayBy === 'relay' && shapesLink(network)) server = await behindRelay(server, network);
      } catch (error: unknown) {
        link?.remove();
        links.delete(model);
        throw error;
      }
      let died: string | undefined;
      void server.exited.then((how) => {
        died = serverDied(how, server.stderrTail());
      });
      const entry: { server: ServerProcess; died: () => string | undefined; warmup?: Warmup } = { server, died: () => died };
      running.set(model, entry);
      // A server that dies while it is being checked ends the checks at once, with its reason: not after the
      // readiness wait's 15 s, and never with a bench left waiting on nothing.
      const gone = new AbortController();
      void server.exited.then(() => {
        gone.abort(new Error(died ?? sentence('err.serverGone')));
      });
      const interrupted = (): void => {
        gone.abort(new Error(sentence('err.interrupted')));
      };
      hooks.signal?.addEventListener('abort', interrupted, { once: true });
      try {
        assertLoadTarget(server.url);
        // Pinned before it warms up (--cpus): it warms where it will be measured.
        pin?.(server.pid);
        await waitHealthy(server.url, Date.now() + READY_TIMEOUT_MS, dispatcher, gone.signal);
        await checkAnswers(server.url, expected, dispatcher, gone.signal, transport.ca ?? undefined);
        entry.warmup = await warmUp(generator, server.url, [...expected.keys()], transport.newConnections, gone.signal, transport.protocol, transport.ca ?? undefined);
      } catch (error: unknown) {
        await stop(model);
        throw error;
      } finally {
        hooks.signal?.removeEventListener('abort', interrupted);
      }
      return entry;
    },
    stop,
    async stopAll() {
      const problems = await Promise.all([...running.keys()].map((m) => stop(m)));
      await dispatcher?.close().catch(() => undefined);
      return problems.filter((p): p is string => p !== undefined);
    },
  };
}
