/**
 * The table config keys by which Floe's REST catalog server tells a client what it may do with a
 * loaded table (spec/governance.md §G7), and the path of its read endpoint: shared by the server
 * that sends them and the client that reads them. Other catalogs send neither key.
 *
 * @module
 */

/** Table config key of a masked reader's policy (JSON: `drop`, `nullify`, `row-filters`). */
export const READ_POLICY_CONFIG = 'floe.read-policy';

/** Table config key of the caller's privileges on the table (comma-separated). */
export const PRIVILEGES_CONFIG = 'floe.privileges';

/** The read endpoint's path for a table (each argument already percent-encoded). */
export function readEndpointPath(prefix: string, namespace: string, table: string): string {
  return `/floe/v1/${prefix}/namespaces/${namespace}/tables/${table}/read`;
}
