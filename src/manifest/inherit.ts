/**
 * Sequence number, snapshot id and first row id inheritance (spec §Manifest Entry Fields,
 * §Sequence Number Inheritance, §First Row ID Inheritance): values a manifest entry leaves null
 * are read from the manifest's entry in the manifest list.
 *
 * @module
 */
import { DataFileContent, ManifestEntryStatus, type ManifestEntry, type ManifestFile } from '../spec/index.js';

/**
 * Fills in what an entry inherits from its manifest:
 * - `snapshotId`, when null, from the manifest's `added_snapshot_id`;
 * - for ADDED entries, a null data or file sequence number from the manifest's
 *   `sequence_number` (EXISTING and DELETED entries carry both explicitly in v2);
 * - in v1 (no sequence numbers anywhere), and for any entry of a manifest listed with sequence
 *   number 0 (written before an upgrade to v2), 0 for both (spec: "When reading v1 manifests with no
 *   sequence number column, sequence numbers for all files must default to 0").
 *
 * @param entry the entry as decoded
 * @param manifestFile the manifest's entry in the manifest list
 * @param formatVersion the table's (or manifest's) format version
 * @returns the entry with inherited values (the same object when nothing is inherited)
 */
export function inheritSequenceNumbers(entry: ManifestEntry, manifestFile: ManifestFile, formatVersion: number): ManifestEntry {
  const snapshotId = entry.snapshotId ?? manifestFile.addedSnapshotId;
  let sequenceNumber = entry.sequenceNumber;
  let fileSequenceNumber = entry.fileSequenceNumber;
  if (formatVersion < 2) {
    // v1 manifest lists decode with sequence number 0, so this agrees with inheriting from them.
    sequenceNumber ??= 0n;
    fileSequenceNumber ??= 0n;
  } else if (entry.status === ManifestEntryStatus.ADDED || manifestFile.sequenceNumber === 0n) {
    // A manifest with sequence number 0 was listed by a v1 manifest list (a table upgraded to
    // v2): none of its entries has a sequence number, all default to 0 (Java's
    // `BaseInheritableMetadata.apply` does the same).
    sequenceNumber ??= manifestFile.sequenceNumber;
    fileSequenceNumber ??= manifestFile.sequenceNumber;
  }
  if (
    snapshotId === entry.snapshotId &&
    sequenceNumber === entry.sequenceNumber &&
    fileSequenceNumber === entry.fileSequenceNumber
  ) {
    return entry;
  }
  return { ...entry, snapshotId, sequenceNumber, fileSequenceNumber };
}

/**
 * First row id inheritance (spec §First Row ID Inheritance): in a manifest whose manifest-list
 * entry has a `first_row_id`, each data file without one gets that value plus the record counts
 * of the data files before it in the manifest that had none either. Delete files never have one;
 * a manifest without a `first_row_id` (written before its table became v3) leaves them all null.
 * Every entry counts in manifest order, whatever its status, so DELETED entries keep the ids
 * they were read with in earlier snapshots.
 *
 * @param entries the manifest's entries, in file order, as decoded
 * @param manifestFile the manifest's entry in the manifest list
 * @returns the entries with inherited `first_row_id`s (the same array when nothing is inherited)
 */
export function inheritFirstRowIds(entries: readonly ManifestEntry[], manifestFile: ManifestFile): readonly ManifestEntry[] {
  if (manifestFile.firstRowId === undefined) return entries;
  let next = manifestFile.firstRowId;
  return entries.map((e) => {
    if (e.dataFile.content !== DataFileContent.DATA || e.dataFile.firstRowId !== undefined) return e;
    const firstRowId = next;
    next += BigInt(e.dataFile.recordCount);
    return { ...e, dataFile: { ...e.dataFile, firstRowId } };
  });
}
