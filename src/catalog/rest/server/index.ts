/**
 * Floe's Iceberg REST catalog server (rest-catalog-open-api.yaml): namespaces, tables, commits,
 * transactions and scan planning over a Floe warehouse, its state in the warehouse itself
 * (spec/catalog.md; planning keeps none, §K6).
 * One file per resource; `server.ts` wires Fastify, the OpenAPI router/validator and the
 * handlers.
 *
 * Guarantees: every request is validated against the OpenAPI document before a handler runs;
 * every failure is an `IcebergErrorResponse`; a commit is applied at the table's commit point
 * (spec/commit-protocol.md §C4) with the client's requirements re-checked on every attempt;
 * nothing is written outside the warehouse (or the locations it is told to allow).
 *
 * @module
 */
export { startRestCatalogServer, buildRestCatalogApp, errorResponse } from './server.js';
export type { RestCatalogServer, RestCatalogServerOptions } from './server.js';
export { restCatalogDocument, createOpenApiBackend, checkResponse } from './openapi.js';
export type { ResponseCheck, SchemaIssue } from './openapi.js';
export { SERVED_ENDPOINTS } from './config.js';
