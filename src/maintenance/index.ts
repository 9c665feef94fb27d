/**
 * Table maintenance (spec/maintenance.md): orphan-file cleanup, which reads the table's metadata
 * through `commit/` and `scan/` and lists and deletes through the table's store, never writing
 * metadata; and compaction, which plans with `scan/` and commits through `transaction/`.
 *
 * Guarantee: a file referenced by a reachable metadata version, or by a commit that lands
 * during or after the cleanup, is never deleted — given the staging window of
 * `commit/staging-window.ts` and clocks that agree within 12 hours (§M2).
 *
 * @module
 */
export * from './orphan-files.js';
export * from './bin-pack.js';
export * from './rewrite-data-files.js';
export { type SortKey, resolveSortKeys, sortRows } from './sort-rows.js';
export { reachableFiles, type ReachableFiles, type ReachableFilesOptions } from './reachable-files.js';
