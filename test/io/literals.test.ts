import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  arrowSchemaFromIceberg,
  arrowTypeFromPrimitive,
  constantData,
  dataFromLiterals,
  literalAt,
  literalFromArrowValue,
  literalToArrowValue,
  nullData,
  readParquet,
  resolveBatch,
  writeParquet,
} from '../../src/io/index.js';
import type { Schema } from '../../src/spec/types.js';
import type { Literal } from '../../src/spec/values.js';
import { allPrimitiveFields, randomLiteral, rowsOf } from './datagen.js';
import { prng } from './helpers.js';

const fields = allPrimitiveFields(1);

describe('literal conversions', () => {
  it('literalAt reads every type exactly, also from sliced data', () => {
    const rnd = prng(11);
    for (const f of fields) {
      const type = f.type as Exclude<typeof f.type, { type: 'struct' | 'list' | 'map' }>;
      const values: (Literal | null)[] = Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? null : randomLiteral(type, rnd)));
      const data = dataFromLiterals(type, values, arrowTypeFromPrimitive(type));
      expect(values.map((_, i) => literalAt(data, i, type)), f.name).toEqual(values);
      const sliced = data.slice(13, 20);
      expect(values.slice(13, 33).map((_, i) => literalAt(sliced, i, type)), f.name).toEqual(values.slice(13, 33));
    }
  });

  it('literalFromArrowValue converts what arrow-js get() returns (within its precision)', () => {
    const rnd = prng(12);
    for (const f of fields) {
      const type = f.type as Exclude<typeof f.type, { type: 'struct' | 'list' | 'map' }>;
      // timestamps within ±2^42 ms survive arrow-js's millisecond floats exactly
      const values = Array.from({ length: 30 }, () => randomLiteral(type, rnd));
      const vec = arrow.makeVector(dataFromLiterals(type, values, arrowTypeFromPrimitive(type)));
      const back = values.map((_, i) => literalFromArrowValue(type, vec.get(i)));
      if (type.type === 'float') expect(back, f.name).toEqual(values.map((v) => Math.fround(v as number)));
      else expect(back, f.name).toEqual(values);
    }
  });

  it('literalToArrowValue feeds arrow-js builders', () => {
    const rnd = prng(13);
    for (const f of fields) {
      const type = f.type as Exclude<typeof f.type, { type: 'struct' | 'list' | 'map' }>;
      // whole milliseconds, so the builders' millisecond inputs are exact
      const values = Array.from({ length: 10 }, () => {
        const v = randomLiteral(type, rnd);
        return type.type === 'timestamp' || type.type === 'timestamptz' ? ((v as bigint) / 1000n) * 1000n : v;
      });
      const vec = arrow.vectorFromArray(values.map((v) => literalToArrowValue(type, v)), arrowTypeFromPrimitive(type));
      expect(values.map((_, i) => literalAt(vec, i, type)), f.name).toEqual(values);
    }
  });

  it('rejects values that do not fit, naming the type', () => {
    expect(() => literalFromArrowValue({ type: 'int' }, 'x')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => literalFromArrowValue({ type: 'fixed', length: 2 }, new Uint8Array(3))).toThrow(/fixed\[2\]/);
    expect(literalFromArrowValue({ type: 'uuid' }, 'F79C3E09-677C-4BBD-A479-3F349CB785E7')).toBe('f79c3e09-677c-4bbd-a479-3f349cb785e7');
    expect(literalFromArrowValue({ type: 'date' }, new Date(Date.UTC(1969, 11, 31)))).toBe(-1);
    expect(literalFromArrowValue({ type: 'timestamp' }, 1.5)).toBe(1500n);
  });
});

describe('nullData / constantData', () => {
  it('build columns arrow-rs accepts, for every type including nested', () => {
    const schema: Schema = {
      schemaId: 0,
      fields: [
        ...fields,
        {
          id: 90,
          name: 'st',
          required: false,
          type: { type: 'struct', fields: [{ id: 91, name: 'l', required: false, type: { type: 'list', elementId: 92, element: { type: 'int' }, elementRequired: false } }] },
        },
        { id: 93, name: 'm', required: false, type: { type: 'map', keyId: 94, key: { type: 'string' }, valueId: 95, value: { type: 'uuid' }, valueRequired: false } },
      ],
    };
    const target = arrowSchemaFromIceberg(schema);
    const children = target.fields.map((f) => nullData(f.type, 3));
    const batch = new arrow.RecordBatch(target, arrow.makeData({ type: new arrow.Struct(target.fields), length: 3, nullCount: 0, children }));
    const back = resolveBatch(readParquet(writeParquet(new arrow.Table([batch]))).batches[0]!, { readSchema: schema });
    for (const row of rowsOf(schema, back)) expect(Object.values(row).every((v) => v === null)).toBe(true);

    const rnd = prng(14);
    for (const f of fields) {
      const type = f.type as Exclude<typeof f.type, { type: 'struct' | 'list' | 'map' }>;
      const v = randomLiteral(type, rnd);
      const data = constantData(arrowTypeFromPrimitive(type), type, v, 4);
      expect([0, 1, 2, 3].map((i) => literalAt(data, i, type))).toEqual([v, v, v, v]);
    }
  });
});
