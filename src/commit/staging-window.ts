/**
 * The staging window (spec/maintenance.md §M2): how long a writer's staged files — data files,
 * manifests and manifest lists written before the commit point and invisible until it — may
 * wait for their commit, and how old an unreferenced file must be before orphan cleanup may
 * delete it.
 *
 * Orphan cleanup cannot tell a crashed writer's files from an in-flight writer's: both are
 * unreferenced. Iceberg Java (`DeleteOrphanFilesSparkAction`, "dangerous to call this action with
 * a short retention interval") leaves that to the caller's choice of `olderThan`. Floe makes it a
 * guarantee by bounding both sides: a commit attempt whose change began staging more than
 * {@link MAX_STAGED_AGE_MS} ago is refused before its commit point, and cleanup refuses a cut-off
 * less than {@link MIN_ORPHAN_AGE_MS} in the past. A file old enough to be deleted can then no
 * longer be committed; the difference between the two bounds absorbs clock skew between writer,
 * cleaner and store and the time between the check and the commit point's put.
 *
 * @module
 */
import { CommitRetriesExhaustedError } from '../errors.js';

const HOUR_MS = 3_600_000;

/** A commit attempt is refused when its change began staging files longer ago than this (12 h). */
export const MAX_STAGED_AGE_MS = 12 * HOUR_MS;

/** Orphan cleanup refuses a cut-off closer to now than this (24 h). */
export const MIN_ORPHAN_AGE_MS = 24 * HOUR_MS;

/**
 * Refuses to commit files staged too long ago (spec/maintenance.md §M2).
 * @param options when staging began and now (both by the writer's clock), the table for messages
 * @throws CommitRetriesExhaustedError when `nowMs − stagedAtMs` exceeds {@link MAX_STAGED_AGE_MS}
 */
export function checkStagedAge(options: { readonly stagedAtMs: number; readonly nowMs: number; readonly table: string }): void {
  const ageMs = options.nowMs - options.stagedAtMs;
  if (ageMs <= MAX_STAGED_AGE_MS) return;
  throw new CommitRetriesExhaustedError(
    `commit to table ${options.table} refused: its files were staged ${ageMs} ms ago, longer than the ${MAX_STAGED_AGE_MS} ms a commit may take, so orphan cleanup may have deleted them; nothing was committed`,
    {
      context: { table: options.table, stagedAgeMs: ageMs, maxStagedAgeMs: MAX_STAGED_AGE_MS },
      help: 'write the change again (its staged files are left as orphans for cleanup)',
    },
  );
}
