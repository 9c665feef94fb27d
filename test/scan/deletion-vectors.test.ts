/**
 * Scans apply v3 deletion vectors (spec §Deletion Vectors): a position-delete entry in Puffin
 * format is read by one ranged read of its blob (`content_offset`, `content_size_in_bytes`) and
 * applies to its `referenced_data_file` only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DELETION_VECTOR_BLOB_TYPE, encodeDeletionVector, encodePuffin } from '../../src/io/index.js';
import { DeleteLoader } from '../../src/scan/deletes.js';
import type { LiveFile } from '../../src/scan/plan.js';
import { DataFileContent, decodeTableMetadata, type DataFile } from '../../src/spec/index.js';
import { FileLocator, MemoryStore } from '../../src/store/index.js';
import { failure } from '../support/failure.js';

const LOCATION = 's3://bucket/test/location';
const A = `${LOCATION}/data/a.parquet`;
const B = `${LOCATION}/data/b.parquet`;
const PUFFIN = `${LOCATION}/data/deletes.puffin`;

const metadata = decodeTableMetadata(
  readFileSync(path.resolve(__dirname, '../fixtures/iceberg-java-golden/metadata/TableMetadataV3ValidMinimal.json'), 'utf8'),
  'TableMetadataV3ValidMinimal.json',
);

async function setup(): Promise<{ loader: DeleteLoader; store: MemoryStore; dvs: LiveFile[] }> {
  const store = new MemoryStore();
  const vectors = [
    { data: A, positions: [0, 2, 7] },
    { data: B, positions: [1] },
  ];
  const puffin = encodePuffin(
    vectors.map((v) => ({
      type: DELETION_VECTOR_BLOB_TYPE,
      fields: [2147483645],
      snapshotId: -1n,
      sequenceNumber: -1n,
      data: encodeDeletionVector(v.positions),
      properties: { 'referenced-data-file': v.data, cardinality: String(v.positions.length) },
    })),
  );
  await store.put('data/deletes.puffin', puffin.bytes);
  const locator = new FileLocator({
    rootUri: 'memory://t',
    rootStore: store,
    recordedLocation: LOCATION,
    openRoot: () => {
      throw new Error('no other roots in this test');
    },
  });
  const dvs = vectors.map((v, i): LiveFile => {
    const blob = puffin.metadata.blobs[i]!;
    const file: DataFile = {
      content: DataFileContent.POSITION_DELETES,
      filePath: PUFFIN,
      fileFormat: 'PUFFIN',
      partition: [1n],
      recordCount: v.positions.length,
      fileSizeInBytes: puffin.bytes.byteLength,
      referencedDataFile: v.data,
      contentOffset: blob.offset,
      contentSizeInBytes: blob.length,
    };
    return { file, dataSequenceNumber: 2n, fileSequenceNumber: 2n, snapshotId: 2n, specId: 0, manifestPath: `${LOCATION}/metadata/m.avro` };
  });
  return { loader: new DeleteLoader({ table: 'ns.t', metadata, locator }), store, dvs };
}

describe('deletion vectors in scans', () => {
  it('each data file gets the positions of its own vector, read by one ranged read of the blob', async () => {
    const { loader, store, dvs } = await setup();
    const get = vi.spyOn(store, 'get');
    expect([...((await loader.positionsFor(A, dvs)) ?? [])]).toEqual([0, 2, 7]);
    expect(get).toHaveBeenCalledTimes(1);
    const range = get.mock.calls[0]?.[1]?.range;
    expect(range).toEqual({ start: dvs[0]!.file.contentOffset, end: dvs[0]!.file.contentOffset! + dvs[0]!.file.contentSizeInBytes! });
    expect([...((await loader.positionsFor(B, dvs)) ?? [])]).toEqual([1]);
    expect(await loader.positionsFor(`${LOCATION}/data/c.parquet`, dvs)).toBeUndefined();
  });

  it('a vector whose cardinality differs from the manifest record count is refused, naming the file', async () => {
    const { loader, dvs } = await setup();
    const wrong = { ...dvs[0]!, file: { ...dvs[0]!.file, recordCount: 4 } };
    const e = await failure(loader.positionsFor(A, [wrong]));
    expect(e.code).toBe('CORRUPT_FILE');
    expect(e.message).toContain(PUFFIN);
    expect(e.message).toContain('invalid cardinality 3, expected 4');
  });

  it('a vector entry without content_offset is refused, not skipped', async () => {
    const { loader, dvs } = await setup();
    const { contentOffset: _o, ...rest } = dvs[0]!.file;
    const e = await failure(loader.positionsFor(A, [{ ...dvs[0]!, file: rest }]));
    expect(e.code).toBe('CORRUPT_FILE');
    expect(e.message).toContain('content_offset');
  });
});
