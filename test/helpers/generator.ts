/** The load generator's process for tests that run real trials or warm-ups, started once per file and stopped after. */
import { afterAll, beforeAll } from 'vitest';
import { startLoadGenerator, type LoadGenerator } from '../../bench/load/load-host.js';

/** Starts a load generator before the file's tests and stops it after; call the returned function inside a test. */
export function useGenerator(): () => LoadGenerator {
  let generator: LoadGenerator | undefined;
  beforeAll(async () => {
    generator = await startLoadGenerator();
  });
  afterAll(async () => {
    await generator?.close();
  });
  return () => {
    if (generator === undefined) throw new Error('the load generator is not started (useGenerator() outside a describe or file?)');
    return generator;
  };
}

/** For contexts whose trials are stand-ins: a generator that must never be asked for load. */
export const NO_GENERATOR: LoadGenerator = {
  pid: 0,
  closed: () => {
    throw new Error('this test runs no load');
  },
  open: () => {
    throw new Error('this test runs no load');
  },
  hold: () => {
    throw new Error('this test runs no load');
  },
  close: () => Promise.resolve(),
};
