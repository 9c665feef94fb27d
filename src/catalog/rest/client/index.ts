/**
 * Floe's Iceberg REST catalog client: namespaces and tables through any REST catalog, with table
 * commits sent as requirements + updates (Iceberg Java's `RESTSessionCatalog` and
 * `RESTTableOperations`). Data and manifests are written to storage by the table API as for any
 * table; only the metadata change goes to the catalog.
 *
 * @module
 */
export { RestCatalog } from './rest-catalog.js';
export type { RestCatalogOptions, RestLoadedTable, RestNewTable } from './rest-catalog.js';
export { RestTableOperations, stateFromResult, versionOfMetadataFile } from './table-operations.js';
export { storageOptionsFor } from './storage-options.js';
export { readTransport, tableAccessFrom } from './read-access.js';
export type { RestReadPolicy, RestReadTransport, RestTableAccess } from './read-access.js';
export { GovernanceClient } from './governance-client.js';
export type { NewGrant, NewPrincipal, PrincipalChange } from './governance-client.js';
export { PRIVILEGE_NAMES } from '../wire/index.js';
export type { ColumnMaskJson, CredentialJson, GovernanceChangeJson, GrantJson, PrincipalJson, PrivilegeName, SecurableJson } from '../wire/index.js';
