/**
 * `GET /lab/usage`: the server's own CPU time and memory, read-only, for a bench on another host (bench/remote.ts)
 * that cannot read this machine's /proc. It is answered by the HTTP layer of the process that accepted the
 * connection, before the model's queue or pool, so that a sample is not held behind the load it measures; and it
 * carries the server's own clock, so that the bench divides CPU time by the server's time between two samples,
 * not by the network's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { processTreeOf } from '../lib/process-tree.js';
import { serveInfo } from './app/launch-info.js';

export const USAGE_PATH = '/lab/usage';

export interface Usage {
  /** Milliseconds on the server's clock (epoch based, sub-millisecond): only differences count. */
  readonly atMs: number;
  /** CPU time (user + system) of the server's processes so far, in ms. */
  readonly cpuMs: number;
  /** Resident memory of those processes together, in bytes. */
  readonly rssBytes: number;
  readonly processes: number;
  /** 'tree': every process of the server, read from /proc (Linux); 'process': only the one that answered. */
  readonly scope: 'tree' | 'process';
}

/** The server's usage now: on Linux its whole process tree from /proc, elsewhere what this process knows of itself. */
export function usageNow(): Usage {
  const atMs = performance.timeOrigin + performance.now();
  if (process.platform === 'linux') {
    const tree = processTreeOf(serveInfo()?.rootPid ?? process.pid);
    if (tree.length > 0) {
      return { atMs, cpuMs: tree.reduce((a, p) => a + p.cpuMs, 0), rssBytes: tree.reduce((a, p) => a + p.rssBytes, 0), processes: tree.length, scope: 'tree' };
    }
  }
  // process.cpuUsage counts every thread of this process (pool threads included), not child processes.
  const cpu = process.cpuUsage();
  return { atMs, cpuMs: (cpu.user + cpu.system) / 1000, rssBytes: process.memoryUsage.rss(), processes: 1, scope: 'process' };
}

/** Answers the lab's own route if this is it; false leaves the request to the model. */
export function answerLabRoute(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.url !== USAGE_PATH) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const error = JSON.stringify({ error: `Method ${req.method ?? ''} not allowed on ${USAGE_PATH}; allowed: GET, HEAD` });
    res.writeHead(405, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(error), allow: 'GET, HEAD' });
    res.end(error);
    return true;
  }
  const body = JSON.stringify(usageNow());
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
