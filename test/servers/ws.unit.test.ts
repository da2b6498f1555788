/** The WebSocket application and its bounds, without a server: the conversations' steps, the routes, ping/pong. */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COUNTDOWN_MAX, isWsRefusal, wsRouteOf } from '../../servers/app/ws/routes.js';
import { chat, countdown, echo, reverseText, type Talk, type TalkStep } from '../../servers/app/ws/talk.js';
import { runTalkBlocking } from '../../servers/app/ws/talk-blocking.js';
import { runTalkAsync } from '../../servers/app/ws/talk-async.js';
import { Heartbeat, type Pingable } from '../../servers/ws/heartbeat.js';

/** Runs a conversation by hand: `inbox` are the peer's messages, then it closes; returns every step taken. */
function steps(talk: Talk, inbox: readonly string[]): TalkStep[] {
  const taken: TalkStep[] = [];
  const queue = [...inbox];
  runTalkBlocking(talk, {
    receive: () => {
      taken.push({ kind: 'receive' });
      return queue.shift() ?? null;
    },
    send: (text) => taken.push({ kind: 'send', text }),
    publish: (text) => taken.push({ kind: 'publish', text }),
    close: (code, reason) => taken.push({ kind: 'close', code, reason }),
    sleep: (ms) => {
      taken.push({ kind: 'wait', ms });
      return true;
    },
  });
  return taken;
}

describe('the conversations', () => {
  it('reverses by code points, not UTF-16 units', () => {
    expect(reverseText('hello')).toBe('olleh');
    expect(reverseText('ab🙂')).toBe('🙂ba');
    expect(reverseText('é🇫🇷')).toBe('🇷🇫é'); // a flag is two code points: reversed, they are another flag
  });

  it('echo answers each message reversed until the peer closes', () => {
    const sent = steps(echo(), ['abc', 'xy']).filter((s) => s.kind === 'send');
    expect(sent).toEqual([{ kind: 'send', text: 'cba' }, { kind: 'send', text: 'yx' }]);
  });

  it('countdown sends N … 0 with a one-second wait between, then closes with 1000', () => {
    expect(steps(countdown(2), [])).toEqual([
      { kind: 'send', text: '2' },
      { kind: 'wait', ms: 1000 },
      { kind: 'send', text: '1' },
      { kind: 'wait', ms: 1000 },
      { kind: 'send', text: '0' },
      { kind: 'close', code: 1000, reason: 'countdown done' },
    ]);
  });

  it('chat announces the join, publishes each message with its sender, then the leave', () => {
    const via = { model: 'm', pid: 1, threadId: 0 };
    const published = steps(chat({ member: 'ann', via }), ['hi']).flatMap((s) => (s.kind === 'publish' ? [JSON.parse(s.text) as unknown] : []));
    expect(published).toEqual([{ type: 'join', member: 'ann', via }, { type: 'message', from: 'ann', text: 'hi' }, { type: 'leave', member: 'ann' }]);
  });

  it('the async interpreter ends a countdown at once when the peer leaves during a wait', async () => {
    const gone = new AbortController();
    const sent: string[] = [];
    const t0 = performance.now();
    const run = runTalkAsync(countdown(600), { receive: () => Promise.resolve(null), send: (t) => sent.push(t), publish: () => undefined, close: () => undefined, closed: gone.signal });
    setTimeout(() => {
      gone.abort();
    }, 50);
    await run;
    expect(sent).toEqual(['600']);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('the routes', () => {
  it('name the route, or why it is refused', () => {
    expect(wsRouteOf('/ws/echo')).toEqual({ kind: 'echo' });
    expect(wsRouteOf('/ws/countdown?from=0')).toEqual({ kind: 'countdown', from: 0 });
    expect(wsRouteOf('/ws/countdown')).toEqual({ kind: 'countdown', from: 10 });
    expect(wsRouteOf('/ws/chat')).toEqual({ kind: 'chat', room: 'lobby', name: null });
    expect(wsRouteOf('/ws/chat?room=a-1&name=Zoé')).toEqual({ kind: 'chat', room: 'a-1', name: 'Zoé' });
    for (const bad of [`/ws/countdown?from=${COUNTDOWN_MAX + 1}`, '/ws/countdown?from=-1', '/ws/countdown?from=1e3', '/ws/countdown?from=0x10', '/ws/chat?room=', '/ws/chat?room=<b>', '/ws/chat?name=%3Cscript%3E']) {
      const route = wsRouteOf(bad);
      expect(isWsRefusal(route) ? route.status : 0).toBe(400);
    }
    const unknown = wsRouteOf('/ws/other');
    expect(isWsRefusal(unknown) ? unknown.status : 0).toBe(404);
  });
});

class FakeSocket extends EventEmitter implements Pingable {
  pings = 0;
  terminated = false;
  isPaused = false;
  constructor(private readonly answers: boolean) {
    super();
  }
  ping(): void {
    this.pings += 1;
    if (this.answers) queueMicrotask(() => this.emit('pong'));
  }
  terminate(): void {
    this.terminated = true;
    this.emit('close');
  }
}

describe('ping/pong', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes a peer that did not answer the previous ping, and keeps one that does', async () => {
    vi.useFakeTimers();
    const heartbeat = new Heartbeat(1000);
    const alive = new FakeSocket(true);
    const dead = new FakeSocket(false);
    heartbeat.add(alive);
    heartbeat.add(dead);
    await vi.advanceTimersByTimeAsync(1000); // first ping to both
    expect([alive.pings, dead.pings]).toEqual([1, 1]);
    expect(dead.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1000); // the dead one never answered: closed
    expect(dead.terminated).toBe(true);
    expect(alive.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(alive.terminated).toBe(false);
    expect(heartbeat.size).toBe(1);
    heartbeat.stop();
  });
});
