/**
 * The bytes both online backends store: MessagePack (msgpackr), which keeps a bigint a bigint
 * (int64 in, bigint out), bytes as bytes and numbers as IEEE doubles or ints, with no ad-hoc
 * JSON for 64-bit values. Entity keys are encoded as MessagePack arrays, so equal keys give
 * equal bytes only when their values have the same JS types: the materializer normalizes keys
 * by the view's declared join-key types before they reach a store.
 *
 * @module
 */
import { Packr } from 'msgpackr';
import type { EntityKey, OnlineRecord, OnlineValue, OnlineWatermark } from './online-store.js';

// useRecords: false writes plain maps (msgpackr's record extension would make the bytes depend
// on the order structures were first seen); int64AsType: 'bigint' reads every int64 as a
// bigint (msgpackr README, "int64AsType"), and numbers are written as the smallest exact form.
const packr = new Packr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: true, variableMapSize: true });

/** @returns the MessagePack bytes of an entity key */
export function encodeEntityKey(key: EntityKey): Uint8Array {
  return packr.pack(key.map(normalize));
}

/** @returns the entity key those bytes encode */
export function decodeEntityKey(bytes: Uint8Array): EntityKey {
  return (packr.unpack(bytes) as unknown[]).map(denormalize);
}

/** @returns the MessagePack bytes of one feature value */
export function encodeValue(value: OnlineValue): Uint8Array {
  return packr.pack(normalize(value));
}

/** @returns the feature value those bytes encode */
export function decodeValue(bytes: Uint8Array): OnlineValue {
  return denormalize(packr.unpack(bytes));
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
  const values: Record<string, OnlineValue> = {};
  for (const name of features ?? Object.keys(raw.v)) values[name] = name in raw.v ? denormalize(raw.v[name]) : null;
  return { values, eventTimeMs: Number(raw.t), snapshotId: BigInt(raw.s) };
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
