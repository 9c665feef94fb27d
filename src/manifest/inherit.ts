/**
 * Sequence number and snapshot id inheritance (spec §Manifest Entry Fields, §Sequence Number
 * Inheritance): values a manifest entry leaves null are read from the manifest's entry in the
 * manifest list.
 *
 * @module
 */
import { ManifestEntryStatus, type ManifestEntry, type ManifestFile } from '../spec/index.js';

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
