#!/usr/bin/env node
// The whole CLI lives in dist/cli.js (built by `npm run build`); this shim only forwards.
import('../dist/cli.js').then(
  (cli) => cli.main(process.argv.slice(2)),
  (err) => {
    process.stderr.write(`smallcode: cannot load dist/cli.js (${err.message}). Run \`npm run build\` first.\n`);
    process.exit(2);
  },
);
