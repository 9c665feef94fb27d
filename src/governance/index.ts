/**
 * Governance (spec/governance.md): principals and their hashed secrets, bearer tokens (JWT via
 * jose), roles and grants on the catalog, namespaces and tables, the decision "may P do A on O"
 * with column and row policies, and the table of what each REST operation requires. Deny by
 * default. The state lives in the warehouse and changes by compare-and-swap; the REST server asks
 * here before every handler runs.
 *
 * @module
 */
export * from './model.js';
export * from './secrets.js';
export * from './verification-gate.js';
export * from './tokens.js';
export * from './authorize.js';
export * from './operations.js';
export * from './state-store.js';
export * from './governance.js';
export * from './audit.js';
