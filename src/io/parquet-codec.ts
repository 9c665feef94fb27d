/**
 * The wasm calls of Parquet encode and decode, and nothing else: Arrow IPC stream → Parquet bytes
 * and back, through parquet-wasm. Kept apart from `parquet.ts` (which validates options, reads
 * footers and speaks apache-arrow) so that a worker thread (`parquet-worker.ts`) loads only
 * parquet-wasm: importing apache-arrow, zod and the spec model costs a worker several hundred
 * milliseconds of CPU at start, more than encoding a small file.
 *
 * Both functions throw what wasm throws; callers turn it into `CorruptFileError` with the path,
 * using {@link wasmFailureMessage} for the text (see `parquet.ts` for what was verified about
 * parquet-wasm 0.8.0).
 *
 * @module
 */
import * as wasm from 'parquet-wasm';

/** Parquet page compression codecs Floe writes. */
export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'uncompressed';

/** parquet-wasm's codec for each of Floe's names. */
export const COMPRESSION: Readonly<Record<ParquetCompression, wasm.Compression>> = {
  zstd: wasm.Compression.ZSTD,
  snappy: wasm.Compression.SNAPPY,
  gzip: wasm.Compression.GZIP,
  // spec-wise LZ4 (Hadoop framing) is deprecated and read differently by different engines.
  lz4: wasm.Compression.LZ4_RAW,
  uncompressed: wasm.Compression.UNCOMPRESSED,
};

/** What the wasm encoder is told besides the IPC stream: plain data, so it crosses to a worker. */
export interface WasmEncodeSettings {
  /** Page compression. */
  readonly compression: ParquetCompression;
  /** Maximum rows per row group, if set. */
  readonly rowGroupRows?: number;
  /** Footer key-value metadata, in order. */
  readonly keyValue: readonly (readonly [string, string])[];
}

/** What the wasm decoder is told: row groups, batch size, limit and offset. */
export type ParquetDecodeSettings = wasm.ReaderOptions;

/** Free a wasm handle unless a consuming method already took it (`parquet.ts` module notes). */
export function release(handle: { free(): void } | undefined): void {
  if (handle === undefined) return;
  if ((handle as unknown as { __wbg_ptr?: number }).__wbg_ptr === 0) return;
  try {
    handle.free();
  } catch {
    // Freeing is best effort: a FinalizationRegistry in the glue frees it eventually anyway.
  }
}

/** The text of what wasm threw (a Rust panic is a `RuntimeError`). */
export function wasmFailureMessage(e: unknown): string {
  // WebAssembly.RuntimeError (a Rust panic); matched by name because the lib has no DOM types.
  if (e instanceof Error && e.name === 'RuntimeError') return `parquet-wasm panicked (${e.message})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * An Arrow IPC stream as Parquet bytes (page statistics on), before any footer annotation.
 * @param ipc an Arrow IPC stream
 * @param settings compression, row-group size, footer metadata
 */
export function encodeIpcAsParquet(ipc: Uint8Array, settings: WasmEncodeSettings): Uint8Array {
  let builder: wasm.WriterPropertiesBuilder | undefined;
  let props: wasm.WriterProperties | undefined;
  let wasmTable: wasm.Table | undefined;
  try {
    builder = new wasm.WriterPropertiesBuilder();
    // Each setter consumes the builder and returns a new handle to the same state.
    builder = builder.setCompression(COMPRESSION[settings.compression]);
    builder = builder.setStatisticsEnabled(wasm.EnabledStatistics.Page);
    if (settings.rowGroupRows !== undefined) builder = builder.setMaxRowGroupSize(settings.rowGroupRows);
    if (settings.keyValue.length > 0) builder = builder.setKeyValueMetadata(new Map(settings.keyValue));
    props = builder.build();
    wasmTable = wasm.Table.fromIPCStream(ipc);
    return wasm.writeParquet(wasmTable, props);
  } finally {
    release(wasmTable);
    release(props);
    release(builder);
  }
}

/**
 * Parquet bytes (the whole file) decoded to an Arrow IPC stream.
 * @param bytes the whole file
 * @param settings row groups, batch size, limit, offset
 */
export function decodeParquetAsIpc(bytes: Uint8Array, settings: ParquetDecodeSettings): Uint8Array {
  let wasmTable: wasm.Table | undefined;
  try {
    wasmTable = wasm.readParquet(bytes, settings);
    return wasmTable.intoIPCStream();
  } finally {
    release(wasmTable);
  }
}
