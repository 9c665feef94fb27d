/**
 * Streamed appends that commit as they go (spec/streaming.md): batches are written as data files
 * as they arrive, and every `commitEvery` rows, bytes or milliseconds the files written so far
 * are committed in one snapshot, so memory holds one batch plus one commit's list of files.
 * With a `sourceId`, each batch carries a source position and each commit records the last one
 * it covers (stream-commit.ts): batches at or before the committed position are skipped, and a
 * commit whose positions another writer of the same source committed first is dropped, so a
 * writer that crashes and replays from any earlier position adds each row exactly once.
 *
 * @module
 */
import { z } from 'zod';
import type { TableState } from '../commit/index.js';
import { InvalidArgumentError } from '../errors.js';
import { type DataFile, MAIN_BRANCH, type Snapshot, parseArgument } from '../spec/index.js';
import { type Clock, newUuid } from '../util/index.js';
import { dataFileOptions } from './append.js';
import type { Change } from './change.js';
import { StreamPositionsCommitted, prepareStreamCommit } from './stream-commit.js';
import { STREAM_SUMMARY_PREFIX, SourceIdSchema, type StreamPosition, StreamPositionSchema, committedStreamPosition } from './stream-position.js';
import { deleteDataFiles } from './streamed-append.js';
import type { TableContext } from './table-context.js';
import { type WriteInput, writeDataFiles } from './write-data-files.js';

/** When a streamed append commits: after whichever limit a run of batches reaches first. */
export interface CommitEvery {
  /** Rows written since the last commit. */
  readonly rows?: number;
  /** Bytes of data files written since the last commit. */
  readonly bytes?: number;
  /**
   * Milliseconds since the first batch of the pending commit was staged, by the table's clock;
   * checked as each batch arrives (no timer: a source that stalls commits with its next batch).
   */
  readonly ms?: number;
}

/** A batch of an exactly-once stream: its rows and its position in the source. */
export interface PositionedBatch {
  /** The rows, anything {@link Table.append} accepts. */
  readonly data: WriteInput;
  /** The batch's position: greater than the previous batch's. */
  readonly position: StreamPosition;
}

/** One commit of a streamed append, as reported to `onCommit`. */
export interface StreamCommit {
  /** The snapshot committed. */
  readonly snapshot: Snapshot;
  /** Rows it added. */
  readonly rows: number;
  /** Data files it added. */
  readonly files: number;
  /** The last source position it covers (with a `sourceId`). */
  readonly position?: bigint;
}

/** The options of a streamed append beyond those of an append. */
export interface StreamAppendOptions {
  /** Commit after this many rows / bytes / ms (whichever first); default one commit at the end. */
  readonly commitEvery?: CommitEvery;
  /**
   * Makes the stream exactly-once: the source yields {@link PositionedBatch}es, and each commit
   * records `sourceId` and its last position in the snapshot summary (spec/streaming.md §S2).
   */
  readonly sourceId?: string;
  /** Called after each commit (awaited before the next batch is read). */
  readonly onCommit?: (commit: StreamCommit) => void | Promise<void>;
}

const Limit = (what: string) => z.number({ error: `expected a positive integer number of ${what}` }).int(`expected a positive integer number of ${what}`).positive(`expected a positive integer number of ${what}`).optional();

const StreamOptionsSchema = z.strictObject({
  commitEvery: z
    .strictObject({ rows: Limit('rows'), bytes: Limit('bytes'), ms: Limit('ms') }, { error: 'expected { rows?, bytes?, ms? }' })
    .refine((c) => c.rows !== undefined || c.bytes !== undefined || c.ms !== undefined, 'expected at least one of rows, bytes, ms')
    .optional(),
  sourceId: SourceIdSchema.optional(),
  onCommit: z.custom<StreamAppendOptions['onCommit']>((v) => typeof v === 'function', 'expected a function').optional(),
});

const PositionedBatchSchema = z.strictObject(
  { data: z.custom<WriteInput>((v) => typeof v === 'object' && v !== null, 'expected the rows (an Arrow Table, RecordBatch(es) or row objects)'), position: StreamPositionSchema },
  { error: 'expected { data, position }' },
);

/**
 * Checks the streaming options of `appendStream` (the append options are checked apart), and
 * that the caller's summary does not use the stream's keys.
 * @param options the stream options
 * @param summary the caller's summary entries
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the offending option
 */
export function parseStreamOptions(options: StreamAppendOptions, summary: Readonly<Record<string, string>> | undefined, table: string): StreamAppendOptions {
  const parsed = parseArgument(StreamOptionsSchema, options, `options of appendStream on table ${table}`) as StreamAppendOptions;
  const reserved = Object.keys(summary ?? {}).find((k) => k.startsWith(STREAM_SUMMARY_PREFIX));
  if (reserved !== undefined) throw new InvalidArgumentError(`summary key ${reserved} of appendStream on table ${table} is reserved: keys ${STREAM_SUMMARY_PREFIX}* record stream positions`, { context: { table, key: reserved } });
  return parsed;
}

/** What a streamed append needs from its table. */
export interface StreamAppendHost {
  /** The table's name, for messages. */
  readonly table: string;
  /** The table context (current). */
  context(): TableContext;
  /** The table's state (current: it moves with each commit). */
  state(): TableState;
  /** The clock `commitEvery.ms` is measured with. */
  readonly clock: Clock;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions: ReadonlyMap<number, number>;
  /** Re-reads the table's latest version (after another writer's commit was found). */
  refresh(): Promise<unknown>;
  /** Commits a change whose files were staged since `stagedAtMs` and moves the table to it. */
  commit(prepare: (state: TableState, commitId: string) => Promise<Change<Snapshot>>, commitId: string, stagedAtMs: number): Promise<Snapshot>;
}

/** The append options a streamed append also takes. */
export interface StreamWriteOptions extends StreamAppendOptions {
  /** The branch (default `main`). */
  readonly branch?: string;
  /** Extra summary entries of every commit. */
  readonly summary?: Readonly<Record<string, string>>;
}

interface StagedBatch {
  readonly position: bigint | undefined;
  readonly files: readonly DataFile[];
}

/**
 * Runs a streamed append (options already parsed by {@link parseStreamOptions}).
 * @param source the batches: {@link PositionedBatch}es with a `sourceId`, else what `append` takes
 * @returns the last snapshot committed, or `undefined` when nothing was
 * @throws InvalidArgumentError when `source` is not iterable, a batch is malformed or its position does not grow
 * @throws SchemaMismatchError when a batch does not fit the schema (its pending commit is dropped)
 */
export async function runStreamAppend(host: StreamAppendHost, source: unknown, options: StreamWriteOptions): Promise<Snapshot | undefined> {
  const table = host.table;
  const iterable = streamSource(source, table);
  const branch = options.branch ?? MAIN_BRANCH;
  const { sourceId, commitEvery } = options;
  // A restarted writer's table may be stale: read the committed position from the latest version,
  // so that replayed batches are skipped here rather than written and dropped at the commit.
  if (sourceId !== undefined) await host.refresh();
  let committed = sourceId === undefined ? undefined : committedStreamPosition(host.state().metadata, sourceId, branch);
  let previous: bigint | undefined;
  let pending: StagedBatch[] = [];
  let rows = 0;
  let bytes = 0;
  let startedMs = 0;
  let last: Snapshot | undefined;
  let index = -1;

  const flush = async (): Promise<void> => {
    // Taken out of `pending` first: once a commit begins its files are never deleted here (an
    // unknown outcome may have committed them; orphan cleanup takes them if not).
    let batches = pending;
    const stagedAtMs = startedMs;
    pending = [];
    rows = 0;
    bytes = 0;
    for (;;) {
      const files = batches.flatMap((b) => b.files);
      if (files.length === 0) return;
      const range = sourceId === undefined ? undefined : { sourceId, first: batches[0]!.position!, last: batches[batches.length - 1]!.position! };
      try {
        const snapshot = await host.commit(
          (state, commitId) =>
            prepareStreamCommit(host.context(), state, files, {
              commitId,
              branch,
              vectorDimensions: host.vectorDimensions,
              ...(options.summary ? { summary: options.summary } : {}),
              ...(range ? { source: range } : {}),
            }),
          newUuid(),
          stagedAtMs,
        );
        last = snapshot;
        if (range) committed = range.last;
        const added = files.reduce((n, f) => n + f.recordCount, 0);
        await options.onCommit?.({ snapshot, rows: added, files: files.length, ...(range ? { position: range.last } : {}) });
        return;
      } catch (e) {
        if (!(e instanceof StreamPositionsCommitted)) throw e;
        // Another writer of this source committed these positions first: drop what it covers
        // and commit the rest (spec/streaming.md §S3).
        committed = e.committed;
        const covered = e.committed;
        await deleteDataFiles(host.context(), batches.filter((b) => b.position! <= covered).flatMap((b) => b.files));
        batches = batches.filter((b) => b.position! > covered);
        // Build the rest on the version that covers them, not on the stale state (which would
        // cost the commit loop one conflict per version it is behind).
        await host.refresh();
      }
    }
  };

  try {
    let writeOptions = dataFileOptions(host.state(), { vectorDimensions: host.vectorDimensions });
    for await (const item of iterable) {
      index += 1;
      let data: WriteInput;
      let position: bigint | undefined;
      if (sourceId === undefined) data = item as WriteInput;
      else {
        const batch = parseArgument(PositionedBatchSchema, item, `batch ${index} of appendStream of source ${sourceId} on table ${table}`);
        if (previous !== undefined && batch.position <= previous) {
          throw new InvalidArgumentError(`batch ${index} of appendStream of source ${sourceId} on table ${table} has position ${batch.position}, not after the previous batch's ${previous}: positions must grow`, {
            context: { table, sourceId, batch: index, position: batch.position.toString() },
          });
        }
        previous = batch.position;
        // Committed before (a replay after a restart): skipped, never written.
        if (committed !== undefined && batch.position <= committed) continue;
        data = batch.data;
        position = batch.position;
      }
      if (pending.length === 0) {
        startedMs = host.clock.nowMs();
        writeOptions = dataFileOptions(host.state(), { vectorDimensions: host.vectorDimensions });
      }
      const files = await writeDataFiles(host.context(), data, writeOptions);
      pending.push({ position, files });
      for (const f of files) {
        rows += f.recordCount;
        bytes += f.fileSizeInBytes;
      }
      if (commitEvery && due(commitEvery, rows, bytes, host.clock.nowMs() - startedMs)) await flush();
    }
  } catch (e) {
    // The pending commit's files were never part of a commit: delete them (best effort).
    await deleteDataFiles(host.context(), pending.flatMap((b) => b.files));
    throw e;
  }
  await flush();
  return last;
}

function due(every: CommitEvery, rows: number, bytes: number, elapsedMs: number): boolean {
  return (every.rows !== undefined && rows >= every.rows) || (every.bytes !== undefined && bytes >= every.bytes) || (every.ms !== undefined && elapsedMs >= every.ms);
}

/**
 * `source` as an iterable of batches.
 * @param source what the caller passed as the stream
 * @param table the table, for messages
 * @throws InvalidArgumentError when it is neither iterable nor async iterable
 */
export function streamSource(source: unknown, table: string): AsyncIterable<unknown> | Iterable<unknown> {
  const s = source as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | null | undefined;
  if (typeof source === 'object' && s !== null && s !== undefined && (typeof s[Symbol.asyncIterator] === 'function' || typeof s[Symbol.iterator] === 'function')) {
    return source as AsyncIterable<unknown> | Iterable<unknown>;
  }
  const got = source === null ? 'null' : typeof source;
  throw new InvalidArgumentError(`source of appendStream on table ${table} is not an iterable or async iterable of batches (got ${got})`, { context: { table, argument: 'source' } });
}
