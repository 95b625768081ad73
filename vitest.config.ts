import { defineConfig } from 'vitest/config';

// Unit and integration tests live beside the code (src/**/*.test.ts);
// browser journeys have their own config in test/e2e.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});
