/**
 * Floe's Node entry point: the universal API plus the local-folder backend (`file://` URIs and
 * plain paths), registered with the location resolver on import.
 *
 * @module
 */
import nodePath from 'node:path';
import { LocalFsStore } from './store/index.js';
import { registerLocalBackend } from './store/index.js';

registerLocalBackend({
  resolvePath: (path) => nodePath.resolve(path),
  open: (root) => new LocalFsStore({ root }),
});

export * from './index.js';
export { LocalFsStore, type LocalFsStoreOptions } from './store/index.js';
// The REST catalog server needs Node (Fastify, and the OpenAPI document read from disk).
export { startRestCatalogServer, type RestCatalogServer, type RestCatalogServerOptions } from './catalog/rest/server/index.js';
