/**
 * Parquet ⇄ Arrow, through parquet-wasm (arrow-rs `parquet` compiled to WebAssembly). This is the
 * only module that imports parquet-wasm (STYLE §4): it is handed bytes or an {@link AsyncBuffer},
 * never a store.
 *
 * Crossing the boundary: apache-arrow → Arrow IPC stream → wasm `Table` → Parquet bytes, and back
 * the same way (STYLE §8). IPC is a copy, but it is the only crossing that keeps field metadata,
 * which carries the Parquet field ids (`PARQUET:field_id`) that Iceberg resolves columns by.
 *
 * What was verified against parquet-wasm 0.8.0 (arrow-rs parquet 59) and is relied on here:
 * - arrow-rs writes the Arrow field metadata `PARQUET:field_id` as the Parquet schema `field_id`
 *   on every node that has it: top-level columns, struct children, list elements and map
 *   keys/values (Iceberg spec §Parquet "Column IDs are required to be stored as field IDs"); on
 *   read it puts them back on the Arrow fields. The map's `key_value` group and the list's
 *   repeated group carry none, as in Java's writer.
 * - Lists are written in the 3-level form, decimals as INT32 (P ≤ 9), INT64 (P ≤ 18) or the
 *   smallest FIXED_LEN_BYTE_ARRAY, timestamps with `isAdjustedToUTC` from the Arrow time zone:
 *   exactly the spec §Parquet type table.
 * - Arrow *schema* metadata is not copied to the Parquet key-value metadata by arrow-rs (it only
 *   lands inside the base64 `ARROW:schema` blob), so {@link writeParquet} copies it itself: that
 *   is how `iceberg.schema` reaches the footer, where icebird and Java look for it.
 * - On read, arrow-rs exposes the footer key-value metadata as Arrow schema metadata.
 * - Unknown `columns` names are silently ignored by parquet-wasm, so they are checked here;
 *   an out-of-range row group index makes the wasm panic (`RuntimeError: unreachable`). The
 *   instance stays usable after a panic (tested), and the panic is reported as
 *   {@link CorruptFileError} like every other wasm failure.
 * - Consuming wasm methods (`intoIPCStream`, `build`, `writeParquet`) null the handle; calling
 *   `free()` on a consumed handle throws "null pointer passed to rust", hence {@link release}.
 * - Byte-range reads: `ParquetFile.fromFile` only calls `size` and `slice(start, end).arrayBuffer()`
 *   on its argument, so any {@link AsyncBuffer} can stand in for a `Blob`. Floe uses that for
 *   footers only ({@link readParquetMetadata}: three small reads from the tail). Data is read from
 *   whole files with the synchronous reader; {@link readParquet} says why.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import * as wasm from 'parquet-wasm';
import { CorruptFileError, InvalidArgumentError, isFloeError, UnsupportedError } from '../errors.js';

/** Parquet page compression codecs Floe writes. */
export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'uncompressed';

/**
 * A file that can be read in byte ranges, asynchronously (A5 hyparquet's `AsyncBuffer`): the
 * scan layer builds one over a store's ranged `get`, so large files are never read whole.
 */
export interface AsyncBuffer {
  /** The file's size in bytes. */
  readonly byteLength: number;
  /** Bytes `[start, end)`; `end` defaults to the end of the file. */
  slice(start: number, end?: number): Promise<ArrayBuffer> | ArrayBuffer;
}

/** Options for {@link writeParquet}. */
export interface WriteParquetOptions {
  /** Page compression; default `zstd`. `lz4` writes `LZ4_RAW` (the deprecated Hadoop-framed `LZ4` is ambiguous across readers). */
  readonly compression?: ParquetCompression;
  /** Maximum rows per row group; default arrow-rs's 1 Mi rows. */
  readonly rowGroupRows?: number;
  /**
   * Footer key-value metadata. The Arrow schema's own metadata (e.g. `iceberg.schema` set by
   * `arrowSchemaFromIceberg`) is written too; keys given here win.
   */
  readonly keyValueMetadata?: Readonly<Record<string, string>>;
  /** The destination path, for error messages only. */
  readonly path?: string;
}

/** One row group in a Parquet footer. */
export interface ParquetRowGroupInfo {
  /** Rows in the row group. */
  readonly numRows: number;
  /** Compressed size of its column chunks, in bytes. */
  readonly compressedSizeBytes: number;
  /** Uncompressed size of its column chunks, in bytes. */
  readonly uncompressedSizeBytes: number;
}

/** What a Parquet footer says about its file. */
export interface ParquetMetadata {
  /** Total rows in the file. */
  readonly numRows: number;
  /** The row groups, in file order (their index is what `rowGroups` options select). */
  readonly rowGroups: readonly ParquetRowGroupInfo[];
  /** The file's schema as Arrow, with `PARQUET:field_id` on every field that has an id. */
  readonly arrowSchema: arrow.Schema;
  /** Footer key-value metadata (`iceberg.schema`, `ARROW:schema`, …). */
  readonly keyValueMetadata: ReadonlyMap<string, string>;
  /** The writer's `created_by` string, if any. */
  readonly createdBy?: string;
}

/** Options for {@link readParquet}. */
export interface ReadParquetOptions {
  /** Top-level column names (as in the file) to read; default all. */
  readonly columns?: readonly string[];
  /** Row-group indexes to read, in file order; default all. */
  readonly rowGroups?: readonly number[];
  /** Rows per output record batch; default 1024 (arrow-rs). */
  readonly batchSize?: number;
  /** Read at most this many rows. */
  readonly limit?: number;
  /** Skip this many rows first. */
  readonly offset?: number;
  /** The file's path, for error messages only. */
  readonly path?: string;
}

const UNKNOWN_PATH = '<in-memory parquet>';

// The node build of parquet-wasm instantiates its module synchronously on import; the ESM build
// (what browsers and bundlers resolve) exports an async `default` initialiser instead.
const wasmInit = (wasm as unknown as { default?: unknown }).default;
let isWasmReady = typeof wasmInit !== 'function';
let wasmInitPromise: Promise<void> | undefined;

/**
 * Initialise the WebAssembly module (once). A no-op on Node, where parquet-wasm loads
 * synchronously; in a browser, await it before the first synchronous read or write.
 * @throws {UnsupportedError} when the module cannot be instantiated
 */
export async function initParquetWasm(): Promise<void> {
  if (isWasmReady) return;
  wasmInitPromise ??= (async () => {
    try {
      await (wasmInit as () => Promise<unknown>)();
      isWasmReady = true;
    } catch (e) {
      wasmInitPromise = undefined;
      throw new UnsupportedError('cannot instantiate the parquet-wasm module', { cause: e });
    }
  })();
  return wasmInitPromise;
}

function assertWasmReady(): void {
  if (!isWasmReady) {
    throw new UnsupportedError('parquet-wasm is not initialised', {
      help: 'await initParquetWasm() once before reading or writing Parquet outside Node',
    });
  }
}

/** Free a wasm handle unless a consuming method already took it (see the module notes). */
function release(handle: { free(): void } | undefined): void {
  if (handle === undefined) return;
  if ((handle as unknown as { __wbg_ptr?: number }).__wbg_ptr === 0) return;
  try {
    handle.free();
  } catch {
    // Freeing is best effort: a FinalizationRegistry in the glue frees it eventually anyway.
  }
}

function wasmMessage(e: unknown): string {
  // WebAssembly.RuntimeError (a Rust panic); matched by name because the lib has no DOM types.
  if (e instanceof Error && e.name === 'RuntimeError') return `parquet-wasm panicked (${e.message})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Translate anything thrown by wasm (Error, RuntimeError, string) into a CorruptFileError. */
function corrupt(path: string | undefined, what: string, e: unknown): never {
  if (isFloeError(e)) throw e;
  throw new CorruptFileError(path ?? UNKNOWN_PATH, `${what}: ${wasmMessage(e)}`, { cause: e });
}

const COMPRESSION: Readonly<Record<ParquetCompression, wasm.Compression>> = {
  zstd: wasm.Compression.ZSTD,
  snappy: wasm.Compression.SNAPPY,
  gzip: wasm.Compression.GZIP,
  // spec-wise LZ4 (Hadoop framing) is deprecated and read differently by different engines.
  lz4: wasm.Compression.LZ4_RAW,
  uncompressed: wasm.Compression.UNCOMPRESSED,
};

/**
 * Write an Arrow table as one Parquet file.
 *
 * Field ids come from each Arrow field's `PARQUET:field_id` metadata (see `arrowSchemaFromIceberg`);
 * the Arrow schema's metadata plus `keyValueMetadata` become the footer key-value metadata.
 * Statistics are written at page level; values are not validated against any Iceberg schema here
 * (`conformToSchema` does that).
 *
 * @param table the data; any number of record batches (zero gives a file with no row groups)
 * @param options compression (default zstd), row-group size, footer metadata
 * @returns the file's bytes
 * @throws {InvalidArgumentError} for a bad option value
 * @throws {CorruptFileError} when arrow-rs rejects the data (e.g. an Arrow type Parquet cannot hold)
 */
export function writeParquet(table: arrow.Table, options: WriteParquetOptions = {}): Uint8Array {
  assertWasmReady();
  const compression = options.compression ?? 'zstd';
  if (!(compression in COMPRESSION)) {
    throw new InvalidArgumentError(`unknown parquet compression '${String(compression)}'`, {
      context: { compression: String(compression) },
      help: `use one of ${Object.keys(COMPRESSION).join(', ')}`,
    });
  }
  const rowGroupRows = options.rowGroupRows;
  if (rowGroupRows !== undefined && !(Number.isSafeInteger(rowGroupRows) && rowGroupRows > 0)) {
    throw new InvalidArgumentError(`rowGroupRows must be a positive integer, got ${rowGroupRows}`, {
      context: { rowGroupRows },
    });
  }
  const keyValue = new Map<string, string>();
  for (const [k, v] of table.schema.metadata) keyValue.set(k, v);
  for (const [k, v] of Object.entries(options.keyValueMetadata ?? {})) keyValue.set(k, v);
  // ARROW:schema is arrow-rs's own key (it writes it itself); a stale copy must not override it.
  keyValue.delete('ARROW:schema');

  let ipc: Uint8Array;
  try {
    ipc = arrow.tableToIPC(table, 'stream');
  } catch (e) {
    throw new InvalidArgumentError(`cannot serialise the arrow table to IPC: ${wasmMessage(e)}`, {
      cause: e,
      context: { path: options.path ?? UNKNOWN_PATH },
    });
  }
  let builder: wasm.WriterPropertiesBuilder | undefined;
  let props: wasm.WriterProperties | undefined;
  let wasmTable: wasm.Table | undefined;
  try {
    builder = new wasm.WriterPropertiesBuilder();
    // Each setter consumes the builder and returns a new handle to the same state.
    builder = builder.setCompression(COMPRESSION[compression]);
    builder = builder.setStatisticsEnabled(wasm.EnabledStatistics.Page);
    if (rowGroupRows !== undefined) builder = builder.setMaxRowGroupSize(rowGroupRows);
    if (keyValue.size > 0) builder = builder.setKeyValueMetadata(keyValue);
    props = builder.build();
    wasmTable = wasm.Table.fromIPCStream(ipc);
    return wasm.writeParquet(wasmTable, props);
  } catch (e) {
    return corrupt(options.path, 'cannot write parquet', e);
  } finally {
    release(wasmTable);
    release(props);
    release(builder);
  }
}

function tableFromWasm(wasmTable: wasm.Table): arrow.Table {
  return arrow.tableFromIPC(wasmTable.intoIPCStream());
}

function schemaFromWasm(wasmSchema: wasm.Schema): arrow.Schema {
  return arrow.tableFromIPC(wasmSchema.intoIPCStream()).schema;
}

function validateReadOptions(options: ReadParquetOptions, schema: arrow.Schema | undefined, numRowGroups: number | undefined): void {
  const path = options.path ?? UNKNOWN_PATH;
  if (options.columns !== undefined && schema !== undefined) {
    const names = new Set(schema.fields.map((f) => f.name));
    for (const c of options.columns) {
      if (!names.has(c)) {
        throw new InvalidArgumentError(`column '${c}' is not in parquet file ${path}`, {
          context: { path, column: c },
          help: `the file's top-level columns are: ${[...names].join(', ')}`,
        });
      }
    }
  }
  for (const rg of options.rowGroups ?? []) {
    if (!Number.isSafeInteger(rg) || rg < 0 || (numRowGroups !== undefined && rg >= numRowGroups)) {
      throw new InvalidArgumentError(
        `row group ${rg} is out of range for parquet file ${path}${numRowGroups === undefined ? '' : ` (${numRowGroups} row groups)`}`,
        { context: { path, rowGroup: rg } },
      );
    }
  }
  for (const key of ['batchSize', 'limit', 'offset'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= (key === 'batchSize' ? 1 : 0))) {
      throw new InvalidArgumentError(`${key} must be a ${key === 'batchSize' ? 'positive' : 'non-negative'} integer, got ${v}`, {
        context: { path, [key]: v },
      });
    }
  }
}

function wasmReaderOptions(options: ReadParquetOptions): wasm.ReaderOptions {
  const out: wasm.ReaderOptions = {};
  if (options.rowGroups !== undefined) out.rowGroups = [...options.rowGroups];
  if (options.batchSize !== undefined) out.batchSize = options.batchSize;
  if (options.limit !== undefined) out.limit = options.limit;
  if (options.offset !== undefined) out.offset = options.offset;
  return out;
}

/**
 * Read a Parquet file's schema as Arrow (footer only), synchronously.
 * @param bytes the whole file
 * @param options the path, for errors
 * @returns the Arrow schema, with `PARQUET:field_id` on fields and the footer key-value metadata as schema metadata
 * @throws {CorruptFileError} when the footer cannot be decoded
 */
export function readParquetSchema(bytes: Uint8Array, options: { readonly path?: string } = {}): arrow.Schema {
  assertWasmReady();
  let wasmSchema: wasm.Schema | undefined;
  try {
    wasmSchema = wasm.readSchema(bytes);
    return schemaFromWasm(wasmSchema);
  } catch (e) {
    return corrupt(options.path, 'cannot read parquet footer', e);
  } finally {
    release(wasmSchema);
  }
}

/**
 * Read a whole Parquet file held in memory into an Arrow table, synchronously.
 *
 * `columns` selects top-level columns by their name *in the file* (use `fileColumnsFor` to turn a
 * projection by field id into names); they come back in file order. `rowGroups` selects row groups
 * by index (see {@link readParquetMetadata} for how many there are).
 *
 * Files are read whole, not through byte ranges: parquet-wasm's only range reader
 * (`ParquetFile.read`) turns any error while fetching or decoding a data page into a panic inside
 * a wasm future, which never settles and raises an uncaught exception (verified by fuzzing), so a
 * single corrupt file could take the process down. The synchronous reader reports the same
 * failures as catchable errors. Its one gap: parquet-wasm 0.8's synchronous `readParquet` ignores
 * `columns` (`src/reader.rs` never applies the projection), so unselected columns are decoded
 * and then dropped here; the bytes were in memory anyway.
 *
 * @param bytes the whole file
 * @param options columns, row groups, batch size, limit/offset, path for errors
 * @throws {InvalidArgumentError} for a column the file lacks or a negative row-group index
 * @throws {CorruptFileError} when the bytes are not valid Parquet, or a row group is out of range
 *   (parquet-wasm panics on it and cannot tell the two apart)
 */
export function readParquet(bytes: Uint8Array, options: ReadParquetOptions = {}): arrow.Table {
  assertWasmReady();
  validateReadOptions(options, options.columns === undefined ? undefined : readParquetSchema(bytes, options), undefined);
  let wasmTable: wasm.Table | undefined;
  let table: arrow.Table;
  try {
    wasmTable = wasm.readParquet(bytes, wasmReaderOptions(options));
    table = tableFromWasm(wasmTable);
  } catch (e) {
    return corrupt(options.path, 'cannot read parquet', e);
  } finally {
    release(wasmTable);
  }
  if (options.columns === undefined) return table;
  const wanted = new Set(options.columns);
  return table.select(table.schema.fields.filter((f) => wanted.has(f.name)).map((f) => f.name));
}

/**
 * A `Blob` look-alike over an AsyncBuffer: all `ParquetFile.fromFile` touches (see module notes).
 * It never rejects: a rejected promise inside parquet-wasm's futures panics, leaves the call
 * pending forever and raises an uncaught `RuntimeError`. A failed read is recorded and answered
 * with zero bytes, which the footer parser reports as a clean error; the caller then throws the
 * recorded failure instead.
 */
function blobFromAsyncBuffer(source: AsyncBuffer, failures: unknown[]): Blob {
  const blobLike = {
    size: source.byteLength,
    slice(start: number, end?: number) {
      return {
        async arrayBuffer(): Promise<ArrayBuffer> {
          try {
            const bytes = await source.slice(start, end);
            const want = (end ?? source.byteLength) - start;
            if (bytes.byteLength !== want) {
              failures.push(new Error(`range read [${start}, ${start + want}) returned ${bytes.byteLength} bytes`));
              return new ArrayBuffer(0);
            }
            return bytes;
          } catch (e) {
            failures.push(e);
            return new ArrayBuffer(0);
          }
        },
      };
    },
  };
  return blobLike as unknown as Blob;
}

/**
 * An {@link AsyncBuffer} over bytes already in memory.
 * @param bytes the file
 */
export function asyncBufferFromBytes(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice(start: number, end?: number): ArrayBuffer {
      return bytes.slice(start, end ?? bytes.byteLength).buffer;
    },
  };
}

function metadataFromFile(file: wasm.ParquetFile): ParquetMetadata {
  const meta = file.metadata();
  let fileMeta: wasm.FileMetaData | undefined;
  const groups: wasm.RowGroupMetaData[] = [];
  let wasmSchema: wasm.Schema | undefined;
  try {
    fileMeta = meta.fileMetadata();
    groups.push(...meta.rowGroups());
    wasmSchema = file.schema();
    const keyValueMetadata = new Map<string, string>();
    for (const [k, v] of fileMeta.keyValueMetadata()) keyValueMetadata.set(String(k), String(v));
    const createdBy = fileMeta.createdBy();
    return {
      numRows: fileMeta.numRows(),
      rowGroups: groups.map((g) => ({
        numRows: g.numRows(),
        compressedSizeBytes: g.compressedSize(),
        uncompressedSizeBytes: g.totalByteSize(),
      })),
      arrowSchema: schemaFromWasm(wasmSchema),
      keyValueMetadata,
      ...(createdBy === undefined ? {} : { createdBy }),
    };
  } finally {
    release(wasmSchema);
    for (const g of groups) release(g);
    release(fileMeta);
    release(meta);
  }
}

/**
 * Read a Parquet footer: row count, row groups, Arrow schema (with field ids) and key-value
 * metadata. From an {@link AsyncBuffer} only the file's tail is fetched (three small reads).
 * @param source the whole file, or a range reader over it
 * @param options the path, for errors
 * @throws {CorruptFileError} when the footer cannot be decoded, or a range read fails with a non-Floe error
 * @throws the {@link AsyncBuffer}'s own Floe error (e.g. `NotFoundError`, a retryable `StoreError`) when a range read fails with one
 */
export async function readParquetMetadata(
  source: Uint8Array | AsyncBuffer,
  options: { readonly path?: string } = {},
): Promise<ParquetMetadata> {
  await initParquetWasm();
  const buffer = source instanceof Uint8Array ? asyncBufferFromBytes(source) : source;
  const failures: unknown[] = [];
  let file: wasm.ParquetFile | undefined;
  try {
    file = await wasm.ParquetFile.fromFile(blobFromAsyncBuffer(buffer, failures));
    if (failures.length > 0) throw failures[0];
    return metadataFromFile(file);
  } catch (e) {
    const first = failures.length > 0 ? failures[0] : e;
    if (failures.length > 0 && !isFloeError(first)) {
      throw new CorruptFileError(options.path ?? UNKNOWN_PATH, `cannot read parquet footer: range read failed: ${wasmMessage(first)}`, {
        cause: first,
      });
    }
    return corrupt(options.path, 'cannot read parquet footer', first);
  } finally {
    release(file);
  }
}
