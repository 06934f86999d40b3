export * from './exit-codes.js';
export * from './errors.js';
export * from './run.js';
export * from './candidate.js';
export * from './gap.js';
