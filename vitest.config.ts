import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The tests spawn compiled code from dist/: build first when it is older than the sources (npx vitest alone).
    globalSetup: ['test/global-setup.ts', 'test/temp-dir.ts'],
    // Tests start real servers and measure relations between models: keep files apart on 2 cores.
    fileParallelism: false,
    // The commands speak the language of LANG: tests that read their English run in the C locale whatever the
    // machine's (a student's laptop is often fr_FR); tests of French set it themselves.
    env: { LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
