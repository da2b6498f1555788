/**
 * One colour per model on every chart and page: the Okabe–Ito palette, safe for the common colour-vision
 * deficiencies, with a dash pattern and a point shape per model so that print in grey still tells them apart.
 */
export interface ModelStyle {
  readonly color: string;
  readonly dash: readonly number[];
  readonly point: 'circle' | 'rect' | 'triangle' | 'rectRot' | 'crossRot' | 'star' | 'rectRounded' | 'cross';
}

const STYLES: Readonly<Record<string, ModelStyle>> = {
  sequential: { color: '#D55E00', dash: [], point: 'rect' },
  'event-loop': { color: '#0072B2', dash: [], point: 'circle' },
  'worker-pool': { color: '#009E73', dash: [8, 4], point: 'triangle' },
  cluster: { color: '#CC79A7', dash: [2, 3], point: 'rectRot' },
  'thread-per-request': { color: '#E69F00', dash: [6, 3], point: 'star' },
  'process-per-request': { color: '#56B4E9', dash: [10, 3, 2, 3], point: 'rectRounded' },
  fastify: { color: '#000000', dash: [4, 2], point: 'cross' },
  baseline: { color: '#555555', dash: [12, 4, 2, 4], point: 'crossRot' },
};

const SPARE: readonly string[] = ['#F0E442', '#999999', '#882255', '#44AA99'];

/** A model not in the catalogue (a results file from a newer lab) still gets a stable colour. */
export function styleOf(model: string, index = 0): ModelStyle {
  return STYLES[model] ?? { color: SPARE[index % SPARE.length] ?? '#000000', dash: [4, 4], point: 'star' };
}
