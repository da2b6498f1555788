/**
 * What a WebSocket connection may make its server hold, both ways: what it does not read (its peer's unread
 * bytes: past the limit the connection is dropped, the others go on receiving) and what it sends faster than its
 * conversation reads (the socket is paused: TCP then holds the peer back, the server holds nothing more).
 */
import WebSocket from 'ws';
import { LIMITS } from '../limits.js';

/** How long a dropped peer's close may take before its socket is destroyed (and its buffers freed). */
const DROP_GRACE_MS = 1000;

/**
 * Sends a text to one peer, unless that peer has not taken what it was sent before: then it is dropped with 1013
 * ("try again later"), since a peer that never reads would otherwise make the server buffer every message for it.
 * `bytes`: the text's size, when the caller knows it (a room's message goes to many peers).
 */
export function sendTo(ws: WebSocket, text: string, bytes: number = Buffer.byteLength(text)): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  if (ws.bufferedAmount + bytes > LIMITS.maxWsBufferedBytes) {
    drop(ws, 1013, `too slow: more than ${LIMITS.maxWsBufferedBytes / 1024} KiB sent and not read`);
    return false;
  }
  ws.send(text);
  return true;
}

/** Closes a connection and, if its peer does not take the close within a second, destroys it. */
export function drop(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
  ws.close(code, reason);
  setTimeout(() => {
    ws.terminate();
  }, DROP_GRACE_MS).unref();
}

/**
 * Messages received and not yet read by the conversation (here, in a thread or in a process): past the limit the
 * socket stops reading until the conversation catches up.
 */
export class Inbox {
  private bytes = 0;
  constructor(private readonly ws: WebSocket) {}

  /** A message was handed on to the conversation. */
  add(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes > LIMITS.maxWsBufferedBytes && !this.ws.isPaused) this.ws.pause();
  }

  /** The conversation read this much. */
  took(bytes: number): void {
    this.bytes = Math.max(0, this.bytes - bytes);
    if (this.bytes <= LIMITS.maxWsBufferedBytes / 2 && this.ws.isPaused && this.ws.readyState === WebSocket.OPEN) this.ws.resume();
  }
}
