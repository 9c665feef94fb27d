/**
 * Every file a table's reachable metadata versions reference (spec/maintenance.md §M1): the
 * current metadata and each metadata-log entry that still exists, their snapshots' manifest
 * lists, those lists' manifests, the manifests' live data and delete files, and the statistics
 * files the metadata names. This is what Iceberg Java's `DeleteOrphanFilesSparkAction` keeps
 * (`contentFileDS`, `manifestDS`, `manifestListDS`, `otherMetadataFileDS` in
 * `BaseSparkAction`), widened from the current metadata's snapshots to those of every metadata
 * version a reader can still load.
 *
 * @module
 */
import pLimit from 'p-limit';
import { type TableState, parseMetadataFileName, readTableState } from '../commit/index.js';
import { isFloeError } from '../errors.js';
import { readLiveFiles, readSnapshotManifests } from '../scan/index.js';
import type { Snapshot, TableMetadata } from '../spec/index.js';
import type { FileLocator, ObjectStore } from '../store/index.js';

/** What the reachable metadata references, as keys of the table's store and as file names. */
export interface ReachableFiles {
  /** Keys (relative to the table root) of referenced files under the table root. */
  readonly keys: ReadonlySet<string>;
  /**
   * The last path segment of every referenced location, wherever it resolves: a listed file
   * with one of these names under an unexpected prefix (another scheme, a remap not given) is
   * kept rather than taken for an orphan.
   */
  readonly names: ReadonlySet<string>;
  /** How many metadata versions were read (the current one included). */
  readonly metadataVersions: number;
}

/** Options of {@link reachableFiles}. */
export interface ReachableFilesOptions {
  /** The table's name, for errors. */
  readonly table: string;
  /** The store rooted at the table (listed keys are relative to it). */
  readonly rootStore: ObjectStore;
  /** Resolves recorded locations of the latest metadata. */
  readonly locator: FileLocator;
  /** The latest committed state. */
  readonly state: TableState;
}

const MISSING = ['NOT_FOUND', 'DATA_FILE_NOT_FOUND'] as const;

function isMissing(e: unknown): boolean {
  return MISSING.some((code) => isFloeError(e, code));
}

function nameOf(location: string): string {
  const i = location.lastIndexOf('/');
  return i < 0 ? location : location.slice(i + 1);
}

/** Statistics files named by the metadata (spec §Table Statistics, §Partition Statistics). */
function statisticsPaths(metadata: TableMetadata): string[] {
  const out: string[] = [];
  for (const entry of [...(metadata.statistics ?? []), ...(metadata.partitionStatistics ?? [])]) {
    const path = (entry as { 'statistics-path'?: unknown } | null)?.['statistics-path'];
    if (typeof path === 'string') out.push(path);
  }
  return out;
}

/**
 * Collects the files the table's reachable metadata versions reference.
 *
 * A manifest list or manifest that the current metadata references and that cannot be read
 * fails the whole collection (the referenced set would be incomplete, so nothing may be
 * deleted). Older metadata versions may reference snapshots that expiry already cleaned: their
 * missing lists and manifests are skipped, as are metadata-log entries whose file is gone.
 * @throws DataFileNotFoundError when a file the current metadata references is missing
 */
export async function reachableFiles(options: ReachableFilesOptions): Promise<ReachableFiles> {
  const { table, rootStore, locator, state } = options;
  const keys = new Set<string>();
  const names = new Set<string>();
  const add = (recorded: string): void => {
    names.add(nameOf(recorded));
    try {
      const resolved = locator.resolve(recorded);
      if (resolved.store === rootStore) keys.add(resolved.key);
    } catch {
      // a relative location no remap covers: its name alone protects it
    }
  };
  const versions: { metadata: TableMetadata; strict: boolean }[] = [{ metadata: state.metadata, strict: true }];
  for (const entry of state.metadata.metadataLog) {
    add(entry.metadataFile);
    const older = await readLoggedVersion(locator, entry.metadataFile);
    if (older) versions.push({ metadata: older, strict: false });
  }
  const seenLists = new Set<string>();
  const seenManifests = new Set<string>();
  const limit = pLimit(8);
  for (const { metadata, strict } of versions) {
    const planCtx = { table, metadata, locator };
    const tolerant = async <T>(read: () => Promise<T[]>): Promise<T[]> => {
      try {
        return await read();
      } catch (e) {
        if (!strict && isMissing(e)) return [];
        throw e;
      }
    };
    statisticsPaths(metadata).forEach(add);
    const snapshots = metadata.snapshots.filter((s: Snapshot) => {
      const id = s.manifestList || `inline:${s.snapshotId}`;
      if (seenLists.has(id)) return false;
      seenLists.add(id);
      return true;
    });
    await Promise.all(
      snapshots.map((s) =>
        limit(async () => {
          // A v1 snapshot may list its manifests inline, with no manifest list (spec §Snapshots).
          if (s.manifestList) add(s.manifestList);
          for (const m of await tolerant(() => readSnapshotManifests(planCtx, s))) {
            add(m.manifestPath);
            if (seenManifests.has(m.manifestPath)) continue;
            seenManifests.add(m.manifestPath);
            for (const live of await tolerant(() => readLiveFiles(planCtx, m))) add(live.file.filePath);
          }
        }),
      ),
    );
  }
  return { keys, names, metadataVersions: versions.length };
}

/** An earlier metadata version named by the metadata log, or undefined when its file is gone. */
async function readLoggedVersion(locator: FileLocator, recorded: string): Promise<TableMetadata | undefined> {
  try {
    const { store, key } = locator.resolve(recorded);
    const version = parseMetadataFileName(nameOf(key))?.version ?? 0;
    return (await readTableState(store, version, key)).metadata;
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}
