import { defineConfig } from 'vitest/config';

// Browser journeys: each file starts its own server and Chromium, so files
// run one after another to keep the machine (and the timings) calm.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
