/** The language a command speaks when --lang is not given: French when LANG (or LC_ALL) says so, else English. */
import type { Lang } from './lang.js';

export function langFromEnv(env: NodeJS.ProcessEnv = process.env): Lang {
  // An empty variable is an unset one (POSIX): LC_ALL= leaves the choice to LC_MESSAGES and LANG.
  const setting = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '') ?? '';
  return /^fr([_.-]|$)/i.test(setting) ? 'fr' : 'en';
}
