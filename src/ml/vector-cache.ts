/**
 * An opt-in, byte-bounded in-memory cache of the decoded rows `nearest` reads, so repeated
 * queries over one pinned snapshot skip fetching and decoding its data files.
 *
 * What is cached: the record batches a `nearest` scan yields (filter applied, the vector column
 * and the returned columns), plus, for cosine, each row's norm. An entry is keyed by everything
 * that decides those rows: the table's uuid and location, the snapshot id, the schema id the
 * snapshot is read with, the vector column and its dimension, the columns read, the filter and
 * the name mapping. A snapshot's rows never change (Iceberg snapshots are immutable, spec
 * §Snapshots), so an entry is never stale; a query of another snapshot (after a commit, or
 * pinned elsewhere) has another key and reads its files.
 *
 * The bound counts the bytes of the memory the cached batches keep alive (every distinct
 * `ArrayBuffer` under them, whole, since a view keeps its whole buffer). A snapshot larger than
 * the bound is not cached (the query streams it as without a cache); adding an entry evicts the
 * least recently used ones until the total fits.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { z } from 'zod';
import { parseOptions } from './options.js';

/** Options of {@link VectorCache}. */
export interface VectorCacheOptions {
  /** The most bytes the cache keeps alive (a positive integer). */
  readonly maxBytes: number;
}

/** What a {@link VectorCache} holds and has served. */
export interface VectorCacheStats {
  /** Queries answered from the cache. */
  readonly hits: number;
  /** Queries that read the table's files (and cached them when they fit). */
  readonly misses: number;
  /** Cached snapshots (one per key). */
  readonly entries: number;
  /** Bytes kept alive by the entries (at most `maxBytes`). */
  readonly bytes: number;
}

const VectorCacheOptionsSchema = z.strictObject({ maxBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

/** One cached batch: the rows, and for cosine each row's norm (computed on first use). */
export interface CachedBatch {
  /** The batch as the scan yielded it. */
  readonly batch: arrow.RecordBatch;
  /** Row norms of the vector column, once computed. */
  norms: Float64Array | undefined;
}

interface Entry {
  readonly batches: readonly CachedBatch[];
  readonly bytes: number;
}

/**
 * A byte-bounded cache of the rows `nearest` reads (see the module notes). Pass one instance as
 * `nearest`'s `cache` option to the queries that should share it.
 */
export class VectorCache {
  /** The bound, in bytes. */
  readonly maxBytes: number;
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  private hits = 0;
  private misses = 0;

  /**
   * @param options the bound
   * @throws InvalidArgumentError naming the option when `maxBytes` is not a positive integer
   */
  constructor(options: VectorCacheOptions) {
    this.maxBytes = parseOptions(VectorCacheOptionsSchema, options, 'vector cache').maxBytes;
  }

  /** Counts of what the cache holds and served. */
  stats(): VectorCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size, bytes: this.held };
  }

  /** Drops every entry (the counts stay). */
  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  /**
   * The batches cached under `key` (a hit makes the entry the most recent), counting a hit or a miss.
   * @internal used by `nearest`
   */
  lookup(key: string): readonly CachedBatch[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.batches;
  }

  /**
   * A collector for the batches of a miss: {@link BatchCollector.finish} stores them under `key`
   * unless they outgrew the bound.
   * @internal used by `nearest`
   */
  collector(key: string): BatchCollector {
    return new BatchCollector(this.maxBytes, (batches, bytes) => this.store(key, batches, bytes));
  }

  private store(key: string, batches: readonly CachedBatch[], bytes: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.held -= old.bytes;
    }
    for (const [k, e] of this.entries) {
      if (this.held + bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.held -= e.bytes;
    }
    this.entries.set(key, { batches, bytes });
    this.held += bytes;
  }
}

/** Gathers a query's batches while they fit the cache's bound. */
export class BatchCollector {
  private batches: CachedBatch[] | undefined = [];
  private readonly buffers = new Set<ArrayBufferLike>();
  private bytes = 0;

  /** @internal use {@link VectorCache.collector} */
  constructor(
    private readonly maxBytes: number,
    private readonly done: (batches: readonly CachedBatch[], bytes: number) => void,
  ) {}

  /** Adds a batch; past the bound, gives up (the query goes on uncached). Returns the cached batch, if kept. */
  add(batch: arrow.RecordBatch): CachedBatch | undefined {
    if (!this.batches) return undefined;
    this.bytes += retainedBytes(batch.data, this.buffers);
    if (this.bytes > this.maxBytes) {
      this.batches = undefined;
      this.buffers.clear();
      return undefined;
    }
    const cached: CachedBatch = { batch, norms: undefined };
    this.batches.push(cached);
    return cached;
  }

  /** Stores the batches gathered, if they all fit (call after the scan completed). */
  finish(): void {
    if (this.batches) this.done(this.batches, this.bytes);
    this.batches = undefined;
  }
}

/** Bytes of the buffers under `data` not yet in `seen` (whole `ArrayBuffer`s: a view keeps all of its buffer alive). */
function retainedBytes(data: arrow.Data, seen: Set<ArrayBufferLike>): number {
  let n = 0;
  const add = (a: ArrayBufferView | undefined): void => {
    if (a === undefined || seen.has(a.buffer)) return;
    seen.add(a.buffer);
    n += a.buffer.byteLength;
  };
  add(data.values as ArrayBufferView | undefined);
  add(data.valueOffsets as ArrayBufferView | undefined);
  add(data.nullBitmap);
  add(data.typeIds as ArrayBufferView | undefined);
  for (const c of data.children) n += retainedBytes(c, seen);
  if (data.dictionary) for (const d of data.dictionary.data) n += retainedBytes(d, seen);
  return n;
}
