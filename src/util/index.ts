/**
 * Leaf utilities with no domain terms: lossless JSON, ids, clocks, backoff.
 *
 * @module
 */
export * from './json.js';
export * from './ids.js';
export * from './clock.js';
export * from './backoff.js';
