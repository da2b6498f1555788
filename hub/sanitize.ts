/**
 * What a shared run gives away: the hub keeps what the class page needs and drops what identifies a person or a
 * machine beyond the class. The results file is validated first (unknown keys are dropped by the schema); then the
 * machine's host name goes, wherever it is written (the OS line, a warning); a target's address keeps its scheme and
 * port only; and in every text, an absolute path (a user's home folder names the user), a network address of the
 * machine's network and an e-mail address become <path>, <address>, <email>.
 */
import type { Results } from '../results/schema.js';

/**
 * Absolute paths of Unix and Windows machines, up to the next space or quote: any path of two or more segments from
 * the root (routes such as /ws/echo or units such as req/s are one segment or none), a home (~/…), a drive (C:\… or
 * C:/…), a network share (\\server\…), a file: URL.
 */
const PATH = /(?:file:\/\/\/?[^\s"'`)<>,;]*|(?<![\w.:/~-])\/[A-Za-z0-9._-]+\/[^\s"'`)<>,;]+|~[\\/][^\s"'`)<>,;]*|\b[A-Za-z]:[\\/][^\s"'`)<>,;]*|\\\\[^\s"'`)<>,;]+)/g;
/** IPv4 addresses other than loopback and the unspecified one. */
const IPV4 = /\b(?!127\.)(?!0\.0\.0\.0\b)(?:\d{1,3}\.){3}\d{1,3}\b/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/** Routes and words of the lab that a path pattern must not take for a user's path. */
const LAB_PATHS = /^\/(?:ws|api|lab|static|public)\//;

function scrubText(text: string, hostname: string | undefined): string {
  let out = text;
  if (hostname !== undefined && hostname.length >= 2) out = out.replace(new RegExp(hostname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '<host>');
  return out
    .replace(EMAIL, '<email>')
    .replace(PATH, (path) => (LAB_PATHS.test(path) ? path : '<path>'))
    .replace(IPV4, '<address>');
}

function scrub(value: unknown, hostname: string | undefined): unknown {
  if (typeof value === 'string') return scrubText(value, hostname);
  if (Array.isArray(value)) return value.map((v) => scrub(v, hostname));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, hostname)]));
  return value;
}

/** A URL's scheme and port, its host replaced ("http://<host>:8080/"): which protocol and port, nothing of the place. */
function placeless(url: string): string {
  try {
    const u = new URL(url);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
    return `${u.protocol}//${loopback ? u.hostname : '<host>'}${u.port === '' ? '' : `:${u.port}`}/`;
  } catch {
    return '<address>';
  }
}

export function forTheClass(results: Results): Results {
  const hostname = results.machine.hostname;
  const machine: Partial<Results['machine']> = { ...results.machine };
  delete machine.hostname;
  const options = results.options.target === undefined ? results.options : { ...results.options, target: placeless(results.options.target) };
  const remote = results.remote === undefined ? {} : { remote: { ...results.remote, url: placeless(results.remote.url) } };
  return scrub({ ...results, machine, options, ...remote }, hostname) as Results;
}
