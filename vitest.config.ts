import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    // The `incent` command runs a bundle: build it from the current sources before the tests run it.
    globalSetup: ['test/helpers/build-cli.ts'],
    // One fast-check seed for every property (FC_SEED=random for a new one each run).
    setupFiles: ['test/helpers/fast-check-seed.ts'],
  },
});
