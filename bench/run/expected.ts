/**
 * What each workload's requests must be answered with: asked of a reference server of the application (event-loop,
 * in a process of its own), never computed in the bench, whose process must not parse 30,000 rows of CSV beside the
 * load. Every model's server is then checked against these answers before it is measured.
 */
import { getAnswer } from '../network/http-get.js';
import type { Workload } from '../plan/workloads.js';
import { askWebSocket, wsCheck, WS_PROBE_TEXT } from '../network/ws-ask.js';
import { startServerProcess } from './server-process.js';
import type { ExpectedAnswer } from './servers.js';
import { sentence } from '../../lib/lang/sentences.js';

/** How long the reference server may take to answer one request (the CSV lists are the largest, a few hundred kB). */
const ANSWER_MS = 10_000;
/** The largest answer a workload asks for: the CSV API's lists, and /work with its bytes. */
const MAX_EXPECTED_BYTES = 16 * 1024 * 1024;

/** Reference servers started before the bench gives up: one that dies on its way is not the application's fault. */
const REFERENCE_ATTEMPTS = 3;

export async function expectedAnswers(workloads: Iterable<Workload>, signal?: AbortSignal): Promise<Map<string, Map<string, ExpectedAnswer>>> {
  const list = [...workloads];
  for (let attempt = 1; ; attempt++) {
    try {
      return await askReference(list, signal);
    } catch (error: unknown) {
      // A wrong answer is the application's, and will not change; a server that died or never listened may.
      if (error instanceof WrongAnswer || signal?.aborted === true || attempt >= REFERENCE_ATTEMPTS) throw error;
    }
  }
}

class WrongAnswer extends Error {}

async function askReference(workloads: readonly Workload[], signal?: AbortSignal): Promise<Map<string, Map<string, ExpectedAnswer>>> {
  const reference = await startServerProcess('event-loop', { role: 'reference' });
  try {
    const out = new Map<string, Map<string, ExpectedAnswer>>();
    for (const workload of workloads) {
      const answers = new Map<string, ExpectedAnswer>();
      for (const path of workload.paths) {
        if (workload.protocol !== 'http') {
          // A WebSocket workload: the reference's answer to the probe message (101: the handshake went through).
          const check = wsCheck(path);
          const body = await askWebSocket(reference.url, check.path, WS_PROBE_TEXT, { totalMs: ANSWER_MS, ...(signal === undefined ? {} : { signal }), ...(check.accept === undefined ? {} : { accept: check.accept }) });
          answers.set(path, { status: 101, body });
          continue;
        }
        const answer = await getAnswer(`${reference.url}${path}`, { totalMs: ANSWER_MS, maxBytes: MAX_EXPECTED_BYTES, ...(signal === undefined ? {} : { signal }) });
        if (answer.status !== 200) throw new WrongAnswer(sentence('err.reference', { workload: workload.name, path, status: String(answer.status) }));
        answers.set(path, { status: answer.status, body: answer.body });
      }
      out.set(workload.name, answers);
    }
    return out;
  } finally {
    await reference.stop();
  }
}
