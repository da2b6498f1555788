/**
 * The bench's own requests (readiness, the answer checks, a target's /health and /lab/usage, the round trip):
 * every one has a deadline for the whole answer, not just for each chunk (a server that sends a byte every 3 s
 * never trips a per-chunk timeout), and a cap on its size (a server that streams forever must not grow the bench
 * by gigabytes). Both end the request with one line that says which.
 */
import { request, type Dispatcher } from 'undici';
import { messageOf } from '../../lib/errors.js';
import { sentence } from '../../lib/lang/sentences.js';

/** What the bench reads of any one answer, at most, unless told otherwise. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export interface GetOptions {
  /** The whole answer, headers and body, within this many ms. */
  readonly totalMs: number;
  readonly maxBytes?: number;
  /** Ends the request at once (Ctrl-C, a server that died). */
  readonly signal?: AbortSignal;
  readonly dispatcher?: Dispatcher;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

const sizeText = (bytes: number): string => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`);

/** GET `url`; throws one line: the network's error, "more than … of answer", "no whole answer within … s", "interrupted". */
export async function getAnswer(url: string, options: GetOptions): Promise<Answer> {
  const maxBytes = options.maxBytes ?? MAX_ANSWER_BYTES;
  const deadline = AbortSignal.timeout(options.totalMs);
  const signal = options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
  const path = new URL(url).pathname;
  try {
    const response = await request(url, {
      signal,
      headersTimeout: options.totalMs,
      bodyTimeout: options.totalMs,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      response.body.destroy();
      throw new Error(sentence('err.tooLargeAnnounced', { path, size: sizeText(maxBytes), declared: String(declared) }));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        response.body.destroy();
        throw new Error(sentence('err.tooLarge', { path, size: sizeText(maxBytes) }));
      }
      chunks.push(chunk);
    }
    return { status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') };
  } catch (error: unknown) {
    if (options.signal?.aborted === true) throw new Error(sentence('err.pathInterrupted', { path }));
    if (deadline.aborted) throw new Error(sentence('err.noWholeAnswer', { path, seconds: options.totalMs / 1000 }));
    throw error instanceof Error && error.message.startsWith(path) ? error : new Error(`${path}: ${messageOf(error)}`);
  }
}
