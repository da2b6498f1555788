/** The "Predict, then measure" box of a workload, closed or open loop: theory per model, then where it parts from measurement. */
import type { CheckView } from '../../views/theory-view.js';
import { el, prose } from '../common.js';
import { t } from '../../../lib/lang/lang.js';

export function theoryBox(summary: string, models: readonly { readonly model: string; readonly text: string }[], disagreements: readonly CheckView[]): HTMLElement {
  return el('div', { className: 'box theory', 'data-section': 'theory' }, [
    el('h3', { text: t('rp.theory.title') }),
    prose('p', summary, { className: 'theory-summary' }),
    el('ul', {}, models.map((m) => el('li', { 'data-model': m.model }, [el('code', { text: m.model }), t('rp.theory.model', { text: m.text })]))),
    disagreements.length === 0
      ? null
      : el('div', { 'data-section': 'disagreements' }, [
          el('strong', { text: t('rp.theory.disagreements') }),
          el('ul', {}, disagreements.map((k) => el('li', { 'data-model': k.model, 'data-at': String(k.at) }, [prose('p', k.text), el('p', { className: 'note', text: k.cause ?? '' })]))),
        ]),
  ]);
}
