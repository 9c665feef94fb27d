/**
 * Transactions: actions that turn a base version into requirements and updates, re-applicable
 * after a conflict (iceberg-rust `transaction/`): append, overwrite and delete by filter
 * (copy-on-write, or merge-on-read with position delete files), schema and partition-spec evolution, refs, properties.
 *
 * Guarantees: data and manifests are written before the commit point under fresh names and
 * reused across retries; only the manifest list and metadata are rebuilt per attempt; each
 * action validates what changed since it was planned (spec/commit-protocol.md §C7).
 * Needs from below: `commit/` (the loop), `manifest/`, `io/`, `scan/` (to read rows it rewrites).
 *
 * @module
 */
export * from './updates.js';
export * from './apply-updates.js';
export * from './table-context.js';
export * from './change.js';
export * from './write-data-files.js';
export * from './snapshot-producer.js';
export * from './head-manifests.js';
export * from './metadata-access.js';
export * from './append.js';
export * from './streamed-append.js';
export * from './rewrite.js';
export * from './write-mode.js';
export * from './rewrite-files.js';
export { fileEntryKey, isDeletionVector } from './row-delta.js';
export * from './rewrite-manifests.js';
export * from './upsert.js';
export * from './constraints.js';
export * from './constraints-check.js';
export * from './metadata-change.js';
export * from './vector-columns.js';
export * from './create-table.js';
export * from './update-requirements.js';
export * from './spec-update.js';
export * from './schema-update.js';
export * from './expire.js';
export * from './merge-manifests.js';
export * from './action-options.js';
export * from './stream-position.js';
export * from './stream-commit.js';
export * from './stream-append.js';
