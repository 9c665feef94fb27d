/**
 * The Iceberg v2 model (`spec/`): types and schemas with field ids, partition specs and
 * transforms, sort orders, snapshots and refs, table metadata, and single-value serializations.
 *
 * Owns: the in-memory model (readonly plain data, camelCase), the JSON wire codecs (zod schemas
 * with kebab-case keys, decoded into the model), the binary bound serialization (Appendix D),
 * partition transforms (Appendix B hashing) and schema evolution rules.
 *
 * Guarantees: pure (no IO); readers accept format v1 and v2 metadata, writers emit v2; int64
 * ids stay exact (`bigint`) through decode and encode; no ZodError escapes (shape errors become
 * `ValidationError` with the JSON path and file, unsupported features `UnsupportedError`).
 *
 * Needs from below: `errors.ts` and `util/json.ts` only.
 *
 * @module
 */
export * from './types.js';
export * from './values.js';
export * from './schema.js';
export * from './schema-evolution.js';
export * from './bounds.js';
export * from './transform.js';
export * from './partition.js';
export * from './sort-order.js';
export * from './snapshot.js';
export * from './table-metadata.js';
export * from './manifest.js';
