import { readdirSync, readFileSync } from 'node:fs';
import type { Results } from '../../results/schema.js';
import { readAnyVersion } from '../../results/upgrade.js';
import { buildV2Results } from './v2-fixture.js';

export const fixturePath = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;

/** A fixture as every reader sees it: validated (a version-1 file through the upgrade), so a bad fixture fails at once. */
export function loadFixture(name: string): Results {
  return readAnyVersion(JSON.parse(readFileSync(fixturePath(name), 'utf8')));
}

/** The version-1 fixtures (runs made before trials): read through results/upgrade.ts. */
export const V1_FIXTURES = ['run-a.json', 'run-b.json'] as const;

/**
 * Every version-2 run the page tests look at: the deterministic one of test/helpers/v2-fixture.ts, and each
 * test/fixtures/*.json of version 2 (real runs of the bench, as they are added).
 */
export function v2Runs(): { name: string; results: Results }[] {
  const files = readdirSync(fixturePath('.'))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => {
      const json: unknown = JSON.parse(readFileSync(fixturePath(name), 'utf8'));
      const version = typeof json === 'object' && json !== null ? (json as { schemaVersion?: unknown }).schemaVersion : undefined;
      return version === 2 ? [{ name, results: readAnyVersion(json) }] : [];
    });
  return [{ name: 'built', results: buildV2Results() }, ...files.filter((f) => f.results.options.rates === undefined)];
}

/** The open-loop runs of test/fixtures (real runs of `npm run bench -- --rate …`). */
export function openRuns(): { name: string; results: Results }[] {
  return readdirSync(fixturePath('.'))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => {
      const json: unknown = JSON.parse(readFileSync(fixturePath(name), 'utf8'));
      const version = typeof json === 'object' && json !== null ? (json as { schemaVersion?: unknown }).schemaVersion : undefined;
      if (version !== 2) return [];
      const results = readAnyVersion(json);
      return results.options.rates === undefined ? [] : [{ name, results }];
    });
}
