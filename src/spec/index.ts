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
 * Needs from below: `errors.ts` and `util/json.ts` only (plus zod and murmurhash3js-revisited).
 *
 * | file | holds |
 * |---|---|
 * | `types.ts`, `values.ts` | the type model; `Literal` (JS value of each type), ordering, JSON and user-text value codecs |
 * | `datetime.ts` | exact calendar arithmetic (days, micros, nanos; floor division before 1970) |
 * | `schema.ts` | schema/type wire codecs, `parseType`, lookups by id and name, `canPromote` |
 * | `schema-shorthand.ts` | the `{"id":"long not null","emb":"vector(384)"}` shorthand of `floe create` and `createTable` |
 * | `schema-evolution.ts` | add/drop/rename/move/widen/make-optional, fresh ids (ids never reused) |
 * | `bounds.ts` | Appendix D binary single values, truncated lower/upper bounds |
 * | `transform.ts` | partition transforms, Appendix B hashing, partition values in paths |
 * | `partition.ts`, `sort-order.ts`, `snapshot.ts` | their models and wire codecs; `parsePartitionSpec` |
 * | `table-metadata.ts` | v1/v2 metadata decode (lossless), v2 encode, named cross-field validators |
 * | `manifest.ts` | manifest and manifest-list entry model (codecs live in `manifest/`) |
 * | `metadata-columns.ts` | the row lineage metadata columns `_row_id`, `_last_updated_sequence_number` |
 * | `zod-issues.ts` | zod failures as `ValidationError` (files) or `InvalidArgumentError` (`parseArgument`, callers' arguments) |
 *
 * @module
 */
export * from './types.js';
export * from './values.js';
export * from './datetime.js';
/** The calendar arithmetic as one namespace, for the package's public surface. */
export * as datetime from './datetime.js';
export * from './schema.js';
export * from './schema-evolution.js';
export * from './schema-compat.js';
export * from './bounds.js';
export * from './transform.js';
export * from './partition.js';
export * from './sort-order.js';
export * from './snapshot.js';
export * from './table-metadata.js';
export * from './manifest.js';
export * from './gc-enabled.js';
export * from './metadata-columns.js';
export { parseArgument } from './zod-issues.js';
export * from './schema-shorthand.js';
