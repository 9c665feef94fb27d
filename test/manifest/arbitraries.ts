/**
 * A table with a column and an identity partition of every primitive type (plus bucket, day,
 * truncate and void), and fast-check arbitraries of manifest entries for it.
 */
import fc from 'fast-check';
import {
  DataFileContent,
  ManifestContent,
  ManifestEntryStatus,
  type DataFile,
  type FieldSummary,
  type ManifestEntry,
  type ManifestFile,
} from '../../src/spec/manifest.js';
import { partitionType, type PartitionField, type PartitionSpec, type Transform } from '../../src/spec/partition.js';
import type { PrimitiveType, Schema, StructType } from '../../src/spec/types.js';
import type { Literal } from '../../src/spec/values.js';

const COLUMN_TYPES: PrimitiveType[] = [
  { type: 'boolean' },
  { type: 'int' },
  { type: 'long' },
  { type: 'float' },
  { type: 'double' },
  { type: 'decimal', precision: 9, scale: 2 },
  { type: 'decimal', precision: 9, scale: 2 }, // the same named Avro fixed twice
  { type: 'decimal', precision: 38, scale: 10 },
  { type: 'decimal', precision: 3, scale: 2 },
  { type: 'date' },
  { type: 'time' },
  { type: 'timestamp' },
  { type: 'timestamptz' },
  { type: 'string' },
  { type: 'uuid' },
  { type: 'fixed', length: 4 },
  { type: 'fixed', length: 4 },
  { type: 'binary' },
];

/** A schema with one optional column per type, ids 1.., one named with a space. */
export const SCHEMA: Schema = {
  schemaId: 3,
  fields: COLUMN_TYPES.map((type, i) => ({
    id: i + 1,
    name: i === 0 ? 'Breed Name' : `c${i + 1}_${type.type}`,
    required: false,
    type,
  })),
};

const byType = (t: string) => SCHEMA.fields.find((f) => f.type.type === t)!.id;
const extra: [Transform, number, string][] = [
  [{ kind: 'bucket', numBuckets: 16 }, byType('string'), 'str_bucket'],
  [{ kind: 'day' }, byType('timestamptz'), 'ts_day'],
  [{ kind: 'truncate', width: 3 }, byType('string'), 'str_trunc'],
  [{ kind: 'void' }, byType('int'), '1st_void'],
];

/** Identity on every column, then the extra transforms; field ids 1000.. */
export const SPEC: PartitionSpec = {
  specId: 7,
  fields: [
    ...SCHEMA.fields.map((f, i): PartitionField => ({ sourceId: f.id, fieldId: 1000 + i, name: f.name, transform: { kind: 'identity' } })),
    ...extra.map(([transform, sourceId, name], i): PartitionField => ({ sourceId, fieldId: 1000 + SCHEMA.fields.length + i, name, transform })),
  ],
};

/** The partition type of {@link SPEC}. */
export const PARTITION_TYPE: StructType = partitionType(SPEC, SCHEMA);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A non-null literal of a primitive type, in the in-memory convention. */
export function literalArb(t: PrimitiveType): fc.Arbitrary<Literal> {
  switch (t.type) {
    case 'unknown':
      throw new Error('unknown has no non-null values');
    case 'boolean':
      return fc.boolean();
    case 'int':
    case 'date':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'long':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
    case 'time':
      return fc.bigInt({ min: 0n, max: 86_400_000_000n - 1n });
    case 'float':
      return fc.float();
    case 'double':
      return fc.double();
    case 'decimal': {
      const max = 10n ** BigInt(t.precision) - 1n;
      return fc.bigInt({ min: -max, max });
    }
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 });
    case 'uuid':
      return fc.uuid();
    case 'fixed':
      return fc.uint8Array({ minLength: t.length, maxLength: t.length });
    case 'binary':
      return fc.uint8Array({ maxLength: 20 });
  }
}

/** A partition tuple of {@link PARTITION_TYPE} (void fields always null). */
export const partitionArb: fc.Arbitrary<(Literal | null)[]> = fc.tuple(
  ...PARTITION_TYPE.fields.map((f) =>
    SPEC.fields.find((p) => p.fieldId === f.id)!.transform.kind === 'void'
      ? fc.constant(null)
      : fc.option(literalArb(f.type as PrimitiveType), { nil: null, freq: 4 }),
  ),
);

const count = fc.nat({ max: 2 ** 40 });
const intMap = <V>(v: fc.Arbitrary<V>) =>
  fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 5000 }), v), { selector: ([k]) => k, maxLength: 5 }).map((kv) => new Map(kv));
const opt = <K extends string, V>(key: K, arb: fc.Arbitrary<V>) =>
  fc.option(arb, { nil: undefined }).map((v) => (v === undefined ? {} : ({ [key]: v } as Record<K, V>)));

/** A data file of the given content. */
export function dataFileArb(content: DataFileContent): fc.Arbitrary<DataFile> {
  return fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.constantFrom('PARQUET', 'AVRO', 'ORC'),
      partitionArb,
      count,
      count,
      fc.tuple(
        opt('columnSizes', intMap(count)),
        opt('valueCounts', intMap(count)),
        opt('nullValueCounts', intMap(count)),
        opt('nanValueCounts', intMap(count)),
        opt('lowerBounds', intMap(fc.uint8Array({ maxLength: 16 }))),
        opt('upperBounds', intMap(fc.uint8Array({ maxLength: 16 }))),
        opt('keyMetadata', fc.uint8Array({ maxLength: 8 })),
        opt('splitOffsets', fc.array(count, { maxLength: 4 })),
        content === DataFileContent.EQUALITY_DELETES
          ? fc.uniqueArray(fc.integer({ min: 1, max: 18 }), { minLength: 1, maxLength: 3 }).map((equalityIds) => ({ equalityIds }))
          : fc.constant({}),
        opt('sortOrderId', fc.nat({ max: 10 })),
      ),
    )
    .map(([path, fileFormat, partition, recordCount, fileSizeInBytes, extras]) =>
      Object.assign({ content, filePath: `s3://bucket/t/data/${path}.parquet`, fileFormat, partition, recordCount, fileSizeInBytes }, ...extras),
    );
}

const seq = fc.bigInt({ min: 0n, max: INT64_MAX });
const snapshotIdArb = fc.bigInt({ min: INT64_MIN, max: INT64_MAX });

/** A manifest entry valid for a v2 writer of the given manifest content. */
export function entryArb(content: ManifestContent): fc.Arbitrary<ManifestEntry> {
  const file =
    content === ManifestContent.DATA
      ? dataFileArb(DataFileContent.DATA)
      : fc.constantFrom(DataFileContent.POSITION_DELETES, DataFileContent.EQUALITY_DELETES).chain(dataFileArb);
  return fc.oneof(
    fc.record({
      status: fc.constant(ManifestEntryStatus.ADDED),
      snapshotId: fc.constant(null),
      sequenceNumber: fc.option(seq, { nil: null }),
      fileSequenceNumber: fc.constant(null),
      dataFile: file,
    }),
    fc.record({
      status: fc.constantFrom(ManifestEntryStatus.EXISTING, ManifestEntryStatus.DELETED),
      snapshotId: snapshotIdArb,
      sequenceNumber: seq,
      fileSequenceNumber: seq,
      dataFile: file,
    }),
  );
}

/** Manifest content, snapshot id and entries. */
export const manifestArb = fc.constantFrom(ManifestContent.DATA, ManifestContent.DELETES).chain((content) =>
  fc.record({ content: fc.constant(content), snapshotId: snapshotIdArb, entries: fc.array(entryArb(content), { maxLength: 8 }) }),
);

const summaryArb: fc.Arbitrary<FieldSummary> = fc
  .tuple(fc.boolean(), opt('containsNan', fc.boolean()), opt('lowerBound', fc.uint8Array({ maxLength: 8 })), opt('upperBound', fc.uint8Array({ maxLength: 8 })))
  .map(([containsNull, ...rest]) => Object.assign({ containsNull }, ...rest));

/** A manifest-list entry with assigned sequence numbers. */
export const manifestFileArb: fc.Arbitrary<ManifestFile> = fc
  .tuple(
    fc.record({
      manifestPath: fc.string({ minLength: 1 }).map((s) => `s3://b/t/metadata/${s}-m0.avro`),
      manifestLength: count,
      partitionSpecId: fc.nat({ max: 100 }),
      content: fc.constantFrom(ManifestContent.DATA, ManifestContent.DELETES),
      sequenceNumber: seq,
      minSequenceNumber: seq,
      addedSnapshotId: snapshotIdArb,
      addedFilesCount: fc.nat({ max: 2 ** 31 - 1 }),
      existingFilesCount: fc.nat({ max: 2 ** 31 - 1 }),
      deletedFilesCount: fc.nat({ max: 2 ** 31 - 1 }),
      addedRowsCount: count,
      existingRowsCount: count,
      deletedRowsCount: count,
    }),
    opt('partitions', fc.array(summaryArb, { maxLength: 4 })),
    opt('keyMetadata', fc.uint8Array({ maxLength: 8 })),
  )
  .map(([base, ...rest]) => Object.assign(base, ...rest));
