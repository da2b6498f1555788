/**
 * The class hub keeps its runs in SQLite through better-sqlite3, an optional dependency: where it did not install
 * (no compiler, no prebuilt binary), the hub's suites are skipped with one line saying why, unless LAB_REQUIRE_SQLITE
 * (set by .ci/run) asks for them.
 */
import { createRequire } from 'node:module';
import { describe } from 'vitest';

export function sqliteSkipReason(): string | null {
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => { close(): void };
    new Database(':memory:').close();
    return null;
  } catch (error: unknown) {
    if (process.env.LAB_REQUIRE_SQLITE === '1') throw new Error(`better-sqlite3 is required here (LAB_REQUIRE_SQLITE=1): ${error instanceof Error ? error.message : String(error)}`);
    return 'better-sqlite3 did not install here (an optional dependency): npm install better-sqlite3 to run the class hub and its tests';
  }
}

/** describe, or describe.skip with the reason in the suite's name. */
export function sqliteDescribe(): typeof describe.skip {
  const reason = sqliteSkipReason();
  if (reason === null) return describe;
  console.log(`skipped: ${reason}`);
  return describe.skip;
}
