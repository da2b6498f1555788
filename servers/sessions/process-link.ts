import { isSessionId, isVisit, type SessionAccess, type SessionStore, type Visit } from '../app/sessions.js';

/**
 * `--sessions shared` for models whose requests run in other processes (cluster, process-per-request): the
 * parent keeps the one store, and a child asks it over the IPC channel node gives every forked process. Each
 * question carries a number, so that answers find their question when several are in flight (a cluster
 * process serves many requests at once).
 */

interface VisitQuestion {
  readonly type: 'lab-visit';
  readonly seq: number;
  readonly session: string | null;
}

interface VisitAnswer {
  readonly type: 'lab-visited';
  readonly seq: number;
  readonly visit: Visit;
}

/** A parent that takes longer than this is not coming back (it is stopping): the request fails with a 500. */
const ANSWER_TIMEOUT_MS = 5000;

function isVisitQuestion(message: unknown): message is VisitQuestion {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<Record<keyof VisitQuestion, unknown>>;
  return m.type === 'lab-visit' && typeof m.seq === 'number' && (m.session === null || typeof m.session === 'string');
}

function isVisitAnswer(message: unknown): message is VisitAnswer {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<Record<keyof VisitAnswer, unknown>>;
  return m.type === 'lab-visited' && typeof m.seq === 'number' && isVisit(m.visit);
}

/** Something that can send a message to a child: a cluster Worker or a ChildProcess. */
export interface ChildChannel {
  send(message: VisitAnswer): unknown;
}

/**
 * Parent: if `message` (from `child`) asks for a visit, counts it in `store`, answers, and returns true. A child
 * can send anything: a session that is not an id of ours starts a new session, as a forged cookie does.
 */
export function answerVisitQuestion(child: ChildChannel, message: unknown, store: SessionStore): boolean {
  if (!isVisitQuestion(message)) return false;
  const visit = store.visit(isSessionId(message.session) ? message.session : null);
  child.send({ type: 'lab-visited', seq: message.seq, visit });
  return true;
}

/** Child: the parent's store, asked over IPC. */
export class ParentSessions implements SessionAccess {
  private seq = 0;
  private readonly waiting = new Map<number, (answer: Visit | Error) => void>();

  constructor() {
    process.on('message', (message: unknown) => {
      if (!isVisitAnswer(message)) return;
      this.waiting.get(message.seq)?.(message.visit);
    });
  }

  visit(session: string | null): Promise<Visit> {
    const send = process.send?.bind(process);
    if (send === undefined) return Promise.reject(new Error('shared sessions need a parent process with an IPC channel'));
    const seq = (this.seq = (this.seq + 1) % Number.MAX_SAFE_INTEGER);
    return new Promise<Visit>((resolve, reject) => {
      const timer = setTimeout(() => {
        settle(new Error('the parent process did not answer a session visit'));
      }, ANSWER_TIMEOUT_MS);
      const settle = (answer: Visit | Error): void => {
        clearTimeout(timer);
        this.waiting.delete(seq);
        if (answer instanceof Error) reject(answer);
        else resolve(answer);
      };
      this.waiting.set(seq, settle);
      const question: VisitQuestion = { type: 'lab-visit', seq, session };
      send(question);
    });
  }
}
