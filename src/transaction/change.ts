/**
 * Running a change through the commit loop: each attempt re-checks the change's requirements
 * against the fresh base and re-applies its updates (iceberg-rust `transaction/mod.rs`
 * `do_commit`; spec/commit-protocol.md §C3).
 *
 * @module
 */
import { type CommitOutcome, type TableState, loadTableState, loadTakenVersion, retryPolicyFromProperties, runCommitLoop } from '../commit/index.js';
import { type TableMetadata, encodeTableMetadata } from '../spec/index.js';
import { newUuid } from '../util/index.js';
import { type TableContext, newFileLocation } from './table-context.js';
import { type TableRequirement, type TableUpdate, checkRequirements } from './updates.js';
import { applyUpdates } from './apply-updates.js';

/** What one attempt of a change produces. */
export interface ChangeAttempt<R> {
  /** Assertions about the base. */
  readonly requirements: readonly TableRequirement[];
  /** Changes to apply to it. */
  readonly updates: readonly TableUpdate[];
  /** What the caller gets if this attempt commits. */
  readonly result: R;
}

/** A change to a table, re-applicable to any base. */
export interface Change<R> {
  /**
   * Builds the change on a base (validating it against what changed since the change was
   * prepared). Throws a non-retryable `CommitConflictError` when it cannot be re-applied.
   */
  build(base: TableState, attempt: number, timestampMs: number): Promise<ChangeAttempt<R>>;
}

/** Options of {@link commitChange}. */
export interface CommitChangeOptions {
  /** The commit id; default a fresh uuid. */
  readonly commitId?: string;
  /** Injected for tests. */
  readonly random?: () => number;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** When the change began writing files, by the table's clock (spec/maintenance.md §M2). */
  readonly stagedAtMs?: number;
}

/**
 * The next commit's timestamp: the clock, but never earlier than the base's last update or its
 * newest snapshot (spec/commit-protocol.md §C8: timestamps are monotonic per table even when a
 * writer's clock is behind).
 */
export function nextTimestampMs(base: TableState, nowMs: number): number {
  let floor = base.metadata.lastUpdatedMs;
  for (const s of base.metadata.snapshots) if (s.timestampMs > floor) floor = s.timestampMs;
  return Math.max(nowMs, floor + 1);
}

/**
 * Commits a change on top of `base`, retrying on conflicts within the table's retry budget.
 * @throws CommitConflictError when the change conflicts with a concurrent commit
 * @throws CommitRetriesExhaustedError when the budget is spent
 */
export async function commitChange<R>(ctx: TableContext, base: TableState, change: Change<R>, options: CommitChangeOptions = {}): Promise<CommitOutcome<R>> {
  const commitId = options.commitId ?? newUuid();
  const previousVersionsMax = Number(base.metadata.properties['write.metadata.previous-versions-max'] ?? 100);
  // The last attempt's requirements and updates, for a catalog commit point.
  let lastBuilt: { base: TableState; requirements: readonly TableRequirement[]; updates: readonly TableUpdate[] } | undefined;
  const ops = ctx.operations;
  return runCommitLoop<R>({
    store: ctx.store,
    table: ctx.name,
    base,
    commitId,
    policy: () => retryPolicyFromProperties(base.metadata.properties, ctx.name),
    clock: ctx.clock,
    ...(options.random ? { random: options.random } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.stagedAtMs !== undefined ? { stagedAtMs: options.stagedAtMs } : {}),
    build: async (b, attempt) => {
      const timestampMs = nextTimestampMs(b, ctx.clock.nowMs());
      const built = await change.build(b, attempt, timestampMs);
      checkRequirements(b.metadata, built.requirements, ctx.name);
      lastBuilt = { base: b, requirements: built.requirements, updates: built.updates };
      const metadata = applyUpdates(b.metadata, built.updates, {
        timestampMs,
        baseMetadataLocation: newFileLocation(b.metadata.location, b.path),
        previousVersionsMax: Number.isFinite(previousVersionsMax) ? previousVersionsMax : 100,
      });
      return { metadata, result: built.result };
    },
    reload: () => (ops ? ops.load() : loadTableState(ctx.store, ctx.name)),
    loadVersion: (v) => loadTableState(ctx.store, ctx.name, v),
    ...(ops ? {} : { reloadAfterConflict: (taken: number) => loadTakenVersion(ctx.store, taken) }),
    encode: (m) => new TextEncoder().encode(encodeTableMetadata(m)),
    ...(ops
      ? {
          commitPoint: (b: TableState, metadata: TableMetadata, id: string) =>
            ops.commit({ base: b, metadata, requirements: lastBuilt!.requirements, updates: lastBuilt!.updates, commitId: id }),
          findOwn: (b: TableState, latest: TableState, id: string) => ops.findCommit(b, latest, id),
        }
      : {}),
  });
}
