/**
 * Merge-on-read deletes, v3 (spec §Deletion Vectors, puffin-spec.md `deletion-vector-v1`): the
 * rows a change deletes from each data file become one deletion vector per data file, all of a
 * commit's vectors blobs of one Puffin file, as Iceberg Java's `BaseDVFileWriter`
 * (`core/src/main/java/org/apache/iceberg/deletes/BaseDVFileWriter.java`) writes them.
 *
 * "At most one deletion vector is allowed per data file in a snapshot. If a DV is written for a
 * data file, it must replace all previously written position delete files" (spec §Deletion
 * Vectors): a new vector holds the file's earlier deleted positions too, and the vector it
 * supersedes (and v2 position delete files scoped to that one file) are removed in the same
 * commit. Position delete files that reference several data files stay until every file they
 * reference has a vector (spec §Version 3); readers ignore them where a vector exists, and the
 * positions are the same either way.
 *
 * @module
 */
import { DELETION_VECTOR_BLOB_TYPE, encodeDeletionVector, encodePuffin } from '../io/index.js';
import type { FileScanTask, LiveFile } from '../scan/index.js';
import { DataFileContent } from '../spec/index.js';
import { newUuid } from '../util/index.js';
import { DELETE_POS_ID, type DeletedPositions, type WrittenDeleteFile } from './position-deletes.js';
import { type TableContext, newFileLocation } from './table-context.js';

/** What {@link writeDeletionVectors} wrote and what it supersedes. */
export interface WrittenDeletionVectors {
  /** One deletion vector per data file that lost rows (all in one Puffin file). */
  readonly files: readonly WrittenDeleteFile[];
  /** Delete files the new vectors replace, to remove in the same commit. */
  readonly replaced: readonly LiveFile[];
}

/** Sorted, without repeats: the old positions and the new. */
function mergedPositions(previous: ArrayLike<number>, added: readonly number[]): number[] {
  const all = Array.from(previous);
  for (const p of added) all.push(p);
  all.sort((a, b) => a - b);
  const out: number[] = [];
  for (const p of all) if (out.length === 0 || out[out.length - 1] !== p) out.push(p);
  return out;
}

/**
 * The delete files a new deletion vector for `task` supersedes: its current vector, and
 * position delete files whose `referenced_data_file` is it (spec §Deletion Vectors).
 * @param task a data file with the delete files that apply to it
 */
export function supersededDeletes(task: FileScanTask): LiveFile[] {
  return task.deletes.filter((d) => d.file.content === DataFileContent.POSITION_DELETES && d.file.referencedDataFile === task.file.filePath);
}

/**
 * Writes the deletion vectors of a change in one Puffin file under `data/`, each holding the
 * data file's earlier deleted positions and the new ones.
 * @param ctx the table
 * @param deleted rows deleted per data file (files without positions are skipped)
 * @param location the table location
 */
export async function writeDeletionVectors(ctx: TableContext, deleted: readonly DeletedPositions[], location: string): Promise<WrittenDeletionVectors> {
  const changed = deleted.filter((d) => d.positions.length > 0);
  if (changed.length === 0) return { files: [], replaced: [] };
  const vectors = changed.map((d) => ({ d, positions: mergedPositions(d.previous, d.positions) }));
  const puffin = encodePuffin(
    vectors.map(({ d, positions }) => ({
      type: DELETION_VECTOR_BLOB_TYPE,
      // Java's BaseDVFileWriter: the row-position field, no snapshot or sequence number yet.
      fields: [DELETE_POS_ID],
      snapshotId: -1n,
      sequenceNumber: -1n,
      data: encodeDeletionVector(positions),
      properties: { 'referenced-data-file': d.task.file.filePath, cardinality: String(positions.length) },
    })),
    { 'created-by': 'Floe' },
  );
  const recorded = newFileLocation(location, `data/${newUuid()}-deletes.puffin`);
  const { store, key } = ctx.locator.resolve(recorded);
  await store.put(key, puffin.bytes, { mode: { kind: 'create' }, contentType: 'application/octet-stream' });
  const files = vectors.map(({ d, positions }, i): WrittenDeleteFile => {
    const blob = puffin.metadata.blobs[i]!;
    return {
      specId: d.task.specId,
      file: {
        content: DataFileContent.POSITION_DELETES,
        filePath: recorded,
        fileFormat: 'PUFFIN',
        partition: d.task.file.partition,
        recordCount: positions.length,
        fileSizeInBytes: puffin.bytes.byteLength,
        referencedDataFile: d.task.file.filePath,
        contentOffset: blob.offset,
        contentSizeInBytes: blob.length,
      },
    };
  });
  const replaced = changed.flatMap((d) => supersededDeletes(d.task));
  return { files, replaced };
}
