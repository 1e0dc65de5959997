import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start real local servers on ephemeral ports; run files in separate forks so one
    // suite's servers and module state never leak into another.
    pool: 'forks',
  },
});
