/**
 * The manifests of a branch head, cached per snapshot id (manifest lists are immutable), and a
 * table's memo of the manifest lists it wrote itself, so that a writer's next commit carries its
 * last commit's manifests forward without reading that list back.
 *
 * @module
 */
import { decodeManifestList } from '../manifest/index.js';
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

/** How many lists a {@link ManifestListMemo} keeps: a commit needs only the head it builds on. */
const MEMO_SIZE = 8;

/**
 * The manifest lists a table object wrote most recently, by recorded location: the bytes as
 * written, decoded on first use exactly as a read would decode them. Manifest-list names carry a
 * uuid and the files are never modified, so a remembered list is the file at that location.
 */
export class ManifestListMemo {
  private readonly lists = new Map<string, { bytes: Uint8Array; decoded?: ManifestFile[] }>();

  /**
   * Remembers a list just written.
   * @param location its recorded location (the snapshot's `manifest-list`)
   * @param bytes the bytes written there
   */
  remember(location: string, bytes: Uint8Array): void {
    if (this.lists.size >= MEMO_SIZE) this.lists.delete(this.lists.keys().next().value!);
    this.lists.set(location, { bytes });
  }

  /** The manifests of the list at `location`, when it is remembered. */
  manifestsAt(location: string): ManifestFile[] | undefined {
    const entry = this.lists.get(location);
    if (!entry) return undefined;
    entry.decoded ??= decodeManifestList(entry.bytes, { path: location });
    return entry.decoded;
  }
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
      const remembered = snapshot.manifestList === '' ? undefined : this.ctx.manifestLists?.manifestsAt(snapshot.manifestList);
      p = remembered ? Promise.resolve(remembered) : readSnapshotManifests({ table: this.ctx.name, metadata, locator: this.ctx.locator }, snapshot);
      this.cache.set(snapshot.snapshotId, p);
    }
    return p;
  }
}
