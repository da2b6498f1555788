/**
 * The hub's intake thread: a run's reading, validation and summary happen here, never on the hub's event loop. It
 * takes one upload at a time, in the order they came ({id, text} in, {id, outcome} out).
 */
import { parentPort } from 'node:worker_threads';
import { intake } from './intake.js';

parentPort?.on('message', (message: { id: number; text: string }) => {
  parentPort?.postMessage({ id: message.id, outcome: intake(message.text) });
});
