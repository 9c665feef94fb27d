/**
 * The commit protocol (spec/commit-protocol.md): version naming, discovery of the latest
 * version, the commit point (one conditional create of `v<N+1>.metadata.json`) and the retry
 * loop. Only this layer writes table metadata files.
 *
 * Guarantees, given a store whose `create` is linearizable (spec/storage.md §S1):
 * - **Atomic visibility**: a commit is visible whole or not at all; everything it references is
 *   written before the commit point under fresh names.
 * - **No lost commits**: of concurrent writers of version N+1 exactly one wins; the others reload
 *   and re-validate.
 * - **No duplicate commits**: an unknown outcome is settled by reading back, and a later attempt
 *   first looks for its own commit id in the versions after its base.
 *
 * Which operations commute is the conflict matrix of spec/commit-protocol.md §C7, enforced by
 * the actions in `transaction/` when they rebuild on a new base.
 *
 * @module
 */
export * from './version-files.js';
export * from './version-hint.js';
export * from './metadata-file.js';
export * from './discover.js';
export * from './table-state.js';
export * from './commit-point.js';
export * from './retry-policy.js';
export * from './commit-loop.js';
export * from './staging-window.js';
export * from './load.js';
export * from './cas-document.js';
