import { describe, expect, it } from 'vitest';
import { inheritSequenceNumbers } from '../../src/manifest/index.js';
import { DataFileContent, ManifestContent, ManifestEntryStatus, type ManifestEntry, type ManifestFile } from '../../src/spec/manifest.js';

const manifest: ManifestFile = {
  manifestPath: 'm.avro',
  manifestLength: 1,
  partitionSpecId: 0,
  content: ManifestContent.DATA,
  sequenceNumber: 7n,
  minSequenceNumber: 3n,
  addedSnapshotId: 9_007_199_254_740_993n,
  addedFilesCount: 1,
  existingFilesCount: 1,
  deletedFilesCount: 0,
  addedRowsCount: 1,
  existingRowsCount: 1,
  deletedRowsCount: 0,
};
const entry = (status: ManifestEntry['status'], s: bigint | null, seq: bigint | null, fseq: bigint | null): ManifestEntry => ({
  status,
  snapshotId: s,
  sequenceNumber: seq,
  fileSequenceNumber: fseq,
  dataFile: { content: DataFileContent.DATA, filePath: 'f', fileFormat: 'PARQUET', partition: [], recordCount: 1, fileSizeInBytes: 1 },
});
const view = (e: ManifestEntry) => [e.snapshotId, e.sequenceNumber, e.fileSequenceNumber];

describe('inheritSequenceNumbers (spec §Sequence Number Inheritance)', () => {
  it('ADDED entries inherit null sequence numbers and snapshot id from the manifest', () => {
    expect(view(inheritSequenceNumbers(entry(ManifestEntryStatus.ADDED, null, null, null), manifest, 2))).toEqual([manifest.addedSnapshotId, 7n, 7n]);
  });

  it('an explicit data sequence number on an ADDED entry is kept', () => {
    expect(view(inheritSequenceNumbers(entry(ManifestEntryStatus.ADDED, 1n, 4n, null), manifest, 2))).toEqual([1n, 4n, 7n]);
  });

  it('EXISTING and DELETED entries keep theirs and inherit only a null snapshot id', () => {
    const e = entry(ManifestEntryStatus.EXISTING, 5n, 2n, 3n);
    expect(inheritSequenceNumbers(e, manifest, 2)).toBe(e);
    expect(view(inheritSequenceNumbers(entry(ManifestEntryStatus.DELETED, null, 2n, 3n), manifest, 2))).toEqual([manifest.addedSnapshotId, 2n, 3n]);
    // A v2 EXISTING entry that lacks them (not allowed) is left null rather than invented.
    expect(view(inheritSequenceNumbers(entry(ManifestEntryStatus.EXISTING, 5n, null, null), manifest, 2))).toEqual([5n, null, null]);
  });

  it('v1: every sequence number is 0', () => {
    for (const s of [ManifestEntryStatus.ADDED, ManifestEntryStatus.EXISTING, ManifestEntryStatus.DELETED]) {
      expect(view(inheritSequenceNumbers(entry(s, 1n, null, null), { ...manifest, sequenceNumber: 0n, minSequenceNumber: 0n }, 1))).toEqual([1n, 0n, 0n]);
    }
  });

  it('a v1 manifest read in an upgraded v2 table (listed with sequence number 0) defaults every entry to 0', () => {
    const old = { ...manifest, sequenceNumber: 0n, minSequenceNumber: 0n };
    expect(view(inheritSequenceNumbers(entry(ManifestEntryStatus.EXISTING, 1n, null, null), old, 2))).toEqual([1n, 0n, 0n]);
  });
});
