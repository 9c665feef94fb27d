/**
 * Manifest merging on append (Java's `commit.manifest-merge.enabled`): without it every append
 * adds one manifest and planning reads one more file per commit forever. When a partition spec
 * has at least `commit.manifest.min-count-to-merge` data manifests (default 100), the small ones
 * (below `commit.manifest.target-size-bytes`, default 8 MiB) are rewritten into one, so the
 * manifests a scan reads stay bounded by the table's size, not its history.
 *
 * Merged entries keep their status-independent facts (snapshot id, data and file sequence
 * numbers) as EXISTING entries; DELETED entries of older snapshots are history and are dropped,
 * as Java does. Merging is a rewrite of metadata only: no data file changes.
 *
 * @module
 */
import { readLiveFiles, schemaForSpec, specById } from '../scan/index.js';
import { type ManifestEntry, type ManifestFile, ManifestContent, ManifestEntryStatus, type TableMetadata } from '../spec/index.js';
import { type NewManifest, manifestFormatVersion, rewriteKey, writeNewManifest } from './snapshot-producer.js';
import type { TableContext } from './table-context.js';

function intProperty(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const n = Number(props[key]);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

/** The manifests to carry forward and the merged ones to add in their place. */
export interface MergePlan {
  /** Base manifests kept as they are. */
  readonly carried: readonly ManifestFile[];
  /** New manifests replacing the merged ones. */
  readonly merged: readonly NewManifest[];
}

/**
 * Merges small data manifests of a base when a spec has reached the merge threshold.
 * Results are cached by the set of manifests merged, so a retry on the same base writes nothing.
 */
export class ManifestMerger {
  private readonly cache = new Map<string, Promise<NewManifest>>();

  /** @param ctx the table @param snapshotId the snapshot the merged manifests are added by */
  constructor(
    private readonly ctx: TableContext,
    private readonly snapshotId: bigint,
  ) {}

  /**
   * Plans (and writes) the merge for one attempt.
   * @param metadata the attempt's base
   * @param manifests the base head's manifests
   * @param adding how many new data manifests of each spec this commit adds (they count toward the threshold)
   */
  async merge(metadata: TableMetadata, manifests: readonly ManifestFile[], adding: ReadonlyMap<number, number>): Promise<MergePlan> {
    const props = metadata.properties;
    if (props['commit.manifest-merge.enabled'] === 'false') return { carried: manifests, merged: [] };
    const minCount = intProperty(props, 'commit.manifest.min-count-to-merge', 100);
    const targetBytes = intProperty(props, 'commit.manifest.target-size-bytes', 8 * 1024 * 1024);
    const bySpec = new Map<number, ManifestFile[]>();
    for (const m of manifests) {
      if (m.content !== ManifestContent.DATA || m.manifestLength >= targetBytes) continue;
      const list = bySpec.get(m.partitionSpecId) ?? [];
      list.push(m);
      bySpec.set(m.partitionSpecId, list);
    }
    const mergedAway = new Set<string>();
    const merged: NewManifest[] = [];
    for (const [specId, small] of bySpec) {
      if (small.length + (adding.get(specId) ?? 0) < minCount || small.length < 2) continue;
      const key = small.map(rewriteKey).sort().join('\n');
      let p = this.cache.get(key);
      if (!p) {
        p = this.write(metadata, specId, small);
        this.cache.set(key, p);
      }
      merged.push(await p);
      for (const m of small) mergedAway.add(m.manifestPath);
    }
    return { carried: manifests.filter((m) => !mergedAway.has(m.manifestPath)), merged };
  }

  private async write(metadata: TableMetadata, specId: number, manifests: readonly ManifestFile[]): Promise<NewManifest> {
    const planCtx = { table: this.ctx.name, metadata, locator: this.ctx.locator };
    const entries: ManifestEntry[] = [];
    for (const m of manifests) {
      for (const live of await readLiveFiles(planCtx, m)) {
        entries.push({
          status: ManifestEntryStatus.EXISTING,
          snapshotId: live.snapshotId,
          sequenceNumber: live.dataSequenceNumber,
          fileSequenceNumber: live.fileSequenceNumber,
          dataFile: live.file,
        });
      }
    }
    const spec = specById(metadata, specId, this.ctx.name);
    return writeNewManifest(this.ctx, {
      location: metadata.location,
      schema: schemaForSpec(metadata, spec),
      spec,
      content: ManifestContent.DATA,
      snapshotId: this.snapshotId,
      entries,
      formatVersion: manifestFormatVersion(metadata),
    });
  }
}
