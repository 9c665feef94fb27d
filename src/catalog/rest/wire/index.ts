/**
 * The Iceberg REST catalog protocol's wire forms shared by Floe's server and client: commit
 * requests (`TableRequirement`, `TableUpdate`) and the error model, each decoded into and encoded
 * from Floe's own types. Pure: no IO.
 *
 * @module
 */
export * from './commit-json.js';
export * from './errors-json.js';
export * from './access-config.js';
