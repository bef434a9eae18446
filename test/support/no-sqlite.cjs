// Preloaded with NODE_OPTIONS=--require: makes better-sqlite3 fail to load the way a missing or
// broken native build does, so the CLI under test must fall back to the JSON-lines store.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'better-sqlite3' || request.endsWith('better_sqlite3.node')) {
    throw new Error('Could not locate the bindings file (better_sqlite3.node) — simulated by test/support/no-sqlite.cjs');
  }
  return load.call(this, request, ...rest);
};
