/**
 * Row lineage in manifests and manifest lists as Floe writes them for v3 tables (spec §Manifests
 * fields 142–145, §Manifest Lists field 520, §First Row ID Inheritance, §First Row ID
 * Assignment): v3 manifests carry `first_row_id` of EXISTING and DELETED data files and never of
 * ADDED or delete files; v2 ones refuse it (they would drop it); v3 lists carry each data
 * manifest's `first_row_id` and refuse one on a delete manifest; reading inherits a file's
 * `first_row_id` from its manifest as the spec's row lineage example shows.
 */
import { describe, expect, it } from 'vitest';
import { decodeManifest, decodeManifestList, encodeManifest, encodeManifestList, inheritFirstRowIds } from '../../src/manifest/index.js';
import { assignRowIds } from '../../src/transaction/snapshot-producer.js';
import { DataFileContent, ManifestContent, ManifestEntryStatus, type DataFile, type ManifestEntry, type ManifestFile } from '../../src/spec/manifest.js';
import { failure } from '../support/failure.js';
import { SCHEMA } from './arbitraries.js';

const file = (name: string, recordCount: number, extra: Partial<DataFile> = {}): DataFile => ({
  content: DataFileContent.DATA,
  filePath: `s3://b/t/data/${name}.parquet`,
  fileFormat: 'PARQUET',
  partition: [],
  recordCount,
  fileSizeInBytes: 100,
  ...extra,
});
const entry = (status: ManifestEntryStatus, dataFile: DataFile): ManifestEntry => ({
  status,
  snapshotId: status === ManifestEntryStatus.ADDED ? null : 5n,
  sequenceNumber: status === ManifestEntryStatus.ADDED ? null : 1n,
  fileSequenceNumber: status === ManifestEntryStatus.ADDED ? null : 1n,
  dataFile,
});
const manifestOf = (formatVersion: 2 | 3, entries: ManifestEntry[], content: ManifestContent = ManifestContent.DATA) =>
  encodeManifest({ schema: SCHEMA, spec: { specId: 0, fields: [] }, formatVersion, content, snapshotId: 7n, entries });
const listed = (over: Partial<ManifestFile> = {}): ManifestFile => ({
  manifestPath: 's3://b/t/metadata/m.avro',
  manifestLength: 10,
  partitionSpecId: 0,
  content: ManifestContent.DATA,
  sequenceNumber: 2n,
  minSequenceNumber: 1n,
  addedSnapshotId: 7n,
  addedFilesCount: 2,
  existingFilesCount: 1,
  deletedFilesCount: 0,
  addedRowsCount: 100,
  existingRowsCount: 25,
  deletedRowsCount: 0,
  ...over,
});

describe('v3 manifests', () => {
  // spec §Row lineage example, manifest `added1`: data1 EXISTING with 800, data2/data3 ADDED.
  const example = [
    entry(ManifestEntryStatus.EXISTING, file('data1', 25, { firstRowId: 800n })),
    entry(ManifestEntryStatus.ADDED, file('data2', 50)),
    entry(ManifestEntryStatus.ADDED, file('data3', 50)),
  ];

  it('write first_row_id for existing files and null for added ones; reading inherits 1000 and 1050 (the spec example)', () => {
    const m = decodeManifest(manifestOf(3, example), { path: 'm.avro' });
    expect(m.formatVersion).toBe(3);
    expect(m.entries.map((e) => e.dataFile.firstRowId)).toEqual([800n, undefined, undefined]);
    expect(inheritFirstRowIds(m.entries, listed({ firstRowId: 1000n })).map((e) => e.dataFile.firstRowId)).toEqual([800n, 1000n, 1050n]);
    // A manifest listed without first_row_id (before an upgrade) leaves them null.
    expect(inheritFirstRowIds(m.entries, listed()).map((e) => e.dataFile.firstRowId)).toEqual([800n, undefined, undefined]);
  });

  it('count DELETED entries without first_row_id when inheriting, and never give delete files one', () => {
    const entries = [entry(ManifestEntryStatus.DELETED, file('gone', 7)), entry(ManifestEntryStatus.EXISTING, file('kept', 3))];
    expect(inheritFirstRowIds(entries, listed({ firstRowId: 10n })).map((e) => e.dataFile.firstRowId)).toEqual([10n, 17n]);
    const dv = entry(ManifestEntryStatus.ADDED, file('d', 2, { content: DataFileContent.POSITION_DELETES }));
    expect(inheritFirstRowIds([dv], listed({ firstRowId: 10n }))[0]!.dataFile.firstRowId).toBeUndefined();
  });

  it('refuse first_row_id on an ADDED file or a delete file, and any first_row_id in a v2 manifest', async () => {
    const added = await failure(() => manifestOf(3, [entry(ManifestEntryStatus.ADDED, file('a', 1, { firstRowId: 3n }))]));
    expect([added.code, added.message]).toEqual(['INVALID_ARGUMENT', expect.stringContaining('ADDED')]);
    const del = await failure(() =>
      manifestOf(3, [entry(ManifestEntryStatus.EXISTING, file('d', 1, { content: DataFileContent.POSITION_DELETES, firstRowId: 3n }))], ManifestContent.DELETES),
    );
    expect([del.code, del.message]).toEqual(['INVALID_ARGUMENT', expect.stringContaining('delete file')]);
    const v2 = await failure(() => manifestOf(2, example));
    expect([v2.code, v2.message]).toEqual(['INVALID_ARGUMENT', expect.stringContaining('v2 manifest')]);
  });
});

describe('v3 manifest lists', () => {
  it('carry first_row_id per data manifest and none on delete manifests', () => {
    const bytes = encodeManifestList({
      snapshotId: 7n,
      sequenceNumber: 2n,
      formatVersion: 3,
      firstRowId: 1000n,
      manifests: [listed({ firstRowId: 1000n }), listed({ manifestPath: 's3://b/t/metadata/d.avro', content: ManifestContent.DELETES })],
    });
    expect(decodeManifestList(bytes, { path: 'l.avro' }).map((m) => m.firstRowId)).toEqual([1000n, undefined]);
  });

  it('refuse first_row_id on a delete manifest or in a v2 list', async () => {
    const del = await failure(() =>
      encodeManifestList({ snapshotId: 7n, sequenceNumber: 2n, formatVersion: 3, manifests: [listed({ content: ManifestContent.DELETES, firstRowId: 1n })] }),
    );
    expect([del.code, del.message]).toEqual(['INVALID_ARGUMENT', expect.stringContaining('delete manifest')]);
    const v2 = await failure(() => encodeManifestList({ snapshotId: 7n, sequenceNumber: 2n, manifests: [listed({ firstRowId: 1n })] }));
    expect(v2.code).toBe('INVALID_ARGUMENT');
  });

  it('assign ranges as the spec example does: existing kept, added manifests from the snapshot first-row-id', () => {
    // spec §Row lineage example: existing (925), added1 100+25, added2 0+100, added3 125+25 → next 1375.
    const manifests = [
      listed({ manifestPath: 'added1', addedRowsCount: 100, existingRowsCount: 25 }),
      listed({ manifestPath: 'added2', addedRowsCount: 0, existingRowsCount: 100 }),
      listed({ manifestPath: 'added3', addedRowsCount: 125, existingRowsCount: 25 }),
      listed({ manifestPath: 'deletes', content: ManifestContent.DELETES }),
      listed({ manifestPath: 'existing', addedRowsCount: 75, existingRowsCount: 0, firstRowId: 925n }),
    ];
    const r = assignRowIds(manifests, new Map(), 1000n, 't');
    expect(r.manifests.map((m) => [m.manifestPath, m.firstRowId])).toEqual([
      ['added1', 1000n],
      ['added2', 1125n],
      ['added3', 1225n],
      ['deletes', undefined],
      ['existing', 925n],
    ]);
    expect([r.firstRowId, r.addedRows]).toEqual([1000n, 375n]);
    // A manifest this change wrote counts only its rows without first_row_id.
    const own = assignRowIds([listed({ manifestPath: 'mine' })], new Map([['mine', 100n]]), 0n, 't');
    expect(own.addedRows).toBe(100n);
  });
});
