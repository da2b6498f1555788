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
  table([t('idx.col.run'), t('idx.col.date'), t('idx.col.machine'), 'Node.js', t('idx.col.profile'), t('idx.col.measured'), t('idx.col.cases'), t('idx.col.status')], entries.map((e) =>
    el('tr', { className: e.failed > 0 || !e.complete ? 'failed' : '' }, [
      el('td', { className: 'name' }, [link(e.href, e.runId)]),
      el('td', { className: 'name', text: `${e.startedAt.replace('T', ' ').slice(0, 19)} UTC` }),
      el('td', { className: 'name', text: e.machine }),
      el('td', { className: 'name', text: e.node }),
      el('td', { className: 'name', text: e.profile }),
      el('td', { className: 'name', text: e.measured }),
      el('td', { text: String(e.cases) }),
      el('td', { className: 'name', text: [t(e.complete ? 'idx.complete' : 'idx.incomplete'), e.failed > 0 ? t('idx.failed', { n: e.failed }) : '', e.marked > 0 ? t(e.marked === 1 ? 'idx.marked.one' : 'idx.marked.many', { n: e.marked }) : ''].filter((x) => x !== '').join(', ') }),
    ]),
  )),
);
