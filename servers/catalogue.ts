import { availableParallelism } from 'node:os';
import type { ServerModel } from './model-types.js';
import * as baseline from './models/baseline.js';
import * as cluster from './models/cluster.js';
import * as eventLoop from './models/event-loop.js';
import * as fastify from './models/fastify.js';
import * as processPerRequest from './models/process-per-request.js';
import * as sequential from './models/sequential.js';
import * as threadPerRequest from './models/thread-per-request.js';
import * as workerPool from './models/worker-pool.js';
import { isOneOf } from '../lib/guards.js';

/** The application's models, in the order reports list them. */
export const APP_MODELS = ['sequential', 'event-loop', 'worker-pool', 'cluster', 'thread-per-request', 'process-per-request', 'fastify'] as const;
export const MODEL_NAMES = [...APP_MODELS, 'baseline'] as const;
/**
 * The four models of the course's first lesson and the baseline: what `npm run bench` measures by default, in
 * under five minutes. The per-request models and the framework are one `--models` (or `--profile course`) away.
 */
export const CORE_MODELS = ['sequential', 'event-loop', 'worker-pool', 'cluster', 'baseline'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const DEFAULT_HOST = '127.0.0.1';
/**
 * Pool threads, and the most threads alive at once for thread-per-request: there, twice the cores, since
 * threads are cheap enough to keep two per core (some of them wait). The bench passes its own --threads.
 */
export const defaultThreads = (model?: ModelName): number => (model === 'thread-per-request' ? 2 : 1) * availableParallelism();
/** Cluster processes, and the most processes alive at once for process-per-request: one per core. */
export const defaultProcesses = (): number => availableParallelism();

/** Every model: its parameters, one line, and the paragraph that says what to expect and why. */
export const CATALOGUE = {
  sequential: {
    params: [],
    reference: false,
    summary: 'one thread; every step of a request blocks it',
    paragraph:
      'One thread does everything, and every step of a request blocks it: files are read with readFileSync, ' +
      'waits sleep the thread. Connections are still accepted, but their requests queue and are served one ' +
      'after another, so throughput is 1 / (service time) whatever the number of clients, and latency grows ' +
      'with every client added: with 16 clients, each waits for the 15 others. A 20 ms wait caps it near ' +
      '50 requests per second even though the CPU is idle. This is the server of the first lesson, and the ' +
      'baseline every other model is measured against.',
    start: sequential.start,
  },
  'event-loop': {
    params: [],
    reference: false,
    summary: 'one thread; waits are non-blocking, others progress meanwhile',
    paragraph:
      'One thread, but a request that waits (for a file, a timer, a database) gives the thread back to the ' +
      'event loop, which serves other requests meanwhile. Waits overlap: with a 20 ms wait, 16 clients get ' +
      'about 16 times the throughput of the sequential model at about the same latency. CPU work does not ' +
      'overlap: computing still happens on the one thread, so a CPU-bound workload behaves like the ' +
      'sequential model and uses one core. This is how Node.js is meant to be used, and the cheapest model ' +
      'for small answers.',
    start: eventLoop.start,
  },
  'worker-pool': {
    params: ['threads'],
    reference: false,
    summary: 'main thread accepts; N pool threads (piscina) run requests with blocking waits',
    paragraph:
      'The main thread accepts connections and hands each request to one of N threads of a pool (piscina); ' +
      'the pool thread runs the request from start to finish, blocking on its waits, as in a classic ' +
      'thread-per-request server. CPU work spreads over cores, so a CPU-bound workload can go up to N times ' +
      'faster than the event loop when the cores are free. Waits are bounded by the pool: with N threads, at ' +
      'most N requests wait at once, so an I/O-bound workload gets about N times the sequential model, far ' +
      'below the event loop. Each hand-off copies the request and the answer between threads: for tiny ' +
      'answers the pool is slower than a plain event loop.',
    start: workerPool.start,
  },
  cluster: {
    params: ['processes'],
    reference: false,
    summary: 'N processes (node:cluster), each an event loop, share one port',
    paragraph:
      'N processes started by node:cluster share one listening port; the primary process hands each new ' +
      'connection to one of them in turn. Each process is a full event-loop server, so waits overlap inside ' +
      'each one and CPU work spreads over the cores. Each process holds its own copy of the program and the ' +
      'data: memory grows with N. A process that dies is replaced. On a machine with few cores shared with ' +
      'the load generator, N processes plus the client are oversubscribed: they take turns on the cores, and ' +
      'the gain over the event loop is smaller than N.',
    start: cluster.start,
  },
  'thread-per-request': {
    params: ['threads'],
    reference: false,
    summary: 'main thread accepts; a new worker thread for every request, ended after it',
    paragraph:
      'The main thread accepts connections and starts a new worker thread for every request; the thread ' +
      'loads the application, runs the request with blocking waits, answers and ends. It does the same work ' +
      'as a pool thread, plus the birth of a thread every time: a new JavaScript engine instance, the modules ' +
      'loaded again, a few milliseconds to tens of milliseconds before any work. Next to the worker-pool, ' +
      'which keeps its threads, this is the price of not reusing them: small answers are many times slower, ' +
      'long requests hardly notice. At most N threads live at once (--threads, twice the cores by default); ' +
      'further requests wait in line. Each thread shares nothing, so an API request parses the CSV data again.',
    start: threadPerRequest.start,
  },
  'process-per-request': {
    params: ['processes'],
    reference: false,
    summary: 'main process accepts; a new process for every request (CGI), ended after it',
    paragraph:
      'The main process accepts connections and starts a new Node.js process for every request, as a CGI ' +
      'server starts a program or a serverless platform a cold function; the process loads the application, ' +
      'runs the one request, answers and exits. Every request pays a cold start of tens of milliseconds and ' +
      'tens of megabytes before any work, so even the smallest answer takes many times longer than on the ' +
      'event loop, and throughput is bounded by how fast the machine can start processes. At most N processes ' +
      'live at once (--processes, the cores by default); further requests wait in line. Nothing is kept between ' +
      'requests: an API request parses the CSV data again, and local sessions never count past 1.',
    start: processPerRequest.start,
  },
  fastify: {
    params: [],
    reference: false,
    summary: 'one thread; the event-loop model routed and answered through fastify',
    paragraph:
      'The event-loop model with a framework in between: fastify routes each request to the application and ' +
      'writes its answer, with the same handler and the same non-blocking waits. What changes is only the ' +
      'code between the socket and the handler: a radix-tree router, hooks, and reply serialisation instead ' +
      'of a hand-written adapter. Expect throughput and latency within a few percent of the event-loop model ' +
      'for real work, and a measurable difference only on the smallest answers, where the framework is most ' +
      'of what runs.',
    start: fastify.start,
  },
  baseline: {
    params: [],
    reference: true,
    summary: 'reference only: a bare node:http server that answers / without the application',
    paragraph:
      'Not a model of the application: a bare node:http server that answers every request with the bytes of ' +
      "the application's `/`. It shows the ceiling of Node.js on this machine, so that the cost of the " +
      'application and of each model can be read against it.',
    start: baseline.start,
  },
} as const satisfies Record<ModelName, ServerModel>;

export function isModelName(name: string): name is ModelName {
  return isOneOf(MODEL_NAMES, name);
}
