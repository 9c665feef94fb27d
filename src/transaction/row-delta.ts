/**
 * The parts of a merge-on-read commit that Iceberg Java's `BaseRowDelta` owns: the delete
 * manifests of the position delete files a change adds, and the test for whether a delete file
 * a concurrent commit added may apply to a data file this change deletes rows from
 * (`MergingSnapshotProducer.validateNoNewDeletesForDataFiles`, through `DeleteFileIndex`: same
 * spec and partition, and for position deletes a `file_path` range that holds the file).
 *
 * @module
 */
import type { LiveFile } from '../scan/index.js';
import { schemaForSpec, specById } from '../scan/index.js';
import { type DataFile, DataFileContent, ManifestContent, ManifestEntryStatus } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import { DELETE_FILE_PATH_ID, type WrittenDeleteFile } from './position-deletes.js';
import { type NewManifest, manifestFormatVersion, writeNewManifest } from './snapshot-producer.js';
import type { TableContext } from './table-context.js';

function partitionKey(specId: number, partition: readonly unknown[]): string {
  return `${specId}|${partition.map((v) => (v instanceof Uint8Array ? `b:${Buffer.from(v).toString('hex')}` : `${typeof v}:${String(v)}`)).join('|')}`;
}

/**
 * What identifies a live file's manifest entry: its path, plus the blob's offset for a deletion
 * vector, since one Puffin file holds the vectors of many data files (spec §Deletion Vectors),
 * each an entry of its own that is removed alone.
 * @param f a data or delete file
 */
export function fileEntryKey(f: DataFile): string {
  return f.contentOffset === undefined ? f.filePath : `${f.filePath}#${f.contentOffset}`;
}

/** Whether a delete file is a deletion vector (a Puffin blob, spec §Deletion Vectors). */
export function isDeletionVector(f: DataFile): boolean {
  return f.content === DataFileContent.POSITION_DELETES && f.fileFormat.toUpperCase() === 'PUFFIN';
}

/**
 * Whether delete file `d` may delete rows of data file `data` (spec §Scan Planning: a position
 * delete file applies within its spec and partition, an equality delete file within its
 * partition or everywhere when unpartitioned). Position deletes are narrowed by their
 * `file_path` bounds, compared as UTF-8 bytes as Java's metrics order them; without bounds they
 * may apply.
 * @param d the delete file
 * @param data the data file
 * @param metadata the table's metadata (partition specs)
 * @param table the table's name
 */
export function deleteFileMayApply(d: LiveFile, data: LiveFile, metadata: TableMetadata, table: string): boolean {
  if (d.file.content === DataFileContent.EQUALITY_DELETES) {
    if (specById(metadata, d.specId, table).fields.length === 0) return true;
    return partitionKey(d.specId, d.file.partition) === partitionKey(data.specId, data.file.partition);
  }
  if (partitionKey(d.specId, d.file.partition) !== partitionKey(data.specId, data.file.partition)) return false;
  // spec §Scan Planning: a deletion vector (or a file-scoped position delete file) applies to
  // its `referenced_data_file` only.
  if (d.file.referencedDataFile !== undefined) return d.file.referencedDataFile === data.file.filePath;
  const lower = d.file.lowerBounds?.get(DELETE_FILE_PATH_ID);
  const upper = d.file.upperBounds?.get(DELETE_FILE_PATH_ID);
  const path = Buffer.from(data.file.filePath, 'utf8');
  if (lower && Buffer.compare(path, lower) < 0) return false;
  if (upper && Buffer.compare(path, upper) > 0) return false;
  return true;
}

/**
 * Writes the delete manifests (content `deletes`, spec §Manifests) of a change's position
 * delete files: one per partition spec, entries ADDED with inherited sequence numbers.
 * @param ctx the table
 * @param metadata the metadata planned against
 * @param snapshotId the change's snapshot id
 * @param files the delete files
 */
export async function writeDeleteManifests(ctx: TableContext, metadata: TableMetadata, snapshotId: bigint, files: readonly WrittenDeleteFile[]): Promise<NewManifest[]> {
  const bySpec = new Map<number, WrittenDeleteFile[]>();
  for (const f of files) bySpec.set(f.specId, [...(bySpec.get(f.specId) ?? []), f]);
  const out: NewManifest[] = [];
  for (const [specId, list] of bySpec) {
    const spec = specById(metadata, specId, ctx.name);
    out.push(
      await writeNewManifest(ctx, {
        location: metadata.location,
        schema: schemaForSpec(metadata, spec),
        spec,
        content: ManifestContent.DELETES,
        // v3: the fields that locate a deletion vector (spec §Manifests).
        formatVersion: manifestFormatVersion(metadata),
        snapshotId,
        entries: list.map((f) => ({ status: ManifestEntryStatus.ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile: f.file })),
      }),
    );
  }
  return out;
}
