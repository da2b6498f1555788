/**
 * The class page: draws the view built in Node (reports/classroom/class-view.ts). On the hub it also follows who is
 * running (GET /api/live every 2 s) and takes the students' predictions (POST /api/answers); saved with --render
 * it is a still page that asks nothing of the network.
 */
import { formatNumber, setLang, t } from '../../lib/lang/lang.js';
import type { ClassView, RelationView } from '../classroom/class-view.js';
import { el, prose, readData, startPage, table } from './common.js';

const view = readData() as ClassView; // written by the renderer of the same build
setLang(view.lang);
const { app } = startPage();
const tx = (key: string): string => view.text[key] ?? key;

app.append(el('h1', { text: view.title }));
app.append(el('p', { className: 'subtitle', text: view.subtitle }));
if (view.machines.length === 0) app.append(el('p', { className: 'banner', text: tx('class.empty') }));

// The teacher's server, loaded together: each student's agent, then the teacher's bench.
if (view.together !== null) {
  const g = view.together;
  app.append(el('section', { 'data-section': 'together' }, [
    el('h2', { text: g.title }),
    prose('p', g.intro),
    el('p', { text: g.agentLine }),
    el('pre', {}, [el('code', { text: g.agentCommand })]),
    el('p', { className: 'note', text: g.benchLine }),
    el('pre', {}, [el('code', { text: g.benchCommand })]),
  ]));
}

// Who is running now: the hub's page only.
if (view.live) {
  const list = el('ul', { id: 'class-live' }, [el('li', { text: tx('class.runningNone') })]);
  app.append(el('section', { 'data-section': 'running' }, [el('h2', { text: tx('class.running') }), list]));
  const refresh = async (): Promise<void> => {
    try {
      const response = await fetch('./api/live');
      if (!response.ok) return;
      const running = (await response.json()) as { name: string; line: string }[];
      list.replaceChildren(...(running.length === 0 ? [el('li', { text: tx('class.runningNone') })] : running.map((r) => el('li', { 'data-name': r.name }, [el('strong', { text: r.name }), ` ${r.line}`]))));
    } catch {
      // The hub went away: the page keeps what it showed.
    }
  };
  void refresh();
  setInterval(() => void refresh(), 2000);
}

// Predict first: the open questions, with a form on the hub.
const questions = el('section', { 'data-section': 'questions' }, [el('h2', { text: tx('class.questions') })]);
if (view.questions.length === 0) questions.append(el('p', { className: 'note', text: tx('class.questionsNone') }));
for (const q of view.questions) {
  const box = el('div', { className: 'box question', 'data-question': String(q.id) }, [prose('p', t('cls.ask', { question: q.text }))]);
  if (view.live) {
    const name = el('input', { name: 'name', placeholder: tx('class.answerName'), maxlength: '80', required: '' });
    // A plain decimal: the hub refuses exponents and hexadecimal, and a comma is as good as a point.
    const value = el('input', { name: 'value', inputmode: 'decimal', pattern: '[0-9]+([.,][0-9]+)?', placeholder: tx('class.answerValue'), required: '' });
    const said = el('p', { className: 'note', 'data-role': 'answer-status' });
    const send = el('button', { type: 'button', text: tx('class.answer') });
    send.addEventListener('click', () => {
      void (async () => {
        try {
          // The class code is in the page's cookie (the link the teacher gave), and so is this name's token once it is ours.
          const response = await fetch(`./api/answers?question=${q.id}&name=${encodeURIComponent(name.value)}&value=${encodeURIComponent(value.value)}`, { method: 'POST' });
          const body = (await response.json().catch(() => ({}))) as { error?: string; token?: string };
          const claimed = typeof body.token === 'string' ? ` ${tx('class.answerToken').replace('{token}', body.token)}` : '';
          said.textContent = response.ok ? `${tx('class.answerSent')}${claimed}` : tx('class.answerFailed').replace('{why}', body.error ?? String(response.status));
        } catch (error: unknown) {
          // The hub is gone, or the code holds a character no header can carry.
          said.textContent = tx('class.answerFailed').replace('{why}', error instanceof Error ? error.message : String(error));
        }
      })();
    });
    box.append(el('p', { className: 'answer-form' }, [name, ' ', value, ' ', send]), said);
  }
  questions.append(box);
}
app.append(questions);

// The relations: one strip per relation, one row per machine, on a log scale.
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Readonly<Record<string, string | number>>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function strip(r: RelationView): Element {
  const width = 900;
  const left = 160;
  const row = 26;
  const rows = r.dots.length + (r.answers.length > 0 ? 1 : 0);
  const height = 30 + rows * row;
  const x = (v: number): number => left + ((Math.log(v) - Math.log(r.min)) / (Math.log(r.max) - Math.log(r.min))) * (width - left - 20);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'relation-strip', 'data-relation': r.key });
  // Ticks at 1, 2, 5 × powers of ten inside the range, and 1 drawn bolder (no difference).
  for (let p = Math.floor(Math.log10(r.min)); p <= Math.ceil(Math.log10(r.max)); p++) {
    // Over more than two decades, 2× and 5× ticks would crowd each other: powers of ten alone.
    for (const m of Math.log10(r.max / r.min) > 2 ? [1] : [1, 2, 5]) {
      const v = m * 10 ** p;
      if (v < r.min || v > r.max) continue;
      root.append(svg('line', { x1: x(v), x2: x(v), y1: 4, y2: height - 18, stroke: v === 1 ? '#666' : '#ddd', 'stroke-width': v === 1 ? 1.5 : 1 }));
      root.append(svg('text', { x: x(v), y: height - 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }, `${formatNumber(v, 3)}×`));
    }
  }
  r.dots.forEach((d, i) => {
    const y = 16 + i * row;
    const g = svg('g', { class: 'dot', 'data-name': d.name, 'data-value': d.value });
    g.append(svg('title', {}, d.title));
    g.append(svg('text', { x: left - 8, y: y + 4, 'text-anchor': 'end', 'font-size': 14, fill: '#222' }, d.name));
    if (d.low !== null && d.high !== null) g.append(svg('line', { x1: x(d.low), x2: x(d.high), y1: y, y2: y, stroke: '#1f77b4', 'stroke-width': 2 }));
    if (d.theory !== null) g.append(svg('line', { class: 'theory', x1: x(d.theory), x2: x(d.theory), y1: y - 7, y2: y + 7, stroke: '#d62728', 'stroke-width': 2, 'stroke-dasharray': '3 2' }));
    g.append(svg('circle', { cx: x(d.value), cy: y, r: 5, fill: '#1f77b4' }));
    root.append(g);
  });
  if (r.answers.length > 0) {
    const y = 16 + r.dots.length * row;
    root.append(svg('text', { x: left - 8, y: y + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#222' }, '◆'));
    for (const a of r.answers) {
      const g = svg('g', { class: 'answer', 'data-value': a.value });
      g.append(svg('title', {}, t('cls.dotTitle', { name: a.name, value: formatNumber(a.value, 3) })));
      g.append(svg('text', { x: x(a.value), y: y + 5, 'text-anchor': 'middle', 'font-size': 13, fill: '#2ca02c' }, '◆'));
      root.append(g);
    }
  }
  return root;
}

const relations = el('section', { 'data-section': 'relations' }, [el('h2', { text: tx('class.relations') }), el('p', { className: 'note', text: tx('class.relationsNote') })]);
for (const r of view.relations) {
  relations.append(
    el('div', { className: 'relation', 'data-relation': r.key }, [
      prose('p', r.title, { className: 'relation-title' }),
      el('p', { className: 'note', text: r.why }),
      r.dots.length === 0 ? el('p', { className: 'note', text: tx('class.relationMissing') }) : el('div', { className: 'strip-wrap' }, [strip(r)]),
      r.answersLine === '' ? null : el('p', { className: 'note', text: r.answersLine }),
      // Who has no dot here, what their run lacks, and the option that fills it.
      r.missing.length === 0 ? null : el('ul', { className: 'note missing', 'data-role': 'missing' }, r.missing.map((m) => prose('li', m))),
    ]),
  );
}
app.append(relations);

// The machines.
app.append(
  el('section', { 'data-section': 'machines' }, [
    el('h2', { text: tx('class.machines') }),
    el('p', { className: 'note', text: tx('class.machinesNote') }),
    table(
      ['class.col.name', 'class.col.cpu', 'class.col.cores', 'class.col.single', 'class.col.capacity', 'class.col.node', 'class.col.run', 'class.col.earlier'].map(tx),
      view.machines.map((m) =>
        el('tr', { 'data-machine': m.name }, [
          el('td', { className: 'name', text: m.name }),
          el('td', { className: 'name', text: m.cpuModel }),
          el('td', { text: String(m.cores) }),
          el('td', { text: m.singleRate === null ? '—' : formatNumber(m.singleRate, 3) }),
          el('td', { text: m.capacity === null ? '—' : formatNumber(m.capacity, 3) }),
          el('td', { className: 'name', text: m.node }),
          el('td', { className: 'name', text: m.runId }),
          el('td', { className: 'name', text: m.earlier.length === 0 ? '—' : m.earlier.join(', ') }),
        ]),
      ),
    ),
  ]),
);

// The machines to read with care.
app.append(
  el('section', { 'data-section': 'outliers' }, [
    el('h2', { text: tx('class.outliers') }),
    view.outliers.length === 0 ? el('p', { className: 'note', text: tx('class.outliersNone') }) : el('ul', {}, view.outliers.map((o) => el('li', { 'data-name': o.name }, [el('strong', { text: o.name }), t('cls.nameSep'), ...o.reasons.flatMap((reason, i) => [i > 0 ? t('cls.reasonSep') : '', prose('span', reason)])]))),
  ]),
);

// Every case: sortable, downloadable.
const locale = view.lang === 'fr' ? 'fr-FR' : 'en-US';
const cellText = (v: string | number): string => (typeof v === 'number' ? formatNumber(v, 3) : v);
const body = el('tbody');
let order: { column: number; up: boolean } = { column: -1, up: true };
function fill(): void {
  const rows = [...view.table.rows];
  if (order.column >= 0) {
    const c = order.column;
    rows.sort((a, b) => {
      const x = a[c] ?? '';
      const y = b[c] ?? '';
      const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), locale);
      return order.up ? d : -d;
    });
  }
  body.replaceChildren(...rows.map((r) => el('tr', {}, r.map((v, i) => el('td', { className: view.table.numeric[i] === true ? '' : 'name', text: cellText(v) })))));
}
const heads = view.table.headers.map((h, i) => {
  const th = el('th', { text: h, className: view.table.numeric[i] === true ? 'sortable' : 'name sortable', 'data-column': String(i) });
  th.addEventListener('click', () => {
    order = { column: i, up: order.column === i ? !order.up : true };
    fill();
  });
  return th;
});
fill();

/** CSV with a point as decimal separator and commas between fields (what spreadsheets read in every language). */
function csv(): string {
  // A text that a spreadsheet would read as a formula (=, +, -, @, tab or CR first) gets a leading quote; a text
  // with a separator or a line break in it is quoted.
  const quote = (v: string | number): string => {
    if (typeof v === 'number') return String(v);
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) || safe !== v ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [view.table.headers, ...view.table.rows].map((r) => r.map(quote).join(',')).join('\n') + '\n';
}
const download = el('button', { type: 'button', text: tx('class.csv'), 'data-role': 'csv' });
download.addEventListener('click', () => {
  // A blob of the table the page already holds: the download goes nowhere on the network.
  const a = document.createElement('a');
  a.download = 'class.csv';
  a.href = URL.createObjectURL(new Blob([csv()], { type: 'text/csv' }));
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); }, 1000);
});
app.append(
  el('section', { 'data-section': 'table' }, [
    el('h2', { text: tx('class.table') }),
    prose('p', tx('class.figuresNote'), { className: 'note' }),
    el('p', { className: 'note' }, [tx('class.tableNote'), ' ', download]),
    view.table.cut === 0 ? null : el('p', { className: 'note', 'data-role': 'table-cut', text: tx('class.tableCut').replace('{n}', formatNumber(view.table.cut)) }),
    // Folded: a class of thirty holds thousands of cases; the page opens on the relations.
    el('details', { className: 'class-table-fold' }, [el('summary', { text: `${tx('class.table')} (${view.table.rows.length})` }), el('div', { className: 'table-wrap' }, [el('table', { className: 'class-table' }, [el('thead', {}, [el('tr', {}, heads)]), body])])]),
  ]),
);
