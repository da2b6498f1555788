/**
 * Where the servers and the load generator run (--cpus): on which cores, pinned with `taskset` (util-linux; on
 * Debian it comes with the system, elsewhere `apt-get install util-linux`). Where a request's path runs decides much
 * of a fast answer's time: on this 2-vCPU machine, `hello` at 1 client with wrk measured 16,955–20,215 req/s
 * unpinned, 19,072–20,642 with server and client on two cores, and 22,609–22,928 (±0.7 %) with both on one core,
 * where no answer waits for another core to wake up.
 *
 * - `none`: the scheduler decides (as before this option).
 * - `server=LIST,client=LIST`: every server on LIST, the load generator on LIST (taskset lists: "0-5", "6,7").
 * - `auto` (the default): with 4 cores or more, the client gets its own cores (a quarter, at least one) and the
 *   servers the rest (and --threads / --processes default to the server's cores). With fewer, the client cannot have
 *   a core of its own without taking half the machine from the servers; what pinning gives there was measured (see
 *   placeCell), and `auto` leaves the placement to the scheduler.
 */
import { execFileSync } from 'node:child_process';
import { processTreeOf } from '../../lib/process-tree.js';
import { t } from '../../lib/lang/lang.js';
import { sentence } from '../../lib/lang/sentences.js';

export interface CpuPlacement {
  /** taskset lists; null: not pinned (every core). */
  readonly server: string | null;
  readonly client: string | null;
}

export type CpusOption = { readonly mode: 'none' } | { readonly mode: 'auto' } | { readonly mode: 'spec'; readonly server: string; readonly client: string };

const LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** Parses --cpus; throws one line. `cores` bounds the lists. */
export function parseCpus(raw: string, cores: number): CpusOption {
  if (raw === 'auto' || raw === 'none') return { mode: raw };
  const m = /^server=(\d[\d,-]*),client=(\d[\d,-]*)$/.exec(raw);
  const swapped = m === null ? /^client=(\d[\d,-]*),server=(\d[\d,-]*)$/.exec(raw) : null;
  const server = m?.[1] ?? swapped?.[2];
  const client = m?.[2] ?? swapped?.[1];
  if (server === undefined || client === undefined) throw new Error(t('opt.err.cpus', { got: JSON.stringify(raw) }));
  for (const [name, list] of [['server', server], ['client', client]] as const) {
    if (!LIST.test(list)) throw new Error(t('opt.err.cpusList', { name, list: JSON.stringify(list) }));
    if (coresOf(list).some((id) => id >= cores)) throw new Error(t('opt.err.cpusCore', { name, list, cores: String(cores), last: String(cores - 1) }));
  }
  return { mode: 'spec', server, client };
}

/** Whether a taskset list names cores of this machine ("1", "2-3", "0,2"), in order. */
export function isCoreList(list: string, cores: number): boolean {
  if (!LIST.test(list)) return false;
  const ids = coresOf(list);
  return ids.length > 0 && ids.every((id) => id < cores) && list.split(',').every((r) => {
    const [a, b] = r.split('-').map(Number);
    return b === undefined || (a ?? 0) <= b;
  });
}

/** The cores of a taskset list. */
export function coresOf(list: string): number[] {
  return list.split(',').flatMap((range) => {
    const [a, b] = range.split('-').map(Number);
    if (a === undefined) return [];
    const end = b ?? a;
    return Array.from({ length: Math.max(0, end - a + 1) }, (_, i) => a + i);
  });
}

/** A list for a set of cores: "0-5" or "0,2". */
function listOf(cores: readonly number[]): string {
  if (cores.length === 0) return '';
  const first = cores[0] ?? 0;
  const last = cores[cores.length - 1] ?? 0;
  return cores.every((c, i) => c === first + i) ? (first === last ? String(first) : `${first}-${last}`) : cores.join(',');
}

/** With 4 cores or more: the client's cores (the last quarter, at least one) and the server's (the rest). */
export function splitCores(cores: number): CpuPlacement {
  const clientCount = Math.max(1, Math.floor(cores / 4));
  const all = Array.from({ length: cores }, (_, i) => i);
  return { server: listOf(all.slice(0, cores - clientCount)), client: listOf(all.slice(cores - clientCount)) };
}

/** Where the servers and the client run, under the option. */
export function placeCell(option: CpusOption, cores: number): CpuPlacement {
  if (option.mode === 'none') return { server: null, client: null };
  if (option.mode === 'spec') return { server: option.server, client: option.client };
  if (cores >= 4) return splitCores(cores);
  // Fewer than 4 cores: measured on the development machine (2 vCPUs; hello at 1 client, six interleaved rounds of
  // each placement, every model), pinning did not pay. Server and client on one core lost 10–30 % whenever the host
  // slowed that core (each vCPU is slowed on its own, for tens of seconds), with trial-to-trial spreads of 11–31 %;
  // server and client on separate cores measured as the scheduler did (spreads of 4.7–12 % against 3.5–12.7 %) and
  // would take a core from a cluster or a pool at more clients. So the scheduler decides, and the run says so.
  return { server: null, client: null };
}

/** Why `auto` placed as it did on a machine of `cores`, for the results. */
export function autoReason(cores: number): string {
  return cores >= 4
    ? sentence('opt.cpus.split', { client: splitCores(cores).client ?? '', server: splitCores(cores).server ?? '' })
    : sentence('opt.cpus.few');
}

/** Whether taskset can pin here (Linux with util-linux); the reason when not. */
export function pinningUnavailable(): string | null {
  if (process.platform !== 'linux') return sentence('opt.cpus.notLinux', { platform: process.platform });
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return null;
  } catch {
    return sentence('opt.cpus.noTaskset');
  }
}

/**
 * Pins every thread of a process and of its descendants to `list` (null: every core of the machine). Children and
 * threads born later inherit it. Returns what went wrong, or null.
 */
export function pinTree(rootPid: number, list: string | null, cores: number): string | null {
  const target = list ?? `0-${cores - 1}`;
  for (const p of processTreeOf(rootPid)) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', target, String(p.pid)], { stdio: 'ignore' });
    } catch {
      // A process of the tree that ended meanwhile; a real failure shows on the root.
      if (p.pid === rootPid) return sentence('err.pin', { pid: String(rootPid), cores: target });
    }
  }
  return null;
}
