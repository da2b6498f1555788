/**
 * The application's WebSocket routes: which conversation a connection asks for, read from its request target,
 * with the same bounds and error messages as the HTTP routes (a bad parameter names itself and its range).
 */
import { splitTarget } from '../handler.js';

/** The longest countdown: ten minutes of a connection held by one number a second. */
export const COUNTDOWN_MAX = 600;
/** A chat room's name, and a member's: short, printable, safe in any page. */
const ROOM = /^[A-Za-z0-9_-]{1,32}$/;
const NAME = /^[\p{L}\p{N}_ .-]{1,24}$/u;
export const DEFAULT_ROOM = 'lobby';

export type WsRoute =
  | { readonly kind: 'echo' }
  | { readonly kind: 'countdown'; readonly from: number }
  | { readonly kind: 'chat'; readonly room: string; readonly name: string | null };

/** Why an upgrade is refused before any handshake: an HTTP status and the JSON error's message. */
export interface WsRefusal {
  readonly status: 400 | 404;
  readonly error: string;
}

/** The paths that speak WebSocket: a plain GET on one of them is told to upgrade (426). */
export const WS_PATHS = ['/ws/echo', '/ws/countdown', '/ws/chat'] as const;

function param(query: string, name: string): string | null {
  return new URLSearchParams(query).get(name);
}

/** The route of an upgrade's target, or why it is refused. */
export function wsRouteOf(target: string): WsRoute | WsRefusal {
  const { path, query } = splitTarget(target);
  switch (path) {
    case '/ws/echo':
      return { kind: 'echo' };
    case '/ws/countdown': {
      const raw = param(query, 'from') ?? '10';
      const from = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!(from >= 0 && from <= COUNTDOWN_MAX)) return { status: 400, error: `parameter 'from' must be an integer from 0 to ${COUNTDOWN_MAX}, got ${JSON.stringify(raw.slice(0, 20))}` };
      return { kind: 'countdown', from };
    }
    case '/ws/chat': {
      const room = param(query, 'room') ?? DEFAULT_ROOM;
      if (!ROOM.test(room)) return { status: 400, error: `parameter 'room' must be 1 to 32 letters, digits, '-' or '_', got ${JSON.stringify(room.slice(0, 40))}` };
      const name = param(query, 'name');
      if (name !== null && !NAME.test(name)) return { status: 400, error: `parameter 'name' must be 1 to 24 letters, digits, spaces, '.', '-' or '_'` };
      return { kind: 'chat', room, name };
    }
    default:
      return { status: 404, error: `Not found: no WebSocket at ${path.slice(0, 200)} (try /ws/echo, /ws/countdown?from=N or /ws/chat?room=R)` };
  }
}

export function isWsRefusal(value: WsRoute | WsRefusal): value is WsRefusal {
  return 'status' in value;
}
