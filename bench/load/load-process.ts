/**
 * The load generator's own process: it runs the lab's load drivers (autocannon for the closed loop, undici for the
 * open loop) and nothing else, so that the bench's sampler, probes, live view, relay and bookkeeping never share its
 * event loop. The bench forks it once per run (bench/load/load-host.ts), pinned to the client's cores where
 * --cpus says so, and sends it one trial at a time; it answers with the load's ticks, the window's edges (with its
 * own CPU time, the client's CPU of the trial) and the outcome. It ends when the bench goes (its IPC channel closes).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { messageOf } from '../../lib/errors.js';
import { sentencesOf } from '../../lib/lang/sentences.js';
import { seededRandom } from '../../lib/random.js';
import { startLoad, type RunningLoad } from './closed-loop.js';
import { encodeClosed, encodeOpen, encodeTick, isToLoad, type FromLoad, type ToLoad } from './load-messages.js';
import type { LoadProgress } from './load-progress.js';
import { startOpenLoad, type RunningOpenLoad } from './open-loop.js';
import { holdConnections, type Holding } from './held.js';
import { startChatLoad } from './ws-chat.js';
import { startWsEcho } from './ws-echo.js';

const send = (message: FromLoad): void => {
  process.send?.(message);
};

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const running = new Map<number, RunningLoad | RunningOpenLoad>();
const holdings = new Map<number, Holding>();

function callbacks(id: number, progress: boolean): { onWindowStart: () => void; onWindowEnd: () => void; onProgress?: LoadProgress } {
  let lag: IntervalHistogram | null = null;
  return {
    onWindowStart: () => {
      lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      send({ type: 'window', id, edge: 'start', cpuMs: cpuMs() });
    },
    onWindowEnd: () => {
      lag?.disable();
      const lagMs = lag === null || lag.count === 0 ? undefined : Math.round(lag.percentile(99) / 1e5) / 10;
      send({ type: 'window', id, edge: 'end', cpuMs: cpuMs(), ...(lagMs === undefined ? {} : { lagMs }) });
    },
    ...(progress
      ? {
          onProgress: (tick) => {
            send({ type: 'tick', id, tick: encodeTick(tick) });
          },
        }
      : {}),
  };
}

function hold(message: Extract<ToLoad, { type: 'hold' }>): void {
  const holding = holdConnections(message.spec);
  holdings.set(message.id, holding);
  void holding.done.then((outcome) => {
    send({ type: 'held', id: message.id, outcome });
  });
}

function release(id: number): void {
  const holding = holdings.get(id);
  holdings.delete(id);
  void (holding?.release() ?? Promise.resolve()).then(() => {
    send({ type: 'released', id });
  });
}

function start(message: Extract<ToLoad, { type: 'closed' | 'open' }>): void {
  const { id } = message;
  if (message.type === 'closed') {
    const { progress, protocol, ...spec } = message.spec;
    const load = protocol === 'ws-echo' ? startWsEcho({ ...spec, ...callbacks(id, progress) }) : startLoad({ ...spec, ...callbacks(id, progress) });
    running.set(id, load);
    load.done.then(
      (o) => {
        send({ type: 'closed-done', id, outcome: encodeClosed(o) });
      },
      (error: unknown) => {
        send(failed(id, error));
      },
    ).finally(() => running.delete(id));
    return;
  }
  const { progress, seed, protocol, members, ...spec } = message.spec;
  const load = protocol === 'ws-chat' ? startChatLoad({ ...spec, members: members ?? 2, random: seededRandom(seed), ...callbacks(id, progress) }) : startOpenLoad({ ...spec, random: seededRandom(seed), ...callbacks(id, progress) });
  running.set(id, load);
  load.done.then(
    (o) => {
      send({ type: 'open-done', id, outcome: encodeOpen(o) });
    },
    (error: unknown) => {
      send(failed(id, error));
    },
  ).finally(() => running.delete(id));
}

/** A failed load, with the sentence its message was made from (if it was): the bench keeps it with its key. */
function failed(id: number, error: unknown): FromLoad {
  const message = messageOf(error);
  const said = sentencesOf([message])[message];
  return { type: 'failed', id, message, ...(said === undefined ? {} : { said }) };
}

process.on('message', (message: unknown) => {
  if (!isToLoad(message)) return;
  if (message.type === 'stop') running.get(message.id)?.stop();
  else if (message.type === 'hold') hold(message);
  else if (message.type === 'release') release(message.id);
  else start(message);
});
// The bench is gone (even killed): nothing is left to load for.
process.on('disconnect', () => process.exit(0));
// Ctrl-C in the terminal reaches the whole group: the bench stops the trial in order.
process.on('SIGINT', () => undefined);
send({ type: 'ready', pid: process.pid });
