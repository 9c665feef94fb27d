/**
 * Replacing files without changing the table's rows (spec §Snapshots, operation `replace`):
 * the commit of a compaction. Data files (and the delete files folded into them) are removed
 * and the data files holding the same live rows are added, in one snapshot.
 *
 * Validation on retry follows Iceberg Java's `BaseRewriteFiles` / `MergingSnapshotProducer`
 * (`core/src/main/java/org/apache/iceberg/BaseRewriteFiles.java`), against every snapshot
 * committed on the branch since the rewrite was planned:
 * - a concurrent append never conflicts: its files are carried forward untouched;
 * - a file this change removes must still be live (a concurrent delete, overwrite or rewrite
 *   removed it otherwise);
 * - no delete file may have been added that could apply to a removed data file (its rows would
 *   come back: the new files have a newer sequence number than the delete, spec §Scan Planning).
 * Each failure is a non-retryable `CommitConflictError` naming the snapshot and the file.
 *
 * @module
 */
import { CommitConflictError } from '../errors.js';
import { decodeManifest } from '../manifest/index.js';
import { type LiveFile, readLiveFiles, readLocated, schemaForSpec, specById } from '../scan/index.js';
import { type DataFile, DataFileContent, type ManifestEntry, type ManifestFile, ManifestContent, ManifestEntryStatus } from '../spec/index.js';
import { MAIN_BRANCH, type Snapshot } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { TableState } from '../commit/index.js';
import { newSnapshotId } from '../util/index.js';
import type { Change } from './change.js';
import { ManifestListCache, branchHead } from './head-manifests.js';
import { currentSchema, defaultSpec } from './metadata-access.js';
import { type NewManifest, countFile, emptyCounts, manifestFormatVersion, produceSnapshot, rewriteKey, writeNewManifest } from './snapshot-producer.js';
import type { TableContext } from './table-context.js';
import { fileEntryKey } from './row-delta.js';

/** What a rewrite replaces, planned on the head of its branch. */
export interface RewriteFilesOptions {
  /** The commit id. */
  readonly commitId: string;
  /** The snapshot the rewrite was planned on (the branch head then). */
  readonly startingSnapshotId: bigint | undefined;
  /** Data files removed. */
  readonly removedDataFiles: readonly LiveFile[];
  /** Delete files removed (every data file they could apply to is removed too). */
  readonly removedDeleteFiles: readonly LiveFile[];
  /** Data files added, written with the table's default spec. */
  readonly addedDataFiles: readonly DataFile[];
  /** The branch (default `main`). */
  readonly branch?: string;
  /** Extra summary entries. */
  readonly extraSummary?: Readonly<Record<string, string>>;
}

function partitionKey(specId: number, partition: readonly unknown[]): string {
  return `${specId}|${partition.map((v) => (v instanceof Uint8Array ? `b:${Buffer.from(v).toString('hex')}` : `${typeof v}:${String(v)}`)).join('|')}`;
}

/**
 * The change that commits a rewrite as one `replace` snapshot.
 * @param ctx the table
 * @param state the base the rewrite was planned on
 * @param options what it removes and adds
 */
export async function prepareRewriteFiles(ctx: TableContext, state: TableState, options: RewriteFilesOptions): Promise<Change<Snapshot>> {
  const metadata = state.metadata;
  const schema = currentSchema(metadata);
  const spec = defaultSpec(metadata);
  const branch = options.branch ?? MAIN_BRANCH;
  const head = options.startingSnapshotId === undefined ? undefined : metadata.snapshots.find((s) => s.snapshotId === options.startingSnapshotId);
  const snapshotId = newSnapshotId();
  const removed = [...options.removedDataFiles, ...options.removedDeleteFiles];
  // By entry: one Puffin file holds the deletion vectors of many data files, removed one by one.
  const removedKeys = new Set(removed.map((r) => fileEntryKey(r.file)));
  const removedDataPaths = new Set(options.removedDataFiles.map((r) => r.file.filePath));
  const removedPartitions = new Set(options.removedDataFiles.map((r) => partitionKey(r.specId, r.file.partition)));
  const counts = emptyCounts();
  for (const f of options.addedDataFiles) countFile(counts, spec.specId, f, true);
  for (const r of removed) countFile(counts, r.specId, r.file, false);
  const added: NewManifest[] = [];
  if (options.addedDataFiles.length > 0) {
    added.push(
      await writeNewManifest(ctx, {
        location: metadata.location,
        schema,
        spec,
        content: ManifestContent.DATA,
        snapshotId,
        entries: options.addedDataFiles.map((dataFile) => ({ status: ManifestEntryStatus.ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile })),
        formatVersion: manifestFormatVersion(metadata),
      }),
    );
  }
  const lists = new ManifestListCache(ctx);
  const holdsRemoved = new Map<string, boolean>();
  for (const m of await lists.manifestsOf(metadata, head)) holdsRemoved.set(m.manifestPath, false);
  for (const r of removed) holdsRemoved.set(r.manifestPath, true);
  // The manifests holding removed files are rewritten together, one per content and spec (Java's
  // `ManifestFilterManager` writes the filtered manifests likewise), cached by the set rewritten
  // so that a retry on the same manifests writes nothing.
  const rewrites = new Map<string, Promise<NewManifest>>();
  const rewriteManifests = (group: readonly { m: ManifestFile; lives: readonly LiveFile[] }[], baseMetadata: TableMetadata): Promise<NewManifest> => {
    const key = group.map((g) => rewriteKey(g.m)).sort().join('\n');
    let p = rewrites.get(key);
    if (!p) {
      const entries: ManifestEntry[] = group.flatMap((g) =>
        g.lives.map((l) => {
          const gone = removedKeys.has(fileEntryKey(l.file));
          return {
            status: gone ? ManifestEntryStatus.DELETED : ManifestEntryStatus.EXISTING,
            snapshotId: gone ? snapshotId : l.snapshotId,
            sequenceNumber: l.dataSequenceNumber,
            fileSequenceNumber: l.fileSequenceNumber,
            dataFile: l.file,
          };
        }),
      );
      const first = group[0]!.m;
      const mSpec = specById(baseMetadata, first.partitionSpecId, ctx.name);
      p = writeNewManifest(ctx, { location: metadata.location, schema: schemaForSpec(baseMetadata, mSpec), spec: mSpec, content: first.content, snapshotId, entries, formatVersion: manifestFormatVersion(baseMetadata) });
      rewrites.set(key, p);
    }
    return p;
  };
  const conflict = (reason: string, snapshot?: Snapshot): never => {
    throw new CommitConflictError(`rewrite of table ${ctx.name} conflicts with ${snapshot ? `snapshot ${snapshot.snapshotId}` : 'a concurrent change'}: ${reason}`, {
      context: { table: ctx.name, ...(snapshot ? { conflictingSnapshotId: snapshot.snapshotId.toString(), conflictingOperation: snapshot.summary.operation } : {}) },
      help: 'run the rewrite again on the new data',
    }, false);
  };

  /** Checks the snapshots committed since the rewrite was planned (Java `BaseRewriteFiles.validate`). */
  const validateSince = async (base: TableMetadata, nowHead: Snapshot | undefined): Promise<void> => {
    const since: Snapshot[] = [];
    let cur = nowHead;
    while (cur && cur.snapshotId !== head?.snapshotId) {
      since.push(cur);
      const parent = cur.parentSnapshotId;
      cur = parent === undefined ? undefined : base.snapshots.find((s) => s.snapshotId === parent);
    }
    if (head && !cur) conflict(`snapshot ${head.snapshotId} is no longer an ancestor of the branch head (rollback or history rewrite)`);
    for (const snap of since.reverse()) {
      for (const m of await lists.manifestsOf(base, snap)) {
        if (m.addedSnapshotId !== snap.snapshotId) continue;
        const decoded = decodeManifest(await readLocated(ctx.locator, m.manifestPath, ctx.name), { path: m.manifestPath });
        for (const e of decoded.entries) {
          if ((e.snapshotId ?? m.addedSnapshotId) !== snap.snapshotId) continue;
          const path = e.dataFile.filePath;
          if (e.status === ManifestEntryStatus.DELETED && removedKeys.has(fileEntryKey(e.dataFile))) conflict(`it deleted or rewrote ${path}, which this rewrite replaces`, snap);
          if (e.status !== ManifestEntryStatus.ADDED || e.dataFile.content === DataFileContent.DATA) continue;
          // A delete file applies within its partition; an equality delete of an unpartitioned
          // spec applies to every partition (spec §Scan Planning).
          const deleteSpec = specById(base, m.partitionSpecId, ctx.name);
          const global = e.dataFile.content === DataFileContent.EQUALITY_DELETES && deleteSpec.fields.length === 0;
          // A deletion vector (or file-scoped position delete file) applies to its referenced data file alone.
          const referenced = e.dataFile.referencedDataFile;
          if (referenced !== undefined) {
            if (removedDataPaths.has(referenced)) conflict(`it added delete file ${path}, which applies to ${referenced}, a file this rewrite replaces`, snap);
            continue;
          }
          if (global || removedPartitions.has(partitionKey(m.partitionSpecId, e.dataFile.partition))) {
            conflict(`it added delete file ${path}, which may apply to files this rewrite replaces`, snap);
          }
        }
      }
    }
  };

  return {
    async build(base, attempt, timestampMs) {
      const nowHead = branchHead(base.metadata, branch);
      if (nowHead?.snapshotId !== head?.snapshotId) await validateSince(base.metadata, nowHead);
      const carried: ManifestFile[] = [];
      const holding = new Map<string, { m: ManifestFile; lives: LiveFile[] }[]>();
      const planCtx = { table: ctx.name, metadata: base.metadata, locator: ctx.locator };
      for (const m of await lists.manifestsOf(base.metadata, nowHead)) {
        const known = holdsRemoved.get(m.manifestPath);
        if (known === false) {
          carried.push(m);
          continue;
        }
        const lives = await readLiveFiles(planCtx, m);
        const holds = lives.some((l) => removedKeys.has(fileEntryKey(l.file)));
        holdsRemoved.set(m.manifestPath, holds);
        if (!holds) {
          carried.push(m);
          continue;
        }
        const key = `${m.content}/${m.partitionSpecId}`;
        holding.set(key, [...(holding.get(key) ?? []), { m, lives }]);
      }
      const replaced = await Promise.all([...holding.values()].map((group) => rewriteManifests(group, base.metadata)));
      const { snapshot, updates } = await produceSnapshot(
        {
          operation: 'replace',
          snapshotId,
          commitId: options.commitId,
          carried,
          added: [...added, ...replaced],
          counts,
          schemaId: schema.schemaId,
          branch,
          ...(options.extraSummary ? { extraSummary: options.extraSummary } : {}),
        },
        { ctx, base: base.metadata, attempt, timestampMs },
      );
      return { requirements: [{ type: 'assert-table-uuid', uuid: metadata.tableUuid }], updates, result: snapshot };
    },
  };
}
