/**
 * The Iceberg REST catalog protocol's wire forms shared by Floe's server and client: commit
 * requests (`TableRequirement`, `TableUpdate`), the error model, and the shapes of Floe's own
 * governance management routes (`/floe/v1/…`), each decoded into and encoded
 * from Floe's own types. Pure: no IO.
 *
 * @module
 */
export * from './commit-json.js';
export * from './errors-json.js';
export * from './access-config.js';
export * from './governance-json.js';
