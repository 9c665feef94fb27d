import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptFileError, FloeError, UnsupportedError, ValidationError } from '../../src/errors.js';
import {
  currentSchema,
  currentSnapshot,
  decodeTableMetadata,
  defaultPartitionSpec,
  encodeTableMetadata,
  MAIN_BRANCH,
  type TableMetadata,
} from '../../src/spec/index.js';
import { parseJson } from '../../src/util/json.js';

const FIXTURES = new URL('../fixtures/table-metadata/', import.meta.url).pathname;
const ICEBERG_FIXTURES = '/work/shared/fixtures/iceberg';

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

function decodeFixture(name: string): TableMetadata {
  const path = join(FIXTURES, name);
  return decodeTableMetadata(read(path), path);
}

function roundTrip(m: TableMetadata): TableMetadata {
  return decodeTableMetadata(encodeTableMetadata(m), 'round-trip.metadata.json');
}

/** Every metadata.json of the shared Spark/Java/Athena/PyIceberg fixtures. */
function sharedMetadataFiles(): string[] {
  const out: string[] = [];
  for (const table of readdirSync(ICEBERG_FIXTURES, { withFileTypes: true })) {
    if (!table.isDirectory()) continue;
    const dir = join(ICEBERG_FIXTURES, table.name, 'metadata');
    for (const f of readdirSync(dir)) if (f.endsWith('.metadata.json')) out.push(join(dir, f));
  }
  return out.sort();
}

interface ExpectedVersion {
  metadataFile: string;
  formatVersion: number;
  currentSchemaId: number;
  defaultSpecId: number;
  snapshotCount: number;
  currentSnapshotId: string | null;
  snapshot?: { sequenceNumber: number | string; parentSnapshotId: string | null; operation: string };
}

describe('decodeTableMetadata over the shared engine fixtures', () => {
  const files = sharedMetadataFiles();

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s decodes, and decode → encode → decode is the identity', (file) => {
    const m = decodeTableMetadata(read(file), file);
    expect(m.formatVersion).toBe(2);
    expect(roundTrip(m)).toEqual(m);
  });

  it.each(files)('%s matches expected.json (ids exact, as decimal strings)', (file) => {
    const tableDir = join(file, '..', '..');
    const expected = parseJson(read(join(tableDir, 'expected.json'))) as unknown as { versions: ExpectedVersion[] };
    const name = file.slice(file.lastIndexOf('/') + 1);
    const v = expected.versions.find((x) => x.metadataFile.endsWith(name));
    expect(v, `expected.json entry for ${name}`).toBeDefined();
    if (v === undefined) return;
    const m = decodeTableMetadata(read(file), file);
    expect(m.formatVersion).toBe(v.formatVersion);
    expect(m.currentSchemaId).toBe(v.currentSchemaId);
    expect(m.defaultSpecId).toBe(v.defaultSpecId);
    expect(m.snapshots.length).toBe(v.snapshotCount);
    expect(m.currentSnapshotId === null ? null : m.currentSnapshotId.toString()).toBe(v.currentSnapshotId);
    if (v.currentSnapshotId !== null) {
      // the lossless path: a JSON number above 2^53 becomes exactly this bigint
      expect(m.refs[MAIN_BRANCH]?.snapshotId).toBe(BigInt(v.currentSnapshotId));
      const snap = currentSnapshot(m);
      expect(snap?.snapshotId).toBe(BigInt(v.currentSnapshotId));
      if (v.snapshot) {
        expect(snap?.summary.operation).toBe(v.snapshot.operation);
        expect(snap?.sequenceNumber).toBe(BigInt(v.snapshot.sequenceNumber));
        expect(snap?.parentSnapshotId?.toString() ?? null).toBe(v.snapshot.parentSnapshotId);
      }
    } else {
      expect(m.refs[MAIN_BRANCH]).toBeUndefined();
    }
  });

  it('keeps initial-default and write-default, including long -9223372036854775808', () => {
    const dir = join(ICEBERG_FIXTURES, 'add_columns_with_defaults', 'metadata');
    const file = join(dir, readdirSync(dir).filter((f) => f.startsWith('00003'))[0] ?? '');
    const m = decodeTableMetadata(read(file), file);
    const byName = new Map(currentSchema(m).fields.map((f) => [f.name, f]));
    expect(byName.get('col_long')?.initialDefault).toBe(-9223372036854775808n);
    expect(byName.get('col_integer')?.initialDefault).toBe(342342);
    expect(byName.get('col_boolean')?.writeDefault).toBe(true);
    expect(byName.get('col_decimal')?.initialDefault).toBe(1234500n);
    expect(byName.get('col_date')?.initialDefault).toBe(12345);
    expect(byName.get('col_time')?.initialDefault).toBe(12345n);
    expect(byName.get('col_timestamptz')?.initialDefault).toBe(12345n);
    expect(byName.get('col_fixed')?.initialDefault).toEqual(Uint8Array.of(1, 2, 3, 0xff, 3));
    expect(Math.fround(0.34234)).toBe(byName.get('col_float')?.initialDefault);
    const text = encodeTableMetadata(m);
    expect(text).toContain('"initial-default": -9223372036854775808');
    expect(text).toContain('"initial-default": 0.34234');
    expect(text).toContain('"initial-default": "12345.00"');
    expect(text).toContain('"initial-default": "1970-01-01T00:00:00.012345+00:00"');
  });
});

describe('int64 ids', () => {
  it('round-trip exactly through decode → encode → decode', () => {
    const m = decodeFixture('TableMetadataV2Valid.json');
    expect(m.currentSnapshotId).toBe(9158179788527662767n);
    expect(m.snapshots.map((s) => s.snapshotId)).toEqual([3051729675574597004n, 9158179788527662767n]);
    expect(m.snapshots[1]?.parentSnapshotId).toBe(3051729675574597004n);
    expect(m.refs['tag1']).toEqual({ snapshotId: 3051729675574597004n, type: 'tag', maxRefAgeMs: 10000000 });
    const text = encodeTableMetadata(m);
    expect(text).toContain('"current-snapshot-id": 9158179788527662767');
    expect(text).not.toContain('9158179788527663000'); // what JSON.parse would have made of it
    expect(roundTrip(m)).toEqual(m);
  });

  it('are bigints even when small enough to parse as numbers', () => {
    const m = decodeFixture('TableMetadataV2Valid.json');
    const snapshots = m.snapshots.map(({ parentSnapshotId: _parent, ...s }, i) => ({ ...s, snapshotId: BigInt(i + 1) }));
    const small: TableMetadata = { ...m, snapshots, currentSnapshotId: 2n, refs: { main: { snapshotId: 2n, type: 'branch' } }, snapshotLog: [] };
    const text = encodeTableMetadata(small);
    const back = decodeTableMetadata(text, 'small.json');
    expect(back.snapshots.map((s) => s.snapshotId)).toEqual([1n, 2n]);
    expect(typeof back.lastSequenceNumber).toBe('bigint');
  });
});

describe('valid metadata fixtures', () => {
  it('v2: every field lands in the model', () => {
    const m = decodeFixture('TableMetadataV2Valid.json');
    expect(m.tableUuid).toBe('9c12d441-03fe-4693-9a96-a0705ddf69c1');
    expect(m.lastSequenceNumber).toBe(34n);
    expect(m.lastColumnId).toBe(5);
    expect(currentSchema(m).identifierFieldIds).toEqual([1, 2]);
    expect(currentSchema(m).fields[2]).toEqual({
      id: 3,
      name: 'z',
      required: false,
      type: { type: 'decimal', precision: 10, scale: 2 },
      initialDefault: 150n,
      writeDefault: 200n,
    });
    expect(defaultPartitionSpec(m).fields).toEqual([{ sourceId: 1, fieldId: 1000, name: 'x_bucket', transform: { kind: 'bucket', numBuckets: 16 } }]);
    expect(m.sortOrders[1]?.fields[1]).toEqual({ sourceId: 3, transform: { kind: 'bucket', numBuckets: 4 }, direction: 'desc', nullOrder: 'nulls-last' });
    expect(m.snapshotLog).toHaveLength(2);
    expect(m.metadataLog).toEqual([{ timestampMs: 1515100, metadataFile: 's3://bucket/.../v1.json' }]);
    expect(m.properties['commit.retry.num-retries']).toBe('4');
  });

  it('v2: unknown keys are tolerated', () => {
    expect(decodeFixture('TableMetadataV2ValidUnknownKeys.json')).toEqual(decodeFixture('TableMetadataV2Valid.json'));
  });

  it('v2: -1 current-snapshot-id means no snapshot', () => {
    const m = decodeFixture('TableMetadataV2ValidNoSnapshot.json');
    expect(m.currentSnapshotId).toBeNull();
    expect(currentSnapshot(m)).toBeUndefined();
    expect(encodeTableMetadata(m)).toContain('"current-snapshot-id": -1');
    expect(roundTrip(m)).toEqual(m);
  });

  it('v2: a missing refs map gets a main branch at the current snapshot', () => {
    const m = decodeFixture('TableMetadataV2ValidNoRefs.json');
    expect(m.refs).toEqual({ main: { snapshotId: 9158179788527662767n, type: 'branch' } });
  });

  it('v1 is upgraded on read and written back as v2', () => {
    const m = decodeFixture('TableMetadataV1Valid.json');
    expect(m.formatVersion).toBe(1);
    expect(m.schemas).toHaveLength(1);
    expect(m.currentSchemaId).toBe(0);
    expect(m.partitionSpecs).toEqual([{ specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'x', transform: { kind: 'identity' } }] }]);
    expect(m.defaultSpecId).toBe(0);
    expect(m.lastPartitionId).toBe(1000);
    expect(m.lastSequenceNumber).toBe(0n);
    expect(m.sortOrders).toEqual([{ orderId: 0, fields: [] }]);
    expect(m.defaultSortOrderId).toBe(0);
    expect(m.snapshots[0]).toMatchObject({ sequenceNumber: 0n, manifestList: '', manifests: ['s3://a/b/m1.avro', 's3://a/b/m2.avro'], summary: { operation: 'append' } });
    expect(m.snapshots[1]?.manifestList).toBe('s3://a/b/2.avro');
    expect(m.refs['main']?.snapshotId).toBe(3055729675574597004n);
    const text = encodeTableMetadata(m);
    const json = parseJson(text) as Record<string, unknown>;
    expect(json['format-version']).toBe(2);
    expect(json['schema']).toBeUndefined();
    expect(json['partition-spec']).toBeUndefined();
    const again = decodeTableMetadata(text, 'v2.json');
    expect({ ...again, formatVersion: 1 }).toEqual(m);
  });

  it('writes keys in the order Java does', () => {
    const text = encodeTableMetadata(decodeFixture('TableMetadataV2Valid.json'));
    const keys = Object.keys(parseJson(text) as object);
    expect(keys).toEqual([
      'format-version',
      'table-uuid',
      'location',
      'last-sequence-number',
      'last-updated-ms',
      'last-column-id',
      'current-schema-id',
      'schemas',
      'default-spec-id',
      'partition-specs',
      'last-partition-id',
      'default-sort-order-id',
      'sort-orders',
      'properties',
      'current-snapshot-id',
      'refs',
      'snapshots',
      'statistics',
      'partition-statistics',
      'snapshot-log',
      'metadata-log',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('invalid metadata fixtures', () => {
  const expected = parseJson(read(join(FIXTURES, 'expected-errors.json'))) as Record<string, { code: string; path: string | null }>;
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && f !== 'expected-errors.json');

  it('every fixture is either valid or listed with its expected error', () => {
    for (const f of files) expect(f.includes('Valid') || f in expected, f).toBe(true);
  });

  it.each(Object.entries(expected))('%s fails with %o', (name, want) => {
    const path = join(FIXTURES, name);
    let error: unknown;
    try {
      decodeTableMetadata(read(path), path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FloeError);
    const fe = error as FloeError;
    expect(fe.code).toBe(want.code);
    const cls = { VALIDATION: ValidationError, UNSUPPORTED: UnsupportedError, CORRUPT_FILE: CorruptFileError }[want.code];
    expect(fe).toBeInstanceOf(cls);
    if (want.code === 'CORRUPT_FILE') expect(fe.context['path']).toBe(path);
    else expect(fe.context['file']).toBe(path);
    if (want.path !== null) expect(fe.context['path']).toBe(want.path);
    expect(fe.message).toContain(name);
  });
});

describe('refs', () => {
  it('read Long.MAX_VALUE retention ages as "forever" instead of rejecting the table', () => {
    const text = read(join(FIXTURES, 'TableMetadataV2Valid.json')).replace('"max-ref-age-ms": 10000000', '"max-ref-age-ms": 9223372036854775807');
    const m = decodeTableMetadata(text, 'forever.json');
    expect(m.refs['tag1']?.maxRefAgeMs).toBe(Number.MAX_SAFE_INTEGER);
  });
});
