/**
 * One core's gauge (run by bench/machine/core-monitor.ts, pinned to its core with taskset): every 250 ms it computes
 * a fixed, tiny amount of PBKDF2 (about 0.4 ms on a fast core: a fraction of a percent of the core) and reports how
 * many iterations it did per millisecond of its own CPU time. CPU time, not wall time: when the bench's own load keeps
 * the core busy, the gauge waits its turn but its rate is unchanged; when the host slows the core (another tenant on
 * its sibling thread, a lower clock), the rate drops. On the development machine each vCPU switches between about
 * 5,000 and 3,000 iterations per ms for tens of seconds at a time, each on its own.
 */
import { pbkdf2Sync } from 'node:crypto';

const ITERATIONS = 2_000;
const EVERY_MS = 250;

function sample(): number {
  const before = process.cpuUsage();
  pbkdf2Sync('gauge', 'salt', ITERATIONS, 16, 'sha256');
  const used = process.cpuUsage(before);
  const ms = (used.user + used.system) / 1000;
  return ms > 0 ? ITERATIONS / ms : 0;
}

sample(); // the first run compiles the code path: not a measure
const timer = setInterval(() => {
  process.send?.({ at: performance.timeOrigin + performance.now(), rate: sample() });
}, EVERY_MS);
process.on('disconnect', () => {
  clearInterval(timer);
  process.exit(0);
});
process.on('SIGINT', () => undefined);
