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
import { startLoad } from '../load/closed-loop.js';
import { pause } from '../../lib/pause.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { assertLoadTarget } from '../network/load-target.js';
import { createLink, delayMethod, type LabLink, type LinkShape } from '../network/netns.js';
import { startDelayRelay, type DelayRelay } from '../network/delay-relay.js';
import { shapesLink, type NetworkOptions } from '../network/link-shape.js';
import type { Sampler } from '../machine/sampler.js';
import { PLAIN_TRANSPORT, type Transport } from './transport.js';

export interface ExpectedAnswer {
  readonly status: number;
  readonly body: string;
}

const READY_TIMEOUT_MS = 15_000;

/** Tells why a wait for a server ended early: it died, or the run was interrupted. */
function endedEarly(signal: AbortSignal | undefined): Error | null {
  if (signal?.aborted !== true) return null;
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('interrupted');
}

/** Asks /health until it answers 200 (each ask bounded as a whole), until `deadline` or `signal` ends the wait. */
export async function waitHealthy(url: string, deadline: number, dispatcher?: Dispatcher, signal?: AbortSignal): Promise<void> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    const early = endedEarly(signal);
    if (early !== null) throw early;
    try {
      const answer = await getAnswer(`${url}/health`, { totalMs: Math.min(HEALTH_ASK_MS, Math.max(1, deadline - Date.now())), ...(dispatcher === undefined ? {} : { dispatcher }), ...(signal === undefined ? {} : { signal }) });
      if (answer.status === 200) return;
      last = `status ${answer.status}`;
    } catch (error: unknown) {
      last = messageOf(error);
    }
    await pause(50, signal);
  }
  throw endedEarly(signal) ?? new Error(`/health did not answer 200 within ${READY_TIMEOUT_MS / 1000} s (${last})`);
}

/** How long one ask of /health may take as a whole. */
const HEALTH_ASK_MS = 2000;
/** How long the answer to a workload's request may take as a whole, when checked. */
const CHECK_MS = 10_000;

export async function checkAnswers(url: string, expected: ReadonlyMap<string, ExpectedAnswer>, dispatcher?: Dispatcher, signal?: AbortSignal): Promise<void> {
  for (const [path, want] of expected) {
    // The expected answer is known: a little more than it is all that needs reading.
    const maxBytes = Math.max(64 * 1024, 2 * Buffer.byteLength(want.body));
    const answer = await getAnswer(`${url}${path}`, { totalMs: CHECK_MS, maxBytes, ...(dispatcher === undefined ? {} : { dispatcher }), ...(signal === undefined ? {} : { signal }) });
    if (answer.status !== want.status || answer.body !== want.body) {
      throw new Error(`wrong answer to ${path}: ${answer.status} ${quoted(answer.body, 80)}, expected ${want.status} ${quoted(want.body, 80)}`);
    }
  }
}

/** How long a fresh server is loaded before its first trial, so that the JIT has compiled the hot path. */
export const SERVER_WARMUP_SECONDS = 0.3;

/**
 * A fresh server's first requests run in the interpreter, before V8 compiles the hot path: that is not the
 * model, it is the server's youth. A short load, not recorded, keeps it out of the first trial. `signal` stops it.
 */
export async function warmUp(url: string, paths: readonly string[], newConnections = false, signal?: AbortSignal): Promise<void> {
  const load = startLoad({ url, paths, connections: 8, warmupSeconds: SERVER_WARMUP_SECONDS, durationSeconds: 0.01, maxDrainSeconds: 2, newConnections });
  const stop = (): void => {
    load.stop();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await load.done;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  const early = endedEarly(signal);
  if (early !== null) throw early;
}

export interface RunningModel {
  readonly server: ServerProcess;
  /** Set once the server's main process has exited: the reason, with its last words. */
  died(): string | undefined;
  /** Samples the server's CPU and memory over a window, where /proc of its pid cannot (a remote server). */
  sampleUsage?(): Sampler;
  /** The server runs on another machine: its CPU is not this machine's (bench/remote.ts). */
  readonly remote?: boolean;
}

export interface ServerSet {
  /** The model's server, started (and checked) if it is not running. Rejects with the reason it cannot run. */
  ensure(model: ModelName, params: Readonly<Record<string, number>>): Promise<RunningModel>;
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
export function serverSet(expected: ReadonlyMap<string, ExpectedAnswer>, transport: Transport = PLAIN_TRANSPORT, given: NetworkOptions | null = null, hooks: ServerSetHooks = {}): ServerSet {
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
    async ensure(model, params) {
      const existing = running.get(model);
      if (existing !== undefined && existing.died() === undefined) return existing;
      if (existing !== undefined) await stop(model);
      hooks.onStart?.(model);
      const link = network === null ? undefined : createLink(network.delayBy === 'netem' ? network : null);
      if (link !== undefined) links.set(model, link);
      // The baseline is not the application: it has no sessions, and refuses the option.
      // (A name outside the catalogue is left to serve, which refuses it in one line: the case fails with that reason.)
      const sessions = isModelName(model) && CATALOGUE[model].reference ? {} : { sessions: transport.sessions };
      let server: ServerProcess;
      try {
        server = await startServerProcess(model, { params, readyTimeoutMs: READY_TIMEOUT_MS, tls: transport.tls, ...sessions, ...(link === undefined ? {} : { host: link.serverAddress, netns: link.namespace }) });
        if (network?.delayBy === 'relay' && shapesLink(network)) server = await behindRelay(server, network);
      } catch (error: unknown) {
        link?.remove();
        links.delete(model);
        throw error;
      }
      let died: string | undefined;
      void server.exited.then((how) => {
        died = `server ${how}${server.stderrTail() === '' ? '' : `: ${server.stderrTail()}`}`;
      });
      const entry: RunningModel = { server, died: () => died };
      running.set(model, entry);
      // A server that dies while it is being checked ends the checks at once, with its reason: not after the
      // readiness wait's 15 s, and never with a bench left waiting on nothing.
      const gone = new AbortController();
      void server.exited.then(() => {
        gone.abort(new Error(died ?? 'server exited'));
      });
      const interrupted = (): void => {
        gone.abort(new Error('interrupted'));
      };
      hooks.signal?.addEventListener('abort', interrupted, { once: true });
      try {
        assertLoadTarget(server.url);
        await waitHealthy(server.url, Date.now() + READY_TIMEOUT_MS, dispatcher, gone.signal);
        await checkAnswers(server.url, expected, dispatcher, gone.signal);
        await warmUp(server.url, [...expected.keys()], transport.newConnections, gone.signal);
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
