/**
 * Deleting a dropped table's objects (`purgeRequested`): data, delete files and manifests first,
 * metadata versions last and highest first, so that a table whose purge is interrupted still
 * reads as its newest surviving version rather than as a version whose files are gone.
 *
 * @module
 */
import type { OpenedLocation } from '../store/index.js';

/** Options of {@link purgeLocation}. */
export interface PurgeOptions {
  /** Called after each deleted object (for progress). */
  readonly onDeleted?: (path: string) => void;
}

/** How much of a location {@link purgeLocation} deletes. */
export interface PurgeScope {
  /**
   * Delete only the table's own metadata (`metadata/`: versions, manifest lists, manifests) and
   * keep every other object: for a table with `gc.enabled=false`, whose data and delete files
   * may belong to other tables (Java's `CatalogUtil.dropTableData` deletes no data file then).
   */
  readonly metadataOnly?: boolean;
}

const VERSION_FILE = /(?:^|\/)metadata\/v(\d+)(?:\.gz)?\.metadata\.json(?:\.gz)?$/;

/** Deletes every object under a table's location (or only its metadata); returns how many were deleted. */
export async function purgeLocation(location: OpenedLocation, options: PurgeOptions & PurgeScope = {}): Promise<number> {
  const files: string[] = [];
  for await (const meta of location.store.list(options.metadataOnly ? 'metadata/' : '')) files.push(meta.path);
  const version = (p: string): number => Number(VERSION_FILE.exec(p)?.[1] ?? 0);
  const isVersion = (p: string): boolean => VERSION_FILE.test(p) || /(?:^|\/)metadata\/[^/]*\.metadata\.json(?:\.gz)?$/.test(p);
  const ordered = [...files.filter((p) => !isVersion(p)), ...files.filter(isVersion).sort((a, b) => version(b) - version(a))];
  for (const f of ordered) {
    await location.store.delete(f);
    options.onDeleted?.(f);
  }
  return ordered.length;
}
