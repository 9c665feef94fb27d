/**
 * One commit of an exactly-once stream (spec/streaming.md §S3): an append of the files of a run
 * of batches whose snapshot summary records the source and the positions it covers, and whose
 * every attempt first re-reads the committed position from the base it is built on. If that
 * base already covers the run's first position (another instance of the same source committed
 * it, or this writer's earlier life did), the attempt throws {@link StreamPositionsCommitted}
 * instead of committing, so the check and the commit are one step of the commit loop
 * (spec/commit-protocol.md §C3): a position is never committed twice.
 *
 * @module
 */
import type { TableState } from '../commit/index.js';
import { type DataFile, MAIN_BRANCH, type Snapshot } from '../spec/index.js';
import { prepareAppendOfFiles } from './append.js';
import type { Change } from './change.js';
import { committedStreamPosition, streamSummary } from './stream-position.js';
import type { TableContext } from './table-context.js';

/**
 * Thrown out of the commit loop (not a FloeError: it never reaches a caller) when the base
 * already covers the commit's first position; `committed` is the base's committed position.
 */
export class StreamPositionsCommitted extends Error {
  /** @param committed the position the base has committed for the source */
  constructor(readonly committed: bigint) {
    super(`positions up to ${committed} are already committed`);
    this.name = 'StreamPositionsCommitted';
  }
}

/** Options of {@link prepareStreamCommit}. */
export interface StreamCommitOptions {
  /** The commit id. */
  readonly commitId: string;
  /** The branch. */
  readonly branch?: string;
  /** The caller's own summary entries. */
  readonly summary?: Readonly<Record<string, string>>;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /** The source and the positions the files cover; without it, a plain append. */
  readonly source?: { readonly sourceId: string; readonly first: bigint; readonly last: bigint };
}

/**
 * Writes the manifest of `files` and returns the change that appends them, checked against the
 * committed position of `options.source` on every attempt.
 * @param files data files already stored, none referenced yet
 * @throws StreamPositionsCommitted (from `build`) when the base covers `source.first`
 */
export async function prepareStreamCommit(ctx: TableContext, state: TableState, files: readonly DataFile[], options: StreamCommitOptions): Promise<Change<Snapshot>> {
  const branch = options.branch ?? MAIN_BRANCH;
  const source = options.source;
  const extraSummary = { ...options.summary, ...(source ? streamSummary(source.sourceId, source.first, source.last) : {}) };
  const append = await prepareAppendOfFiles(ctx, state, files, {
    commitId: options.commitId,
    branch,
    ...(Object.keys(extraSummary).length > 0 ? { extraSummary } : {}),
    ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}),
  });
  if (!source) return append;
  return {
    async build(base, attempt, timestampMs) {
      const committed = committedStreamPosition(base.metadata, source.sourceId, branch);
      if (committed !== undefined && committed >= source.first) throw new StreamPositionsCommitted(committed);
      const built = await append.build(base, attempt, timestampMs);
      // A catalog commit point applies the updates to its own head: asserting the branch head
      // the check ran on makes it refuse (and the loop rebuild and re-check) if the branch moved.
      const head = base.metadata.refs[branch]?.snapshotId ?? null;
      return { ...built, requirements: [...built.requirements, { type: 'assert-ref-snapshot-id', ref: branch, snapshotId: head }] };
    },
  };
}
