/**
 * Catalogs: names → table locations. The storage catalog keeps namespaces and tables as folders
 * of one warehouse, created with conditional puts (no service, no database). An Iceberg REST
 * catalog is where this grows (ARCHITECTURE "Where this grows").
 *
 * @module
 */
export * from './identifiers.js';
export * from './storage-catalog.js';
export * from './namespace-doc.js';
export * from './paging.js';
export * from './purge.js';
export * from './location-rules.js';
