/**
 * The bytes both online backends store: MessagePack (msgpackr), which keeps a bigint a bigint
 * (int64 in, bigint out), bytes as bytes and numbers as IEEE doubles or ints, with no ad-hoc
 * JSON for 64-bit values. Entity keys are encoded as MessagePack arrays, so equal keys give
 * equal bytes only when their values have the same JS types: the materializer normalizes keys
 * by the view's declared join-key types before they reach a store.
 *
 * @module
 */
import { Packr, RESERVE_START_SPACE } from 'msgpackr';
import type { EntityKey, OnlineRecord, OnlineValue, OnlineWatermark } from './online-store.js';

// useRecords: false writes plain maps (msgpackr's record extension would make the bytes depend
// on the order structures were first seen); int64AsType: 'bigint' reads every int64 as a
// bigint (msgpackr README, "int64AsType"), and numbers are written as the smallest exact form.
const packr = new Packr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: true, variableMapSize: true });

/** @returns the MessagePack bytes of an entity key */
export function encodeEntityKey(key: EntityKey): Uint8Array {
  return packr.pack(key.map(normalize));
}

/**
 * `prefix` followed by the MessagePack bytes of an entity key: a store's row key, built without
 * intermediate buffers (msgpackr reserves the prefix's room in front of the packed key, its
 * `RESERVE_START_SPACE` option, which fits up to 255 bytes; a longer prefix is concatenated). The
 * bytes are the same as `concat(prefix, encodeEntityKey(key))`.
 * @returns a view of msgpackr's output buffer (a Buffer in Node), which later packs never overwrite
 */
export function encodeRowKey(prefix: Uint8Array, key: EntityKey): Buffer {
  const value = key.includes(undefined as never) ? key.map(normalize) : key;
  if (prefix.length > 0xff) return Buffer.concat([prefix, packr.pack(value)]);
  const out = packr.pack(value, RESERVE_START_SPACE | prefix.length);
  out.set(prefix, 0);
  return out;
}

/** @returns the entity key those bytes encode */
export function decodeEntityKey(bytes: Uint8Array): EntityKey {
  return (packr.unpack(bytes) as unknown[]).map(denormalize);
}

/** @returns the MessagePack bytes of one feature value */
export function encodeValue(value: OnlineValue): Uint8Array {
  return packr.pack(normalize(value));
}

/**
 * Decodes many separately stored values at once (a Redis hash's fields): the present ones are
 * concatenated and read as one MessagePack sequence, since msgpackr sets up a reader per buffer
 * it is given, which for one small value costs more than the value.
 * @returns per entry, its value, or undefined where the entry is absent (null or undefined)
 */
export function decodeValues(parts: readonly (Uint8Array | null | undefined)[]): (OnlineValue | undefined)[] {
  const present: Uint8Array[] = [];
  for (const p of parts) if (p !== null && p !== undefined) present.push(p);
  const decoded = present.length === 0 ? [] : (packr.unpackMultiple(Buffer.concat(present)) as unknown[]);
  if (decoded.length !== present.length) throw new Error(`expected ${present.length} MessagePack values, read ${decoded.length}`);
  const out = new Array<OnlineValue | undefined>(parts.length);
  for (let i = 0, j = 0; i < parts.length; i++) out[i] = parts[i] === null || parts[i] === undefined ? undefined : denormalize(decoded[j++]);
  return out;
}

/** @returns the MessagePack bytes of a whole record (the embedded backend stores one per key) */
export function encodeRecord(record: OnlineRecord): Uint8Array {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record.values)) values[k] = normalize(v);
  return packr.pack({ t: record.eventTimeMs, s: record.snapshotId, v: values });
}

/**
 * @param bytes a record encoded by {@link encodeRecord}
 * @param features the features to keep (all when omitted)
 * @returns the record
 */
export function decodeRecord(bytes: Uint8Array, features?: readonly string[]): OnlineRecord {
  const raw = packr.unpack(bytes) as { t: number; s: bigint; v: Record<string, unknown> };
  return { values: recordValues(raw.v, features), eventTimeMs: Number(raw.t), snapshotId: typeof raw.s === 'bigint' ? raw.s : BigInt(raw.s) };
}

// The decoded map becomes the record's values in place when it holds exactly the features asked
// (the common case: a view read whole): serving decodes a record per entity per request, and a
// second object per record is most of what a read would otherwise allocate.
function recordValues(stored: Record<string, unknown>, features: readonly string[] | undefined): Record<string, OnlineValue> {
  let count = 0;
  for (const name in stored) {
    count++;
    const v = stored[name];
    if (v instanceof Uint8Array) stored[name] = denormalize(v);
  }
  if (features === undefined) return stored as Record<string, OnlineValue>;
  let exact = count === features.length;
  for (let i = 0; exact && i < features.length; i++) exact = Object.hasOwn(stored, features[i]!);
  if (exact) return stored as Record<string, OnlineValue>;
  const values: Record<string, OnlineValue> = {};
  for (let i = 0; i < features.length; i++) {
    const name = features[i]!;
    values[name] = Object.hasOwn(stored, name) ? (stored[name] as OnlineValue) : null;
  }
  return values;
}

/** @returns the MessagePack bytes of a watermark */
export function encodeWatermark(w: OnlineWatermark): Uint8Array {
  return packr.pack({ s: w.snapshotId, m: w.materializedAtMs, ...(w.upToMs !== undefined ? { u: w.upToMs } : {}), ...(w.viewVersion !== undefined ? { v: w.viewVersion } : {}) });
}

/** @returns the watermark those bytes encode */
export function decodeWatermark(bytes: Uint8Array): OnlineWatermark {
  const raw = packr.unpack(bytes) as { s: bigint; m: number; u?: number; v?: number };
  return { snapshotId: BigInt(raw.s), materializedAtMs: Number(raw.m), ...(raw.u !== undefined ? { upToMs: Number(raw.u) } : {}), ...(raw.v !== undefined ? { viewVersion: Number(raw.v) } : {}) };
}

// A bigint is always written as int64 so that it reads back as a bigint even when small
// (msgpackr writes a bigint in int64 form; a number never is, so the two stay apart).
function normalize(v: OnlineValue | undefined): unknown {
  return v === undefined ? null : v;
}

// msgpackr hands bytes back as a Node Buffer; the seam promises a plain Uint8Array view.
function denormalize(v: unknown): OnlineValue {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return v as OnlineValue;
}
