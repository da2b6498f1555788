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
import { t } from '../lib/lang/lang.js';
import { sentence } from '../lib/lang/sentences.js';

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

/**
 * Every model: its parameters, one line, and the paragraph that says what to expect and why. The line and the paragraph
 * are the catalogue's (model.<name>.summary, .paragraph in lib/lang): in English, as a results file keeps them, each
 * remembered with its key so that a page says it in its own language; modelTexts gives them in the current language.
 */
export const CATALOGUE = {
  sequential: {
    params: [],
    reference: false,
    summary: sentence('model.sequential.summary'),
    paragraph: sentence('model.sequential.paragraph'),
    start: sequential.start,
  },
  'event-loop': {
    params: [],
    reference: false,
    summary: sentence('model.event-loop.summary'),
    paragraph: sentence('model.event-loop.paragraph'),
    start: eventLoop.start,
  },
  'worker-pool': {
    params: ['threads'],
    reference: false,
    summary: sentence('model.worker-pool.summary'),
    paragraph: sentence('model.worker-pool.paragraph'),
    start: workerPool.start,
  },
  cluster: {
    params: ['processes'],
    reference: false,
    summary: sentence('model.cluster.summary'),
    paragraph: sentence('model.cluster.paragraph'),
    start: cluster.start,
  },
  'thread-per-request': {
    params: ['threads'],
    reference: false,
    summary: sentence('model.thread-per-request.summary'),
    paragraph: sentence('model.thread-per-request.paragraph'),
    start: threadPerRequest.start,
  },
  'process-per-request': {
    params: ['processes'],
    reference: false,
    summary: sentence('model.process-per-request.summary'),
    paragraph: sentence('model.process-per-request.paragraph'),
    start: processPerRequest.start,
  },
  fastify: {
    params: [],
    reference: false,
    summary: sentence('model.fastify.summary'),
    paragraph: sentence('model.fastify.paragraph'),
    start: fastify.start,
  },
  baseline: {
    params: [],
    reference: true,
    summary: sentence('model.baseline.summary'),
    paragraph: sentence('model.baseline.paragraph'),
    start: baseline.start,
  },
} as const satisfies Record<ModelName, ServerModel>;

export function isModelName(name: string): name is ModelName {
  return isOneOf(MODEL_NAMES, name);
}

/** A model's line and paragraph in the current language (a terminal's usage, a page): the catalogue's texts. */
export function modelTexts(name: ModelName): { readonly summary: string; readonly paragraph: string } {
  return { summary: t(`model.${name}.summary`), paragraph: t(`model.${name}.paragraph`) };
}
