/** The language a command speaks when --lang is not given: French when LANG (or LC_ALL) says so, else English. */
import type { Lang } from './lang.js';

export function langFromEnv(env: NodeJS.ProcessEnv = process.env): Lang {
  const setting = env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  return /^fr([_.-]|$)/i.test(setting) ? 'fr' : 'en';
}
