/**
 * Producing a snapshot (spec §Snapshots, §Manifest Lists): new manifests for the files a change
 * adds and removes, a manifest list carrying the base's other manifests forward, the snapshot
 * with its summary, and the `add-snapshot` + `set-snapshot-ref` updates.
 *
 * Manifests are written once per change and reused by every retry; only the manifest list (its
 * sequence numbers and the base manifests it carries) is rebuilt per attempt
 * (spec/commit-protocol.md §C6).
 *
 * @module
 */
import { UnsupportedError } from '../errors.js';
import { UNKNOWN_COUNT, encodeManifestFile, encodeManifestList } from '../manifest/index.js';
import {
  type DataFile,
  DataFileContent,
  ManifestContent,
  type ManifestEntry,
  type ManifestFile,
  ManifestEntryStatus,
} from '../spec/index.js';
import type { PartitionSpec } from '../spec/index.js';
import { MAIN_BRANCH, type Snapshot, type SnapshotOperation } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import { newUuid } from '../util/index.js';
import { type TableContext, newFileLocation } from './table-context.js';
import type { TableUpdate } from './updates.js';

const AVRO = 'application/avro';

/** Counts a change contributes to its snapshot summary (spec §Snapshot Summary, Java's names). */
export interface ChangeCounts {
  addedDataFiles: number;
  addedRecords: number;
  addedFilesSize: number;
  addedDeleteFiles: number;
  addedPositionDeleteFiles: number;
  addedEqualityDeleteFiles: number;
  addedPositionDeletes: number;
  addedEqualityDeletes: number;
  /** Deletion vectors added (Java `added-dvs`); not counted as position delete files. */
  addedDvs: number;
  deletedDataFiles: number;
  deletedRecords: number;
  removedFilesSize: number;
  removedDeleteFiles: number;
  removedPositionDeleteFiles: number;
  removedEqualityDeleteFiles: number;
  removedPositionDeletes: number;
  removedEqualityDeletes: number;
  /** Deletion vectors removed (Java `removed-dvs`). */
  removedDvs: number;
  changedPartitions: Set<string>;
}

/** Zeroed counts. */
export function emptyCounts(): ChangeCounts {
  return {
    addedDataFiles: 0,
    addedRecords: 0,
    addedFilesSize: 0,
    addedDeleteFiles: 0,
    addedPositionDeleteFiles: 0,
    addedEqualityDeleteFiles: 0,
    addedPositionDeletes: 0,
    addedEqualityDeletes: 0,
    addedDvs: 0,
    deletedDataFiles: 0,
    deletedRecords: 0,
    removedFilesSize: 0,
    removedDeleteFiles: 0,
    removedPositionDeleteFiles: 0,
    removedEqualityDeleteFiles: 0,
    removedPositionDeletes: 0,
    removedEqualityDeletes: 0,
    removedDvs: 0,
    changedPartitions: new Set(),
  };
}

function partitionKey(specId: number, file: DataFile): string {
  return `${specId}/${file.partition.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v))).join('/')}`;
}

/** Adds a file to the counts as added (`added`) or removed. */
export function countFile(counts: ChangeCounts, specId: number, file: DataFile, added: boolean): void {
  counts.changedPartitions.add(partitionKey(specId, file));
  if (file.content === DataFileContent.DATA) {
    if (added) {
      counts.addedDataFiles += 1;
      counts.addedRecords += file.recordCount;
      counts.addedFilesSize += file.fileSizeInBytes;
    } else {
      counts.deletedDataFiles += 1;
      counts.deletedRecords += file.recordCount;
      counts.removedFilesSize += file.fileSizeInBytes;
    }
    return;
  }
  const isPosition = file.content === DataFileContent.POSITION_DELETES;
  // Java's SnapshotSummary: a deletion vector counts as a delete file, its positions as position
  // deletes, its size as its blob's (`ScanTaskUtil.contentSizeInBytes`: the Puffin file holds
  // other vectors), and as `added-dvs` rather than a position delete file.
  const isDv = isPosition && file.fileFormat.toUpperCase() === 'PUFFIN';
  const size = isDv ? (file.contentSizeInBytes ?? file.fileSizeInBytes) : file.fileSizeInBytes;
  if (added) {
    counts.addedDeleteFiles += 1;
    counts.addedFilesSize += size;
    if (isPosition) {
      if (isDv) counts.addedDvs += 1;
      else counts.addedPositionDeleteFiles += 1;
      counts.addedPositionDeletes += file.recordCount;
    } else {
      counts.addedEqualityDeleteFiles += 1;
      counts.addedEqualityDeletes += file.recordCount;
    }
  } else {
    counts.removedDeleteFiles += 1;
    counts.removedFilesSize += size;
    if (isPosition) {
      if (isDv) counts.removedDvs += 1;
      else counts.removedPositionDeleteFiles += 1;
      counts.removedPositionDeletes += file.recordCount;
    } else {
      counts.removedEqualityDeleteFiles += 1;
      counts.removedEqualityDeletes += file.recordCount;
    }
  }
}

/** A manifest written by this change, with what the manifest list needs to know about it. */
export interface NewManifest {
  /** The manifest-list entry (its sequence numbers are set per attempt). */
  readonly file: ManifestFile;
  /** Whether it holds ADDED entries, whose sequence numbers are inherited from the list. */
  readonly hasAdded: boolean;
  /**
   * Rows of its data entries (any status) without a `first_row_id`: the row ids a v3 manifest list
   * must leave room for after the `first_row_id` it assigns the manifest (spec §First Row ID
   * Assignment).
   */
  readonly unassignedRows: bigint;
  /** The lowest explicit data sequence number of its live EXISTING entries, if any. */
  readonly minExistingSequenceNumber: bigint | undefined;
}

/**
 * The manifest format version of a table's new manifests: 3 for a v3 table (whose entries carry
 * `first_row_id`), else 2.
 * @param metadata the metadata the manifest's entries were read from
 */
export function manifestFormatVersion(metadata: TableMetadata): 2 | 3 {
  return metadata.formatVersion >= 3 ? 3 : 2;
}

/**
 * A key for a base manifest as a change rewrites it: its path and, in a v3 table, the
 * `first_row_id` it was listed with. A manifest carried from before an upgrade gets its
 * `first_row_id` in the first snapshot after it, so a retry on a newer base must not reuse a
 * rewrite that read its files without row ids (they would get other ids than the base gave them).
 * @param m the manifest-list entry
 */
export function rewriteKey(m: ManifestFile): string {
  return m.firstRowId === undefined ? m.manifestPath : `${m.manifestPath}@${m.firstRowId}`;
}

/** Options of {@link writeNewManifest} and {@link stageNewManifest}. */
export interface NewManifestOptions {
  readonly location: string;
  readonly schema: Schema;
  readonly spec: PartitionSpec;
  readonly content: ManifestContent;
  readonly snapshotId: bigint;
  readonly entries: readonly ManifestEntry[];
  /** The table's format version (default 2): a v3 table's manifests carry `first_row_id`. */
  readonly formatVersion?: 2 | 3;
}

/**
 * Writes one manifest of this change's entries.
 * @param ctx the table
 * @param options what to write
 */
export async function writeNewManifest(ctx: TableContext, options: NewManifestOptions): Promise<NewManifest> {
  const staged = stageNewManifest(ctx, options);
  await staged.stored;
  return staged.manifest;
}

/**
 * Encodes one manifest of this change's entries and starts its put without waiting for it: the
 * manifest list needs only the manifest's path and length, so a commit writes the data files,
 * the manifest and the list concurrently and waits for all of them before its commit point.
 * @param ctx the table
 * @param options what to write
 * @returns the manifest-list entry, and the put (already guarded against an unhandled rejection:
 *   whoever commits awaits it)
 */
export function stageNewManifest(ctx: TableContext, options: NewManifestOptions): { readonly manifest: NewManifest; readonly stored: Promise<void> } {
  const recorded = newFileLocation(options.location, `metadata/${newUuid()}-m0.avro`);
  const { store, key } = ctx.locator.resolve(recorded);
  const encoded = encodeManifestFile(key, {
    schema: options.schema,
    spec: options.spec,
    formatVersion: options.formatVersion ?? 2,
    content: options.content,
    snapshotId: options.snapshotId,
    entries: [...options.entries],
  });
  const stored = awaitedLater(store.put(key, encoded.bytes, { mode: { kind: 'create' }, contentType: AVRO }));
  let minExisting: bigint | undefined;
  let hasAdded = false;
  let unassignedRows = 0n;
  for (const e of options.entries) {
    if (e.dataFile.content === DataFileContent.DATA && e.dataFile.firstRowId === undefined) unassignedRows += BigInt(e.dataFile.recordCount);
    if (e.status === ManifestEntryStatus.ADDED) hasAdded = true;
    else if (e.status === ManifestEntryStatus.EXISTING && e.sequenceNumber !== null) {
      if (minExisting === undefined || e.sequenceNumber < minExisting) minExisting = e.sequenceNumber;
    }
  }
  return { manifest: { file: { ...encoded.file, manifestPath: recorded }, hasAdded, minExistingSequenceNumber: minExisting, unassignedRows }, stored };
}

/**
 * A write started now and awaited later (before the commit point): its rejection is marked
 * handled at once, so a failure while the commit is still preparing is not an unhandled
 * rejection; it is raised where the promise is awaited.
 * @param write the write in flight
 */
export function awaitedLater(write: Promise<unknown>): Promise<void> {
  const done = write.then(() => undefined);
  done.catch(() => undefined);
  return done;
}

/** What a change hands to {@link produceSnapshot} on each attempt. */
export interface SnapshotChange {
  /** The summary's `operation`. */
  readonly operation: SnapshotOperation;
  /** The snapshot id (chosen once per change, stable across attempts). */
  readonly snapshotId: bigint;
  /** The commit id (stable across attempts). */
  readonly commitId: string;
  /** Base manifests carried forward (already with any this change replaces swapped out). */
  readonly carried: readonly ManifestFile[];
  /** Manifests this change wrote. */
  readonly added: readonly NewManifest[];
  /** Summary counts. */
  readonly counts: ChangeCounts;
  /** Extra summary entries (lineage, job). */
  readonly extraSummary?: Readonly<Record<string, string>>;
  /** The schema id current when the change was made. */
  readonly schemaId: number;
  /** The branch to commit to (default `main`). */
  readonly branch?: string;
}

function total(parent: Snapshot | undefined, key: string, delta: number): string | undefined {
  if (!parent) return String(delta);
  const before = parent.summary[key];
  if (before === undefined || !/^-?\d+$/.test(before)) return undefined;
  return String(Number(before) + delta);
}

/** Builds the summary (spec §Snapshot Summary; keys as Java writes them). */
export function buildSummary(change: SnapshotChange, parent: Snapshot | undefined): Snapshot['summary'] {
  const c = change.counts;
  const s: Record<string, string> = { operation: change.operation };
  const put = (k: string, v: number): void => {
    if (v !== 0) s[k] = String(v);
  };
  put('added-data-files', c.addedDataFiles);
  put('added-records', c.addedRecords);
  put('added-files-size', c.addedFilesSize);
  put('added-delete-files', c.addedDeleteFiles);
  put('added-position-delete-files', c.addedPositionDeleteFiles);
  put('added-equality-delete-files', c.addedEqualityDeleteFiles);
  put('added-position-deletes', c.addedPositionDeletes);
  put('added-equality-deletes', c.addedEqualityDeletes);
  put('added-dvs', c.addedDvs);
  put('deleted-data-files', c.deletedDataFiles);
  put('deleted-records', c.deletedRecords);
  put('removed-files-size', c.removedFilesSize);
  put('removed-delete-files', c.removedDeleteFiles);
  put('removed-position-delete-files', c.removedPositionDeleteFiles);
  put('removed-equality-delete-files', c.removedEqualityDeleteFiles);
  put('removed-position-deletes', c.removedPositionDeletes);
  put('removed-equality-deletes', c.removedEqualityDeletes);
  put('removed-dvs', c.removedDvs);
  s['changed-partition-count'] = String(c.changedPartitions.size);
  const totals: [string, number][] = [
    ['total-records', c.addedRecords - c.deletedRecords],
    ['total-files-size', c.addedFilesSize - c.removedFilesSize],
    ['total-data-files', c.addedDataFiles - c.deletedDataFiles],
    ['total-delete-files', c.addedDeleteFiles - c.removedDeleteFiles],
    ['total-position-deletes', c.addedPositionDeletes - c.removedPositionDeletes],
    ['total-equality-deletes', c.addedEqualityDeletes - c.removedEqualityDeletes],
  ];
  for (const [k, delta] of totals) {
    const v = total(parent, k, delta);
    if (v !== undefined) s[k] = v;
  }
  return { ...s, ...change.extraSummary, 'floe.commit-id': change.commitId } as unknown as Snapshot['summary'];
}

/** Options of {@link produceSnapshot}. */
export interface ProduceOptions {
  /** The table. */
  readonly ctx: TableContext;
  /** The base metadata. */
  readonly base: TableMetadata;
  /** The attempt number (part of the manifest-list name, as Java does). */
  readonly attempt: number;
  /** The snapshot's timestamp (monotonic per table). */
  readonly timestampMs: number;
}

/**
 * Row lineage of one snapshot of a v3 table (spec §Row Lineage): the snapshot's `first-row-id` is
 * the base's `next-row-id`, read again on every attempt (spec §Snapshot Row IDs: "If a commit is
 * retried, the first-row-id must be reassigned"); each data manifest of the list without a
 * `first_row_id` (this change's new manifests, and in the first snapshot after an upgrade the
 * carried ones too) is assigned the next range, as large as the rows that will inherit from it
 * (spec §First Row ID Assignment); manifests that have one keep it, delete manifests get none.
 * `added-rows` is the total assigned, by which applying the snapshot advances `next-row-id`.
 * @throws UnsupportedError for a carried manifest whose row counts are unknown (a v1 manifest list)
 */
export function assignRowIds(
  manifests: readonly ManifestFile[],
  unassigned: ReadonlyMap<string, bigint>,
  nextRowId: bigint,
  table: string,
): { manifests: ManifestFile[]; firstRowId: bigint; addedRows: bigint } {
  let next = nextRowId;
  const out = manifests.map((m): ManifestFile => {
    if (m.content !== ManifestContent.DATA || m.firstRowId !== undefined) return m;
    let rows = unassigned.get(m.manifestPath);
    if (rows === undefined) {
      // A carried manifest written before the table became v3: none of its files has a
      // first_row_id; DELETED entries count too, as a reader numbers every entry in order.
      const counts = [m.addedRowsCount, m.existingRowsCount, m.deletedRowsCount];
      if (counts.some((c) => c === UNKNOWN_COUNT)) {
        throw new UnsupportedError(`table ${table}: manifest ${m.manifestPath} has no row counts (a v1 manifest list), so row ids cannot be assigned to its files`, {
          context: { table, manifest: m.manifestPath },
          help: 'rewrite the table\'s manifests (rewriteManifests) before writing to it as v3',
        });
      }
      rows = BigInt(counts.reduce((a, b) => a + b, 0));
    }
    const firstRowId = next;
    next += rows;
    return { ...m, firstRowId };
  });
  return { manifests: out, firstRowId: nextRowId, addedRows: next - nextRowId };
}

/**
 * Writes the manifest list for one attempt and returns the snapshot and its updates. On a v3
 * table the list is v3 and row ids are assigned ({@link assignRowIds}).
 */
export async function produceSnapshot(change: SnapshotChange, options: ProduceOptions): Promise<{ snapshot: Snapshot; updates: TableUpdate[] }> {
  const { base, ctx } = options;
  const branch = change.branch ?? MAIN_BRANCH;
  const parentId = base.refs[branch]?.snapshotId ?? (branch === MAIN_BRANCH ? base.currentSnapshotId : null) ?? undefined;
  const parent = parentId === undefined ? undefined : base.snapshots.find((s) => s.snapshotId === parentId);
  const sequenceNumber = base.lastSequenceNumber + 1n;
  let manifests: ManifestFile[] = [
    ...change.added.map((m): ManifestFile => {
      let min = m.hasAdded ? sequenceNumber : (m.minExistingSequenceNumber ?? sequenceNumber);
      if (m.minExistingSequenceNumber !== undefined && m.minExistingSequenceNumber < min) min = m.minExistingSequenceNumber;
      return { ...m.file, sequenceNumber, minSequenceNumber: min, addedSnapshotId: change.snapshotId };
    }),
    ...change.carried,
  ];
  let lineage: { firstRowId: bigint; addedRows: bigint } | undefined;
  if (base.formatVersion >= 3) {
    const assigned = assignRowIds(manifests, new Map(change.added.map((m) => [m.file.manifestPath, m.unassignedRows])), base.nextRowId ?? 0n, ctx.name);
    manifests = assigned.manifests;
    lineage = { firstRowId: assigned.firstRowId, addedRows: assigned.addedRows };
  }
  const listLocation = newFileLocation(base.location, `metadata/snap-${change.snapshotId}-${options.attempt}-${newUuid()}.avro`);
  const { store, key } = ctx.locator.resolve(listLocation);
  const listBytes = encodeManifestList({
    snapshotId: change.snapshotId,
    ...(parentId === undefined ? {} : { parentSnapshotId: parentId }),
    sequenceNumber,
    manifests,
    ...(lineage ? { formatVersion: 3 as const, firstRowId: lineage.firstRowId } : {}),
  });
  await store.put(key, listBytes, { mode: { kind: 'create' }, contentType: AVRO });
  // If this attempt commits, the next commit carries these manifests forward: it finds them here
  // instead of reading the list back (manifest-list files are immutable under unique names).
  ctx.manifestLists?.remember(listLocation, listBytes);
  const snapshot: Snapshot = {
    snapshotId: change.snapshotId,
    ...(parentId === undefined ? {} : { parentSnapshotId: parentId }),
    sequenceNumber,
    timestampMs: options.timestampMs,
    manifestList: listLocation,
    summary: buildSummary(change, parent),
    schemaId: change.schemaId,
    ...(lineage ?? {}),
  };
  const existingRef = base.refs[branch];
  return {
    snapshot,
    updates: [
      { action: 'add-snapshot', snapshot },
      { action: 'set-snapshot-ref', refName: branch, ref: { ...existingRef, snapshotId: change.snapshotId, type: 'branch' } },
    ],
  };
}
