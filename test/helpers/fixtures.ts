import { readFileSync } from 'node:fs';
import { validateResults, type Results } from '../../results/schema.js';

export const fixturePath = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;

/** A fixture as every reader sees it: validated, so a fixture the schema would refuse fails the tests at once. */
export function loadFixture(name: string): Results {
  return validateResults(JSON.parse(readFileSync(fixturePath(name), 'utf8')));
}
