import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The tests spawn compiled code from dist/: build first when it is older than the sources (npx vitest alone).
    globalSetup: ['test/global-setup.ts', 'test/temp-dir.ts'],
    // Tests start real servers and measure relations between models: keep files apart on 2 cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
