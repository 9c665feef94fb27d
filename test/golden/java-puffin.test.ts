/**
 * Puffin files against Iceberg Java's golden bytes (test/fixtures/iceberg-java-golden/puffin,
 * copied from apache/iceberg `core/src/test/resources/org/apache/iceberg/puffin/v1/`): what
 * Java's `TestPuffinReader` asserts on reading them and `TestPuffinWriter` on writing them, with
 * the footer sizes of `PuffinFormatTestUtil`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  asyncBufferFromBytes,
  DELETION_VECTOR_BLOB_TYPE,
  decodeDeletionVector,
  encodeDeletionVector,
  encodePuffin,
  readPuffinBlob,
  readPuffinMetadata,
  type PuffinBlobInput,
  type PuffinCodec,
} from '../../src/io/index.js';
import { failure } from '../support/failure.js';

const DIR = path.resolve(__dirname, '../fixtures/iceberg-java-golden/puffin');
const golden = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(DIR, name)));

const EMPTY_PUFFIN_UNCOMPRESSED_FOOTER_SIZE = 28;
const SAMPLE_METRIC_DATA_COMPRESSED_ZSTD_FOOTER_SIZE = 314;
const FIRST = new TextEncoder().encode('abcdefghi');
const SECOND = new TextEncoder().encode('some blob \u0000 binary data 🤯 that is not very very very very very very long, is it?');

describe('reading Java Puffin files (TestPuffinReader)', () => {
  for (const footerSize of [EMPTY_PUFFIN_UNCOMPRESSED_FOOTER_SIZE, undefined]) {
    it(`empty-puffin-uncompressed.bin, footer size ${footerSize ?? 'unknown'}: no properties, no blobs`, async () => {
      const source = asyncBufferFromBytes(golden('empty-puffin-uncompressed.bin'));
      const meta = await readPuffinMetadata(source, { path: 'empty.bin', ...(footerSize === undefined ? {} : { footerSize }) });
      expect(meta.properties).toEqual({});
      expect(meta.blobs).toEqual([]);
    });
  }

  it('refuses a wrong footer size with the message prefixes Java gives', async () => {
    const source = asyncBufferFromBytes(golden('sample-metric-data-compressed-zstd.bin'));
    const cases: [number, string][] = [
      [-1, 'invalid file: expected magic at offset'],
      [1, 'invalid file: expected magic at offset'],
      [-10, 'invalid file: expected magic at offset'],
      [10, 'invalid file: expected magic at offset'],
      [-10000, 'invalid footer size'],
      [10000, 'invalid footer size'],
    ];
    for (const [delta, prefix] of cases) {
      const e = await failure(readPuffinMetadata(source, { path: 'zstd.bin', footerSize: SAMPLE_METRIC_DATA_COMPRESSED_ZSTD_FOOTER_SIZE + delta }));
      expect(e.code, `delta ${delta}`).toBe('CORRUPT_FILE');
      expect(e.message, `delta ${delta}`).toMatch(new RegExp(`^zstd\\.bin: ${prefix}`));
    }
  });

  const reads: [string, PuffinCodec | undefined][] = [
    ['sample-metric-data-uncompressed.bin', undefined],
    ['sample-metric-data-compressed-zstd.bin', 'zstd'],
  ];
  for (const [name, codec] of reads) {
    it(`${name}: created-by, two blobs with their fields, offsets, codec and contents`, async () => {
      const source = asyncBufferFromBytes(golden(name));
      const meta = await readPuffinMetadata(source, { path: name });
      expect(meta.properties).toEqual({ 'created-by': 'Test 1234' });
      expect(meta.blobs).toHaveLength(2);
      const [first, second] = meta.blobs as [(typeof meta.blobs)[0], (typeof meta.blobs)[0]];
      expect(first.type).toBe('some-blob');
      expect(first.fields).toEqual([1]);
      expect(first.offset).toBe(4);
      expect(first.compressionCodec).toBe(codec);
      expect(second.type).toBe('some-other-blob');
      expect(second.fields).toEqual([2]);
      expect(second.offset).toBe(first.offset + first.length);
      expect(second.compressionCodec).toBe(codec);
      expect(await readPuffinBlob(source, first, name)).toEqual(FIRST);
      expect(await readPuffinBlob(source, second, name)).toEqual(SECOND);
    });
  }

  it('the zstd file reads with its footer size given (PuffinFormatTestUtil stays accurate)', async () => {
    const source = asyncBufferFromBytes(golden('sample-metric-data-compressed-zstd.bin'));
    const meta = await readPuffinMetadata(source, { path: 'zstd.bin', footerSize: SAMPLE_METRIC_DATA_COMPRESSED_ZSTD_FOOTER_SIZE });
    expect(meta.properties).toEqual({ 'created-by': 'Test 1234' });
  });
});

describe('writing Puffin files as Java does (TestPuffinWriter)', () => {
  it('an empty file is the golden bytes, with footer size 28', () => {
    const out = encodePuffin([]);
    expect(out.bytes).toEqual(golden('empty-puffin-uncompressed.bin'));
    expect(out.footerSize).toBe(EMPTY_PUFFIN_UNCOMPRESSED_FOOTER_SIZE);
    expect(out.metadata.blobs).toEqual([]);
  });

  const blobs = (codec: PuffinCodec | undefined): PuffinBlobInput[] => [
    { type: 'some-blob', fields: [1], snapshotId: 2n, sequenceNumber: 1n, data: FIRST, ...(codec ? { compressionCodec: codec } : {}) },
    { type: 'some-other-blob', fields: [2], snapshotId: 2n, sequenceNumber: 1n, data: SECOND, ...(codec ? { compressionCodec: codec } : {}) },
  ];

  it('the metric data, uncompressed, is the golden bytes', () => {
    const out = encodePuffin(blobs(undefined), { 'created-by': 'Test 1234' });
    expect(out.bytes).toEqual(golden('sample-metric-data-uncompressed.bin'));
    expect(out.metadata.blobs.map((b) => [b.type, b.fields, b.properties])).toEqual([
      ['some-blob', [1], {}],
      ['some-other-blob', [2], {}],
    ]);
  });

  it('the metric data, zstd, is the golden bytes where Node has zstd (22.15+), else a typed refusal', async () => {
    if ('zstdCompressSync' in zlib) {
      const out = encodePuffin(blobs('zstd'), { 'created-by': 'Test 1234' });
      expect(out.bytes).toEqual(golden('sample-metric-data-compressed-zstd.bin'));
    } else {
      const e = await failure(() => encodePuffin(blobs('zstd')));
      expect(e.code).toBe('UNSUPPORTED');
      expect(e.message).toContain('some-blob');
    }
  });

  it('a deletion vector written into a Puffin file reads back by its offset and length', async () => {
    const positions = [0, 5, 70000, 2 ** 32 + 3];
    const out = encodePuffin([
      {
        type: DELETION_VECTOR_BLOB_TYPE,
        fields: [2147483645],
        snapshotId: -1n,
        sequenceNumber: -1n,
        data: encodeDeletionVector(positions),
        properties: { 'referenced-data-file': 's3://b/t/data/a.parquet', cardinality: '4' },
      },
    ]);
    const source = asyncBufferFromBytes(out.bytes);
    const meta = await readPuffinMetadata(source, { path: 'dv.puffin', footerSize: out.footerSize });
    const [dv] = meta.blobs;
    expect(dv?.properties).toEqual({ 'referenced-data-file': 's3://b/t/data/a.parquet', cardinality: '4' });
    expect(dv?.snapshotId).toBe(-1n);
    const blob = await readPuffinBlob(source, dv!, 'dv.puffin');
    expect(decodeDeletionVector(blob, { path: 'dv.puffin', cardinality: 4 })).toEqual(positions);
  });
});
