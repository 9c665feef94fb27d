import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readContainer, writeContainer } from '../../src/manifest/avro/container.js';
import { snappyDecompress } from '../../src/manifest/avro/snappy.js';
import { isFloeError } from '../../src/errors.js';

const FIXTURES = '/work/shared/fixtures/iceberg';

describe('avro container', () => {
  it('round-trips records with bigint longs, null and deflate codecs', () => {
    const schema = {
      type: 'record',
      name: 'r',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'ts', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }], default: null },
        { name: 'b', type: 'bytes' },
      ],
    };
    // 300 records of ~5 KB: more than one 1 MiB block.
    const records = Array.from({ length: 300 }, (_, i) => ({
      id: 9_000_000_000_000_000_000n + BigInt(i) * -7n,
      ts: i % 3 === 0 ? null : -BigInt(i) * 1_000_000_007n,
      b: Buffer.alloc(5000 + i, i % 256),
    }));
    for (const codec of ['null', 'deflate'] as const) {
      const bytes = writeContainer({ schema, metadata: { k: 'v', 'snapshot-id': '1' }, codec, records });
      const got = readContainer(bytes, 'mem://x.avro');
      expect(got.metadata.get('avro.codec')).toBe(codec);
      expect(got.metadata.get('k')).toBe('v');
      const rs = got.records as typeof records;
      expect(rs.map((r) => [r.id, r.ts])).toEqual(records.map((r) => [r.id, r.ts]));
      expect(rs.every((r, i) => r.b.equals(records[i]!.b))).toBe(true);
    }
  });

  it('rejects truncated and garbage files with CorruptFileError naming the path', () => {
    const schema = { type: 'record', name: 'r', fields: [{ name: 'id', type: 'long' }] };
    const bytes = writeContainer({ schema, metadata: {}, records: [{ id: 1n }, { id: 2n }] });
    for (const bad of [bytes.subarray(0, bytes.length - 3), bytes.subarray(0, 10), new Uint8Array([1, 2, 3, 4, 5])]) {
      try {
        readContainer(bad, 's3://b/m.avro');
        expect.unreachable();
      } catch (e) {
        expect(isFloeError(e, 'CORRUPT_FILE')).toBe(true);
        expect((e as Error).message).toContain('s3://b/m.avro');
      }
    }
  });

  it('decompresses hand-made snappy blocks (literal, overlapping copy)', () => {
    // "abcabcabcabcX": length 13; literal "abc" (tag (3-1)<<2), copy-1 len 9 offset 3, literal "X".
    const block = Uint8Array.from([13, 2 << 2, 97, 98, 99, 1 | ((9 - 4) << 2), 3, 0, 88]);
    expect(new TextDecoder().decode(snappyDecompress(block))).toBe('abcabcabcabcX');
    expect(() => snappyDecompress(Uint8Array.from([13, 2 << 2, 97]))).toThrow(RangeError);
  });

  it('reads every fixture file (deflate from Java/Trino, null from PyIceberg)', () => {
    let n = 0;
    for (const t of readdirSync(FIXTURES)) {
      let files: string[];
      try {
        files = readdirSync(join(FIXTURES, t, 'metadata')).filter((f) => f.endsWith('.avro'));
      } catch {
        continue;
      }
      for (const f of files) {
        const got = readContainer(readFileSync(join(FIXTURES, t, 'metadata', f)), f);
        expect(got.records.length).toBeGreaterThan(0);
        n++;
      }
    }
    expect(n).toBeGreaterThan(20);
  });
});
