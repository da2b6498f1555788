/**
 * Warnings are data ({ code, message }): a page groups them by code and explains each code once, in its own
 * words; the messages (numbers for people) are shown as they are, never searched.
 */
import type { Results, WarningCode } from '../../results/schema.js';

export interface WarningKind {
  readonly title: string;
  /** What it means in one line, for the first screen (the first sentence of `meaning` when absent). */
  readonly short?: string;
  /** What it means for the numbers, said once for every case that carries it ("" where the messages say it all). */
  readonly meaning: string;
}

/** Every code the results may carry, in the order a reader should meet them: a new code is a compile error here. */
export const WARNING_KINDS = {
  upgraded: { title: 'Read from an older results file', meaning: 'A version-1 file, made before trials: each case was measured once (or repeated one after another, not interleaved with the other models), so most numbers have no interval and the conclusions cannot be checked.' },
  machine: { title: 'The machine', meaning: '' },
  'machine-drift': { title: 'The machine changed during the run', short: 'its speed or parallel capacity moved between cells; trials taken then are marked, and every model of a cell met it alike', meaning: 'Its speed or its parallel capacity moved between cells (see "The machine during the run"). Trials are interleaved so that drift falls on every model of a cell alike.' },
  'littles-law': { title: 'Latency is a lower bound (Little’s law)', short: 'some waiting was not seen, so these latencies are shown as “≥”', meaning: 'In a closed loop, N clients at X requests per second wait N / X on average. Where the measured mean is more than 15% below that, some waiting was not seen: the latencies of these cases are shown as “≥”.' },
  censored: { title: 'Latency is a lower bound (unanswered requests)', short: 'some requests had no answer when the bench stopped waiting, so these latencies are shown as “≥”', meaning: 'Requests sent during a trial had no answer when the bench stopped waiting: their latency is missing, so the latencies of these cases are shown as “≥”.' },
  'late-sends': { title: 'Sends that waited for a connection (open loop)', meaning: 'Every connection the client may open (--max-inflight) was busy when these requests were due: they went out late, and their corrected latency counts the wait from the planned time. The uncorrected latency does not, which is the coordinated omission the corrected one undoes.' },
  'dropped-sends': { title: 'Requests never sent (open loop)', meaning: 'Requests planned during the window were still waiting for a connection when the bench stopped waiting: their latency is missing, so the latencies of these cases are lower bounds (“≥”).' },
  'client-lag': { title: 'The client trailed its own schedule (open loop)', meaning: 'Requests left later than planned while a connection was free: the load generator itself was too busy to keep the pace, so part of the latency is the client’s.' },
  'slow-ramp': { title: 'Clients still waiting to get in', meaning: 'A window opens only once every client has had an answer: until then, fewer clients are being served than the case says. Here the bench stopped waiting and opened the window with some clients not yet answered (a busy event loop accepts one new connection per turn of its loop): their first requests are in the latency, which is then higher than the steady state.' },
  'marked-trials': { title: 'Trials taken while the machine was busy or slower', meaning: 'Marked, retried once where the time budget allowed, and left out of the estimates when enough clean trials remained (see each workload’s trials).' },
  'wide-interval': { title: 'Wide intervals', meaning: 'The 95% interval of the throughput stayed wider than ±10% after every trial the time budget allowed: the machine varied more than the lab could average out.' },
  'client-saturated': { title: 'The load generator was saturated', meaning: 'It used a whole core: these numbers measure the client as much as the server.' },
  oversubscribed: { title: 'Oversubscribed', meaning: 'More server threads or processes, plus the load generator, than cores: they take turns on the cores, so multi-core models gain less than they would on a separate machine.' },
  'failed-trials': { title: 'Failed trials', meaning: 'Some trials of these cases failed; the cases stand on the others.' },
  errors: { title: 'Failed requests', meaning: 'Connection errors or timeouts under load.' },
  'non-2xx': { title: 'Answers that were not 2xx', meaning: 'The server refused or failed some requests under load.' },
  'no-response': { title: 'No answer in a trial', meaning: 'Nothing completed in some trial’s window: the server was too slow for this many clients, or stuck.' },
  'server-stop': { title: 'A server outlived its stop', meaning: 'A process of the server was still there after it was stopped.' },
  'cold-server': { title: 'A server that did not settle', meaning: 'The bench warms every fresh server until its throughput settles; these did not within the bound, so their first trials may still measure the start (code not yet compiled, cold threads).' },
  'held-refused': { title: 'Idle connections turned away (--hold)', short: 'the server would not hold every idle connection asked for: its bound, or its line, refused some', meaning: 'A model that gives every connection a thread or a process of its own holds at most its bound (--threads, --processes); the others wait in its line and are refused after 10 s, and every process refuses WebSockets past its own bound. The memory per connection is counted over the connections that opened.' },
  'lost-deliveries': { title: 'Chat messages lost or duplicated', short: 'some members did not receive every message exactly once', meaning: 'Every member of a room, the sender included, must receive every message once. A member the server dropped (a reader too slow for the room) loses what follows; a relay that loses or repeats messages shows here.' },
  placement: { title: 'Not pinned as asked', meaning: 'A process could not be pinned to the cores the cell runs it on (--cpus): it ran where the scheduler put it.' },
} as const satisfies Record<WarningCode, WarningKind>;

export interface WarningCaseView {
  readonly model: string;
  readonly workload: string;
  readonly connections: number;
  readonly message: string;
}

export interface WarningGroupView extends WarningKind {
  readonly code: WarningCode;
  /** Run-level messages of this code. */
  readonly messages: readonly string[];
  /** Cases that carry it, each with its own message. */
  readonly cases: readonly WarningCaseView[];
}

/** Run-level and case warnings, grouped by code in the order of WARNING_KINDS; codes nobody carries are left out. */
export function groupWarnings(results: Results): WarningGroupView[] {
  const codes = Object.keys(WARNING_KINDS) as WarningCode[];
  return codes.flatMap((code): WarningGroupView[] => {
    const messages = results.warnings.filter((w) => w.code === code).map((w) => w.message);
    const cases = results.cases.flatMap((c) => c.warnings.filter((w) => w.code === code).map((w) => ({ model: c.model, workload: c.workload, connections: c.connections, message: w.message })));
    return messages.length === 0 && cases.length === 0 ? [] : [{ code, ...WARNING_KINDS[code], messages, cases }];
  });
}

/** A warning on the first screen: its kind, how many cases carry it, and what it means, in one line. */
export interface TopWarningView {
  readonly code: WarningCode | 'failed-cases';
  readonly title: string;
  /** Cases that carry it (0 for a warning about the whole run). */
  readonly count: number;
  readonly line: string;
}

/**
 * What a reader must meet before any number, most telling first: failed cases, a machine that changed, a saturated
 * client, latencies that are lower bounds, failed requests. The rest (and every detail) is in the warnings section.
 */
const FIRST: readonly WarningCode[] = ['machine-drift', 'client-saturated', 'lost-deliveries', 'littles-law', 'censored', 'errors', 'non-2xx', 'held-refused', 'dropped-sends', 'client-lag', 'wide-interval', 'slow-ramp', 'marked-trials', 'upgraded', 'oversubscribed', 'late-sends', 'failed-trials', 'no-response', 'server-stop', 'machine'];

/** The first sentence of a meaning, or of a message where the kind has no meaning of its own. */
const firstSentence = (text: string): string => (text.split(/(?<=\.)\s/)[0] ?? text).replace(/\.$/, '');

export function topWarnings(results: Results, failedCases: number, at = 3): TopWarningView[] {
  const groups = new Map(groupWarnings(results).map((g) => [g.code, g]));
  const out: TopWarningView[] = [];
  if (failedCases > 0) out.push({ code: 'failed-cases', title: 'Failed cases', count: failedCases, line: 'these cases have no result: their reason is in the warnings section' });
  for (const code of FIRST) {
    const g = groups.get(code);
    if (g === undefined) continue;
    out.push({ code, title: g.title, count: g.cases.length, line: (WARNING_KINDS[code] as WarningKind).short ?? firstSentence(g.meaning !== '' ? g.meaning : (g.messages[0] ?? g.cases[0]?.message ?? '')) });
  }
  return out.slice(0, at);
}
