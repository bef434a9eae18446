import { defineConfig } from 'tsup';

// Two outputs: the library (ESM + CJS so both `import` and `require('smallcode')` work)
// and the CLI (ESM only; heavy modules are dynamic imports so `--help` stays fast).
// No source maps: they would double the published package. Cleaning keeps dist/bin
// (`npm run build:binary` is slow to redo).
export default defineConfig([
  {
    entry: { index: 'runtime/api/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
    clean: ['!bin/**'],
    target: 'node20',
    external: ['better-sqlite3', 'ts-morph', '@vscode/ripgrep'],
  },
  {
    entry: { cli: 'runtime/cli/main.ts' },
    format: ['esm'],
    splitting: true,
    shims: true,
    clean: false,
    target: 'node20',
    external: ['better-sqlite3', 'ts-morph', '@vscode/ripgrep'],
  },
]);
