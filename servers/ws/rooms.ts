/**
 * Chat rooms: who is in which room in this process, and how a message published to a room reaches every member.
 * A single process delivers at once; a cluster's processes publish through a bus (servers/ws/relay.ts) and deliver
 * what comes back from it, so that every member, whichever process holds it, sees the same messages in the same order.
 */
import type WebSocket from 'ws';
import { sendTo } from './delivery.js';

export class LocalRooms {
  private readonly rooms = new Map<string, Set<WebSocket>>();

  join(room: string, ws: WebSocket): void {
    let members = this.rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.rooms.set(room, members);
    }
    members.add(ws);
  }

  leave(room: string, ws: WebSocket): void {
    const members = this.rooms.get(room);
    members?.delete(ws);
    if (members?.size === 0) this.rooms.delete(room);
  }

  /** Sends to every member here; a member that does not read is dropped, the others still receive. */
  deliver(room: string, text: string): void {
    const members = this.rooms.get(room);
    if (members === undefined) return;
    const bytes = Buffer.byteLength(text);
    for (const ws of members) sendTo(ws, text, bytes);
  }
}

/** Where a room's messages go: to this process's members, or first through the cluster's relay or Redis. */
export interface RoomBus {
  publish(room: string, text: string): void;
  close(): Promise<void>;
}

/** One process is the whole server: publishing is delivering. */
export function localBus(rooms: LocalRooms): RoomBus {
  return {
    publish: (room, text) => {
      rooms.deliver(room, text);
    },
    close: () => Promise.resolve(),
  };
}
