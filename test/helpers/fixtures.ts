import { readFileSync } from 'node:fs';
import type { Results } from '../../results/schema.js';

export const fixturePath = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;

export function loadFixture(name: string): Results {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as Results;
}
