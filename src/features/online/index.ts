/**
 * Online stores: where materialized feature values live for serving (spec/feature-store.md,
 * "Online store"). One seam (`OnlineStore`, online-store.ts), two backends: the embedded LMDB
 * folder (no server) and Redis. Both run the same contract suite
 * (test/features-store/online/store.suite.ts).
 *
 * Guarantees, on both backends:
 * - values keep their JS types through the store (MessagePack: a bigint stays a bigint);
 * - a write batch is applied whole (one LMDB transaction; one Redis MULTI/EXEC);
 * - a read of many entity keys is one call (LMDB: synchronous memory-mapped lookups; Redis: one
 *   pipelined round trip);
 * - a view's watermark is stored apart from its values, and written by the materializer after them.
 *
 * The backends load native code (lmdb) or open sockets (Redis), so they are reached from the
 * Node entry point only, and loaded on first use.
 *
 * @module
 */
export { materialize, type MaterializeOptions, type MaterializeReport, type OnlineView } from './materialize.js';
export { getOnlineFeatures, type GetOnlineFeaturesOptions, type OnlineFeatureRow } from './serve.js';
export { checkConsistency, type CheckConsistencyOptions, type ConsistencyMismatch, type ConsistencyReport } from './consistency.js';
export type { EntityKey, OnlineRead, OnlineRecord, OnlineStore, OnlineValue, OnlineWatermark, OnlineWrite } from './online-store.js';

import type { EmbeddedOnlineStoreOptions } from './embedded.js';
import type { OnlineStore } from './online-store.js';
import type { RedisOnlineStoreOptions } from './redis.js';

export type { EmbeddedOnlineStoreOptions, RedisOnlineStoreOptions };

/**
 * Opens the embedded online store: an LMDB environment in a local folder, no server. lmdb is a
 * native addon (prebuilt for Linux, macOS and Windows), loaded on the first call.
 * @param options the folder (created if missing)
 * @returns the store; close it when done
 * @throws InvalidArgumentError for an empty path
 * @throws StoreError when LMDB cannot open the folder
 */
export async function openEmbeddedOnlineStore(options: EmbeddedOnlineStoreOptions): Promise<OnlineStore> {
  const embedded = await import('./embedded.js');
  return embedded.openLmdbOnlineStore(options);
}

/**
 * Connects to a Redis server as an online store; the client is loaded on the first call.
 * @param options the server URL (`redis://host:port[/db]`), key prefix, expiry
 * @returns the connected store; close it when done
 * @throws InvalidArgumentError for a malformed URL or option
 * @throws StoreError when the server cannot be reached
 */
export async function openRedisOnlineStore(options: RedisOnlineStoreOptions): Promise<OnlineStore> {
  const redis = await import('./redis.js');
  return redis.connectRedisOnlineStore(options);
}
