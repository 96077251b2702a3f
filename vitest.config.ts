import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 15_000,
    // The JSON report lets .ci/run print its "N passed, N failed" line from the run itself.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
