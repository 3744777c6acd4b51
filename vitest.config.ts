/**
 * Three test layers (issue 28), each a vitest project: `unit` — hermetic tests beside the code
 * (no database server, no model weights, no ../shared; `npm run test:unit`); `integration` —
 * real databases, models and data (test/integration); `e2e` — the CLI, the server and Chromium
 * (test/e2e). Files run one at a time: the machines have 2 cores and the end-to-end tests time
 * real work.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['./test/setup/postgres.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['./test/setup/postgres.ts'] } },
    ],
  },
});
