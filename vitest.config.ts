import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/tmp holds generated projects (BoneScript e2e) with test suites of their own.
    exclude: [...configDefaults.exclude, 'test/tmp/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
