/**
 * The commit loop (spec/commit-protocol.md §C3–§C6): build → commit point → on conflict reload,
 * re-validate, rebuild, retry with backoff.
 *
 *     ┌────────── base (version N) ◄──────────────── reload latest ◄─────────┐
 *     ▼                                                                      │
 *   build(base) ── throws non-retryable conflict ──► caller                 │
 *     │ metadata N+1 (commit id in properties)                              │
 *     ▼                                                                      │
 *   put v<N+1> create ── ok ──► hint (best effort) ──► committed            │
 *     │ AlreadyExists / unknown outcome ── budget left? ── backoff ─────────┘
 *     └── budget spent ──► CommitRetriesExhaustedError
 *
 * After an unknown outcome the loop looks for its own commit id in every version after the base
 * before building again, so a put that landed late is recognised and never applied twice.
 *
 * @module
 */
import { CommitRetriesExhaustedError, isFloeError } from '../errors.js';
import type { TableMetadata } from '../spec/index.js';
import type { ObjectStore } from '../store/index.js';
import { type Clock, sleep as sleepMs } from '../util/index.js';
import { commitMetadataVersion, writeVersionHint } from './commit-point.js';
import { type RetryPolicy, backoffDelayMs } from './retry-policy.js';
import { checkStagedAge } from './staging-window.js';
import { COMMIT_ID_PROPERTY, type TableState } from './table-state.js';
import { isFloeMetadataPath } from './version-files.js';

/** What one attempt produced. */
export interface BuiltCommit<R> {
  /** The new metadata (version base + 1). */
  readonly metadata: TableMetadata;
  /** What the caller gets back when this attempt commits. */
  readonly result: R;
}

/**
 * A commit point other than the conditional create of `v<N+1>` in the table's own store: a
 * catalog that takes the change (the REST catalog's `POST …/tables/{t}`). It commits `metadata`
 * (built on `base`, carrying `commitId` in its properties) or throws a retryable
 * `CommitConflictError` when another commit won, or `OutcomeUnknownError`.
 */
export type CommitPoint = (base: TableState, metadata: TableMetadata, commitId: string) => Promise<TableState>;

/** Counters of one commit, for logs, tests and benchmarks. */
export interface CommitStats {
  /** Attempts made (1 when there was no conflict). */
  readonly attempts: number;
  /** Conflicts met (another writer took the version). */
  readonly conflicts: number;
  /** Unknown outcomes met. */
  readonly unknownOutcomes: number;
}

/** Options of {@link runCommitLoop}. */
export interface CommitLoopOptions<R> {
  /** The store rooted at the table. */
  readonly store: ObjectStore;
  /** The table's name, for errors. */
  readonly table: string;
  /** The version to build on first. */
  readonly base: TableState;
  /** This commit's id, stable across attempts. */
  readonly commitId: string;
  /** Builds the new metadata on a base; throws a non-retryable `CommitConflictError` when it cannot. */
  readonly build: (base: TableState, attempt: number) => Promise<BuiltCommit<R>>;
  /** Loads the latest version. */
  readonly reload: () => Promise<TableState>;
  /**
   * After another writer took version `taken` (a conflict at the store's commit point): the state
   * to build on next, read without a full discovery, or undefined to fall back to `reload`.
   */
  readonly reloadAfterConflict?: (taken: number) => Promise<TableState | undefined>;
  /** Loads a given version (to look for this commit's id after an unknown outcome). */
  readonly loadVersion: (version: number) => Promise<TableState>;
  /** Encodes metadata to the bytes of a metadata file. */
  readonly encode: (metadata: TableMetadata) => Uint8Array;
  /**
   * The retry budget, or how to read it: read only once a retry is needed, so a malformed stored
   * budget fails the commit that needs it (nothing committed) without blocking the commit that
   * fixes it.
   */
  readonly policy: RetryPolicy | (() => RetryPolicy);
  /** Time source for the total timeout. */
  readonly clock: Clock;
  /** Uniform [0, 1) numbers for jitter. */
  readonly random?: () => number;
  /** How to wait (tests may inject). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Commit somewhere else than `v<N+1>` in `store` (a catalog); default the store's conditional create. */
  readonly commitPoint?: CommitPoint;
  /**
   * After an unknown outcome: the committed state carrying `commitId` among those after `base`
   * up to `latest`, if any; default reads `v<base+1>…v<latest>` from the store.
   */
  readonly findOwn?: (base: TableState, latest: TableState, commitId: string) => Promise<TableState | undefined>;
  /**
   * When the change began writing its files (by `clock`): each attempt checks, right before its
   * commit point, that they are not older than the staging window (spec/maintenance.md §M2).
   */
  readonly stagedAtMs?: number;
}

/** The committed state and the attempt's result. */
export interface CommitOutcome<R> {
  /** The version now current. */
  readonly state: TableState;
  /** What the winning attempt returned. */
  readonly result: R;
  /** Counters. */
  readonly stats: CommitStats;
}


/**
 * Runs the commit loop until the commit lands, fails validation, or spends its budget.
 * @throws CommitConflictError (non-retryable) from `build` when the change cannot be re-applied
 * @throws CommitRetriesExhaustedError when the retry budget is spent
 */
export async function runCommitLoop<R>(options: CommitLoopOptions<R>): Promise<CommitOutcome<R>> {
  const { store, table, commitId, clock } = options;
  let resolvedPolicy: RetryPolicy | undefined;
  const policy = (): RetryPolicy => (resolvedPolicy ??= typeof options.policy === 'function' ? options.policy() : options.policy);
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms));
  const startedMs = clock.nowMs();
  // Which attempt's result belongs to which version, to answer correctly when a version we
  // could not confirm turns out to be ours.
  const resultsByVersion = new Map<number, { result: R; metadata: TableMetadata }>();
  let base = options.base;
  let attempts = 0;
  let conflicts = 0;
  let unknownOutcomes = 0;
  let failedReads = 0;
  for (;;) {
    attempts += 1;
    // A base another writer named (`00003-<uuid>.metadata.json`, a gzip spelling, a free-form
    // name) may not be the newest file any more, and that writer's next file would not collide
    // with `v<N+1>`: so re-discover first and build on whatever is newest now (§C2). Floe's own
    // `v<N>` bases need no such check: a newer `v<N+1>` makes the create below fail; nor do
    // commits through a catalog, which checks the change's requirements against its head.
    if (!options.commitPoint && !isFloeMetadataPath(base.version, base.path)) base = await options.reload();
    const built = await options.build(base, attempts);
    const metadata: TableMetadata = {
      ...built.metadata,
      properties: { ...built.metadata.properties, [COMMIT_ID_PROPERTY]: commitId },
    };
    const version = base.version + 1;
    resultsByVersion.set(version, { result: built.result, metadata });
    // As late as possible before the commit point: orphan cleanup may delete files older than
    // the window, so a change that staged them earlier must not commit them now.
    if (options.stagedAtMs !== undefined) checkStagedAge({ stagedAtMs: options.stagedAtMs, nowMs: clock.nowMs(), table });
    let failure: unknown;
    let taken: number | undefined;
    try {
      if (options.commitPoint) {
        const state = await options.commitPoint(base, metadata, commitId);
        resultsByVersion.set(state.version, { result: built.result, metadata: state.metadata });
        return { state, result: built.result, stats: { attempts, conflicts, unknownOutcomes } };
      }
      const path = await commitMetadataVersion(store, { version, bytes: options.encode(metadata), table });
      await writeVersionHint(store, version);
      return { state: { version, path, metadata }, result: built.result, stats: { attempts, conflicts, unknownOutcomes } };
    } catch (e) {
      if (isFloeError(e, 'OUTCOME_UNKNOWN')) unknownOutcomes += 1;
      else if (isFloeError(e, 'COMMIT_CONFLICT') && e.retryable) {
        conflicts += 1;
        if (!options.commitPoint) taken = version;
      } else throw e;
      failure = e;
    }
    // Reload (and, after an unknown outcome, look for this commit) before building again. A
    // retryable failure to read — a REST catalog restarting, a store's 503 — is waited out within
    // the same budget: thrown, it would leave the caller with a plain error for a commit that may
    // have landed (spec/commit-protocol.md §C5).
    let latest: TableState | undefined;
    let own: TableState | undefined;
    while (latest === undefined) {
      const elapsedMs = clock.nowMs() - startedMs;
      if (attempts + failedReads > policy().numRetries || elapsedMs > policy().totalTimeoutMs) {
        throw new CommitRetriesExhaustedError(
          `commit to table ${table} gave up after ${attempts} attempts in ${elapsedMs} ms (${conflicts} conflicts, ${unknownOutcomes} unknown outcomes, ${failedReads} failed reloads)`,
          {
            context: { table, attempts, conflicts, elapsedMs },
            cause: failure,
            help: 'raise commit.retry.num-retries / commit.retry.total-timeout-ms, or reduce the number of concurrent writers',
          },
        );
      }
      await sleep(backoffDelayMs(attempts + failedReads, policy(), random));
      try {
        // A conflict names the version that beat us: read it directly (one request) rather
        // than re-running discovery; the next commit point still refuses a stale base.
        const reloaded = (taken !== undefined && options.reloadAfterConflict ? await options.reloadAfterConflict(taken) : undefined) ?? (await options.reload());
        if (unknownOutcomes > 0) {
          own = options.findOwn ? await options.findOwn(base, reloaded, commitId) : await findOwnVersion(options, base.version + 1, reloaded);
        }
        latest = reloaded;
      } catch (e) {
        if (!(isFloeError(e) && e.retryable)) throw e;
        failedReads += 1;
        failure = e;
      }
    }
    if (unknownOutcomes > 0) {
      if (own) {
        // The attempt that landed is the last one built (each attempt carries the same commit
        // id; only one can commit, since each asserts the base it was built on).
        const mine = resultsByVersion.get(own.version) ?? (options.commitPoint ? resultsByVersion.get(version) : undefined);
        if (mine) {
          // Our commit landed at `own.version`; later writers built on it, so the latest
          // version includes it and is where the table now stands.
          if (!options.commitPoint) await writeVersionHint(store, latest.version);
          return { state: latest, result: mine.result, stats: { attempts, conflicts, unknownOutcomes } };
        }
      }
    }
    base = latest;
  }
}

async function findOwnVersion<R>(options: CommitLoopOptions<R>, from: number, latest: TableState): Promise<TableState | undefined> {
  for (let v = from; v <= latest.version; v++) {
    const state = v === latest.version ? latest : await options.loadVersion(v);
    if (state.metadata.properties[COMMIT_ID_PROPERTY] === options.commitId) return state;
  }
  return undefined;
}
