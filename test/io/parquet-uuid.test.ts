/**
 * The footer rewrite that adds the Parquet `UUID` logical type to uuid columns
 * (src/io/parquet-uuid.ts): it inserts that annotation and changes nothing else, byte for byte,
 * and refuses a footer it cannot reproduce rather than alter it.
 */
import * as arrow from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { describe, expect, it } from 'vitest';
import { isFloeError } from '../../src/errors.js';
import { readParquet, writeParquet } from '../../src/io/index.js';
import { annotateUuidColumns } from '../../src/io/parquet-uuid.js';
import { arrayBufferOf, idField, tableOf } from './helpers.js';

const N = 300;

/** uuid (id 1) beside columns whose footer holds an i8 (IntType.bitWidth of Int8, UInt16) and other logical types. */
function sampleTable(): arrow.Table {
  const uuids = Array.from({ length: N }, (_, i) => (i % 9 === 0 ? null : Uint8Array.from({ length: 16 }, (_, k) => (i * 31 + k * 7) & 0xff)));
  const fixed = Array.from({ length: N }, (_, i) => Uint8Array.from({ length: 16 }, (_, k) => (i + k) & 0xff));
  const schema = new arrow.Schema([
    idField('u', new arrow.FixedSizeBinary(16), 1),
    idField('i8', new arrow.Int8(), 2),
    idField('u16', new arrow.Uint16(), 3),
    idField('f16', new arrow.FixedSizeBinary(16), 4, false),
    idField('s', new arrow.Utf8(), 5),
    idField('ts', new arrow.TimestampMicrosecond('UTC'), 6),
  ]);
  return tableOf(schema, [
    arrow.vectorFromArray(uuids, new arrow.FixedSizeBinary(16)),
    arrow.vectorFromArray(Array.from({ length: N }, (_, i) => (i % 200) - 100), new arrow.Int8()),
    arrow.vectorFromArray(Array.from({ length: N }, (_, i) => i * 200), new arrow.Uint16()),
    arrow.vectorFromArray(fixed, new arrow.FixedSizeBinary(16)),
    arrow.vectorFromArray(Array.from({ length: N }, (_, i) => (i % 5 === 0 ? null : `s${i}`)), new arrow.Utf8()),
    arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: N, data: BigInt64Array.from({ length: N }, (_, i) => BigInt(i) * 1_000_000n) })),
  ]);
}

/** A file's footer bytes (`<footer> <u32 LE length> PAR1` ends the file). */
function footerOf(file: Uint8Array): Uint8Array {
  const len = new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true);
  return file.subarray(file.length - 8 - len, file.length - 8);
}

function decode(footer: Uint8Array): Record<string, unknown> {
  return deserializeTCompactProtocol({ view: new DataView(footer.buffer, footer.byteOffset, footer.byteLength), offset: 0 });
}

// `logicalType` (SchemaElement field 10, after field_id 9: delta 1, struct = 0x1c) holding the
// union member UUID (field 14: delta 14, struct = 0xec), then the two structs' STOP bytes.
const UUID_LOGICAL_TYPE = [0x1c, 0xec, 0x00, 0x00];

describe('annotateUuidColumns', () => {
  // No iceberg.schema: writeParquet leaves the footer as parquet-wasm wrote it.
  const original = writeParquet(sampleTable(), { rowGroupRows: 100, compression: 'snappy' });
  const annotated = annotateUuidColumns(original, new Set([1]), 'mem://sample.parquet');

  it('inserts only the UUID logical type: data, row groups, key-value metadata and every other footer byte are unchanged', () => {
    const before = footerOf(original);
    const after = footerOf(annotated);
    // The data pages are untouched (no offset in the footer moves).
    expect(annotated.subarray(0, original.length - 8 - before.length)).toEqual(original.subarray(0, original.length - 8 - before.length));
    // The footers differ by exactly one inserted UUID annotation.
    const inserted: number[] = [];
    let j = 0;
    const stray: number[] = [];
    for (let i = 0; i < before.length; i++, j++) {
      if (before[i] !== after[j] && UUID_LOGICAL_TYPE.every((b, k) => after[j + k] === b)) {
        inserted.push(j);
        j += UUID_LOGICAL_TYPE.length;
      }
      if (before[i] !== after[j]) stray.push(j);
    }
    expect(stray, 'footer bytes that differ other than by the insertion').toEqual([]);
    expect(j).toBe(after.length);
    expect(inserted).toHaveLength(1);
    // Decoded, the footers are the same but for that field, on the uuid column's element.
    const expected = decode(before) as { field_2: Record<string, unknown>[] };
    const uuidElement = expected.field_2.find((e) => e['field_9'] === 1)!;
    uuidElement['field_10'] = { field_14: {} };
    expect(decode(after)).toEqual(expected);
  });

  it('reads back exactly as before with parquet-wasm, and hyparquet sees the UUID type only on the uuid column', () => {
    expect(arrow.tableToIPC(readParquet(annotated))).toEqual(arrow.tableToIPC(readParquet(original)));
    const types = parquetMetadata(arrayBufferOf(annotated)).schema.slice(1).map((e) => [e.name, e.logical_type?.type]);
    expect(types).toEqual([['u', 'UUID'], ['i8', 'INTEGER'], ['u16', 'INTEGER'], ['f16', undefined], ['s', 'STRING'], ['ts', 'TIMESTAMP']]);
  });

  it('returns the file itself when no column is a uuid', () => {
    expect(annotateUuidColumns(original, new Set(), 'mem://x')).toBe(original);
    expect(annotateUuidColumns(original, new Set([99]), 'mem://x')).toBe(original);
    // an already annotated column is left as it is
    expect(annotateUuidColumns(annotated, new Set([1]), 'mem://x')).toBe(annotated);
  });

  it('refuses a footer whose schema it cannot re-encode exactly (InternalError), rather than alter it', () => {
    // The same footer with the schema list's size in the long form (valid compact protocol that
    // no writer emits for under 15 elements): the re-encoded head would differ, so the rewrite
    // must not go ahead.
    const footer = footerOf(original);
    const elements = (decode(footer) as { field_2: unknown[] }).field_2.length;
    expect([footer[0], footer[2], footer[3]]).toEqual([0x15, 0x19, (elements << 4) | 0x0c]);
    const longForm = new Uint8Array([...footer.subarray(0, 3), 0xfc, elements, ...footer.subarray(4)]);
    const dataEnd = original.length - 8 - footer.length;
    const file = new Uint8Array(dataEnd + longForm.length + 8);
    file.set(original.subarray(0, dataEnd));
    file.set(longForm, dataEnd);
    new DataView(file.buffer).setUint32(dataEnd + longForm.length, longForm.length, true);
    file.set(original.subarray(original.length - 4), file.length - 4);
    expect(parquetMetadata(arrayBufferOf(file)).schema).toHaveLength(elements); // a valid file
    let err: unknown;
    try {
      annotateUuidColumns(file, new Set([1]), 'mem://long-form.parquet');
    } catch (e) {
      err = e;
    }
    expect(isFloeError(err, 'INTERNAL')).toBe(true);
    expect(String(err)).toContain('mem://long-form.parquet');
  });

  it('is what writeParquet does when the footer metadata holds an Iceberg schema with uuid fields', () => {
    const iceberg = JSON.stringify({
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 1, name: 'u', required: false, type: 'uuid' },
        { id: 2, name: 'i8', required: false, type: 'int' },
        { id: 3, name: 'u16', required: false, type: 'int' },
        { id: 4, name: 'f16', required: true, type: 'fixed[16]' },
        { id: 5, name: 's', required: false, type: 'string' },
        { id: 6, name: 'ts', required: false, type: 'timestamptz' },
      ],
    });
    const opts = { rowGroupRows: 100, compression: 'snappy', keyValueMetadata: { 'iceberg.schema': iceberg } } as const;
    const written = writeParquet(sampleTable(), opts);
    const byName = new Map(parquetMetadata(arrayBufferOf(written)).schema.map((e) => [e.name, e.logical_type]));
    expect([byName.get('u'), byName.get('f16')]).toEqual([{ type: 'UUID' }, undefined]);
  });
});
