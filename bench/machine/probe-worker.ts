/** A thread of the machine probe: computes PBKDF2 for a given time when asked, and says how fast it went. */
import { parentPort } from 'node:worker_threads';
import { burnRate } from './probe-work.js';

parentPort?.on('message', (ms: number) => {
  parentPort?.postMessage(burnRate(ms));
});
