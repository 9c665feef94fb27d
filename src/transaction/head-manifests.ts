/**
 * The manifests of a branch head, cached per snapshot id (manifest lists are immutable).
 *
 * @module
 */
import { readSnapshotManifests } from '../scan/index.js';
import type { ManifestFile } from '../spec/index.js';
import { MAIN_BRANCH, type Snapshot } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { TableContext } from './table-context.js';

/** The head snapshot of a branch, or undefined for an empty branch. */
export function branchHead(metadata: TableMetadata, branch: string = MAIN_BRANCH): Snapshot | undefined {
  const id = metadata.refs[branch]?.snapshotId ?? (branch === MAIN_BRANCH ? metadata.currentSnapshotId : null);
  return id === null || id === undefined ? undefined : metadata.snapshots.find((s) => s.snapshotId === id);
}

/** Reads manifest lists, remembering them by snapshot id. */
export class ManifestListCache {
  private readonly cache = new Map<bigint, Promise<ManifestFile[]>>();

  /** @param ctx the table */
  constructor(private readonly ctx: TableContext) {}

  /** The manifests of `snapshot` (none for undefined). */
  manifestsOf(metadata: TableMetadata, snapshot: Snapshot | undefined): Promise<ManifestFile[]> {
    if (!snapshot) return Promise.resolve([]);
    let p = this.cache.get(snapshot.snapshotId);
    if (!p) {
      p = readSnapshotManifests({ table: this.ctx.name, metadata, locator: this.ctx.locator }, snapshot);
      this.cache.set(snapshot.snapshotId, p);
    }
    return p;
  }
}
