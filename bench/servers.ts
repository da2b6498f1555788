/**
 * The servers of one workload: each model is started once in its own process, checked (ready, and answering
 * the workload exactly as the application does), and kept running while its trials are interleaved with the
 * other models'. An idle server costs nothing measurable. A server that dies is started again for its next
 * trial. All are stopped at the end of the workload, on failure and on Ctrl-C.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { messageOf } from '../lib/errors.js';
import { CATALOGUE, isModelName, type ModelName } from '../servers/catalogue.js';
import { startLoad } from './load.js';
import { pause } from './pause.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { assertLoadTarget } from './load-target.js';
import { createLink, delayMethod, type LabLink, type LinkShape } from './netns.js';
import { startDelayRelay, type DelayRelay } from './delay-relay.js';
import { shapesLink, type NetworkOptions } from './options.js';
import type { Sampler } from './sampler.js';
import { PLAIN_TRANSPORT, type Transport } from './transport.js';

export interface ExpectedAnswer {
  readonly status: number;
  readonly body: string;
}

const READY_TIMEOUT_MS = 15_000;

export async function waitHealthy(url: string, deadline: number, dispatcher?: Dispatcher): Promise<void> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await request(`${url}/health`, { headersTimeout: 2000, bodyTimeout: 2000, ...(dispatcher === undefined ? {} : { dispatcher }) });
      await response.body.text();
      if (response.statusCode === 200) return;
      last = `status ${response.statusCode}`;
    } catch (error: unknown) {
      last = messageOf(error);
    }
    await pause(50);
  }
  throw new Error(`/health did not answer 200 within ${READY_TIMEOUT_MS / 1000} s (${last})`);
}

export async function checkAnswers(url: string, expected: ReadonlyMap<string, ExpectedAnswer>, dispatcher?: Dispatcher): Promise<void> {
  for (const [path, want] of expected) {
    const response = await request(`${url}${path}`, { headersTimeout: 10_000, bodyTimeout: 10_000, ...(dispatcher === undefined ? {} : { dispatcher }) });
    const body = await response.body.text();
    if (response.statusCode !== want.status || body !== want.body) {
      throw new Error(`wrong answer to ${path}: ${response.statusCode} ${JSON.stringify(body.slice(0, 80))}, expected ${want.status} ${JSON.stringify(want.body.slice(0, 80))}`);
    }
  }
}

/** How long a fresh server is loaded before its first trial, so that the JIT has compiled the hot path. */
export const SERVER_WARMUP_SECONDS = 0.3;

/**
 * A fresh server's first requests run in the interpreter, before V8 compiles the hot path: that is not the
 * model, it is the server's youth. A short load, not recorded, keeps it out of the first trial.
 */
export async function warmUp(url: string, paths: readonly string[], newConnections = false): Promise<void> {
  await startLoad({ url, paths, connections: 8, warmupSeconds: SERVER_WARMUP_SECONDS, durationSeconds: 0.01, maxDrainSeconds: 2, newConnections }).done;
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
      try {
        assertLoadTarget(server.url);
        await waitHealthy(server.url, Date.now() + READY_TIMEOUT_MS, dispatcher);
        await checkAnswers(server.url, expected, dispatcher);
        await warmUp(server.url, [...expected.keys()], transport.newConnections);
      } catch (error: unknown) {
        await stop(model);
        throw error;
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
