/**
 * Reading only the row groups a query needs from a Parquet file in object storage: the footer
 * first (one ranged read of the file's tail), then only the column chunks of the chosen row
 * groups (ranged reads, near ranges coalesced, a few at once), assembled into a *compact file*
 * that parquet-wasm's synchronous reader decodes like any other.
 *
 * Why a compact file and not parquet-wasm's own ranged reader: that reader panics inside a wasm
 * future on any failed or short read (see `parquet.ts`), which can end the process; the
 * synchronous reader fails with ordinary exceptions but needs the bytes in one buffer. A buffer
 * of the file's size with holes would cost the whole file's memory (and its copy into wasm), so
 * the chosen column chunks are laid end to end after `PAR1` and the footer is rewritten to
 * match: only those row groups, each column chunk's page offsets shifted by how far its chunk
 * moved (parquet-format `parquet.thrift`: `ColumnMetaData.data_page_offset` (9),
 * `index_page_offset` (10), `dictionary_page_offset` (11); `ColumnChunk.file_offset` (2);
 * `RowGroup.file_offset` (5)). A column chunk is the bytes
 * `[dictionary_page_offset ?? data_page_offset, + total_compressed_size)`, as arrow-rs
 * `ColumnChunkMetaData::byte_range` reads it, so its dictionary page comes along. Left out of the
 * rewritten footer, because they point at bytes not fetched: the page indexes
 * (`ColumnChunk` 4–7), bloom filters (`ColumnMetaData` 14, 15) and `RowGroup.ordinal` (7, an
 * i16 only encryption uses, wrong once row groups are dropped). Files this cannot describe
 * (column chunks in another file, encrypted footers, offsets outside the data) are read whole.
 *
 * The footer is decoded with hyparquet's Thrift decoder and re-encoded with hyparquet-writer's
 * encoder, as in `parquet-uuid.ts`; the schema's one `i8` is typed there.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { serializeTCompactProtocol } from 'hyparquet-writer/src/thrift.js';
import { CorruptFileError } from '../errors.js';
import { type AsyncBuffer, readParquetSchema, sliceBytes } from './parquet.js';
import { decodeFooter, type Footer, footerLength, footerOnlyFile, PARQUET_MAGIC } from './parquet-footer.js';
import { type SharedLease, leaseShared } from './shared-buffers.js';
import { type ThriftObject, typedSchemaElement } from './parquet-uuid.js';

/** How much of a file's tail the first read fetches: most footers fit, so one request suffices. */
export const SPECULATIVE_TAIL_BYTES = 64 * 1024;

/**
 * Ranges closer than this are fetched as one (object_store `OBJECT_STORE_COALESCE_DEFAULT` is
 * 1 MiB; smaller here so that a pruned scan of small row groups does not fetch the gaps).
 */
export const COALESCE_GAP_BYTES = 32 * 1024;

/** Ranged reads of one file in flight at once. */
export const RANGE_READ_CONCURRENCY = 4;

const UNKNOWN_PATH = '<parquet file>';

/** A file's tail as one ranged read gets it: the footer, decoded, and the data bytes that came along. */
export interface ParquetTail {
  /** The file's size in bytes. */
  readonly size: number;
  /** The footer, as `readParquetFooter` decodes it (row groups, statistics, leaves). */
  readonly footer: Footer;
  /** The file's Arrow schema (field ids on the fields, footer key-value metadata on the schema). */
  readonly arrowSchema: arrow.Schema;
  /** Where the footer's bytes start in the file. */
  readonly footerStart: number;
  /** The footer's Thrift bytes. */
  readonly footerBytes: Uint8Array;
  /** The file's bytes `[tailStart, size)` read with the footer. */
  readonly tail: Uint8Array;
  /** Where {@link tail} starts in the file. */
  readonly tailStart: number;
}

function corrupt(path: string | undefined, what: string, e?: unknown): CorruptFileError {
  const why = e === undefined ? '' : `: ${e instanceof Error ? e.message : String(e)}`;
  return new CorruptFileError(path ?? UNKNOWN_PATH, `${what}${why}`, e === undefined ? {} : { cause: e });
}

/**
 * Reads a Parquet file's footer through byte ranges: one read of the last
 * {@link SPECULATIVE_TAIL_BYTES} (a second one only for a larger footer).
 * @param source a range reader over the file (`byteLength` must be the exact file size)
 * @param path the file's path, for errors
 * @throws {CorruptFileError} when the footer cannot be decoded, or a read comes back short
 * @throws the {@link AsyncBuffer}'s own Floe errors unchanged (e.g. `NotFoundError`)
 */
export async function readParquetTail(source: AsyncBuffer, path?: string): Promise<ParquetTail> {
  const size = source.byteLength;
  if (!Number.isSafeInteger(size) || size < 12) throw corrupt(path, `file of ${size} bytes is too small for parquet`);
  const tailStart = Math.max(0, size - SPECULATIVE_TAIL_BYTES);
  const tail = await sliceBytes(source, tailStart, size, path);
  let len: number;
  try {
    len = footerLength(tail, size);
  } catch (e) {
    throw corrupt(path, 'cannot read parquet footer', e);
  }
  const footerStart = size - 8 - len;
  const footerBytes = footerStart >= tailStart ? tail.subarray(footerStart - tailStart, tail.length - 8) : await sliceBytes(source, footerStart, size - 8, path);
  let footer: Footer;
  try {
    footer = decodeFooter(footerBytes);
  } catch (e) {
    throw corrupt(path, 'cannot read parquet footer', e);
  }
  const arrowSchema = readParquetSchema(footerOnlyFile(footerBytes), path);
  return { size, footer, arrowSchema, footerStart, footerBytes, tail, tailStart };
}

/** One column chunk: where it is in the source file. */
interface Chunk {
  readonly start: number;
  readonly end: number;
}

/** The decoded Thrift footer and each row group's column chunks, or undefined when ranges cannot describe the file. */
interface Layout {
  readonly meta: ThriftObject;
  readonly rowGroups: readonly ThriftObject[];
  readonly chunks: readonly (readonly Chunk[])[];
}

const layouts = new WeakMap<ParquetTail, Layout | null>();

function num(v: unknown): number | undefined {
  if (typeof v === 'bigint') return v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  return undefined;
}

function layoutOf(tail: ParquetTail, path: string | undefined): Layout | undefined {
  const known = layouts.get(tail);
  if (known !== undefined) return known ?? undefined;
  let layout: Layout | null = null;
  let meta: ThriftObject;
  try {
    const bytes = tail.footerBytes;
    meta = deserializeTCompactProtocol({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }) as ThriftObject;
  } catch (e) {
    throw corrupt(path, 'cannot read parquet footer', e);
  }
  const rowGroups = meta.field_4;
  // Fields 8 and 9 are the encryption algorithm and signing key: such files are read whole.
  if (Array.isArray(rowGroups) && meta.field_8 === undefined && meta.field_9 === undefined) {
    const chunks: Chunk[][] = [];
    let ok = true;
    for (const rg of rowGroups as ThriftObject[]) {
      const cols = rg.field_1;
      if (!Array.isArray(cols) || cols.length === 0) ok = false;
      const mine: Chunk[] = [];
      for (const cc of (cols ?? []) as ThriftObject[]) {
        const cm = cc.field_3 as ThriftObject | undefined;
        // field 1 is file_path: a chunk in another file.
        const data = num(cm?.field_9);
        const dict = cm?.field_11 === undefined ? undefined : num(cm.field_11);
        const len = num(cm?.field_7);
        const start = dict === undefined ? data : dict;
        if (cc.field_1 !== undefined || start === undefined || len === undefined || (cm?.field_11 !== undefined && dict === undefined)) {
          ok = false;
          break;
        }
        if (start < PARQUET_MAGIC.length || start + len > tail.footerStart || (dict !== undefined && data !== undefined && data < dict)) {
          ok = false;
          break;
        }
        mine.push({ start, end: start + len });
      }
      chunks.push(mine);
      if (!ok) break;
    }
    if (ok && chunks.length === tail.footer.rowGroups.length) layout = { meta, rowGroups: rowGroups as ThriftObject[], chunks };
  }
  layouts.set(tail, layout);
  return layout ?? undefined;
}

/**
 * Whether {@link readRowGroupsRanged} can read this file's row groups by ranges (false for
 * files whose column chunks live elsewhere, are encrypted, or whose offsets point outside the data).
 * @param tail the file's tail
 * @param path the file's path, for errors
 * @throws {CorruptFileError} when the footer cannot be decoded
 */
export function canReadRowGroupsRanged(tail: ParquetTail, path?: string): boolean {
  return layoutOf(tail, path) !== undefined;
}

/**
 * The bytes of the source file that reading `rowGroups` fetches, summed (before coalescing).
 * @param tail the file's tail
 * @param rowGroups row-group indexes
 */
export function rowGroupBytes(tail: ParquetTail, rowGroups: readonly number[]): number {
  const layout = layoutOf(tail, undefined);
  if (!layout) return tail.footerStart;
  let n = 0;
  for (const g of rowGroups) for (const c of layout.chunks[g] ?? []) n += c.end - c.start;
  return n;
}

/**
 * Sorted, merged ranges: overlapping ones and ones at most `gap` bytes apart become one.
 * @param ranges `[start, end)` ranges
 * @param gap the largest gap fetched rather than skipped
 */
export function coalesceRanges(ranges: readonly Chunk[], gap: number): Chunk[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + gap) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

function shifted(v: unknown, delta: bigint): unknown {
  return typeof v === 'bigint' ? v + delta : v;
}

/** The column chunk's Thrift struct for the compact file: offsets moved by `delta`, pointers to unfetched bytes dropped. */
function movedChunk(cc: ThriftObject, delta: bigint): ThriftObject {
  const out: ThriftObject = {};
  for (const [k, v] of Object.entries(cc) as [`field_${number}`, unknown][]) {
    // 4–7: offset index and column index offsets and lengths (the page indexes, not fetched).
    if (k === 'field_4' || k === 'field_5' || k === 'field_6' || k === 'field_7') continue;
    if (k === 'field_2') out[k] = typeof v === 'bigint' && v > 0n ? v + delta : v;
    else if (k === 'field_3') {
      const cm: ThriftObject = {};
      for (const [mk, mv] of Object.entries(v as ThriftObject) as [`field_${number}`, unknown][]) {
        // 14, 15: bloom filter offset and length (not fetched).
        if (mk === 'field_14' || mk === 'field_15') continue;
        cm[mk] = mk === 'field_9' || mk === 'field_10' || mk === 'field_11' ? shifted(mv, delta) : mv;
      }
      out[k] = cm;
    } else out[k] = v;
  }
  return out;
}

/**
 * Fetches the column chunks of `rowGroups` of a file and returns a Parquet file holding only
 * those row groups, in the order given (see the module notes). Bytes already in `tail` are not
 * fetched again.
 * @param source a range reader over the file
 * @param tail the file's tail ({@link readParquetTail})
 * @param rowGroups row-group indexes (each in range), at least one
 * @param options the file's path, for errors
 * @returns the compact file, or undefined when this file cannot be read by ranges (read it whole)
 * @throws {CorruptFileError} when a read comes back short or the footer cannot be decoded
 * @throws the {@link AsyncBuffer}'s own Floe errors unchanged
 */
export async function readRowGroupsRanged(source: AsyncBuffer, tail: ParquetTail, rowGroups: readonly number[], options: { readonly path?: string } = {}): Promise<SharedLease | undefined> {
  const layout = layoutOf(tail, options.path);
  if (!layout || rowGroups.length === 0) return undefined;
  const wanted = rowGroups.map((g) => {
    const chunks = layout.chunks[g];
    if (chunks === undefined) throw new RangeError(`row group ${g} is out of range (${layout.chunks.length} row groups)`);
    return chunks;
  });
  // What the tail already holds is not fetched again.
  const outsideTail = wanted.flat().flatMap((c) => (c.start < tail.tailStart ? [{ start: c.start, end: Math.min(c.end, tail.tailStart) }] : []));
  const needed = coalesceRanges(outsideTail, COALESCE_GAP_BYTES).map((r) => ({ start: r.start, end: Math.min(r.end, tail.tailStart) }));
  const fetched: { start: number; end: number; bytes: Uint8Array }[] = [];
  for (let i = 0; i < needed.length; i += RANGE_READ_CONCURRENCY) {
    const batch = needed.slice(i, i + RANGE_READ_CONCURRENCY);
    fetched.push(...(await Promise.all(batch.map(async (r) => ({ ...r, bytes: await sliceBytes(source, r.start, r.end, options.path) })))));
  }
  fetched.push({ start: tail.tailStart, end: tail.size, bytes: tail.tail });
  const bytesAt = (c: Chunk): Uint8Array[] => {
    // A chunk may span the end of a fetched range and the start of the tail.
    const parts: Uint8Array[] = [];
    let at = c.start;
    while (at < c.end) {
      const piece = fetched.find((f) => f.start <= at && at < f.end);
      if (!piece) throw new RangeError(`bytes [${at}, ${c.end}) were not fetched`);
      const stop = Math.min(c.end, piece.end);
      parts.push(piece.bytes.subarray(at - piece.start, stop - piece.start));
      at = stop;
    }
    return parts;
  };

  let dataBytes = 0;
  for (const cs of wanted) for (const c of cs) dataBytes += c.end - c.start;
  const groups: ThriftObject[] = [];
  const pieces: Uint8Array[] = [];
  let at = PARQUET_MAGIC.length;
  let numRows = 0n;
  rowGroups.forEach((g, i) => {
    const rg = layout.rowGroups[g]!;
    const chunks = wanted[i]!;
    const groupStart = at;
    const cols = (rg.field_1 as ThriftObject[]).map((cc, c) => {
      const chunk = chunks[c]!;
      const moved = movedChunk(cc, BigInt(at - chunk.start));
      for (const p of bytesAt(chunk)) pieces.push(p);
      at += chunk.end - chunk.start;
      return moved;
    });
    const out: ThriftObject = {};
    for (const [k, v] of Object.entries(rg) as [`field_${number}`, unknown][]) {
      if (k === 'field_7') continue; // ordinal
      out[k] = k === 'field_1' ? cols : k === 'field_5' ? BigInt(groupStart) : v;
    }
    groups.push(out);
    numRows += typeof rg.field_3 === 'bigint' ? rg.field_3 : 0n;
  });
  const meta: ThriftObject = {};
  for (const [k, v] of Object.entries(layout.meta) as [`field_${number}`, unknown][]) {
    meta[k] = k === 'field_2' && Array.isArray(v) ? (v as ThriftObject[]).map(typedSchemaElement) : k === 'field_3' ? numRows : k === 'field_4' ? groups : v;
  }
  const writer = new ByteWriter();
  serializeTCompactProtocol(writer, meta);
  const footer = writer.getBytes();
  const lease = leaseShared(PARQUET_MAGIC.length + dataBytes + footer.length + 8);
  const out = lease.bytes;
  out.set(PARQUET_MAGIC, 0);
  let pos = PARQUET_MAGIC.length;
  for (const p of pieces) {
    out.set(p, pos);
    pos += p.length;
  }
  out.set(footer, pos);
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(pos + footer.length, footer.length, true);
  out.set(PARQUET_MAGIC, pos + footer.length + 4);
  return lease;
}

/**
 * The whole file, fetching only what its tail lacks (one ranged read): for reads that need every
 * row group, which then decode the file as it is. The file is assembled in leased shared memory,
 * which the decode workers read as it is; the caller releases the lease once decoding settled.
 * @param source a range reader over the file
 * @param tail the file's tail ({@link readParquetTail})
 * @param path the file's path, for errors
 * @throws {CorruptFileError} when the read comes back short
 */
export async function readRestOfFile(source: AsyncBuffer, tail: ParquetTail, path?: string): Promise<SharedLease> {
  if (tail.tailStart === 0) return { bytes: tail.tail, release: () => undefined };
  const rest = await sliceBytes(source, 0, tail.tailStart, path);
  const lease = leaseShared(tail.size);
  lease.bytes.set(rest, 0);
  lease.bytes.set(tail.tail, tail.tailStart);
  return lease;
}
