import { createHash } from 'node:crypto';
import { currentLang, t, type Lang } from '../lib/lang/lang.js';

/** The only two ways data enters a page: escaped text, or JSON that a script reads and shows as text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON safe inside <script type="application/json">: no `<` can close the element or open a comment. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline script source: `</script` inside it would end the element early. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}

export interface PageAssets {
  readonly chartJs: string;
  readonly css: string;
  /** Each page's script, bundled at build time with what it shares with the others (reports/pages/). */
  readonly pageJs: Readonly<Record<PageKind, string>>;
}

export type PageKind = 'run' | 'compare' | 'index' | 'live' | 'class';

/** A CSP hash source: the browser runs an inline element only if its exact text has one of these hashes. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's policy: no network at all, and only the scripts and the style written here, by hash. No
 * 'unsafe-inline': a `javascript:` URL, an inline handler or an injected <script> cannot run, and style
 * attributes cannot apply (the pages set styles through the CSSOM, which CSP allows).
 */
export function contentSecurityPolicy(scripts: readonly string[], styles: readonly string[], connect: 'none' | 'self' = 'none'): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(cspHash).join(' ')}`,
    `style-src ${styles.map(cspHash).join(' ')}`,
    // The live page reads its events from the bench that served it (EventSource to /events); no page goes elsewhere.
    `connect-src '${connect}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The HTML parser turns CR LF and CR into LF before CSP hashes the text: hash what the browser will see. */
const parsedNewlines = (text: string): string => text.replace(/\r\n?/g, '\n');

/** One self-contained page: styles, chart.js, the data and the page's script, all inline. */
export function pageShell(title: string, kind: PageKind, data: unknown, assets: PageAssets, { lang = currentLang(), connect = kind === 'live' ? 'self' : 'none' }: { readonly lang?: Lang; readonly connect?: 'none' | 'self' } = {}): string {
  const scripts = [...(kind === 'index' || kind === 'class' ? [] : [assets.chartJs]), assets.pageJs[kind]].map((source) => parsedNewlines(inlineScript(source)));
  const css = parsedNewlines(assets.css);
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(scripts, [css], connect)}">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<main id="app"><noscript>${escapeHtml(t('rp.noscript', {}, lang))}</noscript></main>
<script type="application/json" id="lab-data">${embedJson(data)}</script>
${scripts.map((script) => `<script>${script}</script>\n`).join('')}</body>
</html>
`;
}
