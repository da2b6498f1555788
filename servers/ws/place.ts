import { localBus, LocalRooms } from './rooms.js';
import type { ChatPlace } from './here.js';

/** The rooms of a server that is one process: publishing is delivering. */
export function localPlace(): ChatPlace {
  const rooms = new LocalRooms();
  return { rooms, bus: localBus(rooms) };
}
