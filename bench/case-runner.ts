import { pause } from './pause.js';
import { request } from 'undici';
import type { ModelName } from '../servers/catalogue.js';
import { distribution, summarize } from './latency.js';
import { startLoad, type RunningLoad } from './load.js';
import type { CaseResult } from '../results/schema.js';
import { startSampler, type Sampler } from './sampler.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import type { Workload } from './workloads.js';
import { messageOf } from '../lib/errors.js';

export interface CaseSpec {
  readonly model: ModelName;
  readonly modelParams: Readonly<Record<string, number>>;
  readonly workload: Workload;
  readonly connections: number;
  readonly repeat: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

export interface ExpectedAnswer {
  readonly status: number;
  readonly body: string;
}

export interface CaseContext {
  /** What the application answers to each path of the workload: every model must answer the same. */
  readonly expected: ReadonlyMap<string, ExpectedAnswer>;
  readonly cpus: number;
  readonly signal: AbortSignal;
  /** Bounds a hung case (beyond warm-up + duration). */
  readonly slackMs?: number;
}

/** Above this share of one core, the load generator is the bottleneck: the numbers measure the client. */
export const CLIENT_SATURATED_PERCENT = 90;
const READY_TIMEOUT_MS = 15_000;


async function waitHealthy(url: string, deadline: number): Promise<void> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await request(`${url}/health`, { headersTimeout: 2000, bodyTimeout: 2000 });
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

async function checkAnswers(url: string, expected: ReadonlyMap<string, ExpectedAnswer>): Promise<void> {
  for (const [path, want] of expected) {
    const response = await request(`${url}${path}`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    const body = await response.body.text();
    if (response.statusCode !== want.status || body !== want.body) {
      throw new Error(`wrong answer to ${path}: ${response.statusCode} ${JSON.stringify(body.slice(0, 80))}, expected ${want.status} ${JSON.stringify(want.body.slice(0, 80))}`);
    }
  }
}

function warningsFor(spec: CaseSpec, cpus: number, clientCpuPercent: number, outcome: { errors: number; non2xx: number; responses: number }): string[] {
  const { errors, non2xx, responses } = outcome;
  const warnings: string[] = [];
  if (clientCpuPercent >= CLIENT_SATURATED_PERCENT) {
    warnings.push(`the load generator used ${clientCpuPercent}% of a core: it was saturated, so these numbers measure the client as much as the server`);
  }
  const workers = spec.modelParams.processes ?? spec.modelParams.threads ?? 1;
  if (workers + 1 > cpus) {
    const what = spec.modelParams.processes !== undefined ? 'processes' : spec.modelParams.threads !== undefined ? 'threads' : 'thread';
    warnings.push(`oversubscribed: ${workers} server ${what} and the load generator share ${cpus} cores`);
  }
  if (errors > 0) warnings.push(`${errors} requests failed (connection errors or timeouts)`);
  if (non2xx > 0) warnings.push(`${non2xx} answers were not 2xx: the server refused or failed some requests under load`);
  if (responses === 0) warnings.push('no response completed during the measured time: the server was too slow for this many clients, or stuck');
  return warnings;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('interrupted');
}


/**
 * One case: start the model in its own process, check its answers, warm up, measure, stop it.
 * Never throws: a failure of any step is a failed case with its reason, and the run goes on.
 */
export async function runCase(spec: CaseSpec, context: CaseContext): Promise<CaseResult> {
  const base = { model: spec.model, modelParams: { ...spec.modelParams }, workload: spec.workload.name, connections: spec.connections, repeat: spec.repeat };
  // Shared with callbacks (exit, abort, timeout) that fire while the case runs.
  const state: { server?: ServerProcess; load?: RunningLoad; died?: string } = {};
  const onAbort = (): void => state.load?.stop();
  context.signal.addEventListener('abort', onAbort);
  const budgetMs = (spec.warmupSeconds + spec.durationSeconds) * 1000 + READY_TIMEOUT_MS + (context.slackMs ?? 30_000);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      state.load?.stop();
      reject(new Error(`case did not finish within ${Math.round(budgetMs / 1000)} s`));
    }, budgetMs);
  });

  const measure = async (): Promise<CaseResult> => {
    const running = await startServerProcess(spec.model, { params: spec.modelParams, readyTimeoutMs: READY_TIMEOUT_MS });
    state.server = running;
    void running.exited.then((how) => {
      state.died = `server ${how}${running.stderrTail() === '' ? '' : `: ${running.stderrTail()}`}`;
      state.load?.stop();
    });
    await waitHealthy(running.url, Date.now() + READY_TIMEOUT_MS);
    await checkAnswers(running.url, context.expected);
    const paths = [...context.expected.keys()];
    throwIfAborted(context.signal);
    let sampler: Sampler | undefined;
    state.load = startLoad({
      url: running.url,
      paths,
      connections: spec.connections,
      warmupSeconds: spec.warmupSeconds,
      durationSeconds: spec.durationSeconds,
      onMeasureStart: () => {
        sampler = startSampler(running.pid);
      },
    });
    const outcome = await state.load.done;
    const usage = (sampler ?? startSampler(running.pid)).stop();
    if (state.died !== undefined) throw new Error(state.died);
    throwIfAborted(context.signal);
    return {
      ...base,
      status: 'ok',
      durationSeconds: outcome.durationSeconds,
      requests: outcome.responses,
      rps: Math.round((outcome.responses / outcome.durationSeconds) * 10) / 10,
      latencyUs: summarize(outcome.histogram),
      distribution: distribution(outcome.histogram),
      errors: outcome.errors,
      timeouts: outcome.timeouts,
      non2xx: outcome.non2xx,
      ...usage,
      servedBy: outcome.servedBy.size,
      warnings: warningsFor(spec, context.cpus, usage.clientCpuPercent, outcome),
    };
  };

  let result: CaseResult;
  const measuring = measure();
  try {
    result = await Promise.race([measuring, timedOut]);
  } catch (error: unknown) {
    result = { ...base, status: 'failed', error: state.died ?? messageOf(error), warnings: [] };
    // A timed-out case may still be starting its server: let it settle, so that the server is stopped below.
    await Promise.race([measuring.catch(() => undefined), pause(READY_TIMEOUT_MS)]);
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', onAbort);
  }
  try {
    await state.server?.stop();
  } catch (error: unknown) {
    // A process that survives SIGKILL is worth a loud mark on the case, not a silent leftover.
    result = { ...result, warnings: [...result.warnings, messageOf(error)] };
  }
  return result;
}
