import { defineConfig } from 'vitest/config';
// @ts-expect-error plain ESM helper shared with the esbuild build
import { hbsPlugins } from './scripts/hbs.mjs';

export default defineConfig({
  plugins: [hbsPlugins.vite],
  define: { __PROXYGEN_VERSION__: JSON.stringify('0.0.0-test'), __PROXYGEN_SNAPSHOT__: JSON.stringify('../../fixtures/github-meta-snapshot.json') },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/helpers/temp-root.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
