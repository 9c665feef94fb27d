/**
 * The deletion vectors Floe writes for a merge-on-read change on a v3 table
 * (src/transaction/deletion-vectors.ts), read back through an independent path: the Puffin footer
 * parsed per puffin-spec.md, each blob compared byte for byte with Iceberg Java's golden DV files
 * (test/fixtures/iceberg-java-golden/deletes, `TestBitmapPositionDeleteIndex`), and the delete
 * manifest entries (spec §Manifests: PUFFIN, `referenced_data_file`, `content_offset`,
 * `content_size_in_bytes`, `record_count` = cardinality) decoded from the Avro bytes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/index.js';
import { DELETION_VECTOR_BLOB_TYPE, asyncBufferFromBytes, readPuffinBlob, readPuffinMetadata } from '../../src/io/index.js';
import { decodeManifest } from '../../src/manifest/index.js';
import type { FileScanTask, LiveFile } from '../../src/scan/index.js';
import { DataFileContent } from '../../src/spec/index.js';
import { writeDeleteManifests } from '../../src/transaction/row-delta.js';
import { writeDeletionVectors } from '../../src/transaction/deletion-vectors.js';
import { buildSummary, countFile, emptyCounts } from '../../src/transaction/snapshot-producer.js';

const DIR = path.resolve(__dirname, '../fixtures/iceberg-java-golden/deletes');
const golden = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(DIR, name)));
const INT_MAX = 2 ** 31 - 1;

function task(filePath: string, deletes: LiveFile[] = []): FileScanTask {
  return {
    file: { content: DataFileContent.DATA, filePath, fileFormat: 'PARQUET', partition: [], recordCount: 2 ** 33, fileSizeInBytes: 100 },
    dataSequenceNumber: 1n,
    fileSequenceNumber: 1n,
    snapshotId: 1n,
    specId: 0,
    manifestPath: 'm.avro',
    deletes,
  };
}

describe('deletion vectors written for a merge-on-read change', () => {
  it('one Puffin file, one deletion-vector-v1 blob per data file with Java golden bytes; the manifest entries locate each blob', async () => {
    const wh = await Warehouse.open('memory://dv-write');
    await wh.createNamespace('ns');
    const t = await wh.createTable('ns.t', { id: 'long' }, { formatVersion: 3 });
    const ctx = t.context();
    const location = t.location();
    // The old positions (an earlier vector) and the new ones merge into the golden sets.
    const previousDv: LiveFile = {
      file: { content: DataFileContent.POSITION_DELETES, filePath: `${location}/data/old.puffin`, fileFormat: 'PUFFIN', partition: [], recordCount: 2, fileSizeInBytes: 50, referencedDataFile: `${location}/data/a.parquet`, contentOffset: 4, contentSizeInBytes: 30 },
      dataSequenceNumber: 2n,
      fileSequenceNumber: 2n,
      snapshotId: 2n,
      specId: 0,
      manifestPath: 'd.avro',
    };
    const a = task(`${location}/data/a.parquet`, [previousDv]);
    const b = task(`${location}/data/b.parquet`);
    const written = await writeDeletionVectors(
      ctx,
      [
        { task: a, previous: [1, 3, 3], positions: [5, 7, 9], live: 10 },
        { task: b, previous: [], positions: [100, 101, INT_MAX + 100, INT_MAX + 101], live: 10 },
        { task: task(`${location}/data/c.parquet`), previous: [], positions: [], live: 10 },
      ],
      location,
    );
    expect(written.replaced).toEqual([previousDv]);
    expect(written.files).toHaveLength(2);
    const puffinPath = written.files[0]!.file.filePath;
    expect(written.files.every((f) => f.file.filePath === puffinPath)).toBe(true);
    expect(puffinPath).toMatch(/\/data\/[0-9a-f-]+-deletes\.puffin$/);

    const bytes = (await ctx.locator.resolve(puffinPath).store.get(ctx.locator.resolve(puffinPath).key)).bytes;
    // puffin-spec.md §File structure: Magic Blob* Footer, the footer being Magic FooterPayload
    // FooterPayloadSize (int32 LE) Flags (4 bytes, 0: payload uncompressed) Magic.
    const magic = [0x50, 0x46, 0x41, 0x31];
    expect([...bytes.subarray(0, 4)]).toEqual(magic);
    expect([...bytes.subarray(bytes.byteLength - 4)]).toEqual(magic);
    expect([...bytes.subarray(bytes.byteLength - 8, bytes.byteLength - 4)]).toEqual([0, 0, 0, 0]);
    const payloadSize = new DataView(bytes.buffer, bytes.byteOffset).getInt32(bytes.byteLength - 12, true);
    const footerStart = bytes.byteLength - 12 - payloadSize - 4;
    expect([...bytes.subarray(footerStart, footerStart + 4)]).toEqual(magic);
    const payload = JSON.parse(new TextDecoder().decode(bytes.subarray(footerStart + 4, footerStart + 4 + payloadSize))) as { blobs: Record<string, unknown>[] };
    expect(payload.blobs.map((b) => Object.keys(b).sort())).toEqual([0, 1].map(() => ['fields', 'length', 'offset', 'properties', 'sequence-number', 'snapshot-id', 'type']));
    expect(payload.blobs[0]!['offset']).toBe(4);
    expect(payload.blobs[1]!['offset']).toBe(4 + (payload.blobs[0]!['length'] as number));
    const source = asyncBufferFromBytes(bytes);
    const footer = await readPuffinMetadata(source, { path: puffinPath });
    expect(footer.properties).toEqual({ 'created-by': 'Floe' });
    const expected = [
      { data: a.file.filePath, golden: 'small-alternating-values-position-index.bin', cardinality: 5 },
      { data: b.file.filePath, golden: 'small-and-large-values-position-index.bin', cardinality: 4 },
    ];
    for (const [i, want] of expected.entries()) {
      const blob = footer.blobs[i]!;
      expect(blob).toMatchObject({ type: DELETION_VECTOR_BLOB_TYPE, fields: [2147483545], snapshotId: -1n, sequenceNumber: -1n });
      expect(blob.compressionCodec).toBeUndefined();
      expect(blob.properties).toEqual({ 'referenced-data-file': want.data, cardinality: String(want.cardinality) });
      expect(await readPuffinBlob(source, blob, puffinPath)).toEqual(golden(want.golden));
      expect(written.files[i]!.file).toEqual({
        content: DataFileContent.POSITION_DELETES,
        filePath: puffinPath,
        fileFormat: 'PUFFIN',
        partition: [],
        recordCount: want.cardinality,
        fileSizeInBytes: bytes.byteLength,
        referencedDataFile: want.data,
        contentOffset: blob.offset,
        contentSizeInBytes: blob.length,
      });
    }

    const [manifest] = await writeDeleteManifests(ctx, t.metadata(), 77n, written.files);
    const manifestPath = manifest!.file.manifestPath;
    const decoded = decodeManifest((await ctx.locator.resolve(manifestPath).store.get(ctx.locator.resolve(manifestPath).key)).bytes, { path: manifestPath });
    expect(decoded.entries.map((e) => e.dataFile)).toEqual(written.files.map((f) => f.file));
  });

  it("count in the snapshot summary as Java's SnapshotSummary counts them: added-dvs, removed-dvs, blob sizes, not position delete files", () => {
    const dv = (offset: number) => ({ content: DataFileContent.POSITION_DELETES, filePath: 'd.puffin', fileFormat: 'PUFFIN', partition: [], recordCount: 3, fileSizeInBytes: 1000, referencedDataFile: `f${offset}.parquet`, contentOffset: offset, contentSizeInBytes: 40 });
    const counts = emptyCounts();
    countFile(counts, 0, dv(4), true);
    countFile(counts, 0, dv(44), true);
    countFile(counts, 0, dv(4), false);
    countFile(counts, 0, { content: DataFileContent.POSITION_DELETES, filePath: 'p.parquet', fileFormat: 'PARQUET', partition: [], recordCount: 2, fileSizeInBytes: 500 }, false);
    const summary = buildSummary({ operation: 'delete', snapshotId: 1n, commitId: 'c', carried: [], added: [], counts, schemaId: 0, branch: 'main' }, undefined) as Record<string, string>;
    expect(summary).toMatchObject({
      'added-delete-files': '2',
      'added-dvs': '2',
      'added-position-deletes': '6',
      'added-files-size': '80',
      'removed-delete-files': '2',
      'removed-dvs': '1',
      'removed-position-delete-files': '1',
      'removed-position-deletes': '5',
      'removed-files-size': '540',
    });
    expect(summary['added-position-delete-files']).toBeUndefined();
  });
});
