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
 *   repeated group carry none, as in Java's writer. The map group is named after the Arrow
 *   entries field, which `parquet-names.ts` sets to `key_value`.
 * - uuid: arrow-rs writes FixedSizeBinary(16) as FIXED_LEN_BYTE_ARRAY(16) with no logical type,
 *   also when the field carries the `arrow.uuid` extension (this build lacks arrow-rs's canonical
 *   extension types), and there is no writer option for it. The spec's table wants the `UUID`
 *   annotation, so {@link writeParquet} adds it to the footer afterwards (`parquet-uuid.ts`) on
 *   the columns that `iceberg.schema` says are uuid; arrow-rs reads such a column back as
 *   FixedSizeBinary(16), as before.
 * - Lists are written in the 3-level form, decimals as INT32 (P ≤ 9), INT64 (P ≤ 18) or the
 *   smallest FIXED_LEN_BYTE_ARRAY, timestamps with `isAdjustedToUTC` from the Arrow time zone:
 *   exactly the spec §Parquet type table.
 * - Arrow *schema* metadata is not copied to the Parquet key-value metadata by arrow-rs (it only
 *   lands inside the base64 `ARROW:schema` blob), so {@link writeParquet} copies it itself: that
 *   is how `iceberg.schema` reaches the footer, where icebird and Java look for it.
 * - On read, arrow-rs exposes the footer key-value metadata as Arrow schema metadata.
 * - parquet-wasm 0.8's synchronous `readParquet` ignores `columns` (its `src/reader.rs` never
 *   applies the projection), so {@link readParquet} drops unselected columns itself; an
 *   out-of-range row-group index makes it panic (`RuntimeError: unreachable`), so indexes are
 *   checked against the footer first. The instance stays usable after a panic (tested), and any
 *   panic is reported as {@link CorruptFileError} like every other wasm failure.
 * - Consuming wasm methods (`intoIPCStream`, `build`, `writeParquet`) null the handle; calling
 *   `free()` on a consumed handle throws "null pointer passed to rust", hence {@link release}.
 * - Byte ranges: parquet-wasm can read through a `Blob` look-alike (`ParquetFile.fromFile` only
 *   calls `size` and `slice(a, b).arrayBuffer()`), but any failure inside that path (a rejected
 *   read, a short read, a corrupt page) panics inside a wasm future: the promise never settles
 *   and an uncaught `RuntimeError` is raised, which ends a Node process (verified by fuzzing:
 *   120 of 200 corrupted files). So parquet-wasm is only ever handed bytes in memory, to its
 *   synchronous reader, whose failures are ordinary exceptions. Footers are parsed in JS
 *   (`parquet-footer.ts`), so {@link readParquetMetadataAsync} fetches only a file's tail through
 *   an {@link AsyncBuffer}; and a read of some row groups fetches the footer and those row
 *   groups' column chunks by ranges and hands {@link readParquet} a compact file of just them
 *   (`parquet-ranges.ts`). A whole file is fetched only when every row group of it is read.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import * as wasm from 'parquet-wasm';
import { CorruptFileError, InvalidArgumentError, isFloeError, UnsupportedError } from '../errors.js';
import { ICEBERG_SCHEMA_KEY } from './arrow-schema.js';
import { decodeFooter, footerLength, footerOnlyFile, type Footer } from './parquet-footer.js';
import { parquetWriteSchema } from './parquet-names.js';
import {
  COMPRESSION,
  decodeParquetAsIpc,
  encodeIpcAsParquet,
  release,
  wasmFailureMessage as wasmMessage,
  type ParquetCompression,
  type ParquetDecodeSettings,
  type WasmEncodeSettings,
} from './parquet-codec.js';
import { annotateUuidColumns, uuidFieldIds } from './parquet-uuid.js';

export type { ParquetCompression, ParquetDecodeSettings } from './parquet-codec.js';

/**
 * A file that can be read in byte ranges, asynchronously (A5 hyparquet's `AsyncBuffer`): a caller
 * builds one over a store's ranged `get` to read a footer without fetching the file.
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
  /** Uncompressed size of its column data, in bytes. */
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
  /**
   * Rows per output record batch; default {@link DEFAULT_BATCH_ROWS}. (arrow-rs's own default,
   * 1024, makes a million-row file ~1000 batches, and every JS pass over a batch has a fixed cost.)
   */
  readonly batchSize?: number;
  /** Read at most this many rows. */
  readonly limit?: number;
  /** Skip this many rows first. */
  readonly offset?: number;
  /** The file's path, for error messages only. */
  readonly path?: string;
}

const UNKNOWN_PATH = '<in-memory parquet>';

/** Rows per record batch {@link readParquet} returns unless told otherwise. */
export const DEFAULT_BATCH_ROWS = 65_536;

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

/** Translate anything thrown by wasm (Error, RuntimeError, string) into a CorruptFileError. */
function corrupt(path: string | undefined, what: string, e: unknown): never {
  if (isFloeError(e)) throw e;
  throw new CorruptFileError(path ?? UNKNOWN_PATH, `${what}: ${wasmMessage(e)}`, { cause: e });
}


/**
 * Write an Arrow table as one Parquet file.
 *
 * Field ids come from each Arrow field's `PARQUET:field_id` metadata (see `arrowSchemaFromIceberg`);
 * the Arrow schema's metadata plus `keyValueMetadata` become the footer key-value metadata. When
 * that metadata holds `iceberg.schema`, the FIXED_LEN_BYTE_ARRAY(16) columns whose field ids are
 * its `uuid` fields get the Parquet `UUID` logical type (spec §Parquet type table).
 * Statistics are written at page level; values are not validated against any Iceberg schema here
 * (`conformToSchema` does that).
 *
 * @param table the data; any number of record batches (zero gives a file with no row groups)
 * @param options compression (default zstd), row-group size, footer metadata
 * @returns the file's bytes
 * @throws {InvalidArgumentError} for a bad option value, or an `iceberg.schema` that is not an Iceberg schema
 * @throws {CorruptFileError} when arrow-rs rejects the data (e.g. an Arrow type Parquet cannot hold)
 */
export function writeParquet(table: arrow.Table, options: WriteParquetOptions = {}): Uint8Array {
  const { ipc, settings } = prepareParquetWrite(table, options);
  try {
    return parquetFromIpc(ipc, settings);
  } catch (e) {
    return corrupt(options.path, 'cannot write parquet', e);
  }
}

/**
 * What the wasm encoder needs besides the Arrow IPC stream: plain, structured-cloneable data, so
 * that the encoding can run on a worker thread (`parquet-pool.ts`) exactly as it runs here.
 */
export interface ParquetEncodeSettings extends WasmEncodeSettings {
  /** Field ids of the uuid columns that get the `UUID` annotation. */
  readonly uuidIds: readonly number[];
  /** The destination path, for error messages only. */
  readonly path?: string;
}

/**
 * The main-thread half of {@link writeParquet}: validate the options, read the footer metadata
 * and uuid columns off the schema, and serialise the table (with Parquet's group names) to an
 * Arrow IPC stream.
 * @throws {InvalidArgumentError} for a bad option value, an `iceberg.schema` that is not an
 *   Iceberg schema, or a table that cannot be serialised
 */
export function prepareParquetWrite(table: arrow.Table, options: WriteParquetOptions = {}): { ipc: Uint8Array; settings: ParquetEncodeSettings } {
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
  const uuidIds = uuidFieldIds(keyValue.get(ICEBERG_SCHEMA_KEY), options.path ?? UNKNOWN_PATH);

  // Parquet's group names (maps as `key_value`): see parquet-names.ts.
  const schema = parquetWriteSchema(table.schema);
  const named = schema === table.schema ? table : new arrow.Table(schema, table.batches.map((b) => new arrow.RecordBatch(schema, b.data)));
  let ipc: Uint8Array;
  try {
    ipc = arrow.tableToIPC(named, 'stream');
  } catch (e) {
    throw new InvalidArgumentError(`cannot serialise the arrow table to IPC: ${wasmMessage(e)}`, {
      cause: e,
      context: { path: options.path ?? UNKNOWN_PATH },
    });
  }
  const settings: ParquetEncodeSettings = {
    compression,
    ...(rowGroupRows === undefined ? {} : { rowGroupRows }),
    keyValue: [...keyValue],
    uuidIds: [...uuidIds],
    ...(options.path === undefined ? {} : { path: options.path }),
  };
  return { ipc, settings };
}

/**
 * The wasm half of {@link writeParquet}: an Arrow IPC stream to Parquet bytes, uuid columns
 * annotated. Throws what wasm throws (callers turn it into {@link CorruptFileError}).
 * @param ipc an Arrow IPC stream, as {@link prepareParquetWrite} makes it
 * @param settings compression, row-group size, footer metadata, uuid columns
 */
export function parquetFromIpc(ipc: Uint8Array, settings: ParquetEncodeSettings): Uint8Array {
  assertWasmReady();
  return annotateParquet(encodeIpcAsParquet(ipc, settings), settings);
}

/**
 * Adds the `UUID` annotation to the uuid columns of a file parquet-wasm wrote (`parquet-uuid.ts`);
 * the file unchanged when there are none.
 * @throws {InternalError} when the footer parquet-wasm wrote cannot be re-encoded exactly
 */
export function annotateParquet(written: Uint8Array, settings: ParquetEncodeSettings): Uint8Array {
  return annotateUuidColumns(written, new Set(settings.uuidIds), settings.path ?? UNKNOWN_PATH);
}

function footerError(path: string | undefined, e: unknown): never {
  if (isFloeError(e)) throw e;
  throw new CorruptFileError(path ?? UNKNOWN_PATH, `cannot read parquet footer: ${wasmMessage(e)}`, { cause: e });
}

/** The footer bytes of a whole file. */
function footerBytes(bytes: Uint8Array, path: string | undefined): Uint8Array {
  try {
    const len = footerLength(bytes.subarray(Math.max(0, bytes.length - 8)), bytes.length);
    return bytes.subarray(bytes.length - 8 - len, bytes.length - 8);
  } catch (e) {
    return footerError(path, e);
  }
}

function decodeFooterOrThrow(footer: Uint8Array, path: string | undefined): Footer {
  try {
    return decodeFooter(footer);
  } catch (e) {
    return footerError(path, e);
  }
}

/** The Arrow schema of a footer, through parquet-wasm on a footer-only file (no data copied into wasm). */
function schemaFromFooter(footer: Uint8Array, path: string | undefined): arrow.Schema {
  assertWasmReady();
  let wasmSchema: wasm.Schema | undefined;
  try {
    wasmSchema = wasm.readSchema(footerOnlyFile(footer));
    return arrow.tableFromIPC(wasmSchema.intoIPCStream()).schema;
  } catch (e) {
    return corrupt(path, 'cannot read parquet schema', e);
  } finally {
    release(wasmSchema);
  }
}

function metadataFromFooter(footer: Uint8Array, path: string | undefined): ParquetMetadata {
  const decoded = decodeFooterOrThrow(footer, path);
  return {
    numRows: decoded.numRows,
    rowGroups: decoded.rowGroups.map((g) => ({
      numRows: g.numRows,
      compressedSizeBytes: g.totalCompressedSize,
      uncompressedSizeBytes: g.totalByteSize,
    })),
    arrowSchema: schemaFromFooter(footer, path),
    keyValueMetadata: decoded.keyValueMetadata,
    ...(decoded.createdBy === undefined ? {} : { createdBy: decoded.createdBy }),
  };
}

/**
 * Read a Parquet footer: row count, row groups, Arrow schema (with field ids) and key-value metadata.
 * @param bytes the whole file
 * @param path the file's path, for errors
 * @throws {CorruptFileError} when the footer cannot be decoded
 */
export function readParquetMetadata(bytes: Uint8Array, path?: string): ParquetMetadata {
  return metadataFromFooter(footerBytes(bytes, path), path);
}

/**
 * Decode a Parquet file's footer as Floe's footer reader sees it: row groups with their column
 * statistics and the schema's leaves (for pruning row groups, see `row-group-metrics.ts`).
 * @param bytes the whole file
 * @param path the file's path, for errors
 * @throws {CorruptFileError} when the footer cannot be decoded
 */
export function readParquetFooter(bytes: Uint8Array, path?: string): Footer {
  return decodeFooterOrThrow(footerBytes(bytes, path), path);
}

/**
 * Read a Parquet file's schema as Arrow (footer only), synchronously.
 * @param bytes the whole file
 * @param path the file's path, for errors
 * @returns the Arrow schema, with `PARQUET:field_id` on fields and the footer key-value metadata as schema metadata
 * @throws {CorruptFileError} when the footer cannot be decoded
 */
export function readParquetSchema(bytes: Uint8Array, path?: string): arrow.Schema {
  return schemaFromFooter(footerBytes(bytes, path), path);
}

// How much of the tail to fetch first: most footers fit, so one request usually suffices
// (A5 hyparquet fetches 512 KiB; Floe's footers are small, a manifest tells us the file size).
const INITIAL_TAIL_BYTES = 64 * 1024;

/**
 * @internal bytes `[start, end)` of `source`, exactly
 * @throws {CorruptFileError} when the read fails with a non-Floe error or comes back short
 */
export async function sliceBytes(source: AsyncBuffer, start: number, end: number, path: string | undefined): Promise<Uint8Array> {
  let buf: ArrayBuffer;
  try {
    buf = await source.slice(start, end);
  } catch (e) {
    if (isFloeError(e)) throw e;
    throw new CorruptFileError(path ?? UNKNOWN_PATH, `range read [${start}, ${end}) failed: ${wasmMessage(e)}`, { cause: e });
  }
  if (buf.byteLength !== end - start) {
    throw new CorruptFileError(path ?? UNKNOWN_PATH, `range read [${start}, ${end}) returned ${buf.byteLength} bytes`, {
      context: { expectedBytes: end - start, actualBytes: buf.byteLength },
    });
  }
  return new Uint8Array(buf);
}

/**
 * Read a Parquet footer through byte ranges: one read of the file's tail (a second one only for
 * a footer over 64 KiB), never the data.
 * @param source a range reader over the file (`byteLength` must be the exact file size)
 * @param path the file's path, for errors
 * @throws {CorruptFileError} when the footer cannot be decoded, or a range read fails or comes back short
 * @throws the {@link AsyncBuffer}'s own Floe errors unchanged (e.g. `NotFoundError`, a retryable `StoreError`)
 */
export async function readParquetMetadataAsync(source: AsyncBuffer, path?: string): Promise<ParquetMetadata> {
  await initParquetWasm();
  const size = source.byteLength;
  if (size < 12) return footerError(path, new Error(`file of ${size} bytes is too small for parquet`));
  const firstStart = Math.max(0, size - INITIAL_TAIL_BYTES);
  const tail = await sliceBytes(source, firstStart, size, path);
  let len: number;
  try {
    len = footerLength(tail, size);
  } catch (e) {
    return footerError(path, e);
  }
  const footerStart = size - 8 - len;
  const footer =
    footerStart >= firstStart
      ? tail.subarray(footerStart - firstStart, tail.length - 8)
      : await sliceBytes(source, footerStart, size - 8, path);
  return metadataFromFooter(footer, path);
}

function validateReadOptions(options: ReadParquetOptions, footer: Uint8Array): void {
  const path = options.path ?? UNKNOWN_PATH;
  if (options.columns !== undefined) {
    const names = new Set(schemaFromFooter(footer, options.path).fields.map((f) => f.name));
    for (const c of options.columns) {
      if (!names.has(c)) {
        throw new InvalidArgumentError(`column '${c}' is not in parquet file ${path}`, {
          context: { path, column: c },
          help: `the file's top-level columns are: ${[...names].join(', ')}`,
        });
      }
    }
  }
  if (options.rowGroups !== undefined) {
    const numRowGroups = decodeFooterOrThrow(footer, options.path).rowGroups.length;
    for (const rg of options.rowGroups) {
      if (!Number.isSafeInteger(rg) || rg < 0 || rg >= numRowGroups) {
        throw new InvalidArgumentError(`row group ${rg} is out of range for parquet file ${path} (${numRowGroups} row groups)`, {
          context: { path, rowGroup: rg, numRowGroups },
        });
      }
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
  out.batchSize = options.batchSize ?? DEFAULT_BATCH_ROWS;
  if (options.limit !== undefined) out.limit = options.limit;
  if (options.offset !== undefined) out.offset = options.offset;
  return out;
}

/**
 * Read a whole Parquet file held in memory into an Arrow table, synchronously.
 *
 * `columns` selects top-level columns by their name *in the file* (use `fileColumnsFor` to turn a
 * projection by field id into names); they come back in file order. `rowGroups` selects row groups
 * by index (see {@link readParquetMetadata} for how many there are).
 *
 * The bytes are a whole file in memory, not a range reader (see the module notes: parquet-wasm's
 * range reader cannot fail safely); to read some row groups of a file in storage, build a compact
 * file of them with `readRowGroupsRanged` (`parquet-ranges.ts`). parquet-wasm 0.8's synchronous
 * reader ignores `columns`, so the unselected columns are decoded and then dropped here.
 *
 * @param bytes the whole file
 * @param options columns, row groups, batch size, limit/offset, path for errors
 * @throws {InvalidArgumentError} for a column the file lacks or a row-group index out of range
 * @throws {CorruptFileError} when the bytes are not valid Parquet
 */
export function readParquet(bytes: Uint8Array, options: ReadParquetOptions = {}): arrow.Table {
  const readerOptions = prepareParquetRead(bytes, options);
  let ipc: Uint8Array;
  try {
    ipc = ipcFromParquet(bytes, readerOptions);
  } catch (e) {
    return corrupt(options.path, 'cannot read parquet', e);
  }
  return tableFromParquetIpc(ipc, options);
}

/**
 * The main-thread half of {@link readParquet} before decoding: checks the options against the
 * file's footer and returns the decoder's settings.
 * @throws {InvalidArgumentError} for a column the file lacks or a row-group index out of range
 * @throws {CorruptFileError} when the footer cannot be decoded
 */
export function prepareParquetRead(bytes: Uint8Array, options: ReadParquetOptions = {}): ParquetDecodeSettings {
  assertWasmReady();
  validateReadOptions(options, footerBytes(bytes, options.path));
  return wasmReaderOptions(options);
}

/**
 * The wasm half of {@link readParquet}: Parquet bytes to an Arrow IPC stream. Throws what wasm
 * throws (callers turn it into {@link CorruptFileError}).
 * @param bytes the whole file
 * @param settings from {@link prepareParquetRead}
 */
export function ipcFromParquet(bytes: Uint8Array, settings: ParquetDecodeSettings): Uint8Array {
  assertWasmReady();
  return decodeParquetAsIpc(bytes, settings);
}

/**
 * The main-thread half of {@link readParquet} after decoding: the IPC stream as an Arrow table,
 * only the selected columns kept.
 * @throws {CorruptFileError} when the stream cannot be read
 */
export function tableFromParquetIpc(ipc: Uint8Array, options: ReadParquetOptions = {}): arrow.Table {
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(ipc);
  } catch (e) {
    return corrupt(options.path, 'cannot read parquet', e);
  }
  if (options.columns === undefined) return table;
  const wanted = new Set(options.columns);
  return table.select(table.schema.fields.filter((f) => wanted.has(f.name)).map((f) => f.name));
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
