/** The run page's sections about the run itself: its warnings, its machine and options, and the models. */
import type { MachineView } from '../../views/run/machine-view.js';
import type { ModelView } from '../../views/run/run-view.js';
import type { WarningGroupView } from '../../views/warnings.js';
import { chartBox } from '../chart-draw.js';
import { countAxis, line } from '../charts.js';
import { el, prose, swatch, table } from '../common.js';
import { t } from '../../../lib/lang/lang.js';
import { counted } from '../../views/figures.js';

/**
 * Grouped by code, one line per kind with its count; unfolded, what the kind means (once), the run's own messages,
 * then every case that carries it, each message as text.
 */
export function warningsBox(groups: readonly WarningGroupView[]): HTMLElement {
  return el('div', { className: 'box warnings', 'data-section': 'warnings' }, [
    el('ul', {}, groups.map((g) => {
      const count = g.cases.length > 0 ? ` (${counted(g.cases.length, 'rp.cases.one', 'rp.cases.many')})` : g.messages.length > 1 ? ` (${g.messages.length})` : '';
      return el('li', { 'data-code': g.code }, [
        el('details', { className: 'warning-kind' }, [
          el('summary', {}, [el('strong', { text: g.title }), count]),
          g.meaning === '' ? null : el('p', { className: 'meaning', text: g.meaning }),
          g.messages.length > 0 ? el('ul', { className: 'messages' }, g.messages.map((m) => el('li', { className: 'message', text: m }))) : null,
          g.cases.length > 0 ? el('ul', { className: 'messages' }, g.cases.map((c) => el('li', { className: 'message' }, [el('code', { text: `${c.model} · ${c.workload} · ${c.connections}` }), ` ${c.message}`]))) : null,
        ]),
      ]);
    })),
  ]);
}

/** The probes: single-thread speed and parallel capacity, as shares of the start, with drops flagged. */
export function machineSection(machine: MachineView | null): HTMLElement {
  const section = el('section', { 'data-section': 'machine' }, [el('h3', { text: t('run.machineDuring') })]);
  if (machine === null) {
    section.append(el('p', { text: t('rp.machine.noProbes') }));
    return section;
  }
  for (const s of machine.summary) section.append(el('p', { text: s }));
  const labels = machine.probes.map((p) => p.label);
  // As the view computed them: shares of the run's best.
  const share = (f: (p: MachineView['probes'][number]) => number): number[] => machine.probes.map((p) => Math.round(f(p) * 1000) / 10);
  const flagged = machine.probes.map((p) => (p.dropped ? '#b00020' : '#0072B2'));
  const capacity = { ...line(t('rp.machine.capacity'), share((p) => p.capacityShare), { color: '#0072B2', dash: [], point: 'circle' }), pointBackgroundColor: flagged, pointBorderColor: flagged, pointRadius: machine.probes.map((p) => (p.dropped ? 9 : 5)) };
  const speed = line(t('rp.machine.speed'), share((p) => p.speedShare), { color: '#E69F00', dash: [8, 4], point: 'rect' });
  const threshold = { ...line(t('rp.machine.threshold'), machine.probes.map(() => 80), { color: '#777777', dash: [4, 4], point: 'circle' }, 0), borderWidth: 2, pointStyle: 'line' as const };
  section.append(
    el('div', { className: 'charts' }, [
      chartBox(t('rp.machine.chart'), t('rp.machine.chartNote'), {
        type: 'line',
        data: { labels, datasets: [capacity, speed, threshold] },
        options: { scales: { x: { title: { display: true, text: t('rp.machine.axisProbe') } }, y: { ...countAxis(t('rp.machine.axisShare')), suggestedMax: 110 } } },
      }),
      table(
        [t('rp.machine.col.before'), t('rp.machine.col.time'), t('rp.machine.col.single'), '', t('rp.machine.col.all'), '', t('rp.machine.col.others')],
        machine.probes.map((p) =>
          el('tr', { className: p.dropped ? 'dropped' : '', 'data-before': p.before }, [
            el('td', { className: 'name', text: p.dropped ? `⚑ ${p.label}` : p.label }),
            el('td', { text: p.text.time }),
            el('td', { text: p.text.single }),
            el('td', { text: p.text.singleShare }),
            el('td', { 'data-field': 'capacity', 'data-value': String(p.capacity), text: p.text.capacity }),
            el('td', { 'data-field': 'capacityShare', text: p.text.capacityShare }),
            el('td', { text: p.text.background }),
          ]),
        ),
        'numbers probes',
      ),
    ]),
  );
  return section;
}


/** Each model with its paragraph: what to expect, and why. */
export function modelsGrid(models: readonly ModelView[]): HTMLElement {
  return el('div', { className: 'models' }, models.map((m) => {
    const box = el('div', { className: 'model' }, [el('h3', {}, [swatch(m.color), el('code', { text: m.name }), ` — ${m.summary}`]), prose('p', m.paragraph)]);
    box.style.borderTopColor = m.color;
    return box;
  }));
}
