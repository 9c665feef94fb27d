/**
 * Table maintenance that is not a commit: orphan-file cleanup (spec/maintenance.md). It reads
 * the table's metadata through `commit/` and `scan/` and lists and deletes through the table's
 * store; it never writes metadata.
 *
 * Guarantee: a file referenced by a reachable metadata version, or by a commit that lands
 * during or after the cleanup, is never deleted — given the staging window of
 * `commit/staging-window.ts` and clocks that agree within 12 hours (§M2).
 *
 * @module
 */
export * from './orphan-files.js';
export { reachableFiles, type ReachableFiles, type ReachableFilesOptions } from './reachable-files.js';
