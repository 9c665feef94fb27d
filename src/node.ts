/**
 * Floe's Node entry point: the universal API plus the local-folder backend (`file://` URIs and
 * plain paths), registered with the location resolver on import.
 *
 * @module
 */
import nodePath from 'node:path';
import type { RestCatalogServer, RestCatalogServerOptions } from './catalog/rest/server/index.js';
import { LocalFsStore } from './store/index.js';
import { registerLocalBackend } from './store/index.js';

registerLocalBackend({
  resolvePath: (path) => nodePath.resolve(path),
  open: (root) => new LocalFsStore({ root }),
});

export * from './index.js';
export { LocalFsStore, type LocalFsStoreOptions } from './store/index.js';
export type { RestCatalogServer, RestCatalogServerOptions } from './catalog/rest/server/index.js';
export { checkConsistency, getOnlineFeatures, materialize, openEmbeddedOnlineStore, openRedisOnlineStore } from './features/online/index.js';
export type { CheckConsistencyOptions, ConsistencyMismatch, ConsistencyReport, GetOnlineFeaturesOptions, MaterializeOptions, MaterializeReport, OnlineFeatureRow, OnlineView, EmbeddedOnlineStoreOptions, EntityKey, OnlineRead, OnlineRecord, OnlineStore, OnlineValue, OnlineWatermark, OnlineWrite, RedisOnlineStoreOptions } from './features/online/index.js';

/**
 * Starts an Iceberg REST catalog server over a warehouse (spec/catalog.md §K7): see
 * {@link RestCatalogServerOptions}. The server needs Node (Fastify, and the OpenAPI document read
 * from disk), and is loaded on the first call rather than with this module, so that programs
 * (and every `floe` command but `serve`) that never serve do not pay for loading it.
 * @param options the warehouse, address, authentication and limits
 * @returns the listening server
 */
export async function startRestCatalogServer(options: RestCatalogServerOptions): Promise<RestCatalogServer> {
  const server = await import('./catalog/rest/server/index.js');
  return server.startRestCatalogServer(options);
}
