/** The servers of a run against a remote target (--target): checked and warmed up, never started or stopped. */
import { checkAnswers, waitHealthy, warmUp, type ExpectedAnswer, type RunningModel, type ServerSet, type Warmup } from './servers.js';
import { startRemoteSampler, type RemoteTarget } from '../network/remote.js';
import type { LoadGenerator } from '../load/load-host.js';
import type { Protocol } from '../plan/workloads.js';
import type { ServerExit } from './server-process.js';
import { sentence } from '../../lib/lang/sentences.js';

/** Every check of a target has this long to answer whole. */
const TIMEOUT_MS = 5000;

/**
 * The ServerSet of a remote target: `ensure` checks that it is still the model it was, healthy, answering the
 * workload as the application does, and warms it up; `stop` and `stopAll` leave it running.
 */
export function remoteServerSet(generator: LoadGenerator, target: RemoteTarget, expected: ReadonlyMap<string, ExpectedAnswer>, signal?: AbortSignal, protocol: Protocol = 'http'): ServerSet {
  let checked = false;
  const running: RunningModel & { warmup?: Warmup } = {
    server: {
      url: target.url,
      pid: target.pid,
      exited: new Promise<ServerExit>(() => undefined), // never: its life is not ours to watch
      stderrTail: () => '',
      stop: () => Promise.resolve(),
    },
    died: () => undefined,
    sampleUsage: () => startRemoteSampler(target.url),
    remote: true,
  };
  return {
    async ensure(model) {
      if (model !== target.model) throw new Error(sentence('err.targetRuns', { target: target.model, model }));
      if (!checked) {
        await waitHealthy(target.url, Date.now() + TIMEOUT_MS, undefined, signal);
        await checkAnswers(target.url, expected, undefined, signal);
        running.warmup = await warmUp(generator, target.url, [...expected.keys()], false, signal, protocol);
        checked = true;
      }
      return running;
    },
    stop: () => {
      // A failed trial: check it again before the next one, but never stop it.
      checked = false;
      return Promise.resolve(undefined);
    },
    stopAll: () => Promise.resolve([]),
  };
}
