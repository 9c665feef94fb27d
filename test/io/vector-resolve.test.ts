/**
 * `list<float>` columns read as vector columns (`FixedSizeList<Float32>[d]`, field ids in
 * `vectorDimensions`): without nulls the fixed-size list shares the decoded element buffer (no
 * per-value copy); with null lists or elements it is rebuilt, nulls under null slots.
 */
import * as arrow from 'apache-arrow';
import { expect, it } from 'vitest';
import { resolveBatch } from '../../src/io/index.js';
import type { Schema } from '../../src/spec/types.js';

const schema: Schema = {
  schemaId: 0,
  fields: [{ id: 1, name: 'emb', required: false, type: { type: 'list', elementId: 2, element: { type: 'float' }, elementRequired: false } }],
};

function listBatch(lists: ((number | null)[] | null)[]): arrow.RecordBatch {
  const element = new arrow.Field('element', new arrow.Float32(), true, new Map([['PARQUET:field_id', '2']]));
  const field = new arrow.Field('emb', new arrow.List(element), true, new Map([['PARQUET:field_id', '1']]));
  const vector = arrow.vectorFromArray(lists, field.type as arrow.List<arrow.Float32>);
  return new arrow.RecordBatch(new arrow.Schema([field]), arrow.makeData({ type: new arrow.Struct([field]), length: lists.length, nullCount: 0, children: [vector.data[0]!] }));
}

const rowsOf = (b: arrow.RecordBatch): ((number | null)[] | null)[] => [...b.getChild('emb')!].map((v) => (v === null ? null : Array.from(v as arrow.Vector<arrow.Float32>)));

it('reads a list<float> column without nulls as a fixed-size list over the same element buffer', () => {
  const lists = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]];
  const raw = listBatch(lists);
  const out = resolveBatch(raw, { readSchema: schema, vectorDimensions: new Map([[1, 3]]) });
  const col = out.data.children[0]!;
  expect(arrow.DataType.isFixedSizeList(col.type)).toBe(true);
  expect(rowsOf(out)).toEqual(lists);
  const element = raw.data.children[0]!.children[0]!.values as Float32Array;
  expect((col.children[0]!.values as Float32Array).buffer).toBe(element.buffer);
});

it('reads a sliced list<float> column from its first list on', () => {
  const lists = [[1, 2], [3, 4], [5, 6], [7, 8]];
  const sliced = listBatch(lists).slice(1, 3);
  const out = resolveBatch(sliced, { readSchema: schema, vectorDimensions: new Map([[1, 2]]) });
  expect(rowsOf(out)).toEqual([[3, 4], [5, 6]]);
});

it('rebuilds a list<float> column with null lists or null elements, and refuses a list of another length', () => {
  const withNull = resolveBatch(listBatch([[1, 2], null, [5, 6]]), { readSchema: schema, vectorDimensions: new Map([[1, 2]]) });
  expect(rowsOf(withNull)).toEqual([[1, 2], null, [5, 6]]);
  const nullElement = resolveBatch(listBatch([[1, 2], [null, 4]]), { readSchema: schema, vectorDimensions: new Map([[1, 2]]) });
  expect(nullElement.getChild('emb')!.get(1)!.get(0)).toBeNull();
  expect(() => resolveBatch(listBatch([[1, 2], [3, 4, 5]]), { readSchema: schema, vectorDimensions: new Map([[1, 2]]) })).toThrow(/list of 3 elements at row 1/);
});
