/** The index of runs (reports/index-view.ts). Each link was built from a validated run id; link() checks it again. */
import type { IndexView } from '../views/index-view.js';
import { el, link, readData, startPage, table } from './common.js';
import { setLang, t } from '../../lib/lang/lang.js';

const { entries, lang } = readData() as IndexView; // written by renderIndexPage of the same build
setLang(lang ?? 'en');
const { app } = startPage();

app.append(el('h1', { text: t('index.title') }));
app.append(el('p', { className: 'subtitle', text: t('index.subtitle', { n: entries.length }) }));
app.append(
  table(['run', 'date', 'machine', 'Node.js', 'profile', 'measured as', 'cases', 'status'], entries.map((e) =>
    el('tr', { className: e.failed > 0 || !e.complete ? 'failed' : '' }, [
      el('td', { className: 'name' }, [link(e.href, e.runId)]),
      el('td', { className: 'name', text: `${e.startedAt.replace('T', ' ').slice(0, 19)} UTC` }),
      el('td', { className: 'name', text: e.machine }),
      el('td', { className: 'name', text: e.node }),
      el('td', { className: 'name', text: e.profile }),
      el('td', { className: 'name', text: e.measured }),
      el('td', { text: String(e.cases) }),
      el('td', { className: 'name', text: [e.complete ? 'complete' : 'incomplete', e.failed > 0 ? `${e.failed} failed` : '', e.marked > 0 ? `${e.marked} trial${e.marked === 1 ? '' : 's'} marked` : ''].filter((x) => x !== '').join(', ') }),
    ]),
  )),
);
