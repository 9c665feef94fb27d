/**
 * Table metadata documents of Iceberg Java's tests (test/fixtures/iceberg-java-golden/metadata,
 * copied from apache/iceberg `core/src/test/resources/`): the ones `TestTableMetadataParser`,
 * `TestTableMetadata` and `TestLoadTableResponse` parse, parse here; the ones they refuse are
 * refused here for the same reason (the field Java's message names).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentSchema, decodeTableMetadata, encodeTableMetadata } from '../../src/spec/index.js';
import { failure } from '../support/failure.js';

const DIR = path.resolve(__dirname, '../fixtures/iceberg-java-golden/metadata');
const decode = (name: string) => decodeTableMetadata(readFileSync(path.join(DIR, name), 'utf8'), name);

describe('Java metadata documents that parse', () => {
  it('TableMetadataV1Valid.json and TableMetadataV2Valid.json (testParserVersionValidation)', () => {
    expect(decode('TableMetadataV1Valid.json').formatVersion).toBe(1);
    expect(decode('TableMetadataV2Valid.json').formatVersion).toBe(2);
    expect(decode('TableMetadataV2ValidMinimal.json').formatVersion).toBe(2);
  });

  it('TableMetadataV3ValidMinimal.json: v3 with next-row-id and field defaults (testRoundTripSerdeWithV3TableMetadata)', () => {
    const m = decode('TableMetadataV3ValidMinimal.json');
    expect(m.formatVersion).toBe(3);
    expect(m.nextRowId).toBe(0n);
    const [x, y, z] = currentSchema(m).fields;
    expect(x).toMatchObject({ id: 1, name: 'x', required: true, type: { type: 'long' }, initialDefault: 1n, writeDefault: 1n });
    expect(y).toMatchObject({ id: 2, name: 'y', doc: 'comment' });
    expect(y?.initialDefault).toBeUndefined();
    expect(z).toMatchObject({ id: 3, name: 'z' });
    expect(m.lastPartitionId).toBe(1000);
    expect(m.defaultSortOrderId).toBe(3);
  });

  it('a v3 table is written back as v3: next-row-id kept, where Java writes it; no current snapshot leaves current-snapshot-id out', () => {
    const m = decode('TableMetadataV3ValidMinimal.json');
    const text = encodeTableMetadata(m);
    expect(decodeTableMetadata(text, 'again.json')).toEqual(m);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json['format-version']).toBe(3);
    expect(json['next-row-id']).toBe(0);
    expect('current-snapshot-id' in json).toBe(false);
    const keys = Object.keys(json);
    expect(keys.indexOf('next-row-id')).toBe(keys.indexOf('properties') + 1);
  });

  it('statistics and partition-statistics entries are kept as read (testParseStatisticsFiles, testParsePartitionStatisticsFiles)', () => {
    expect(decode('TableMetadataStatisticsFiles.json').statistics).toEqual([
      {
        'snapshot-id': 3055729675574597004n,
        'statistics-path': 's3://a/b/stats.puffin',
        'file-size-in-bytes': 413,
        'file-footer-size-in-bytes': 42,
        'blob-metadata': [{ type: 'ndv', 'snapshot-id': 3055729675574597004n, 'sequence-number': 1, fields: [1] }],
      },
    ]);
    expect(decode('TableMetadataPartitionStatisticsFiles.json').partitionStatistics).toEqual([
      { 'snapshot-id': 3055729675574597004n, 'statistics-path': 's3://a/b/partition-stats.parquet', 'file-size-in-bytes': 43 },
    ]);
  });
});

describe('Java metadata documents that are refused', () => {
  const cases: [string, string, string, string][] = [
    // file, Floe code, the field at fault, Java's message
    ['TableMetadataUnsupportedVersion.json', 'UNSUPPORTED', 'format-version', 'Cannot read unsupported version'],
    ['TableMetadataV1MissingSchemaType.json', 'VALIDATION', 'schema.type', 'Cannot parse type from json'],
    ['TableMetadataV2MissingPartitionSpecs.json', 'VALIDATION', 'partition-specs', 'partition-specs must exist in format v2'],
    ['TableMetadataV2MissingLastPartitionId.json', 'VALIDATION', 'last-partition-id', 'last-partition-id must exist in format v2'],
    ['TableMetadataV2MissingSortOrder.json', 'VALIDATION', 'sort-orders', 'sort-orders must exist in format v2'],
    ['TableMetadataV2MissingSchemas.json', 'VALIDATION', 'schemas', 'schemas must exist in format v2'],
    ['TableMetadataV2CurrentSchemaNotFound.json', 'VALIDATION', 'current-schema-id', 'Cannot find schema with current-schema-id=2 from schemas'],
  ];
  for (const [file, code, field, javaSays] of cases) {
    it(`${file}: refused at ${field} (Java: "${javaSays}")`, async () => {
      const e = await failure(() => decode(file));
      expect(e.code).toBe(code);
      expect(e.context['path']).toBe(field);
      expect(e.message).toContain(file);
    });
  }
});

describe('v3 types Floe cannot read', () => {
  for (const type of ['variant', 'geometry', 'geography(OGC:CRS84, spherical)']) {
    it(`a ${type} column fails with UNSUPPORTED naming the column`, async () => {
      const doc = JSON.parse(readFileSync(path.join(DIR, 'TableMetadataV3ValidMinimal.json'), 'utf8')) as {
        schemas: { fields: Record<string, unknown>[] }[];
        'last-column-id': number;
      };
      doc.schemas[0]!.fields.push({ id: 4, name: 'payload', required: false, type });
      doc['last-column-id'] = 4;
      const e = await failure(() => decodeTableMetadata(JSON.stringify(doc), 'v3-with-payload.json'));
      expect(e.code).toBe('UNSUPPORTED');
      expect(e.message).toContain('column "payload"');
      expect(e.message).toContain('v3-with-payload.json');
      expect(e.context['path']).toBe('schemas[0].fields[3].type');
    });
  }

  it('an optional unknown column decodes (spec §Primitive Types); a required one is refused naming it', async () => {
    const doc = JSON.parse(readFileSync(path.join(DIR, 'TableMetadataV3ValidMinimal.json'), 'utf8')) as {
      schemas: { fields: Record<string, unknown>[] }[];
      'last-column-id': number;
    };
    doc.schemas[0]!.fields.push({ id: 4, name: 'payload', required: false, type: 'unknown' });
    doc['last-column-id'] = 4;
    const m = decodeTableMetadata(JSON.stringify(doc), 'v3-with-unknown.json');
    expect(m.schemas[0]!.fields.at(-1)).toEqual({ id: 4, name: 'payload', required: false, type: { type: 'unknown' } });
    doc.schemas[0]!.fields[3] = { id: 4, name: 'payload', required: true, type: 'unknown' };
    const e = await failure(() => decodeTableMetadata(JSON.stringify(doc), 'v3-with-unknown.json'));
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toContain('column "payload" of type unknown must be optional');
    doc.schemas[0]!.fields[3] = { id: 4, name: 'payload', required: false, type: 'unknown', 'initial-default': 1 };
    expect((await failure(() => decodeTableMetadata(JSON.stringify(doc), 'v3-with-unknown.json'))).context['path']).toBe('schemas[0].fields[3].initial-default');
  });
});
