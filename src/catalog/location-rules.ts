/**
 * Where a table of the storage catalog may live (spec/catalog.md §K1): the rules that keep one
 * table's files apart from the warehouse's own state, from namespaces and from other tables, so
 * that a grant on one table (a signed read, a purge) reaches that table's files only. They follow
 * Polaris's location checks (`IcebergCatalog.validateLocationsForTableLike`,
 * `validateNoLocationOverlap`): a table's location lies inside its namespace's folder and neither
 * equals, contains nor lies inside another table's location.
 *
 * @module
 */

/**
 * Whether a warehouse-relative path lies in a reserved folder: a first segment beginning with `_`
 * (`_floe` keeps the governance state and its signing keys, `_system` the audit log). No
 * namespace and so no table may be there.
 */
export function isReservedPath(relative: string): boolean {
  return relative.split('/')[0]!.startsWith('_');
}

/** Whether two locations (URIs or relative paths, no trailing slash) are equal or one contains the other. */
export function locationsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** A location without trailing slashes. */
export function trimLocation(uri: string): string {
  return uri.replace(/\/+$/, '');
}
