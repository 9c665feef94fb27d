/**
 * Overwrite and delete by filter, copy-on-write (spec §Snapshots operations `overwrite` and
 * `delete`): files with no matching row are untouched, files whose live rows all match are
 * removed, files with some matching rows are rewritten without them; an overwrite then adds
 * new data. Removed files become DELETED entries in rewritten copies of their manifests.
 *
 * Merge-on-read (`mode`, from `write.*.mode`, see `write-mode.ts`): files with some matching
 * rows stay, and the rows' positions go to position delete files (format v2,
 * `position-deletes.ts`) or deletion vectors (format v3, `deletion-vectors.ts`: one per data
 * file, merged with its earlier deletes, replacing its earlier vector in the same commit) in a
 * delete manifest (`row-delta.ts`), as Iceberg Java's `RowDelta` commits them; files whose every
 * live row matches are still removed whole. A data file removed takes its deletion vector (and
 * position delete files scoped to it alone) with it (spec §Deletion Vectors).
 *
 * Validation on retry (spec/commit-protocol.md §C7), against every snapshot committed on the
 * branch since the change was planned:
 * - a file this change removes must still be live (else another writer deleted or rewrote it);
 * - a file this change writes position deletes for must still be live (Java `RowDelta`
 *   `validateDataFilesExist`);
 * - no delete file may have been added that could apply to the files removed or deleted from
 *   (same partition, `file_path` bounds holding the file or its `referenced_data_file`; Java
 *   `validateNoConflictingDeleteFiles`, and for deletion vectors `validateAddedDVs`), whatever
 *   the isolation level: a concurrent deletion vector for the same data file conflicts, and the
 *   operation run again merges with it;
 * - a delete file this change replaces must still be live;
 * - under `serializable` isolation (`write.isolation-level`, the default), no data file may have
 *   been added that could hold rows matching the filter; `snapshot` isolation skips this check.
 * Each failure is a non-retryable `CommitConflictError` naming the snapshot and file.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import pLimit from 'p-limit';
import type { TableState } from '../commit/index.js';
import { CommitConflictError } from '../errors.js';
import { type BoundExpression, evaluatePartition, fileMightMatch, fileMustMatch, projectInclusive, projectStrict, rowMask } from '../expr/index.js';
import { filterRows } from '../io/index.js';
import { decodeManifest } from '../manifest/index.js';
import { DeleteLoader, type FileScanTask, type LiveFile, planFiles, readLiveFiles, readLocated, readTask, schemaForSpec, specById } from '../scan/index.js';
import { DataFileContent, type ManifestEntry, type ManifestFile, ManifestContent, ManifestEntryStatus } from '../spec/index.js';
import { MAIN_BRANCH, type Snapshot, type SnapshotOperation, withRowLineage } from '../spec/index.js';
import type { Schema, TableMetadata } from '../spec/index.js';
import { newSnapshotId } from '../util/index.js';
import type { Change } from './change.js';
import { deleteFileMayApply, fileEntryKey, writeDeleteManifests } from './row-delta.js';
import { supersededDeletes, writeDeletionVectors } from './deletion-vectors.js';
import { type DeletedPositions, deletedPositions, matchSchema, writePositionDeleteFiles } from './position-deletes.js';
import type { WriteMode } from './write-mode.js';
import { ManifestListCache, branchHead } from './head-manifests.js';
import { currentSchema, defaultSpec } from './metadata-access.js';
import { type NewManifest, countFile, emptyCounts, manifestFormatVersion, produceSnapshot, rewriteKey, writeNewManifest } from './snapshot-producer.js';
import type { TableContext } from './table-context.js';
import { type WriteInput, toArrowTable, writeDataFiles } from './write-data-files.js';

/** Data files read at once to find the positions of rows a merge-on-read change deletes. */
const MATCH_READ_CONCURRENCY = 4;

/** Isolation levels (`write.isolation-level`). */
export type IsolationLevel = 'serializable' | 'snapshot';

/** Options of {@link prepareRewrite}. */
export interface RewriteOptions {
  /** The commit id. */
  readonly commitId: string;
  /** Rows to remove, bound to the current schema; undefined removes every row. */
  readonly filter?: BoundExpression;
  /** Rows to add (an overwrite); none for a delete. */
  readonly data?: WriteInput;
  /** The branch (default `main`). */
  readonly branch?: string;
  /** Extra summary entries. */
  readonly extraSummary?: Readonly<Record<string, string>>;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /**
   * The exact rows to remove from a file that `filter` may match (1 = remove), for filters
   * that only over-approximate the rows (an upsert's per-column `IN`s on a composite key);
   * default `rowMask(filter)`. `filter` still drives pruning and conflict validation, so it
   * must match every row this returns 1 for.
   */
  readonly matchRows?: (batch: arrow.RecordBatch) => Uint8Array;
  /** Columns `matchRows` reads by name (an upsert's keys), read alone under merge-on-read. */
  readonly matchColumns?: readonly string[];
  /**
   * On a v3 table, the rows to add given the rows this rewrite removes (read with their row
   * lineage): an upsert gives each updated row the `_row_id` of the row it replaces and a null
   * `_last_updated_sequence_number` (spec §Row Lineage: a modified row keeps its id and inherits
   * the new sequence number). The result is written with the row lineage columns.
   */
  readonly dataWithLineage?: (data: arrow.Table, removed: readonly arrow.RecordBatch[]) => arrow.Table;
  /**
   * Copy-on-write (default) rewrites files holding removed rows; merge-on-read writes position
   * delete files for them instead (see `write-mode.ts`).
   */
  readonly mode?: WriteMode;
}

/** Whether every row of a planned file matches `filter`, from metadata alone. */
function mustMatchWhole(filter: BoundExpression, task: LiveFile, metadata: TableMetadata, schema: Schema, table: string): boolean {
  const spec = specById(metadata, task.specId, table);
  if (spec.fields.length > 0 && evaluatePartition(projectStrict(filter, spec, schemaForSpec(metadata, spec)), task.file.partition)) return true;
  return fileMustMatch(filter, task.file, schema);
}

/** The isolation level a table's properties ask for. */
export function isolationLevel(metadata: TableMetadata): IsolationLevel {
  return metadata.properties['write.isolation-level'] === 'snapshot' ? 'snapshot' : 'serializable';
}

/**
 * Reads the files the filter touches, writes what must be rewritten and the new data, and
 * returns the change that commits it all.
 */
export async function prepareRewrite(ctx: TableContext, state: TableState, options: RewriteOptions): Promise<Change<Snapshot>> {
  const metadata = state.metadata;
  const schema = currentSchema(metadata);
  const spec = defaultSpec(metadata);
  const branch = options.branch ?? MAIN_BRANCH;
  const head = branchHead(metadata, branch);
  const planCtx = { table: ctx.name, metadata, locator: ctx.locator };
  const filter = options.filter;
  const plan = await planFiles(planCtx, { snapshot: head ?? null, schema, ...(filter ? { filter } : {}) });
  const deletes = new DeleteLoader(planCtx);
  const removed: FileScanTask[] = [];
  const keptBatches: arrow.RecordBatch[] = [];
  const positional: DeletedPositions[] = [];
  const mergeOnRead = options.mode === 'merge-on-read';
  const movedSchema = withRowLineage(schema, metadata.formatVersion);
  // Merge-on-read keeps the rows it deletes only where an upsert carries their row ids (v3).
  const collect = mergeOnRead && options.dataWithLineage !== undefined && movedSchema !== schema;
  const matched = mergeOnRead && filter ? matchSchema(schema, filter, options.matchColumns) : schema;
  const matchRead = collect ? withRowLineage(matched, metadata.formatVersion) : matched;
  const searches: Promise<DeletedPositions>[] = [];
  const removedRows: arrow.RecordBatch[] = [];
  const limit = pLimit(MATCH_READ_CONCURRENCY);
  for (const task of plan.tasks) {
    if (!filter) {
      removed.push(task);
      continue;
    }
    // A file whose every row matches (by its partition through the strict projection, or by its
    // metrics) is removed whole, without reading it. Not for `matchRows` callers (upsert), whose
    // filter only prunes.
    if (!options.matchRows && mustMatchWhole(filter, task, metadata, schema, ctx.name)) {
      removed.push(task);
      continue;
    }
    if (mergeOnRead) {
      // Files are read a few at a time (each read decodes only the match's columns); results
      // are taken in plan order below.
      const match = (b: arrow.RecordBatch): Uint8Array => (options.matchRows ? options.matchRows(b) : rowMask(filter, b, matchRead));
      searches.push(limit(() => deletedPositions(task, { table: ctx.name, metadata, locator: ctx.locator, readSchema: matchRead, deletes, match, collect })));
      continue;
    }
    // On a v3 table the kept rows carry their row lineage into the new file (`withRowLineage`).
    const batches = await readTask(task, { table: ctx.name, metadata, locator: ctx.locator, readSchema: movedSchema, deletes });
    let matching = 0;
    let live = 0;
    const keep: arrow.RecordBatch[] = [];
    for (const b of batches) {
      const mask = options.matchRows ? options.matchRows(b) : rowMask(filter, b, schema);
      const inverse = new Uint8Array(b.numRows);
      for (let i = 0; i < b.numRows; i++) {
        matching += mask[i]!;
        inverse[i] = mask[i]! ^ 1;
      }
      live += b.numRows;
      keep.push(filterRows(b, inverse));
      if (options.dataWithLineage) removedRows.push(filterRows(b, mask));
    }
    if (matching === 0) continue;
    removed.push(task);
    if (matching < live) keptBatches.push(...keep.filter((b) => b.numRows > 0));
  }
  for (const found of await Promise.all(searches)) {
    if (found.rows) removedRows.push(...found.rows);
    // Every live row deleted: drop the file rather than point at all of it (as copy-on-write does).
    if (found.positions.length > 0 && found.positions.length === found.live) removed.push(found.task);
    else if (found.positions.length > 0) positional.push(found);
  }
  const writeOptions = {
    schema,
    spec,
    location: metadata.location,
    properties: metadata.properties,
    ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}),
  };
  const rewritten = keptBatches.length > 0 ? await writeDataFiles(ctx, new arrow.Table(keptBatches), { ...writeOptions, schema: movedSchema }) : [];
  const carried = options.data !== undefined && options.dataWithLineage && movedSchema !== schema;
  const fresh = !options.data
    ? []
    : carried
      ? await writeDataFiles(ctx, options.dataWithLineage!(toArrowTable(options.data, { schema, table: ctx.name, ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}) }), removedRows), { ...writeOptions, schema: movedSchema })
      : await writeDataFiles(ctx, options.data, writeOptions);
  // spec §Delete Formats: position delete files must not be added to v3 tables; deletion vectors are.
  const vectors = metadata.formatVersion >= 3 ? await writeDeletionVectors(ctx, positional, metadata.location) : undefined;
  const deleteFiles = vectors ? vectors.files : await writePositionDeleteFiles(ctx, positional, { metadata, properties: metadata.properties });
  const removedDeletes = new Map<string, LiveFile>();
  for (const d of [...(vectors?.replaced ?? []), ...removed.flatMap((r) => supersededDeletes(r))]) removedDeletes.set(fileEntryKey(d.file), d);
  const snapshotId = newSnapshotId();
  const counts = emptyCounts();
  for (const f of [...rewritten, ...fresh]) countFile(counts, spec.specId, f, true);
  for (const d of deleteFiles) countFile(counts, d.specId, d.file, true);
  for (const r of removed) countFile(counts, r.specId, r.file, false);
  for (const d of removedDeletes.values()) countFile(counts, d.specId, d.file, false);
  const added: NewManifest[] = await writeDeleteManifests(ctx, metadata, snapshotId, deleteFiles);
  const addedFiles = [...rewritten, ...fresh];
  if (addedFiles.length > 0) {
    added.push(
      await writeNewManifest(ctx, {
        location: metadata.location,
        schema,
        spec,
        content: ManifestContent.DATA,
        snapshotId,
        entries: addedFiles.map((dataFile) => ({ status: ManifestEntryStatus.ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile })),
        formatVersion: manifestFormatVersion(metadata),
      }),
    );
  }
  // Java's RowDelta: only delete files added is a `delete`, anything else an `overwrite`.
  const operation: SnapshotOperation = options.data !== undefined || rewritten.length > 0 ? 'overwrite' : 'delete';
  const removedPaths = new Set(removed.map((r) => r.file.filePath));
  const removedDeleteKeys = new Set(removedDeletes.keys());
  const isGone = (f: LiveFile['file']): boolean => (f.content === DataFileContent.DATA ? removedPaths.has(f.filePath) : removedDeleteKeys.has(fileEntryKey(f)));
  const touched = [...removed, ...positional.map((p) => p.task)];
  const lists = new ManifestListCache(ctx);
  // Manifests of the planned head: which hold removed files. Pruned manifests cannot.
  const rewrites = new Map<string, Promise<NewManifest>>();
  const holdsRemoved = new Map<string, boolean>();
  for (const m of await lists.manifestsOf(metadata, head)) holdsRemoved.set(m.manifestPath, false);
  for (const r of [...removed, ...removedDeletes.values()]) holdsRemoved.set(r.manifestPath, true);

  const rewriteManifest = (m: ManifestFile, baseMetadata: TableMetadata): Promise<NewManifest> => {
    let p = rewrites.get(rewriteKey(m));
    if (!p) {
      p = (async () => {
        const lives = await readLiveFiles({ table: ctx.name, metadata: baseMetadata, locator: ctx.locator }, m);
        const entries: ManifestEntry[] = lives.map((l) => ({
          status: isGone(l.file) ? ManifestEntryStatus.DELETED : ManifestEntryStatus.EXISTING,
          snapshotId: isGone(l.file) ? snapshotId : l.snapshotId,
          sequenceNumber: l.dataSequenceNumber,
          fileSequenceNumber: l.fileSequenceNumber,
          dataFile: l.file,
        }));
        const mSpec = specById(baseMetadata, m.partitionSpecId, ctx.name);
        return writeNewManifest(ctx, {
          location: metadata.location,
          schema: schemaForSpec(baseMetadata, mSpec),
          spec: mSpec,
          content: m.content,
          snapshotId,
          entries,
          formatVersion: manifestFormatVersion(baseMetadata),
        });
      })();
      rewrites.set(rewriteKey(m), p);
    }
    return p;
  };

  return {
    async build(base, attempt, timestampMs) {
      const nowHead = branchHead(base.metadata, branch);
      if (nowHead?.snapshotId !== head?.snapshotId) {
        await validateSince(ctx, base.metadata, { head, nowHead, removedPaths, removedDeleteKeys, touched, filter, lists, isolation: isolationLevel(base.metadata) });
      }
      const baseManifests = await lists.manifestsOf(base.metadata, nowHead);
      const carried: ManifestFile[] = [];
      const replaced: NewManifest[] = [];
      for (const m of baseManifests) {
        let holds = holdsRemoved.get(m.manifestPath);
        if (holds === undefined) {
          const lives = await readLiveFiles({ table: ctx.name, metadata: base.metadata, locator: ctx.locator }, m);
          holds = lives.some((l) => isGone(l.file));
          holdsRemoved.set(m.manifestPath, holds);
        }
        if (holds) replaced.push(await rewriteManifest(m, base.metadata));
        else carried.push(m);
      }
      const { snapshot, updates } = await produceSnapshot(
        {
          operation,
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

interface ValidateOptions {
  readonly head: Snapshot | undefined;
  readonly nowHead: Snapshot | undefined;
  readonly removedPaths: ReadonlySet<string>;
  /** Delete files this change removes ({@link fileEntryKey}). */
  readonly removedDeleteKeys: ReadonlySet<string>;
  /** Data files this change removes or writes position deletes for. */
  readonly touched: readonly LiveFile[];
  readonly filter: BoundExpression | undefined;
  readonly lists: ManifestListCache;
  readonly isolation: IsolationLevel;
}

/** Snapshots on the branch after `from` up to `to`, oldest first; undefined if `from` is no longer an ancestor. */
function snapshotsSince(metadata: TableMetadata, from: Snapshot | undefined, to: Snapshot | undefined): Snapshot[] | undefined {
  const out: Snapshot[] = [];
  let cur = to;
  while (cur && cur.snapshotId !== from?.snapshotId) {
    out.push(cur);
    const parent = cur.parentSnapshotId;
    cur = parent === undefined ? undefined : metadata.snapshots.find((s) => s.snapshotId === parent);
  }
  if (from && !cur) return undefined;
  return out.reverse();
}

async function validateSince(ctx: TableContext, metadata: TableMetadata, o: ValidateOptions): Promise<void> {
  const conflict = (reason: string, snapshot?: Snapshot): never => {
    throw new CommitConflictError(`commit to table ${ctx.name} conflicts with ${snapshot ? `snapshot ${snapshot.snapshotId}` : 'a concurrent change'}: ${reason}`, {
      context: { table: ctx.name, ...(snapshot ? { conflictingSnapshotId: snapshot.snapshotId.toString(), conflictingOperation: snapshot.summary.operation } : {}) },
      help: 'reload the table and run the operation again on the new data',
    }, false);
  };
  const since = snapshotsSince(metadata, o.head, o.nowHead);
  if (!since) return conflict(`snapshot ${o.head?.snapshotId} is no longer an ancestor of the branch head (rollback or history rewrite)`);
  const planCtx = { table: ctx.name, metadata, locator: ctx.locator };
  const touchedPaths = new Set(o.touched.map((t) => t.file.filePath));
  for (const snap of since) {
    for (const m of await o.lists.manifestsOf(metadata, snap)) {
      if (m.addedSnapshotId !== snap.snapshotId) continue;
      const entries = await readEntriesAddedOrDeletedBy(planCtx, m, snap.snapshotId);
      for (const e of entries.deleted) {
        if (o.removedPaths.has(e)) conflict(`it deleted or rewrote ${e}, which this commit also removes`, snap);
        if (touchedPaths.has(e)) conflict(`it deleted or rewrote ${e}, which this commit's position deletes reference`, snap);
        if (o.removedDeleteKeys.has(e)) conflict(`it removed delete file ${e}, which this commit replaces`, snap);
      }
      for (const l of entries.added) {
        if (l.file.content !== DataFileContent.DATA) {
          const hit = o.touched.find((t) => deleteFileMayApply(l, t, metadata, ctx.name));
          if (hit) conflict(`it added delete file ${l.file.filePath}, which may apply to ${hit.file.filePath}, whose rows this commit also deletes`, snap);
          continue;
        }
        if (o.isolation !== 'serializable') continue;
        if (!o.filter) conflict(`it added data file ${l.file.filePath} while this commit replaces the whole table (serializable isolation)`, snap);
        const spec = specById(metadata, l.specId, ctx.name);
        const schema = schemaForSpec(metadata, spec);
        const projected = projectInclusive(o.filter!, spec, schema);
        if (evaluatePartition(projected, l.file.partition) && fileMightMatch(o.filter!, l.file, currentSchema(metadata))) {
          conflict(`it added data file ${l.file.filePath}, which may hold rows matching this commit's filter (serializable isolation)`, snap);
        }
      }
    }
  }
}

async function readEntriesAddedOrDeletedBy(
  planCtx: { table: string; metadata: TableMetadata; locator: TableContext['locator'] },
  m: ManifestFile,
  snapshotId: bigint,
): Promise<{ added: LiveFile[]; deleted: string[] }> {
  const bytes = await readLocated(planCtx.locator, m.manifestPath, planCtx.table);
  const decoded = decodeManifest(bytes, { path: m.manifestPath });
  const deleted = decoded.entries
    .filter((e) => e.status === ManifestEntryStatus.DELETED && (e.snapshotId ?? m.addedSnapshotId) === snapshotId)
    .map((e) => fileEntryKey(e.dataFile));
  const live = await readLiveFiles(planCtx, m);
  return { added: live.filter((l) => l.snapshotId === snapshotId), deleted };
}
