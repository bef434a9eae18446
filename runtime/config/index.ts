export * from './variables.js';
export * from './load.js';
