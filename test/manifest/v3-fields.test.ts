/**
 * v3 manifest entries (spec §Manifests, data_file fields 142-145): a manifest written with the
 * v3 data_file fields reads back with `first_row_id` on data files and `referenced_data_file`,
 * `content_offset` and `content_size_in_bytes` on deletion vectors. The manifest is Floe's v2
 * manifest re-written through the Avro container with the v3 fields added to its schema.
 */
import { describe, expect, it } from 'vitest';
import { readContainer, writeContainer } from '../../src/manifest/avro/container.js';
import { decodeManifest, encodeManifest } from '../../src/manifest/index.js';
import { DataFileContent, ManifestContent, ManifestEntryStatus, type DataFile } from '../../src/spec/manifest.js';
import type { JsonValue } from '../../src/util/index.js';
import { failure } from '../support/failure.js';
import { SCHEMA } from './arbitraries.js';

const V3_FIELDS = [
  { name: 'first_row_id', type: ['null', 'long'], default: null, 'field-id': 142 },
  { name: 'referenced_data_file', type: ['null', 'string'], default: null, 'field-id': 143 },
  { name: 'content_offset', type: ['null', 'long'], default: null, 'field-id': 144 },
  { name: 'content_size_in_bytes', type: ['null', 'long'], default: null, 'field-id': 145 },
];

function v3Manifest(file: DataFile, v3: Record<string, unknown>): Uint8Array {
  const v2 = encodeManifest({
    schema: SCHEMA,
    spec: { specId: 0, fields: [] },
    formatVersion: 2,
    content: file.content === DataFileContent.DATA ? ManifestContent.DATA : ManifestContent.DELETES,
    snapshotId: 7n,
    entries: [{ status: ManifestEntryStatus.ADDED, snapshotId: 7n, sequenceNumber: null, fileSequenceNumber: null, dataFile: file }],
  });
  const c = readContainer(v2, 'm.avro');
  const schema = structuredClone(c.schema) as { fields: { name: string; type: { fields: unknown[] } }[] };
  schema.fields.find((f) => f.name === 'data_file')!.type.fields.push(...V3_FIELDS);
  const records = c.records.map((r) => {
    const rec = r as { data_file: Record<string, unknown> };
    return { ...rec, data_file: { ...rec.data_file, ...v3 } };
  });
  const metadata = Object.fromEntries([...c.metadata].filter(([k]) => !k.startsWith('avro.')));
  return writeContainer({ schema: schema as unknown as JsonValue & Record<string, unknown>, metadata, records });
}

const base: DataFile = { content: DataFileContent.DATA, filePath: 's3://b/t/data/a.parquet', fileFormat: 'PARQUET', partition: [], recordCount: 10, fileSizeInBytes: 100 };

describe('v3 manifest fields', () => {
  it('a data file keeps its first_row_id', () => {
    const m = decodeManifest(v3Manifest(base, { first_row_id: 1000n, referenced_data_file: null, content_offset: null, content_size_in_bytes: null }), { path: 'm.avro' });
    expect(m.entries[0]?.dataFile.firstRowId).toBe(1000n);
    expect(m.entries[0]?.dataFile.contentOffset).toBeUndefined();
  });

  it('a deletion vector keeps its referenced data file, offset and size', () => {
    const dv: DataFile = { ...base, content: DataFileContent.POSITION_DELETES, filePath: 's3://b/t/data/d.puffin', fileFormat: 'PUFFIN', recordCount: 3 };
    const m = decodeManifest(
      v3Manifest(dv, { first_row_id: null, referenced_data_file: 's3://b/t/data/a.parquet', content_offset: 4n, content_size_in_bytes: 42n }),
      { path: 'm.avro' },
    );
    expect(m.entries[0]?.dataFile).toMatchObject({ referencedDataFile: 's3://b/t/data/a.parquet', contentOffset: 4, contentSizeInBytes: 42 });
  });

  it('content_offset without content_size_in_bytes is refused', async () => {
    const dv: DataFile = { ...base, content: DataFileContent.POSITION_DELETES, fileFormat: 'PUFFIN' };
    const bytes = v3Manifest(dv, { first_row_id: null, referenced_data_file: 'x', content_offset: 4n, content_size_in_bytes: null });
    const e = await failure(() => decodeManifest(bytes, { path: 'm.avro' }));
    expect(e.code).toBe('CORRUPT_FILE');
    expect(e.message).toContain('content_size_in_bytes');
  });
});
