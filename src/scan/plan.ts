/**
 * Scan planning (spec §Scan Planning): snapshot → manifest list → manifests → live files,
 * pruned, each data file paired with the delete files that apply to it. Metadata only: no data
 * file is opened here.
 *
 * Pruning is inclusive at every level, so it never drops a file that holds a matching row:
 * 1. manifests, by the filter projected through each spec's transforms against the manifest
 *    list's partition summaries;
 * 2. entries, by the projected filter on the file's partition tuple, then by column metrics.
 *
 * Deletes (spec §Scan Planning "Delete files"): a position delete file applies to data files of
 * the same spec and partition with data sequence number ≤ its own; an equality delete file
 * applies when the data file's sequence number is strictly less and the partition matches (or
 * the delete file is unpartitioned).
 *
 * @module
 */
import pLimit from 'p-limit';
import { CorruptFileError } from '../errors.js';
import {
  type BoundExpression,
  evaluatePartition,
  fileMightMatch,
  manifestMightMatch,
  projectInclusive,
} from '../expr/index.js';
import { decodeManifest, decodeManifestList, inheritFirstRowIds, inheritSequenceNumbers, manifestFileFromManifest } from '../manifest/index.js';
import { type DataFile, DataFileContent, type ManifestFile, ManifestContent, ManifestEntryStatus } from '../spec/index.js';
import { compareBytes, partitionType } from '../spec/index.js';
import type { PartitionSpec } from '../spec/index.js';
import type { Snapshot } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema, StructType } from '../spec/index.js';
import type { FileLocator } from '../store/index.js';
import { readLocated } from './read-located.js';

/** A live file with the sequence numbers it was committed at. */
export interface LiveFile {
  /** The file. */
  readonly file: DataFile;
  /** Its data sequence number (inherited where the manifest left it null). */
  readonly dataSequenceNumber: bigint;
  /** Its file sequence number (inherited likewise). */
  readonly fileSequenceNumber: bigint;
  /** The snapshot that added it (inherited likewise). */
  readonly snapshotId: bigint;
  /** The partition spec it was written with. */
  readonly specId: number;
  /** The manifest that lists it. */
  readonly manifestPath: string;
}

/** A data file to read and the delete files to apply to it. */
export interface FileScanTask extends LiveFile {
  /** Position and equality delete files that apply. */
  readonly deletes: readonly LiveFile[];
}

/** What planning read and pruned, for IO budgets and `explain`. */
export interface PlanStats {
  /** Manifests in the snapshot. */
  manifestsTotal: number;
  /** Manifests pruned by partition summaries. */
  manifestsPruned: number;
  /** Live data files in the manifests read. */
  dataFilesScanned: number;
  /** Data files pruned by partition or metrics. */
  dataFilesPruned: number;
  /** Delete files that apply to some planned data file. */
  deleteFilesMatched: number;
}

/** The result of planning. */
export interface ScanPlan {
  /** The data files to read, in manifest order. */
  readonly tasks: readonly FileScanTask[];
  /** Counters. */
  readonly stats: PlanStats;
}

/** What planning needs. */
export interface PlanContext {
  /** The table's name, for errors. */
  readonly table: string;
  /** The metadata version being read. */
  readonly metadata: TableMetadata;
  /** Resolves recorded locations. */
  readonly locator: FileLocator;
}

/**
 * The schema to interpret a spec's source columns with: the current schema if it holds every
 * source column, else the newest schema that does (a source column may have been dropped since).
 */
export function schemaForSpec(metadata: TableMetadata, spec: PartitionSpec): Schema {
  const holds = (s: Schema): boolean => spec.fields.every((f) => hasFieldId(s.fields, f.sourceId));
  const current = metadata.schemas.find((s) => s.schemaId === metadata.currentSchemaId);
  if (current && holds(current)) return current;
  const found = [...metadata.schemas].reverse().find(holds);
  return found ?? current ?? metadata.schemas[0]!;
}

function hasFieldId(fields: StructType['fields'], id: number): boolean {
  for (const f of fields) {
    if (f.id === id) return true;
    if (f.type.type === 'struct' && hasFieldId(f.type.fields, id)) return true;
  }
  return false;
}

/** The partition spec with a given id. */
export function specById(metadata: TableMetadata, specId: number, table: string): PartitionSpec {
  const spec = metadata.partitionSpecs.find((s) => s.specId === specId);
  if (!spec) throw new CorruptFileError(table, `a manifest refers to partition spec ${specId}, which the table metadata lacks`);
  return spec;
}

/**
 * Reads a snapshot's manifests: its manifest list, or, for a v1 snapshot that lists `manifests`
 * inline (spec §Snapshots), each manifest, to build the entries a list would hold
 * ({@link manifestFileFromManifest}). Those manifests are read again when planning reads their
 * entries; v1 tables are old and small, so the second read is not worth a cache.
 */
export async function readSnapshotManifests(ctx: PlanContext, snapshot: Snapshot): Promise<ManifestFile[]> {
  if (snapshot.manifestList === '' && snapshot.manifests !== undefined) {
    const partitionTypeOf = (specId: number): StructType => {
      const spec = specById(ctx.metadata, specId, ctx.table);
      return partitionType(spec, schemaForSpec(ctx.metadata, spec));
    };
    const limit = pLimit(8);
    return Promise.all(
      snapshot.manifests.map((path) =>
        limit(async () => manifestFileFromManifest(await readLocated(ctx.locator, path, ctx.table), { path, addedSnapshotId: snapshot.snapshotId, partitionTypeOf })),
      ),
    );
  }
  const bytes = await readLocated(ctx.locator, snapshot.manifestList, ctx.table);
  return decodeManifestList(bytes, { path: snapshot.manifestList });
}

/**
 * Reads the live entries of one manifest (ADDED and EXISTING; DELETED entries are history),
 * with sequence numbers inherited per spec §Sequence Number Inheritance and data files'
 * `first_row_id` per spec §First Row ID Inheritance (counted over every entry, DELETED ones too).
 */
export async function readLiveFiles(ctx: PlanContext, manifest: ManifestFile): Promise<LiveFile[]> {
  const bytes = await readLocated(ctx.locator, manifest.manifestPath, ctx.table);
  const spec = specById(ctx.metadata, manifest.partitionSpecId, ctx.table);
  const decoded = decodeManifest(bytes, {
    path: manifest.manifestPath,
    partitionType: partitionType(spec, schemaForSpec(ctx.metadata, spec)),
  });
  const out: LiveFile[] = [];
  for (const raw of inheritFirstRowIds(decoded.entries, manifest)) {
    if (raw.status === ManifestEntryStatus.DELETED) continue;
    const entry = inheritSequenceNumbers(raw, manifest, ctx.metadata.formatVersion);
    out.push({
      file: entry.dataFile,
      dataSequenceNumber: entry.sequenceNumber ?? 0n,
      fileSequenceNumber: entry.fileSequenceNumber ?? entry.sequenceNumber ?? 0n,
      snapshotId: entry.snapshotId ?? manifest.addedSnapshotId,
      specId: manifest.partitionSpecId,
      manifestPath: manifest.manifestPath,
    });
  }
  return out;
}

/** Options of {@link planFiles}. */
export interface PlanOptions {
  /** The snapshot to read; null plans nothing (an empty table). */
  readonly snapshot: Snapshot | null;
  /** The read schema the filter is bound to. */
  readonly schema: Schema;
  /** A filter bound to `schema`, if any. */
  readonly filter?: BoundExpression;
  /** Manifests read at once. */
  readonly concurrency?: number;
  /**
   * The snapshot's manifests to plan, already read from its manifest list (a subset of it, for a
   * unit of planning work such as a REST plan task); default: the whole list.
   */
  readonly manifests?: readonly ManifestFile[];
  /**
   * Keeps only the data files this returns true for, given the file and its position among the
   * live data entries of its manifest (before pruning; an incremental scan keeps the files
   * added by some snapshots, a plan task a range of a manifest's entries).
   */
  readonly dataFileFilter?: (live: LiveFile, ordinal: number) => boolean;
}

/** The filter projected onto each partition spec (by spec id), computed once per spec; none without a filter. */
function inclusiveProjections(ctx: PlanContext, filter: BoundExpression | undefined): (specId: number) => BoundExpression | undefined {
  const projections = new Map<number, BoundExpression>();
  return (specId) => {
    if (!filter) return undefined;
    let p = projections.get(specId);
    if (!p) {
      const spec = specById(ctx.metadata, specId, ctx.table);
      p = projectInclusive(filter, spec, schemaForSpec(ctx.metadata, spec));
      projections.set(specId, p);
    }
    return p;
  };
}

/**
 * The manifests that may hold a file with a matching row: data manifests whose partition
 * summaries admit the filter's projection, and every delete manifest.
 * @param ctx the table
 * @param manifests the manifests (of one snapshot's list)
 * @param filter the bound filter, if any (none keeps every manifest)
 */
export function pruneManifests(ctx: PlanContext, manifests: readonly ManifestFile[], filter: BoundExpression | undefined): ManifestFile[] {
  return keepManifests(ctx, manifests, inclusiveProjections(ctx, filter));
}

function keepManifests(ctx: PlanContext, manifests: readonly ManifestFile[], projectionFor: (specId: number) => BoundExpression | undefined): ManifestFile[] {
  return manifests.filter((m) => {
    const projected = projectionFor(m.partitionSpecId);
    if (!projected || m.content !== ManifestContent.DATA || !m.partitions) return true;
    const spec = specById(ctx.metadata, m.partitionSpecId, ctx.table);
    return manifestMightMatch(projected, m.partitions, partitionType(spec, schemaForSpec(ctx.metadata, spec)));
  });
}

function partitionKey(specId: number, partition: readonly unknown[]): string {
  return `${specId}|${partition.map((v) => (v instanceof Uint8Array ? `b:${Buffer.from(v).toString('hex')}` : `${typeof v}:${String(v)}`)).join('|')}`;
}

/**
 * Plans a scan: the live data files of a snapshot that may hold matching rows, with their deletes.
 * @throws CorruptFileError when a manifest or manifest list cannot be decoded
 * @throws DataFileNotFoundError when a manifest or manifest list is missing
 */
export async function planFiles(ctx: PlanContext, options: PlanOptions): Promise<ScanPlan> {
  const stats: PlanStats = { manifestsTotal: 0, manifestsPruned: 0, dataFilesScanned: 0, dataFilesPruned: 0, deleteFilesMatched: 0 };
  if (!options.snapshot) return { tasks: [], stats };
  const manifests = options.manifests ?? (await readSnapshotManifests(ctx, options.snapshot));
  stats.manifestsTotal = manifests.length;
  const filter = options.filter;
  const projectionFor = inclusiveProjections(ctx, filter);
  const kept = keepManifests(ctx, manifests, projectionFor);
  stats.manifestsPruned = manifests.length - kept.length;
  const limit = pLimit(options.concurrency ?? 8);
  const perManifest = await Promise.all(kept.map((m) => limit(() => readLiveFiles(ctx, m))));
  const data: LiveFile[] = [];
  const positionDeletes = new Map<string, LiveFile[]>();
  const equalityDeletes: LiveFile[] = [];
  perManifest.forEach((files, i) => {
    const manifest = kept[i]!;
    let ordinal = 0;
    for (const live of files) {
      if (live.file.content === DataFileContent.DATA) {
        if (manifest.content !== ManifestContent.DATA) continue;
        if (options.dataFileFilter && !options.dataFileFilter(live, ordinal++)) continue;
        stats.dataFilesScanned += 1;
        const projected = projectionFor(live.specId);
        if (filter && projected && (!evaluatePartition(projected, live.file.partition) || !fileMightMatch(filter, live.file, options.schema))) {
          stats.dataFilesPruned += 1;
          continue;
        }
        data.push(live);
      } else if (live.file.content === DataFileContent.POSITION_DELETES) {
        const key = partitionKey(live.specId, live.file.partition);
        const list = positionDeletes.get(key) ?? [];
        list.push(live);
        positionDeletes.set(key, list);
      } else {
        equalityDeletes.push(live);
      }
    }
  });
  const matched = new Set<LiveFile>();
  const tasks = data.map((live): FileScanTask => {
    const deletes: LiveFile[] = [];
    for (const d of positionDeletes.get(partitionKey(live.specId, live.file.partition)) ?? []) {
      if (live.dataSequenceNumber <= d.dataSequenceNumber && mayDeleteFrom(d.file, live.file.filePath)) deletes.push(d);
    }
    for (const d of equalityDeletes) {
      if (live.dataSequenceNumber >= d.dataSequenceNumber) continue;
      const deleteSpec = specById(ctx.metadata, d.specId, ctx.table);
      const samePartition = d.specId === live.specId && partitionKey(d.specId, d.file.partition) === partitionKey(live.specId, live.file.partition);
      if (deleteSpec.fields.length === 0 || samePartition) deletes.push(d);
    }
    for (const d of deletes) matched.add(d);
    return { ...live, deletes };
  });
  stats.deleteFilesMatched = matched.size;
  return { tasks, stats };
}


/** The field id of a position delete file's `file_path` column (spec §Position Delete Files). */
const DELETE_FILE_PATH_ID = 2147483546;
const utf8 = new TextEncoder();

/**
 * Whether a position delete file may hold positions of the data file at `path`: not when it
 * names another file (`referenced_data_file`, a deletion vector or a v2 file for one data file),
 * nor when `path` lies outside its `file_path` bounds, as Iceberg Java's DeleteFileIndex
 * (`canContainPosDeletesForFile`) prunes. Bounds are UTF-8 bytes ordered unsigned byte-wise
 * (spec Appendix D); a truncated lower bound is a prefix (still below every value) and a
 * truncated upper bound is rounded up, so both stay safe to compare against.
 */
function mayDeleteFrom(deleteFile: DataFile, path: string): boolean {
  if (deleteFile.referencedDataFile !== undefined) return deleteFile.referencedDataFile === path;
  const lower = deleteFile.lowerBounds?.get(DELETE_FILE_PATH_ID);
  const upper = deleteFile.upperBounds?.get(DELETE_FILE_PATH_ID);
  if (lower === undefined && upper === undefined) return true;
  const bytes = utf8.encode(path);
  if (lower !== undefined && compareBytes(bytes, lower) < 0) return false;
  if (upper !== undefined && compareBytes(bytes, upper) > 0) return false;
  return true;
}
