/** Theory against measurement, in words: an error, a check, and the likely cause where they part. */
import { formatBytes, formatRps } from '../../lib/format.js';
import type { Cause, PredictionCheck } from '../../results/theory/prediction-check.js';

/** "+8%", "−12%", and "0%" for what rounds to nothing (a sign on 0 would claim a direction it does not have). */
export function errorText(x: number): string {
  const whole = Math.round(Math.abs(x) * 100);
  return whole === 0 ? '0%' : `${x > 0 ? '+' : '−'}${whole}%`;
}

/** The likely cause, in a sentence. */
export function causeText(cause: Cause): string {
  switch (cause.kind) {
    case 'uncertain-demands':
      return `uncertain demands: the 1-client case the prediction stands on was itself unsure (${cause.why})`;
    case 'jit-batching':
      return 'JIT and batching: at 1 client each request pays costs that load spreads out (a wake-up of the client and of the server, a loop turn, code not yet optimised), so the demands measured there overstate what a request costs under load';
    case 'client-saturation':
      return `client saturation: the load generator used ${Math.round(cause.clientCpuPercent)}% of a core, so the client, not the model, set the pace`;
    case 'client-lag':
      return 'client saturation: the client trailed its own schedule, so fewer requests went out than planned';
    case 'link-rate':
      return `the link's rate: at most ${cause.rateMbit} Mbit/s each way (--netem-rate), a station the model leaves out; answers queue for the wire, whose time theory counts as a delay every client can spend at once`;
    case 'slow-ramp':
      return 'clients still getting in: the window opened with some clients not yet answered (the bench stopped waiting for them), so fewer clients were served than the case says';
    case 'machine-changed':
      return 'the machine changed during the run: some trials were taken while it was busy or slower';
    case 'memory':
      return `memory: the server grew to ${formatBytes(cause.rssBytes)} (${formatBytes(cause.baseRssBytes)} at 1 client), and collecting garbage takes a share of the CPU the model does not count`;
    case 'hand-off':
      return 'hand-off cost: passing requests and answers between threads or processes costs more under load than at 1 client (queues, copies, wake-ups, context switches)';
    case 'contention':
      return 'contention the model leaves out: the kernel’s network stack, context switches and caches, shared by the server and the client on the same cores';
    case 'open-client-lag':
      return 'client saturation: the client trailed its own schedule, which lowers the rate it offered and adds to every latency';
    case 'too-few-requests':
      return `too few requests: ${cause.requests} in the window${cause.windows > 1 ? 's' : ''}, so the answered rate is a rough count`;
    case 'near-saturation':
      return `near saturation: theory puts the capacity at ${cause.capacity.toFixed(1)} req/s, close to the ${cause.rate} offered; so close to full, a small error in the demands moves the queue a lot, and a window of a few seconds never reaches a steady state`;
    case 'slow-settle':
      return 'a queue that took long to settle: a window of a few seconds saw more waiting than theory gives';
    case 'variable-service':
      return 'service times vary more under load than at 1 client (garbage collection, the scheduler, the other connections), and variable services queue longer';
    case 'batching':
      return 'requests were served in batches: under load one loop turn serves several, so a request waits less than the 1-client demand implies';
  }
}

/** "sequential at 64 clients: measured 47.1 req/s, theory 48.2 (−2%)" — for the page's list of disagreements. */
export function checkText(k: PredictionCheck): string {
  const where = k.mode === 'open' ? `${k.at} req/s offered` : `${k.at} client${k.at === 1 ? '' : 's'}`;
  return `\`${k.model}\` at ${where}: measured ${formatRps(k.measuredRps)} req/s, theory ${formatRps(k.predictedRps)} (${errorText(k.rpsError)}); mean latency ${errorText(k.latencyError)} against theory`;
}
