/**
 * The online-store seam: what materialization writes and serving reads, whatever holds the
 * bytes (after Feast `sdk/python/feast/infra/online_stores/online_store.py`: `online_write_batch`,
 * `online_read`, `teardown`). Two backends implement it — the embedded LMDB folder
 * (embedded.ts) and Redis (redis.ts) — and one contract suite runs against both.
 *
 * A store is deliberately dumb: it keeps, per (view, entity key), one record (the feature
 * values, their event time and the snapshot they were materialized from), and per view a
 * watermark. Which record is "latest", ttl and the order of writes are decided above it
 * (materialize.ts), so both backends behave the same.
 *
 * @module
 */

/**
 * A feature value as it crosses the seam: the JS value the offline read gives for the
 * feature's type (bigint for `long`, number for `int`/`float`/`double`/dates/timestamps in ms,
 * string, boolean, bytes), or null. Encoded with MessagePack (codec.ts), so a bigint stays a
 * bigint and bytes stay bytes.
 */
export type OnlineValue = bigint | number | string | boolean | Uint8Array | null;

/** An entity key: the values of the view's join keys, in the view's join-key order. */
export type EntityKey = readonly OnlineValue[];

/** One stored record: a view's feature values for one entity key. */
export interface OnlineRecord {
  /** Feature name → value; a feature the record lacks reads as null. */
  readonly values: Readonly<Record<string, OnlineValue>>;
  /** The event time of the source row the values come from (ms since the epoch, UTC). */
  readonly eventTimeMs: number;
  /** The source table's snapshot the record was materialized from. */
  readonly snapshotId: bigint;
}

/** One row of a write batch: a record for (view, entity key), or its removal (`record: null`). */
export interface OnlineWrite {
  /** The view name. */
  readonly view: string;
  /** The entity key. */
  readonly entityKey: EntityKey;
  /** The record that replaces what is stored, or null to remove the key. */
  readonly record: OnlineRecord | null;
  /**
   * When a backend with native expiry may drop the record (ms since the epoch); only a
   * storage-reclaiming hint: serving checks ttl itself, against its own clock.
   */
  readonly expiresAtMs?: number;
}

/** A read: some features of many entity keys of one view. */
export interface OnlineRead {
  /** The view name. */
  readonly view: string;
  /** The entity keys, in the order the answers come back. */
  readonly entityKeys: readonly EntityKey[];
  /** The features to return (every stored feature when omitted). */
  readonly features?: readonly string[];
}

/** A view's materialization watermark: how far its online records are known to be current. */
export interface OnlineWatermark {
  /** The last source snapshot materialized. */
  readonly snapshotId: bigint;
  /** The `upTo` bound (ms since the epoch) the records were computed for, if one was given. */
  readonly upToMs?: number;
  /** When the materialization finished (ms since the epoch, by the materializer's clock). */
  readonly materializedAtMs: number;
  /** The view version materialized (so a changed definition forces a full recompute). */
  readonly viewVersion?: number;
}

/**
 * The seam every online backend implements. Writes of one batch are applied together where the
 * backend can (LMDB: one transaction; Redis: one MULTI/EXEC); the watermark is separate and
 * written by the materializer only after every value of the view is.
 */
export interface OnlineStore {
  /** The backend's name, for errors and reports (`lmdb`, `redis`). */
  readonly kind: string;
  /**
   * Replaces (or removes) the records of a batch of (view, entity key)s.
   * @throws StoreError when the backend fails; what was applied then is backend-defined
   */
  write(rows: readonly OnlineWrite[]): Promise<void>;
  /**
   * Reads many entity keys of one view in one round trip.
   * @returns one entry per entity key, in order: the record (with only the asked features), or null
   * @throws StoreError when the backend fails
   */
  read(request: OnlineRead): Promise<(OnlineRecord | null)[]>;
  /** Every entity key stored for a view (for a full recompute, which removes keys no longer present). */
  keys(view: string): AsyncIterable<EntityKey>;
  /** The view's watermark, or undefined if it was never materialized. */
  getWatermark(view: string): Promise<OnlineWatermark | undefined>;
  /** Sets the view's watermark (after its values are written). */
  setWatermark(view: string, watermark: OnlineWatermark): Promise<void>;
  /** Removes every record and the watermark of a view. */
  dropView(view: string): Promise<void>;
  /** Releases the connection or the environment; later calls throw. */
  close(): Promise<void>;
}
