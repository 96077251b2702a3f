import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests import the provider kit by its package name, as an author outside this repository would; it resolves
  // to the source (tsc reads the same mapping from the package's "convosim-source" export condition).
  resolve: {
    alias: [
      {
        find: /^convosim\/provider$/,
        replacement: fileURLToPath(new URL('./src/provider/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 15_000,
    // The JSON report lets .ci/run print its "N passed, N failed" line from the run itself.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
