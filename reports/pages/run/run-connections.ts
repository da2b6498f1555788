/** The Connections section of the run page: draws the view built in Node (reports/views/connections-view.ts). */
import { formatUs } from '../../../lib/format.js';
import { formatNumber, t } from '../../../lib/lang/lang.js';
import type { ConnectionsView } from '../../views/run/connections-view.js';
import type { ModelStyle } from '../../views/palette.js';
import { chartBox } from '../chart-draw.js';
import { intervalPlugin, latencyTooltip, line, logAxis, logCountAxis, percentileAxis, percentileX, tooltipTexts, type LineConfig, type LineDataset } from '../charts.js';
import { el, numberCell, prose, swatch, table } from '../common.js';

export function connectionsSection(view: ConnectionsView, styleFor: (model: string) => ModelStyle): HTMLElement {
  const body = el('div', { className: 'connections-body' });
  if (view.sentence !== null) body.append(prose('p', view.sentence, { className: 'headline' }));
  const charts: HTMLElement[] = [];
  for (const memory of view.memory) {
    charts.push(
      chartBox(view.memory.length > 1 ? `${t('connections.memoryChart')} · ${memory.workload}` : t('connections.memoryChart'), t('connections.memoryNote'), {
        type: 'bar',
        data: {
          labels: memory.series.map((s) => s.model),
          datasets: memory.levels.map((level, i) => ({
            label: `${formatNumber(level)} ${t('connections.heldAxis')}`,
            data: memory.series.map((s) => s.kib[i] ?? null),
            backgroundColor: memory.series.map((s) => styleFor(s.model).color),
          })),
        },
        options: {
          plugins: { legend: { display: memory.levels.length > 1 }, tooltip: { callbacks: { label: (item) => memory.series[item.dataIndex]?.texts[item.datasetIndex] ?? '' } } },
          scales: { y: logCountAxis(t('connections.kib')) },
        },
      }),
    );
  }
  for (const group of view.latency) {
    const labels = group.levels.map((l) => formatNumber(l));
    const solid = group.series.map((s) => line(s.model, [...s.p50], styleFor(s.model)));
    const dotted = group.series.map((s): LineDataset => ({ ...line(`${s.model} · p99`, [...s.p99], { ...styleFor(s.model), dash: [2, 3] }, 3), borderWidth: 2 }));
    const config: LineConfig = {
      type: 'line',
      data: { labels, datasets: [...solid, ...dotted] },
      options: {
        plugins: { tooltip: tooltipTexts([...group.series.map((s) => s.p50.map((v) => (v === null ? '—' : `p50 ${formatUs(v)}`))), ...group.series.map((s) => s.p99.map((v) => (v === null ? '—' : `p99 ${formatUs(v)}`)))]) },
        scales: { x: { title: { display: true, text: t('connections.heldAxis') } }, y: logAxis(t('connections.latencyAxis')) },
      },
      plugins: [intervalPlugin({ intervals: [...group.series, ...group.series].map((s) => s.p50.map(() => null)), lowerBounds: [...group.series.map((s) => [...s.lowerBound]), ...group.series.map((s) => [...s.lowerBound])] })],
    };
    const clients = group.clients === 1 ? t('connections.activeOne') : t('connections.activeMany', { n: group.clients });
    charts.push(chartBox(t('connections.latencyChart', { clients, workload: group.workload }), t('connections.latencyNote'), config));
  }
  const chat = view.chat;
  if (chat !== null && chat.distributions.some((d) => d.points.length > 0)) {
    charts.push(
      chartBox(t('connections.chatDistribution', { rate: formatNumber(chat.rate) }), t('connections.chatDistributionNote'), {
        type: 'line',
        data: { datasets: chat.distributions.map((d) => line(d.model, d.points.filter((p) => p.percentile < 100).map((p) => ({ x: percentileX(p.percentile), y: p.us })), styleFor(d.model), 2)) },
        options: { plugins: { tooltip: latencyTooltip }, scales: { x: percentileAxis(), y: logAxis(t('connections.latencyAxis')) } },
      }),
    );
  }
  if (charts.length > 0) body.append(el('div', { className: 'charts' }, charts));
  if (chat !== null) {
    body.append(el('h3', { text: t('connections.chat') }), prose('p', t('connections.chatNote')));
    const lost = chat.rows.reduce((a, r) => a + r.lost, 0);
    const duplicated = chat.rows.reduce((a, r) => a + r.duplicated, 0);
    body.append(el('p', { className: lost + duplicated === 0 ? 'chat-verdict' : 'chat-verdict banner', 'data-field': 'chat-verdict', text: lost + duplicated === 0 ? t('connections.lostNone') : t('connections.lostSome', { lost, duplicated }) }));
    const rows = chat.rows.map((r) =>
      el('tr', { 'data-model': r.model, 'data-rate': String(r.rate) }, [
        el('td', { className: 'name' }, [swatch(styleFor(r.model).color), r.model]),
        numberCell('rate', r.rate, formatNumber(r.rate)),
        numberCell('members', r.members, formatNumber(r.members)),
        numberCell('deliveries', r.deliveriesPerSecond, formatNumber(Math.round(r.deliveriesPerSecond))),
        numberCell('owed', r.owedPerSecond, formatNumber(Math.round(r.owedPerSecond))),
        el('td', { text: r.p50 }),
        el('td', { text: r.p99 }),
        el('td', { text: r.max }),
        numberCell('lost', r.lost, formatNumber(r.lost)),
        numberCell('duplicated', r.duplicated, formatNumber(r.duplicated)),
        numberCell('cpu-per-delivery', r.cpuPerDeliveryUs, r.cpuPerDeliveryUs === null ? '—' : formatUs(r.cpuPerDeliveryUs)),
      ]),
    );
    const col = (k: 'model' | 'rate' | 'members' | 'deliveries' | 'owed' | 'p50' | 'p99' | 'max' | 'lost' | 'duplicated' | 'cpu'): string => t(`connections.col.${k}`);
    body.append(table([col('model'), col('rate'), col('members'), col('deliveries'), col('owed'), col('p50'), col('p99'), col('max'), col('lost'), col('duplicated'), col('cpu')], rows, 'chat'));
  }
  if (view.theory.length > 0) {
    body.append(el('div', { className: 'box theory' }, [el('h3', { text: t('connections.theory') }), ...view.theory.map((p) => prose('p', p))]));
  }
  return body;
}
