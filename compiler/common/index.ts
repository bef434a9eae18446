export * from './span.js';
export * from './diagnostics.js';
export * from './suggest.js';
export * from './units.js';
