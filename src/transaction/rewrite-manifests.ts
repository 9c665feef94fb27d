/**
 * Rewriting a snapshot's manifests (Iceberg Java's `RewriteManifests`,
 * `core/src/main/java/org/apache/iceberg/BaseRewriteManifests.java`): the live entries of each
 * content (data, deletes) and partition spec are clustered by partition and written into as few
 * manifests as `commit.manifest.target-size-bytes` (default 8 MiB) allows, committed as a
 * `replace` snapshot that changes no data: every entry stays with its snapshot id and sequence
 * numbers, as EXISTING. Planning then reads fewer manifests, and a filter on the partition skips
 * more of them by their partition summaries.
 *
 * Validation on retry (Java `BaseRewriteManifests.validateDeletedManifests`): every manifest
 * rewritten must still be in the branch head; manifests a concurrent commit added (an append's)
 * are carried forward as they are.
 *
 * @module
 */
import { CommitConflictError } from '../errors.js';
import { type LiveFile, readLiveFiles, schemaForSpec, specById } from '../scan/index.js';
import { type ManifestFile, ManifestEntryStatus, type Snapshot } from '../spec/index.js';
import type { TableState } from '../commit/index.js';
import { newSnapshotId } from '../util/index.js';
import type { Change } from './change.js';
import { ManifestListCache, branchHead } from './head-manifests.js';
import { currentSchema } from './metadata-access.js';
import { type NewManifest, emptyCounts, manifestFormatVersion, produceSnapshot, writeNewManifest } from './snapshot-producer.js';
import type { TableContext } from './table-context.js';

/** What a manifest rewrite did. */
export interface RewriteManifestsResult {
  /** The `replace` snapshot, or undefined when the manifests were already one per content and spec (nothing is committed). */
  readonly snapshot: Snapshot | undefined;
  /** Manifests replaced. */
  readonly rewrittenManifests: number;
  /** Manifests written in their place. */
  readonly addedManifests: number;
  /** Live entries carried into them. */
  readonly entries: number;
}

function partitionKey(live: LiveFile): string {
  return live.file.partition.map((v) => (v instanceof Uint8Array ? `b:${Buffer.from(v).toString('hex')}` : `${typeof v}:${String(v)}`)).join('|');
}

function targetBytes(properties: Readonly<Record<string, string>>): number {
  const n = Number(properties['commit.manifest.target-size-bytes']);
  return Number.isSafeInteger(n) && n > 0 ? n : 8 * 1024 * 1024;
}

/**
 * Plans and writes the new manifests of the branch head; undefined when there is nothing to
 * rewrite (at most one manifest of each content and spec).
 * @param ctx the table
 * @param state the base
 * @param commitId the commit id
 */
export async function prepareRewriteManifests(ctx: TableContext, state: TableState, commitId: string): Promise<Change<RewriteManifestsResult> | undefined> {
  const metadata = state.metadata;
  const head = branchHead(metadata);
  const lists = new ManifestListCache(ctx);
  const manifests = await lists.manifestsOf(metadata, head);
  const groups = new Map<string, ManifestFile[]>();
  for (const m of manifests) {
    const key = `${m.content}/${m.partitionSpecId}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const rewritten = [...groups.values()].filter((g) => g.length > 1);
  if (!head || rewritten.length === 0) return undefined;
  const snapshotId = newSnapshotId();
  const planCtx = { table: ctx.name, metadata, locator: ctx.locator };
  const target = targetBytes(metadata.properties);
  const added: NewManifest[] = [];
  let entries = 0;
  for (const group of rewritten) {
    const lives = (await Promise.all(group.map((m) => readLiveFiles(planCtx, m)))).flat();
    // Clustered by partition: a stable sort keeps each partition's files in their old order.
    const keyed = lives.map((l) => ({ l, key: partitionKey(l) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const bytes = group.reduce((n, m) => n + m.manifestLength, 0);
    const perManifest = Math.max(1, Math.ceil(keyed.length / Math.max(1, Math.ceil(bytes / target))));
    const spec = specById(metadata, group[0]!.partitionSpecId, ctx.name);
    for (let start = 0; start < keyed.length; start += perManifest) {
      const chunk = keyed.slice(start, start + perManifest);
      added.push(
        await writeNewManifest(ctx, {
          location: metadata.location,
          schema: schemaForSpec(metadata, spec),
          spec,
          content: group[0]!.content,
          snapshotId,
          entries: chunk.map(({ l }) => ({ status: ManifestEntryStatus.EXISTING, snapshotId: l.snapshotId, sequenceNumber: l.dataSequenceNumber, fileSequenceNumber: l.fileSequenceNumber, dataFile: l.file })),
          formatVersion: manifestFormatVersion(metadata),
        }),
      );
    }
    entries += keyed.length;
  }
  const replaced = new Set(rewritten.flat().map((m) => m.manifestPath));
  const summary = {
    'manifests-created': String(added.length),
    'manifests-replaced': String(replaced.size),
    'manifests-kept': String(manifests.length - replaced.size),
    'entries-processed': String(entries),
  };
  return {
    async build(base, attempt, timestampMs) {
      const nowHead = branchHead(base.metadata);
      const baseManifests = await lists.manifestsOf(base.metadata, nowHead);
      const present = new Set(baseManifests.map((m) => m.manifestPath));
      const missing = [...replaced].find((p) => !present.has(p));
      if (missing !== undefined) {
        throw new CommitConflictError(`manifest rewrite of table ${ctx.name} conflicts with a concurrent commit: manifest ${missing} is no longer in the current snapshot`, {
          context: { table: ctx.name, manifest: missing },
          help: 'run the manifest rewrite again',
        }, false);
      }
      const { snapshot, updates } = await produceSnapshot(
        {
          operation: 'replace',
          snapshotId,
          commitId,
          carried: baseManifests.filter((m) => !replaced.has(m.manifestPath)),
          added,
          counts: emptyCounts(),
          schemaId: currentSchema(metadata).schemaId,
          extraSummary: summary,
        },
        { ctx, base: base.metadata, attempt, timestampMs },
      );
      return {
        requirements: [{ type: 'assert-table-uuid', uuid: metadata.tableUuid }],
        updates,
        result: { snapshot, rewrittenManifests: replaced.size, addedManifests: added.length, entries },
      };
    },
  };
}
