/**
 * Every page in one language: each page the lab renders (a run's page for every fixture, a comparison, the index, the
 * class page, the live page), in French and in English, opened in Chromium with every section unfolded; its visible
 * text is counted for the other language's function words. Data is left out: model and workload names (hyphenated
 * or not, as the results name them), options, code and units. A French page holds a handful of English words at
 * most (a name such as "Little" is counted), an English page no French.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setLang, type Lang } from '../../lib/lang/lang.js';
import { loadAssets } from '../../reports/assets.js';
import { summarizeRun } from '../../reports/classroom/class-run.js';
import { buildClassView } from '../../reports/classroom/class-view.js';
import { renderLivePage } from '../../reports/live.js';
import { renderClassPage, renderComparePage, renderIndexPage, renderRunPage } from '../../reports/render.js';
import { indexEntry, sortEntries } from '../../reports/views/index-view.js';
import type { Results } from '../../results/schema.js';
import { browserDescribe, launch } from '../helpers/browser.js';
import { loadFixture } from '../helpers/fixtures.js';

const describe = browserDescribe();

/** Words of one language that the other never writes (short French words such as "a", "on", "as" are left out). */
const ENGLISH = new Set(['the', 'of', 'and', 'is', 'are', 'with', 'to', 'that', 'this', 'from', 'by', 'its', 'it', 'was', 'were', 'be', 'not', 'or', 'than', 'when', 'which', 'what', 'each', 'every', 'more', 'less', 'has', 'have', 'had', 'their', 'there', 'into', 'only', 'where', 'how', 'why', 'all', 'at', 'in', 'for', 'one', 'per', 'between', 'after', 'before']);
const FRENCH = new Set(['le', 'la', 'les', 'des', 'du', 'une', 'est', 'sont', 'avec', 'pour', 'dans', 'sur', 'par', 'qui', 'que', 'pas', 'aux', 'ces', 'cette', 'où', 'être', 'mais', 'chaque', 'entre', 'après', 'avant', 'moins', 'selon']);
/** A French page may hold this many English function words (a name, a quoted identifier); an English page no French. */
const HANDFUL = { fr: 5, en: 0 } as const;

/** The version-2 fixtures (a version-1 file's texts predate the catalogue: its failed case's reason is the file's own English). */
const FIXTURES = ['default-run.json', 'open-run.json', 'ws-held-run.json', 'ws-chat-run.json', 'fault-run.json'] as const;

interface Found {
  readonly count: number;
  /** The lines that hold them, for the failure message. */
  readonly lines: readonly string[];
}

/** Words of `words` in the page's visible text, every <details> open, data left out. */
async function foreignWords(browser: Browser, html: string, names: readonly string[], words: ReadonlySet<string>): Promise<Found> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
      // Code is data (a command, a route, an option), not sentences.
      for (const c of document.querySelectorAll('code, pre, kbd')) c.remove();
    });
    const text = await page.evaluate(() => document.body.innerText);
    const lines: string[] = [];
    let count = 0;
    for (const line of text.split('\n')) {
      // The lab's names (models, workloads, keys such as ws-echo+hold200), options and units are data.
      let data = line;
      for (const name of names) data = data.split(name).join(' ');
      data = data.replace(/--?[\w-]+/g, ' ').replace(/\b[\w.]+(?:[-+][\w.]+)+\b/g, ' ');
      const n = data.split(/[^\p{L}’']+/u).filter((w) => words.has(w.toLowerCase())).length;
      if (n > 0) lines.push(`${n}: ${line.slice(0, 160)}`);
      count += n;
    }
    return { count, lines };
  } finally {
    await page.close();
  }
}

/** What each page is made of, rendered in `lang`. */
function pages(lang: Lang): { readonly name: string; readonly html: string }[] {
  setLang(lang);
  try {
    const assets = loadAssets();
    const runs = FIXTURES.map((f) => ({ file: f, results: loadFixture(f) }));
    const students = runs.map(({ results }, i) => ({ name: `student-${i}`, newest: { id: i + 1, receivedAt: '2026-12-07T10:00:00.000Z', summary: summarizeRun(results) }, earlier: [] }));
    const classView = buildClassView(students, [{ id: 1, relation: 'io' }], [{ question: 1, name: 'student-0', value: 12 }], { live: false, renderedAt: '2026-12-07 10:00 UTC', shareUrl: 'http://127.0.0.1:8090/', together: { target: 'http://192.168.1.10:8080', broker: 'redis://192.168.1.10:6379' } });
    const pick = (file: string): Results => runs.find((r) => r.file === file)?.results ?? loadFixture(file);
    return [
      ...runs.map(({ file, results }) => ({ name: `run page of ${file}`, html: renderRunPage(results, assets) })),
      { name: 'comparison', html: renderComparePage([{ label: 'A', results: pick('default-run.json') }, { label: 'B', results: pick('open-run.json') }], assets) },
      { name: 'comparison of WebSocket runs', html: renderComparePage([{ label: 'A', results: pick('ws-held-run.json') }, { label: 'B', results: pick('ws-chat-run.json') }], assets) },
      { name: 'index', html: renderIndexPage(sortEntries(runs.map(({ results }) => indexEntry(results, `./${results.runId}/report.html`))), assets) },
      { name: 'class page', html: renderClassPage(classView, assets) },
      { name: 'live page', html: renderLivePage(assets) },
    ];
  } finally {
    setLang('en');
  }
}

/** Names the results give to models and workloads: data in any language. */
function dataNames(): string[] {
  const names = new Set<string>();
  for (const f of FIXTURES) {
    const r = loadFixture(f);
    for (const m of r.models) names.add(m.name);
    for (const w of r.workloads) names.add(w.name);
  }
  return [...names].sort((a, b) => b.length - a.length);
}

describe('every page in one language', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser.close();
  });
  const names = dataNames();

  for (const lang of ['fr', 'en'] as const) {
    const rendered = pages(lang);
    it.each(rendered.map((p) => [p.name, p.html] as const))(`${lang === 'fr' ? 'French' : 'English'}: %s`, async (_name, html) => {
      const found = await foreignWords(browser, html, names, lang === 'fr' ? ENGLISH : FRENCH);
      expect(found.count, found.lines.slice(0, 12).join('\n')).toBeLessThanOrEqual(HANDFUL[lang]);
    });
  }

  it('the count finds the other language where there is some (an English page counted as if it were French)', async () => {
    const english = pages('en')[0]?.html ?? '';
    expect((await foreignWords(browser, english, names, ENGLISH)).count).toBeGreaterThan(100);
  });
});
