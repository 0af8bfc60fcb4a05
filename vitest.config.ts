import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Browser and HTTP tests start servers on free ports; files run in parallel on 2 cores.
    pool: 'forks',
    // Tests pass their own settings: no developer's .env reaches a server process a test starts.
    env: { ENV_FILE: 'none' },
    reporters: ['default', './test/support/browserSkipReporter.ts'],
  },
});
