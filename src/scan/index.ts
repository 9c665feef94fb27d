/**
 * Scans (spec §Scan Planning): `planFiles` picks a snapshot by id, time, tag or branch and prunes
 * manifests and files with the filter (metadata only); reading turns the planned files into
 * Arrow record batches with deletes and the residual filter applied.
 *
 * `Changes` reads what the snapshots in a range inserted and deleted (a changelog), built on the
 * same planning and reading.
 *
 * `DataFileReader` reads planned files one at a time, down to chosen row groups, with a fixed
 * schema, columns and filter (what training readers in `ml/` shard and shuffle by).
 *
 * Options are checked with zod (`scan-options.ts`): a misspelt, mistyped or out-of-range option is
 * an `InvalidArgumentError` naming it, never read as a default.
 *
 * Guarantees: pruning is inclusive (never drops a file holding a matching row); a scan of a
 * snapshot returns the same rows forever; memory is bounded by the number of files read at once.
 * Needs from below: `manifest/` (Avro decoding), `io/` (Parquet and schema resolution), `expr/`.
 *
 * @module
 */
export * from './select-snapshot.js';
export * from './plan.js';
export * from './deletes.js';
export * from './read-task.js';
export * from './scan.js';
export * from './changes.js';
export { type ChangesOptions, type ChangelogRange, changelogRange, parseChangesOptions } from './changes-range.js';
export { readLocated } from './read-located.js';
export * from './remote.js';
export { DataFileReader, type DataFileReaderOptions } from './file-reader.js';
export { parseFileReaderOptions, parseScanOptions } from './scan-options.js';
