/**
 * Parquet encode and decode on worker threads, so that a large append or a scan uses every core:
 * a piscina pool running `parquet-worker.ts` (the same wasm calls as the in-process path, see
 * `parquet.ts`). Arrow IPC crosses to a worker and Parquet bytes come back *transferred*, not
 * copied; a file decoded by several workers at once (one range of row groups each) is shared
 * with them in one `SharedArrayBuffer`.
 *
 * - Size: `FLOE_THREADS` (an integer ≥ 0), else {@link setWorkerThreads}, else
 *   `min(availableParallelism(), 4)`. `0` or `1` means no workers: everything runs in process,
 *   exactly as before the pool existed.
 * - Started lazily on the first task; workers are unref'd while idle (piscina does that), so the
 *   pool never keeps a process alive, and they exit after a few idle seconds, giving back their
 *   wasm memory (a WebAssembly memory only grows).
 * - At most twice as many tasks in flight as threads (p-limit): callers queue behind that, so
 *   memory stays bounded by what the callers already hold.
 * - A failure inside a worker comes back as the same typed error the in-process path raises
 *   (`CorruptFileError` with the path for bad bytes); a worker that dies fails only its own task
 *   and piscina starts another.
 *
 * The worker is loaded from the compiled `parquet-worker.js` next to this file; when this module
 * runs from TypeScript sources (vitest), which a worker thread cannot load, from the build in
 * `dist/` (`npm test` builds first).
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import pLimit, { type LimitFunction } from 'p-limit';
import { Piscina } from 'piscina';
import { z } from 'zod';
import { CorruptFileError, InvalidArgumentError, isFloeError } from '../errors.js';
import type { Schema } from '../spec/index.js';
import { computeMetrics, type ColumnMetrics } from './metrics.js';
import {
  annotateParquet,
  initParquetWasm,
  parquetFromIpc,
  prepareParquetRead,
  prepareParquetWrite,
  readParquet,
  readParquetFooter,
  tableFromParquetIpc,
  writeParquet,
  type ReadParquetOptions,
  type WriteParquetOptions,
} from './parquet.js';
import { wasmFailureMessage as parquetFailureMessage } from './parquet-codec.js';
import type { DecodeTask, EncodeTask, WorkerResult } from './parquet-worker.js';
import { type SharedLease, leaseShared } from './shared-buffers.js';

/** The environment variable that sets the number of worker threads. */
export const THREADS_ENV = 'FLOE_THREADS';

const DEFAULT_MAX_THREADS = 4;
/** Idle workers exit after this long, releasing their wasm memory. */
const IDLE_TIMEOUT_MS = 5_000;

const ThreadsSchema = z.number().int().min(0).max(256);
const ThreadsEnvSchema = z.string().regex(/^\d+$/).transform(Number).pipe(ThreadsSchema);

/**
 * Smaller work runs in process: starting a worker costs ~0.2 s of CPU (loading parquet-wasm),
 * more than encoding or decoding a small file, and a CLI command on a few rows would pay it.
 */
const DEFAULT_MIN_POOLED_BYTES = 1024 * 1024;
let minPooledBytes = DEFAULT_MIN_POOLED_BYTES;

let configured: number | undefined;
let pool: { readonly piscina: Piscina; readonly limit: LimitFunction; readonly threads: number } | undefined;
let tasksRun = 0;

/**
 * Sets how many worker threads encode and decode Parquet (`FLOE_THREADS` wins when set);
 * `undefined` restores the default, `0` or `1` runs everything in process. A running pool with
 * another size is closed (its tasks finish first) and the next task starts one of the new size.
 * @param threads an integer from 0 to 256, or undefined
 * @throws {InvalidArgumentError} for anything else
 */
export async function setWorkerThreads(threads: number | undefined): Promise<void> {
  if (threads !== undefined && !ThreadsSchema.safeParse(threads).success) {
    throw new InvalidArgumentError(`threads must be an integer from 0 to 256, got ${String(threads)}`, { context: { threads: String(threads) } });
  }
  configured = threads;
  if (pool !== undefined && pool.threads !== workerThreads()) await closeWorkerThreads();
}

/**
 * The number of worker threads Parquet work uses (1 when it runs in process).
 * @throws {InvalidArgumentError} when `FLOE_THREADS` is not an integer from 0 to 256
 */
export function workerThreads(): number {
  const env = process.env[THREADS_ENV];
  if (env !== undefined && env !== '') {
    const parsed = ThreadsEnvSchema.safeParse(env.trim());
    if (!parsed.success) {
      throw new InvalidArgumentError(`${THREADS_ENV} must be an integer from 0 to 256, got '${env}'`, {
        context: { [THREADS_ENV]: env },
        help: `unset it for the default (one per core, at most ${DEFAULT_MAX_THREADS}), or set 1 to run in process`,
      });
    }
    return Math.max(1, parsed.data);
  }
  if (configured !== undefined) return Math.max(1, configured);
  return Math.max(1, Math.min(availableParallelism(), DEFAULT_MAX_THREADS));
}

/**
 * Stops the worker threads (waiting for the tasks in flight); the next task starts them again.
 * Never needed for a process to exit, as idle workers do not keep it alive.
 */
export async function closeWorkerThreads(): Promise<void> {
  const p = pool;
  pool = undefined;
  if (p !== undefined) await p.piscina.close();
}

/**
 * Sets the size below which a file is encoded or decoded in process (default 1 MiB of Arrow IPC
 * or Parquet bytes); for tests, which use small files.
 * @param bytes a non-negative integer, or undefined for the default
 */
export function setWorkerMinBytes(bytes: number | undefined): void {
  minPooledBytes = bytes ?? DEFAULT_MIN_POOLED_BYTES;
}

/** The size below which a file is encoded or decoded in process (see {@link setWorkerMinBytes}). */
export function workerMinBytes(): number {
  return minPooledBytes;
}

/**
 * `bytes` in shared memory, the workers' view of a file: itself when it already is (the caller
 * keeps it), else a copy into leased memory, given back by the caller once every task settled.
 */
function sharedView(bytes: Uint8Array): { readonly shared: Uint8Array; readonly lease?: SharedLease } {
  if (bytes.buffer instanceof SharedArrayBuffer) return { shared: bytes };
  const lease = leaseShared(bytes.byteLength);
  lease.bytes.set(bytes);
  return { shared: lease.bytes, lease };
}

/**
 * Runs decode tasks over leased memory: waits for every task to settle (a worker may still read
 * the memory after another one failed) before giving the memory back.
 */
async function settleDecodes(p: NonNullable<typeof pool>, tasks: readonly DecodeTask[], lease: SharedLease | undefined, path: string | undefined): Promise<WorkerResult[]> {
  const settled = await Promise.allSettled(tasks.map((t) => runTask(p, t, [])));
  lease?.release();
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) return workerDied(failed.reason, path, 'cannot read parquet');
  return settled.map((s) => (s as PromiseFulfilledResult<WorkerResult>).value);
}

/** How many tasks worker threads have run in this process (for tests: is the pool used?). */
export function workerTasksRun(): number {
  return tasksRun;
}

function workerFile(): string {
  const here = import.meta.url;
  // A worker thread cannot load TypeScript: run from the sources (vitest), use the build.
  return fileURLToPath(here.endsWith('.ts') ? new URL('../../dist/io/parquet-worker.js', here) : new URL('./parquet-worker.js', here));
}

/** The running pool, started on first use; undefined when work runs in process. */
function activePool(): NonNullable<typeof pool> | undefined {
  const threads = workerThreads();
  if (threads <= 1) return undefined;
  if (pool === undefined || pool.threads !== threads) {
    const old = pool;
    if (old !== undefined) void old.piscina.close();
    const piscina = new Piscina({ filename: workerFile(), minThreads: 0, maxThreads: threads, idleTimeout: IDLE_TIMEOUT_MS, recordTiming: false });
    pool = { piscina, limit: pLimit(threads * 2), threads };
  }
  return pool;
}

/** Run a task on the pool; a worker that failed (died, could not load) rejects with a plain Error. */
async function runTask(p: NonNullable<typeof pool>, task: EncodeTask | DecodeTask, transferList: ArrayBuffer[]): Promise<WorkerResult> {
  return p.limit(async () => {
    const result = (await p.piscina.run(task, { transferList })) as WorkerResult;
    tasksRun += 1;
    return result;
  });
}

function raise(detail: string, path: string | undefined, what: string): never {
  throw new CorruptFileError(path ?? '<in-memory parquet>', `${what}: ${detail}`);
}

function workerDied(e: unknown, path: string | undefined, what: string): never {
  const detail = e instanceof Error ? e.message : String(e);
  throw new CorruptFileError(path ?? '<in-memory parquet>', `${what}: the worker thread failed (${detail})`, { cause: e });
}

function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const b = bytes.buffer;
  return b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength ? [b] : [];
}

/** A data file's bytes and the column metrics its manifest entry carries. */
export interface EncodedDataFile {
  /** The Parquet file. */
  readonly bytes: Uint8Array;
  /** Metrics of the rows in it (`computeMetrics`). */
  readonly metrics: ColumnMetrics;
}

/**
 * The rows and schema without top-level columns of type `unknown`: spec §Parquet says to "omit
 * from data files" (readers fill them with nulls; `resolve.ts`).
 */
function withoutUnknownColumns(table: arrow.Table, schema: Schema): { readonly table: arrow.Table; readonly schema: Schema } {
  const kept = schema.fields.filter((f) => f.type.type !== 'unknown');
  if (kept.length === schema.fields.length) return { table, schema };
  return { table: table.select(kept.map((f) => f.name)), schema: { ...schema, fields: kept } };
}

/**
 * {@link writeParquet} plus `computeMetrics`: when the pool runs, the wasm encode on a worker
 * thread while this thread computes the metrics (the same bytes and metrics as in process).
 * @param table the rows, conformed to `schema`
 * @param schema the table schema (metrics are per field id)
 * @param options as {@link writeParquet}
 * @throws as {@link writeParquet}
 */
export async function encodeDataFile(rows: arrow.Table, tableSchema: Schema, options: WriteParquetOptions = {}): Promise<EncodedDataFile> {
  const { table, schema } = withoutUnknownColumns(rows, tableSchema);
  await initParquetWasm();
  const p = activePool();
  if (p === undefined) return { bytes: writeParquet(table, options), metrics: computeMetrics(table, schema) };
  const { ipc, settings } = prepareParquetWrite(table, options);
  if (ipc.byteLength < minPooledBytes) {
    let bytes: Uint8Array;
    try {
      bytes = parquetFromIpc(ipc, settings);
    } catch (e) {
      if (isFloeError(e)) throw e;
      return raise(parquetFailureMessage(e), options.path, 'cannot write parquet');
    }
    return { bytes, metrics: computeMetrics(table, schema) };
  }
  const { uuidIds: _uuidIds, path: _path, ...wasmSettings } = settings;
  const encoding = runTask(p, { op: 'encode', ipc, settings: wasmSettings }, transferable(ipc));
  // This thread computes the metrics while a worker encodes.
  let metrics: ColumnMetrics;
  try {
    metrics = computeMetrics(table, schema);
  } finally {
    await encoding.catch(() => undefined);
  }
  let result: WorkerResult;
  try {
    result = await encoding;
  } catch (e) {
    return workerDied(e, options.path, 'cannot write parquet');
  }
  if (!result.ok) return raise(result.detail, options.path, 'cannot write parquet');
  return { bytes: annotateParquet(result.bytes, settings), metrics };
}

/**
 * {@link readParquet}, decoded on worker threads when the pool runs: a whole-file read of a file
 * with several row groups is split into one contiguous range of row groups per thread, decoded
 * at once; the rows come back in file order, the same as in process.
 * @param bytes the whole file
 * @param options as {@link readParquet}
 * @throws as {@link readParquet}
 */
export async function readParquetAsync(bytes: Uint8Array, options: ReadParquetOptions = {}): Promise<arrow.Table> {
  await initParquetWasm();
  const p = bytes.byteLength < minPooledBytes ? undefined : activePool();
  if (p === undefined) return readParquet(bytes, options);
  const settings = prepareParquetRead(bytes, options);
  const groups = settings.rowGroups ?? Array.from({ length: readParquetFooter(bytes, options.path).rowGroups.length }, (_, i) => i);
  const whole = settings.limit === undefined && settings.offset === undefined;
  const parts = whole ? Math.max(1, Math.min(p.threads, groups.length)) : 1;
  // In shared memory, read by every worker (a transfer would take it from the caller).
  const { shared, lease } = sharedView(bytes);
  const tasks: DecodeTask[] = [];
  for (let k = 0; k < parts; k++) {
    const from = Math.floor((k * groups.length) / parts);
    const to = Math.floor(((k + 1) * groups.length) / parts);
    tasks.push({ op: 'decode', bytes: shared, settings: parts === 1 ? settings : { ...settings, rowGroups: groups.slice(from, to) } });
  }
  const results = await settleDecodes(p, tasks, lease, options.path);
  const tables = results.map((r) => {
    if (!r.ok) return raise(r.detail, options.path, 'cannot read parquet');
    return tableFromParquetIpc(r.bytes, options);
  });
  const [first, ...rest] = tables;
  return rest.length === 0 ? first! : first!.concat(...rest);
}

/**
 * Several row groups of one file, each decoded alone (on worker threads at once when the pool
 * runs, the file shared with them in one copy): one table per row group, in the order asked, so
 * a caller knows which rows came from which row group (position deletes count from the start of
 * the file, spec §Position Delete Files).
 * @param bytes the whole file (or a compact file holding the row groups)
 * @param rowGroups the row-group indexes to decode
 * @param options as {@link readParquet}, without `rowGroups`
 * @throws as {@link readParquet}
 */
export async function readParquetRowGroupsAsync(bytes: Uint8Array, rowGroups: readonly number[], options: Omit<ReadParquetOptions, 'rowGroups'> = {}): Promise<arrow.Table[]> {
  await initParquetWasm();
  const p = bytes.byteLength < minPooledBytes ? undefined : activePool();
  if (p === undefined || rowGroups.length <= 1) return Promise.all(rowGroups.map((g) => readParquetAsync(bytes, { ...options, rowGroups: [g] })));
  const base = prepareParquetRead(bytes, { ...options, rowGroups: [...rowGroups] });
  const { shared, lease } = sharedView(bytes);
  const tasks: DecodeTask[] = rowGroups.map((g) => ({ op: 'decode', bytes: shared, settings: { ...base, rowGroups: [g] } }));
  const results = await settleDecodes(p, tasks, lease, options.path);
  return results.map((r) => {
    if (!r.ok) return raise(r.detail, options.path, 'cannot read parquet');
    return tableFromParquetIpc(r.bytes, options);
  });
}
