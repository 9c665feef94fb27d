/**
 * Avro object container files (Avro specification §Object Container Files), read and written
 * synchronously over whole byte arrays.
 *
 * avsc's own container support is stream-based and asynchronous; manifests are small and read
 * whole, so Floe frames the file itself (magic, header map, sync marker, blocks) and lets avsc
 * encode and decode the records only. The writer schema is always taken from the file, never
 * assumed: Java, Spark, Trino and PyIceberg name and order their fields differently.
 *
 * Codecs: `null` and `deflate` are written (Java writes `deflate`, PyIceberg `null`); `snappy`
 * is also read, and `zstandard` where the Node runtime has zstd.
 *
 * @module
 */
import * as zlib from 'node:zlib';
import type avro from 'avsc';
import { CorruptFileError, InvalidArgumentError, UnsupportedError } from '../../errors.js';
import { parseJson, type JsonValue } from '../../util/index.js';
import { avroType } from './long.js';
import { snappyDecompress } from './snappy.js';

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1
const SYNC_SIZE = 16;
// Records are grouped into blocks of about this many uncompressed bytes (Avro's default sync
// interval is 64 KiB; larger blocks compress better and manifests are read whole anyway).
const BLOCK_TARGET_BYTES = 1 << 20;

/** Codecs Floe writes. */
export type AvroWriteCodec = 'null' | 'deflate';

/** What to write into a container file. */
export interface ContainerWriteOptions {
  /** The Avro writer schema (JSON object form), stored verbatim in `avro.schema`. */
  readonly schema: object;
  /** Key/value header metadata besides `avro.schema` and `avro.codec`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Block codec; default `deflate`. */
  readonly codec?: AvroWriteCodec;
  /** The records, as avsc values of `schema` (longs as bigint, bytes as Buffer). */
  readonly records: readonly unknown[];
}

/** A decoded container file. */
export interface ContainerContents {
  /** The writer schema, parsed from `avro.schema`. */
  readonly schema: JsonValue;
  /** All header metadata as UTF-8 strings, `avro.*` keys included. */
  readonly metadata: ReadonlyMap<string, string>;
  /** The records, as avsc values of the writer schema (longs as bigint, unions unwrapped). */
  readonly records: readonly unknown[];
}

// ---------------------------------------------------------------- writing

class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  length = 0;
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  long(n: number): void {
    // Zig-zag then base-128 varint (Avro §Binary Encoding); arithmetic keeps 53-bit precision.
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    const out: number[] = [];
    while (z >= 0x80) {
      out.push((z % 0x80) | 0x80);
      z = Math.floor(z / 0x80);
    }
    out.push(z);
    this.bytes(Uint8Array.from(out));
  }
  lengthPrefixed(b: Uint8Array): void {
    this.long(b.length);
    this.bytes(b);
  }
  concat(): Uint8Array {
    return Buffer.concat(this.chunks, this.length);
  }
}

function compress(codec: AvroWriteCodec, data: Uint8Array): Uint8Array {
  return codec === 'deflate' ? zlib.deflateRawSync(data) : data;
}

/**
 * Writes an Avro object container file.
 * @param options schema, metadata, codec and records
 * @returns the file's bytes
 * @throws InvalidArgumentError when a record does not fit the schema (naming the record index)
 */
export function writeContainer(options: ContainerWriteOptions): Uint8Array {
  const codec = options.codec ?? 'deflate';
  const type = avroType(options.schema);
  const sync = new Uint8Array(SYNC_SIZE);
  // A random sync marker, as Java writes; it only has to be unlikely to occur in the data.
  globalThis.crypto.getRandomValues(sync);

  const w = new ByteWriter();
  w.bytes(Uint8Array.from(MAGIC));
  const meta: [string, string][] = [
    ['avro.schema', JSON.stringify(options.schema)],
    ['avro.codec', codec],
    ...Object.entries(options.metadata),
  ];
  const enc = new TextEncoder();
  w.long(meta.length);
  for (const [k, v] of meta) {
    w.lengthPrefixed(enc.encode(k));
    w.lengthPrefixed(enc.encode(v));
  }
  w.long(0);
  w.bytes(sync);

  let block: Buffer[] = [];
  let blockBytes = 0;
  const flush = (): void => {
    if (block.length === 0) return;
    const data = compress(codec, Buffer.concat(block, blockBytes));
    w.long(block.length);
    w.long(data.length);
    w.bytes(data);
    w.bytes(sync);
    block = [];
    blockBytes = 0;
  };
  options.records.forEach((record, index) => {
    let buf: Buffer;
    try {
      buf = type.toBuffer(record);
    } catch (cause) {
      throw new InvalidArgumentError(`record ${index} does not fit its avro schema: ${(cause as Error).message}`, {
        cause,
        context: { record: index },
      });
    }
    block.push(buf);
    blockBytes += buf.length;
    if (blockBytes >= BLOCK_TARGET_BYTES) flush();
  });
  flush();
  return w.concat();
}

// ---------------------------------------------------------------- reading

class ByteReader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly path: string) {}
  fail(what: string): never {
    throw new CorruptFileError(this.path, `not a valid avro file: ${what} at byte ${this.pos}`);
  }
  long(): number {
    let z = 0;
    for (let mul = 1; ; mul *= 0x80) {
      if (this.pos >= this.buf.length) this.fail('truncated varint');
      if (mul > 2 ** 49) this.fail('varint too long');
      const b = this.buf[this.pos++]!;
      z += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
    }
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  take(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) this.fail('truncated data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  lengthPrefixed(): Buffer {
    return this.take(this.long());
  }
}

function decompressor(codec: string, path: string): (data: Buffer) => Buffer {
  switch (codec) {
    case 'null':
      return (d) => d;
    case 'deflate':
      return (d) => zlib.inflateRawSync(d);
    case 'snappy':
      // Avro appends a 4-byte CRC-32 of the uncompressed data to each snappy block.
      return (d) => {
        const out = snappyDecompress(d.subarray(0, d.length - 4));
        return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      };
    case 'zstandard': {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
      if (zstd) return (d) => zstd(d);
      break;
    }
    default:
      break;
  }
  throw new UnsupportedError(`avro codec ${codec} is not supported`, {
    context: { path, codec },
    help: 'rewrite the manifests with write.avro.compression-codec = gzip (deflate)',
  });
}

/**
 * Reads an Avro object container file whole, decoding every record with the file's own schema.
 * @param bytes the file
 * @param path the file's location, for error messages
 * @throws CorruptFileError when the bytes are not a valid container file or a record is malformed
 * @throws UnsupportedError for a block codec Floe cannot decompress
 */
export function readContainer(bytes: Uint8Array, path: string): ContainerContents {
  const r: ByteReader = new ByteReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  const magic = r.take(4);
  if (MAGIC.some((b, i) => magic[i] !== b)) r.fail('bad magic');

  const dec = new TextDecoder('utf-8', { fatal: true });
  const metadata = new Map<string, string>();
  for (;;) {
    let count = r.long();
    if (count === 0) break;
    if (count < 0) {
      // A negative count is followed by the block's size in bytes (Avro §Binary Encoding, maps).
      count = -count;
      r.long();
    }
    for (let i = 0; i < count; i++) {
      const key = r.lengthPrefixed().toString('utf8');
      const value = r.lengthPrefixed();
      try {
        metadata.set(key, dec.decode(value));
      } catch {
        metadata.set(key, value.toString('latin1'));
      }
    }
  }
  const sync = r.take(SYNC_SIZE);

  const schemaText = metadata.get('avro.schema');
  if (schemaText === undefined) r.fail('missing avro.schema');
  let schema: JsonValue;
  let type: avro.Type;
  try {
    schema = parseJson(schemaText);
    type = avroType(schema);
  } catch (cause) {
    throw new CorruptFileError(path, `invalid avro writer schema: ${(cause as Error).message}`, { cause });
  }
  const inflate = decompressor(metadata.get('avro.codec') ?? 'null', path);

  const records: unknown[] = [];
  while (r.pos < r.buf.length) {
    const count = r.long();
    const size = r.long();
    const raw = r.take(size);
    let data: Buffer;
    try {
      data = inflate(raw);
    } catch (cause) {
      throw new CorruptFileError(path, `cannot decompress avro block at byte ${r.pos - size}`, { cause });
    }
    let pos = 0;
    for (let i = 0; i < count; i++) {
      let res: { value: unknown; offset: number };
      try {
        res = type.decode(data, pos);
      } catch (cause) {
        throw new CorruptFileError(path, `malformed avro record ${records.length}`, { cause });
      }
      if (res.offset < 0) throw new CorruptFileError(path, `truncated avro record ${records.length}`);
      records.push(res.value);
      pos = res.offset;
    }
    if (pos !== data.length) throw new CorruptFileError(path, `avro block has ${data.length - pos} trailing bytes`);
    if (!r.take(SYNC_SIZE).equals(sync)) r.fail('sync marker mismatch');
  }
  return { schema, metadata, records };
}
