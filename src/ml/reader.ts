/**
 * The training reader: one worker's rows of one epoch of a dataset, as Arrow record batches of a
 * fixed size, shuffled reproducibly, resumable from a small cursor.
 *
 * How rows are ordered (all of it a pure function of the spec and (seed, epoch, workers, worker)):
 * 1. the epoch's global order of row groups and this worker's share of it (see `shard.ts`);
 * 2. a bounded shuffle buffer: consecutive row groups are gathered into a block until it holds
 *    at least `shuffleBuffer` rows (so at most `shuffleBuffer` rows plus one row group are held),
 *    and the block's rows are permuted by a generator keyed by (seed, epoch, workers, worker,
 *    block start);
 * 3. the resulting stream is cut into batches of `batchSize` rows (the last may be short, or is
 *    dropped with `dropLast`).
 *
 * Because a block is rebuilt identically from its first row group, the cursor after any batch is
 * just (block start, rows of it already emitted), with the dataset and read it belongs to (see
 * `cursor.ts`): resuming re-reads at most one block and skips inside it, and the concatenation
 * of a stopped and a resumed read equals an uninterrupted one.
 *
 * Prefetch: the next `prefetch` row groups are read while the current block is consumed, so at
 * most that many row groups are in flight beyond the block. Files are fetched whole per row group
 * read (parquet-wasm reads whole files; see `io/parquet.ts`), so tables written with one row group
 * per file read each file once per epoch.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { InternalError, InvalidArgumentError } from '../errors.js';
import { takeRows } from '../io/index.js';
import { type DatasetFingerprint, READ_CURSOR_FORMAT, type ReadCursor, checkCursor } from './cursor.js';
import type { DatasetSpec } from './dataset-spec.js';
import { CountSchema, PositiveSchema, parseOptions } from './options.js';
import { seededRandom, shuffleInPlace } from './prng.js';
import { type ReadUnit, type ShardOptions, checkShard, epochOrder, shardUnits } from './shard.js';

/** Options of a reader. */
export interface ReaderOptions extends ShardOptions {
  /** The epoch (≥ 0, default 0): with a seed, each epoch has its own order. */
  readonly epoch?: number;
  /** Rows gathered before shuffling (default 0: row groups are shuffled, rows within them are not). Ignored without a seed. */
  readonly shuffleBuffer?: number;
  /** Drop a short last batch (default false). */
  readonly dropLast?: boolean;
  /** Row groups read ahead (default 2). */
  readonly prefetch?: number;
  /** Continue where an earlier reader stopped (its other options then come from the cursor). */
  readonly cursor?: ReadCursor;
}

/** {@link ReaderOptions} as checked (the cursor's shape is checked against its dataset after). */
const ReaderOptionsSchema = z.strictObject({
  workers: PositiveSchema.optional(),
  worker: CountSchema.optional(),
  epoch: CountSchema.optional(),
  shuffleBuffer: CountSchema.optional(),
  dropLast: z.boolean().optional(),
  prefetch: CountSchema.optional(),
  cursor: z.unknown().optional(),
});

/** What a reader needs from its dataset. */
export interface ReaderSource {
  /** The dataset's spec. */
  readonly spec: DatasetSpec;
  /** The spec's fingerprint: cursors carry it, and a resumed reader accepts only its own. */
  readonly fingerprint: DatasetFingerprint;
  /** The Arrow schema of the batches (for empty reads). */
  readonly arrowSchema: arrow.Schema;
  /** Reads one row group of one file (filter applied). */
  readUnit(unit: ReadUnit): Promise<arrow.RecordBatch[]>;
}

interface Block {
  readonly start: number;
  readonly end: number;
  readonly rows: number;
  readonly batches: readonly arrow.RecordBatch[];
  readonly perm: Int32Array | null;
  table: arrow.Table | undefined;
}

/** An async iterable of one worker's training batches; {@link DatasetReader.cursor} says where it is. */
export class DatasetReader implements AsyncIterable<arrow.RecordBatch> {
  /** This worker's row groups in this epoch, in read order. */
  readonly units: readonly ReadUnit[];
  private position: ReadCursor;
  private started = false;
  private readonly prefetch: number;

  /**
   * @param source the dataset
   * @param options shard, epoch, shuffle buffer, or a cursor to resume from
   * @throws InvalidArgumentError naming the option for bad options, a malformed cursor, or a
   * cursor of another dataset, shard or epoch
   */
  constructor(private readonly source: ReaderSource, input: ReaderOptions = {}) {
    const options = parseOptions(ReaderOptionsSchema, input, 'dataset reader');
    const spec = source.spec;
    this.prefetch = options.prefetch ?? 2;
    const c = options.cursor === undefined ? undefined : checkCursor(options.cursor, source.fingerprint);
    if (c) {
      for (const k of ['workers', 'worker', 'epoch', 'shuffleBuffer', 'dropLast'] as const) {
        if (options[k] !== undefined && options[k] !== c[k]) {
          throw new InvalidArgumentError(`option ${k} (${String(options[k])}) differs from the cursor's (${String(c[k])})`, { context: { option: k } });
        }
      }
    }
    const { workers, worker } = checkShard(c ?? options);
    const epoch = c?.epoch ?? options.epoch ?? 0;
    this.units = shardUnits(epochOrder(spec.files, spec.seed, epoch), { workers, worker });
    this.position = {
      format: READ_CURSOR_FORMAT,
      dataset: source.fingerprint,
      workers,
      worker,
      epoch,
      shuffleBuffer: c?.shuffleBuffer ?? options.shuffleBuffer ?? 0,
      dropLast: c?.dropLast ?? options.dropLast ?? false,
      unit: c?.unit ?? 0,
      skip: c?.skip ?? 0,
    };
    // A cursor at the end has skipped nothing; one past the end names no row group.
    if (this.position.unit > this.units.length || (this.position.unit === this.units.length && this.position.skip > 0)) {
      throw new InvalidArgumentError(`cursor position (unit ${this.position.unit}, skip ${this.position.skip}) is past this reader's ${this.units.length} row groups`, {
        context: { option: 'cursor.unit', unit: this.position.unit, units: this.units.length },
      });
    }
  }

  /** Where the reader is: after the last batch returned (or where it started). */
  cursor(): ReadCursor {
    return this.position;
  }

  /**
   * The batches, from the cursor on. A reader can be iterated once.
   * @throws InvalidArgumentError when iterated a second time
   */
  [Symbol.asyncIterator](): AsyncIterator<arrow.RecordBatch> {
    if (this.started) throw new InvalidArgumentError('a DatasetReader can be iterated once; create another (from its cursor) to continue');
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<arrow.RecordBatch> {
    const batchSize = this.source.spec.batchSize;
    const blocks = this.blocks(this.position.unit);
    let blk: Block | undefined;
    let off = this.position.skip;
    let first = true;
    for (;;) {
      const pieces: arrow.RecordBatch[] = [];
      let need = batchSize;
      while (need > 0) {
        if (!blk || off >= blk.rows) {
          const next = await blocks.next();
          if (next.done) {
            blk = undefined;
            break;
          }
          blk = next.value;
          if (!first) off = 0;
          else if (off > 0 && off >= blk.rows) {
            // A reader's cursor always points inside its block; this one was edited or is of another read.
            throw new InvalidArgumentError(`cursor skip ${off} is not below the ${blk.rows} rows of its block (from unit ${blk.start})`, { context: { option: 'cursor.skip', skip: off, rows: blk.rows } });
          }
          first = false;
          continue;
        }
        const piece = take(blk, off, need);
        off += piece.numRows;
        need -= piece.numRows;
        pieces.push(piece);
      }
      if (pieces.length === 0 || (need > 0 && this.position.dropLast)) return;
      this.position =
        blk === undefined || off >= blk.rows
          ? { ...this.position, unit: blk?.end ?? this.units.length, skip: 0 }
          : { ...this.position, unit: blk.start, skip: off };
      yield concat(pieces);
    }
  }

  /** Blocks from unit `from` on, with row groups prefetched. */
  private async *blocks(from: number): AsyncGenerator<Block> {
    const { seed } = this.source.spec;
    const { epoch, workers, worker, shuffleBuffer } = this.position;
    const inFlight = new Map<number, Promise<arrow.RecordBatch[]>>();
    const fetch = (i: number): Promise<arrow.RecordBatch[]> => {
      for (let j = i; j <= Math.min(this.units.length - 1, i + this.prefetch); j++) {
        if (!inFlight.has(j)) {
          const p = this.source.readUnit(this.units[j]!);
          p.catch(() => undefined); // surfaced when awaited; avoids an unhandled rejection meanwhile
          inFlight.set(j, p);
        }
      }
      const p = inFlight.get(i)!;
      inFlight.delete(i);
      return p;
    };
    let i = from;
    while (i < this.units.length) {
      const start = i;
      const batches: arrow.RecordBatch[] = [];
      let rows = 0;
      do {
        for (const b of await fetch(i)) {
          if (b.numRows > 0) batches.push(b);
          rows += b.numRows;
        }
        i += 1;
      } while (i < this.units.length && rows < shuffleBuffer);
      let perm: Int32Array | null = null;
      if (seed !== null && shuffleBuffer > 0 && rows > 1) {
        perm = new Int32Array(rows);
        for (let r = 0; r < rows; r++) perm[r] = r;
        shuffleInPlace(perm, seededRandom([seed, epoch, workers, worker, start, 0x5eed]));
      }
      yield { start, end: i, rows, batches, perm, table: undefined };
    }
  }
}

/** Up to `need` rows of a block from row `off` (zero-copy slices when the block is not permuted). */
function take(blk: Block, off: number, need: number): arrow.RecordBatch {
  const m = Math.min(need, blk.rows - off);
  if (blk.perm) {
    blk.table ??= new arrow.Table(blk.batches as arrow.RecordBatch[]);
    return takeRows(blk.table, blk.perm.subarray(off, off + m));
  }
  let base = 0;
  for (const b of blk.batches) {
    if (off < base + b.numRows) {
      const local = off - base;
      return b.slice(local, local + Math.min(m, b.numRows - local));
    }
    base += b.numRows;
  }
  throw new InternalError(`row ${off} is past the block's ${blk.rows} rows`);
}

/** One record batch of the pieces' rows, in order. */
function concat(pieces: readonly arrow.RecordBatch[]): arrow.RecordBatch {
  if (pieces.length === 1) return pieces[0]!;
  const n = pieces.reduce((s, p) => s + p.numRows, 0);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return takeRows(new arrow.Table(pieces as arrow.RecordBatch[]), all);
}
