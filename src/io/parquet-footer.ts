/**
 * A small reader for the Parquet footer (`FileMetaData`, Thrift compact protocol), enough for row
 * counts, row groups, key-value metadata and `created_by`.
 *
 * Why not ask parquet-wasm: its only accessor for these (`ParquetFile`) is asynchronous and
 * drives its own reads through a wasm future that panics on any failure (see `parquet.ts`), and
 * the synchronous reader needs a footer-derived row-group count to avoid panicking on an
 * out-of-range `rowGroups` index. The footer is tiny and its layout is fixed by
 * parquet-format's `parquet.thrift`, so it is parsed here, as A5 hyparquet does in
 * `src/metadata.js` and `src/thrift.js`.
 *
 * @module
 */

/** A column chunk's statistics (`ColumnMetaData.statistics`, field 12): only the exact forms. */
export interface FooterColumnStats {
  /** `null_count` (field 3), when written. */
  readonly nullCount?: number;
  /** `min_value` (field 6): the plain-encoded minimum, ordered by the column's sort order. */
  readonly minValue?: Uint8Array;
  /** `max_value` (field 5). */
  readonly maxValue?: Uint8Array;
}

/** A leaf column of the file schema (a `SchemaElement` without children), in column-chunk order. */
export interface FooterLeaf {
  /** `field_id` (field 9), when written. */
  readonly fieldId?: number;
  /** `type` (field 1): the physical type (1 = INT32, 2 = INT64, …). */
  readonly physicalType?: number;
  /** `converted_type` (field 6), when written. */
  readonly convertedType?: number;
  /** Whether the logical type (field 10) marks an unsigned integer. */
  readonly unsigned: boolean;
  /** Whether the leaf is a direct child of the root (not inside a struct, list or map). */
  readonly topLevel: boolean;
}

/** The parts of a Parquet `RowGroup` Floe uses. */
export interface FooterRowGroup {
  /** `num_rows` (field 3). */
  readonly numRows: number;
  /** Per column chunk, in leaf order: its statistics (the deprecated `min`/`max` are ignored: their order is undefined for some types). */
  readonly columns: readonly FooterColumnStats[];
  /** `total_byte_size` (field 2): uncompressed size of the column data. */
  readonly totalByteSize: number;
  /** `total_compressed_size` (field 6), or the sum of the column chunks' compressed sizes when absent. */
  readonly totalCompressedSize: number;
}

/** The parts of a Parquet `FileMetaData` Floe uses. */
export interface Footer {
  /** `num_rows` (field 3). */
  readonly numRows: number;
  /** The leaf columns of `schema` (field 2), in column-chunk order. */
  readonly leaves: readonly FooterLeaf[];
  /** `row_groups` (field 4). */
  readonly rowGroups: readonly FooterRowGroup[];
  /** `key_value_metadata` (field 5). */
  readonly keyValueMetadata: ReadonlyMap<string, string>;
  /** `created_by` (field 6). */
  readonly createdBy?: string;
}

/** The 4-byte magic at both ends of a Parquet file. */
export const PARQUET_MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

// Thrift compact protocol type ids (thrift/doc/specs/thrift-compact-protocol.md).
const T_STOP = 0;
const T_TRUE = 1;
const T_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

/** Thrown on malformed input; `parquet.ts` turns it into a CorruptFileError with the path. */
export class FooterFormatError extends Error {}

class CompactReader {
  pos = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new FooterFormatError(`footer truncated at byte ${this.pos}`);
    this.pos++;
    return b;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new FooterFormatError('varint too long');
    }
  }

  zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }

  int(): number {
    const v = this.zigzag();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new FooterFormatError(`integer ${v} out of range`);
    }
    return Number(v);
  }

  binary(): Uint8Array {
    const len = Number(this.varint());
    if (this.pos + len > this.bytes.length) throw new FooterFormatError(`binary of ${len} bytes runs past the footer`);
    const out = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    return this.decoder.decode(this.binary());
  }

  /** Reads a list header: element type and size. */
  listHeader(): { type: number; size: number } {
    const h = this.byte();
    let size = h >> 4;
    if (size === 15) size = Number(this.varint());
    return { type: h & 0x0f, size };
  }

  /** Iterates a struct's fields, calling `onField(id, type)`; the callback must consume or skip the value. */
  struct(onField: (id: number, type: number) => void): void {
    let lastId = 0;
    for (;;) {
      const h = this.byte();
      const type = h & 0x0f;
      if (type === T_STOP) return;
      const delta = h >> 4;
      const id = delta === 0 ? this.int() : lastId + delta;
      lastId = id;
      onField(id, type);
    }
  }

  skip(type: number, depth = 0): void {
    if (depth > 64) throw new FooterFormatError('footer nests too deeply');
    switch (type) {
      case T_TRUE:
      case T_FALSE:
        return; // a struct field's boolean lives in its header
      case T_BYTE:
        this.byte();
        return;
      case T_I16:
      case T_I32:
      case T_I64:
        this.varint();
        return;
      case T_DOUBLE:
        this.pos += 8;
        return;
      case T_BINARY:
        this.binary();
        return;
      case T_LIST:
      case T_SET: {
        const { type: et, size } = this.listHeader();
        for (let i = 0; i < size; i++) {
          // list booleans take one byte each
          if (et === T_TRUE || et === T_FALSE) this.byte();
          else this.skip(et, depth + 1);
        }
        return;
      }
      case T_MAP: {
        const size = Number(this.varint());
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4, depth + 1);
          this.skip(kv & 0x0f, depth + 1);
        }
        return;
      }
      case T_STRUCT:
        this.struct((_id, t) => this.skip(t, depth + 1));
        return;
      default:
        throw new FooterFormatError(`unknown thrift type ${type} at byte ${this.pos}`);
    }
  }
}

function readList(r: CompactReader, type: number, what: string, item: () => void): void {
  if (type !== T_LIST) throw new FooterFormatError(`${what} is not a list`);
  const { type: et, size } = r.listHeader();
  if (et !== T_STRUCT) throw new FooterFormatError(`${what} elements are not structs`);
  for (let i = 0; i < size; i++) item();
}

function readRowGroup(r: CompactReader): FooterRowGroup {
  let numRows = 0;
  let totalByteSize = 0;
  let totalCompressedSize: number | undefined;
  let chunkCompressed = 0;
  const columns: FooterColumnStats[] = [];
  r.struct((id, type) => {
    if (id === 1 && type === T_LIST) {
      // columns: list<ColumnChunk>; ColumnChunk.meta_data (3): total_compressed_size (7), statistics (12)
      readList(r, type, 'row_group.columns', () => {
        let stats: FooterColumnStats = {};
        r.struct((cid, ct) => {
          if (cid === 3 && ct === T_STRUCT) {
            r.struct((mid, mt) => {
              if (mid === 7 && mt === T_I64) chunkCompressed += r.int();
              else if (mid === 12 && mt === T_STRUCT) stats = readStatistics(r);
              else r.skip(mt);
            });
          } else r.skip(ct);
        });
        columns.push(stats);
      });
    } else if (id === 2 && type === T_I64) totalByteSize = r.int();
    else if (id === 3 && type === T_I64) numRows = r.int();
    else if (id === 6 && type === T_I64) totalCompressedSize = r.int();
    else r.skip(type);
  });
  return { numRows, columns, totalByteSize, totalCompressedSize: totalCompressedSize ?? chunkCompressed };
}

function readStatistics(r: CompactReader): FooterColumnStats {
  let nullCount: number | undefined;
  let minValue: Uint8Array | undefined;
  let maxValue: Uint8Array | undefined;
  r.struct((id, type) => {
    if (id === 3 && type === T_I64) nullCount = r.int();
    else if (id === 5 && type === T_BINARY) maxValue = r.binary();
    else if (id === 6 && type === T_BINARY) minValue = r.binary();
    else r.skip(type);
  });
  return { ...(nullCount === undefined ? {} : { nullCount }), ...(minValue ? { minValue } : {}), ...(maxValue ? { maxValue } : {}) };
}

/** Reads `schema` (a depth-first list of `SchemaElement`s) into its leaves, in column-chunk order. */
function readLeaves(r: CompactReader, type: number): FooterLeaf[] {
  const elements: { numChildren: number; leaf: Omit<FooterLeaf, 'topLevel'> }[] = [];
  readList(r, type, 'schema', () => {
    let numChildren = 0;
    let fieldId: number | undefined;
    let physicalType: number | undefined;
    let convertedType: number | undefined;
    let unsigned = false;
    r.struct((id, t) => {
      if (id === 1 && t === T_I32) physicalType = r.int();
      else if (id === 5 && t === T_I32) numChildren = r.int();
      else if (id === 6 && t === T_I32) convertedType = r.int();
      else if (id === 9 && t === T_I32) fieldId = r.int();
      else if (id === 10 && t === T_STRUCT) {
        // LogicalType union: INTEGER (10) = IntType { bitWidth (1), isSigned (2) }
        r.struct((lid, lt) => {
          if (lid === 10 && lt === T_STRUCT) {
            r.struct((iid, it) => {
              if (iid === 2 && (it === T_TRUE || it === T_FALSE)) unsigned = it === T_FALSE;
              else r.skip(it);
            });
          } else r.skip(lt);
        });
      } else r.skip(t);
    });
    elements.push({
      numChildren,
      leaf: { ...(fieldId === undefined ? {} : { fieldId }), ...(physicalType === undefined ? {} : { physicalType }), ...(convertedType === undefined ? {} : { convertedType }), unsigned },
    });
  });
  // Walk the depth-first list: the root's direct children are at depth 1.
  const leaves: FooterLeaf[] = [];
  let i = 1;
  const walk = (depth: number): void => {
    const e = elements[i++];
    if (!e) throw new FooterFormatError('schema has fewer elements than its num_children say');
    if (e.numChildren === 0) leaves.push({ ...e.leaf, topLevel: depth === 1 });
    for (let c = 0; c < e.numChildren; c++) walk(depth + 1);
  };
  const rootChildren = elements[0]?.numChildren ?? 0;
  for (let c = 0; c < rootChildren; c++) walk(1);
  return leaves;
}

/**
 * Decode a serialised `FileMetaData` (the bytes between the file's data and its last 8 bytes).
 * @param bytes the Thrift-encoded footer
 * @throws {FooterFormatError} on malformed input
 */
export function decodeFooter(bytes: Uint8Array): Footer {
  const r = new CompactReader(bytes);
  let numRows = 0;
  const rowGroups: FooterRowGroup[] = [];
  const keyValueMetadata = new Map<string, string>();
  let createdBy: string | undefined;
  let leaves: FooterLeaf[] = [];
  r.struct((id, type) => {
    if (id === 2) leaves = readLeaves(r, type);
    else if (id === 3 && type === T_I64) numRows = r.int();
    else if (id === 4) readList(r, type, 'row_groups', () => rowGroups.push(readRowGroup(r)));
    else if (id === 5) {
      readList(r, type, 'key_value_metadata', () => {
        let key: string | undefined;
        let value = '';
        r.struct((kid, kt) => {
          if (kid === 1 && kt === T_BINARY) key = r.string();
          else if (kid === 2 && kt === T_BINARY) value = r.string();
          else r.skip(kt);
        });
        if (key !== undefined) keyValueMetadata.set(key, value);
      });
    } else if (id === 6 && type === T_BINARY) createdBy = r.string();
    else r.skip(type);
  });
  return { numRows, leaves, rowGroups, keyValueMetadata, ...(createdBy === undefined ? {} : { createdBy }) };
}

/**
 * The footer's length, read from a file's last 8 bytes (`<u32 LE length>PAR1`).
 * @param tail the file's last 8 bytes (at least)
 * @param fileSize the file's size, to bound the length
 * @throws {FooterFormatError} when the magic is missing or the length does not fit the file
 */
export function footerLength(tail: Uint8Array, fileSize: number): number {
  if (tail.length < 8 || fileSize < 12) throw new FooterFormatError(`file of ${fileSize} bytes is too small for parquet`);
  const end = tail.length;
  for (let i = 0; i < 4; i++) {
    if (tail[end - 4 + i] !== PARQUET_MAGIC[i]) throw new FooterFormatError('missing the PAR1 magic at the end of the file');
  }
  const len = new DataView(tail.buffer, tail.byteOffset + end - 8, 4).getUint32(0, true);
  if (len + 12 > fileSize) throw new FooterFormatError(`footer length ${len} does not fit a file of ${fileSize} bytes`);
  return len;
}

/**
 * A minimal Parquet file holding only `footer` (`PAR1 <footer> <len> PAR1`): enough for
 * readers that only parse metadata, such as parquet-wasm's `readSchema`, without the data.
 * @param footer the Thrift-encoded `FileMetaData`
 */
export function footerOnlyFile(footer: Uint8Array): Uint8Array {
  const out = new Uint8Array(footer.length + 12);
  out.set(PARQUET_MAGIC, 0);
  out.set(footer, 4);
  new DataView(out.buffer).setUint32(4 + footer.length, footer.length, true);
  out.set(PARQUET_MAGIC, 8 + footer.length);
  return out;
}
