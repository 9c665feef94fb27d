import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnsupportedError, ValidationError, type FloeError } from '../../src/errors.js';
import {
  canPromote,
  decodeSchema,
  encodeSchema,
  findFieldByName,
  freshSchema,
  indexById,
  indexNamesById,
  isPrimitive,
  parseType,
  sameType,
  typeFromJson,
  typeToJson,
  typeToString,
  type PrimitiveType,
  type Schema,
} from '../../src/spec/index.js';
import { parseJson, stringifyJson, type JsonValue } from '../../src/util/json.js';

const NESTED = parseJson(`{
  "type": "struct", "schema-id": 3, "identifier-field-ids": [1],
  "fields": [
    {"id": 1, "name": "id", "required": true, "type": "uuid", "initial-default": "0db3e2a8-9d1d-42b9-aa7b-74ebe558dceb", "write-default": "ec5911be-b0a7-458c-8438-c9a3e53cffae"},
    {"id": 2, "name": "data", "required": false, "type": {"type": "list", "element-id": 3, "element": "string", "element-required": true}},
    {"id": 4, "name": "props", "required": false, "type": {"type": "map", "key-id": 5, "key": "string", "value-id": 6, "value": "double", "value-required": false}},
    {"id": 7, "name": "point", "required": false, "doc": "where", "type": {"type": "struct", "fields": [
      {"id": 8, "name": "x", "required": true, "type": "decimal(9, 2)"},
      {"id": 9, "name": "y", "required": true, "type": "fixed[16]"}]}},
    {"id": 10, "name": "points", "required": false, "type": {"type": "list", "element-id": 11, "element-required": false, "element":
      {"type": "struct", "fields": [{"id": 12, "name": "z", "required": false, "type": "timestamptz"}]}}},
    {"id": 13, "name": "a.b", "required": false, "type": "long"}
  ]
}`);

function thrown(f: () => unknown): FloeError {
  try {
    f();
  } catch (e) {
    return e as FloeError;
  }
  throw new Error('expected an error');
}

describe('decodeSchema / encodeSchema', () => {
  it('decodes every nested shape with its ids', () => {
    const s = decodeSchema(NESTED, 'x.json');
    expect(s.schemaId).toBe(3);
    expect(s.identifierFieldIds).toEqual([1]);
    expect(s.fields[0]?.initialDefault).toBe('0db3e2a8-9d1d-42b9-aa7b-74ebe558dceb');
    expect(s.fields[1]?.type).toEqual({ type: 'list', elementId: 3, element: { type: 'string' }, elementRequired: true });
    expect(s.fields[2]?.type).toEqual({ type: 'map', keyId: 5, key: { type: 'string' }, valueId: 6, value: { type: 'double' }, valueRequired: false });
    expect(s.fields[3]?.doc).toBe('where');
    expect(typeToString(s.fields[3]?.type ?? { type: 'int' })).toBe('struct<x: decimal(9,2) not null, y: fixed[16] not null>');
  });

  it('encodes back to the same JSON (Java key order, decimal written as decimal(P, S))', () => {
    const s = decodeSchema(NESTED);
    const out = encodeSchema(s);
    expect(decodeSchema(out)).toEqual(s);
    const text = stringifyJson(out);
    expect(text.startsWith('{"type":"struct","schema-id":3,"identifier-field-ids":[1],"fields":[')).toBe(true);
    expect(text).toContain('"type":"decimal(9, 2)"');
    expect(text).toContain('{"type":"list","element-id":3,"element":"string","element-required":true}');
  });

  it('omits empty identifier-field-ids and defaults schema-id to 0 (v1)', () => {
    const s = decodeSchema({ type: 'struct', fields: [{ id: 1, name: 'a', required: false, type: 'int' }], 'identifier-field-ids': [] });
    expect(s).toEqual({ schemaId: 0, fields: [{ id: 1, name: 'a', required: false, type: { type: 'int' } }] });
    expect(encodeSchema(s)).toEqual({ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'int' }] });
  });

  it('names the path and file of what is wrong', () => {
    const bad = (fields: JsonValue): FloeError => thrown(() => decodeSchema({ type: 'struct', fields }, 'meta.json'));
    let e = bad([{ id: 1, name: 'a', required: true, type: 'decimal(x)' }]);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.context).toEqual({ file: 'meta.json', path: 'fields[0].type' });
    e = bad([{ id: 1, name: 'a', required: true, type: { type: 'map', 'key-id': 2, key: 'string', 'value-id': 3, 'value-required': true } }]);
    expect(e.context['path']).toBe('fields[0].type.value');
    e = bad([{ id: 1, name: 'a', required: 'yes', type: 'int' }]);
    expect(e.context['path']).toBe('fields[0].required');
    e = bad([{ id: 1, name: 'a', required: true, type: 'int', 'write-default': 'x' }]);
    expect(e.context['path']).toBe('fields[0].write-default');
    e = bad([{ id: 1, name: 'a', required: true, type: 'geometry(srid:4326)' }]);
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.context['path']).toBe('fields[0].type');
    e = bad([
      { id: 1, name: 'a', required: true, type: { type: 'list', 'element-id': 1, element: 'int', 'element-required': true } },
    ]);
    expect(e.message).toContain('field id 1 twice');
  });

  it('checks identifier fields', () => {
    const withIds = (ids: number[], required = true): JsonValue => ({
      type: 'struct',
      'identifier-field-ids': ids,
      fields: [
        { id: 1, name: 'a', required, type: 'long' },
        { id: 2, name: 'f', required: true, type: 'double' },
      ],
    });
    expect(() => decodeSchema(withIds([9]))).toThrow(/not a struct field/);
    expect(() => decodeSchema(withIds([2]))).toThrow(/float and double/);
    expect(() => decodeSchema(withIds([1], false))).toThrow(/required/);
    expect(decodeSchema(withIds([1])).identifierFieldIds).toEqual([1]);
  });
});

describe('types', () => {
  it('reads wire names with or without spaces', () => {
    expect(typeFromJson('decimal(9,2)')).toEqual({ type: 'decimal', precision: 9, scale: 2 });
    expect(typeFromJson('decimal( 38 , 0 )')).toEqual({ type: 'decimal', precision: 38, scale: 0 });
    expect(typeFromJson('fixed[16]')).toEqual({ type: 'fixed', length: 16 });
    expect(typeFromJson('timestamptz_ns')).toEqual({ type: 'timestamptz_ns' });
    expect(() => typeFromJson('decimal(39,2)')).toThrow(ValidationError);
    expect(() => typeFromJson('variant')).toThrow(UnsupportedError);
    expect(typeToJson({ type: 'fixed', length: 3 })).toBe('fixed[3]');
  });

  it('parseType reads user types and aliases', () => {
    expect(parseType('double')).toEqual({ type: 'double' });
    expect(parseType('DECIMAL(10, 2)')).toEqual({ type: 'decimal', precision: 10, scale: 2 });
    expect(parseType('bigint')).toEqual({ type: 'long' });
    expect(parseType('fixed(4)')).toEqual({ type: 'fixed', length: 4 });
    expect(parseType('list<float>')).toEqual({ type: 'list', elementId: 0, element: { type: 'float' }, elementRequired: false });
    expect(parseType('map<string, list<int not null>>')).toEqual({
      type: 'map',
      keyId: 0,
      key: { type: 'string' },
      valueId: 0,
      value: { type: 'list', elementId: 0, element: { type: 'int' }, elementRequired: true },
      valueRequired: false,
    });
    expect(parseType('struct<a: int not null, `b c`: string>')).toEqual({
      type: 'struct',
      fields: [
        { id: 0, name: 'a', required: true, type: { type: 'int' } },
        { id: 0, name: 'b c', required: false, type: { type: 'string' } },
      ],
    });
    for (const t of ['int', 'decimal(9,2)', 'fixed[16]', 'list<int>', 'map<string, double>', 'struct<a: int, b: list<string>>']) {
      expect(typeToString(parseType(t))).toBe(t);
    }
  });

  it('parseType says where it stopped', () => {
    const e = thrown(() => parseType('list<flaot>'));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.context['position']).toBe(5);
    expect(() => parseType('decimal(40,2)')).toThrow(InvalidArgumentError);
    expect(() => parseType('int extra')).toThrow(InvalidArgumentError);
  });

  it('isPrimitive, sameType, canPromote', () => {
    expect(isPrimitive({ type: 'uuid' })).toBe(true);
    expect(isPrimitive(parseType('list<int>'))).toBe(false);
    expect(sameType(parseType('decimal(9,2)'), parseType('decimal(9,2)'))).toBe(true);
    expect(sameType(parseType('decimal(9,2)'), parseType('decimal(9,3)'))).toBe(false);
    expect(sameType(parseType('list<int>'), parseType('list<long>'))).toBe(false);
    const p = (t: string): PrimitiveType => parseType(t) as PrimitiveType;
    expect(canPromote(p('int'), p('long'))).toBe(true);
    expect(canPromote(p('float'), p('double'))).toBe(true);
    expect(canPromote(p('decimal(9,2)'), p('decimal(12,2)'))).toBe(true);
    expect(canPromote(p('decimal(9,2)'), p('decimal(9,2)'))).toBe(true);
    expect(canPromote(p('decimal(9,2)'), p('decimal(12,3)'))).toBe(false);
    expect(canPromote(p('decimal(9,2)'), p('decimal(8,2)'))).toBe(false);
    expect(canPromote(p('long'), p('int'))).toBe(false);
    expect(canPromote(p('int'), p('double'))).toBe(false);
    expect(canPromote(p('int'), p('string'))).toBe(false);
    expect(canPromote(p('date'), p('timestamp'))).toBe(false); // v3 only
  });
});

describe('lookups', () => {
  const s: Schema = decodeSchema(NESTED);
  it('indexById covers struct fields, list elements, map keys and values', () => {
    const byId = indexById(s);
    expect([...byId.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(byId.get(3)).toEqual({ id: 3, name: 'element', required: true, type: { type: 'string' } });
    expect(byId.get(5)?.name).toBe('key');
    expect(byId.get(6)?.required).toBe(false);
    expect(byId.get(12)?.type).toEqual({ type: 'timestamptz' });
  });
  it('findFieldByName resolves full dotted names', () => {
    expect(findFieldByName(s, 'point.x')?.id).toBe(8);
    expect(findFieldByName(s, 'data.element')?.id).toBe(3);
    expect(findFieldByName(s, 'props.value')?.id).toBe(6);
    expect(findFieldByName(s, 'points.element.z')?.id).toBe(12);
    expect(findFieldByName(s, 'a.b')?.id).toBe(13);
    expect(findFieldByName(s, 'POINT.X')).toBeUndefined();
    expect(findFieldByName(s, 'POINT.X', { caseSensitive: false })?.id).toBe(8);
    expect(findFieldByName(s, 'nope')).toBeUndefined();
    expect(indexNamesById(s).get(12)).toBe('points.element.z');
  });
});

describe('schema codec round trip (property)', () => {
  const primitive = fc.oneof(
    fc.constantFrom('boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary'),
    fc.tuple(fc.integer({ min: 1, max: 38 }), fc.integer({ min: 0, max: 10 })).map(([p, s]) => `decimal(${p},${Math.min(s, p)})`),
    fc.integer({ min: 1, max: 64 }).map((l) => `fixed[${l}]`),
  );
  const typeText: fc.Arbitrary<string> = fc.letrec<{ t: string }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      primitive,
      tie('t').map((e) => `list<${e}>`),
      fc.tuple(primitive, tie('t')).map(([k, v]) => `map<${k}, ${v}>`),
      fc
        .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), tie('t'), fc.boolean()), { minLength: 1, maxLength: 4, selector: (x) => x[0] })
        .map((fs) => `struct<${fs.map(([n, t, r]) => `${n}: ${t}${r ? ' not null' : ''}`).join(', ')}>`),
    ),
  })).t;

  it('decodeSchema(encodeSchema(s)) is s for random nested schemas', () => {
    fc.assert(
      fc.property(typeText, fc.nat(100), (text, schemaId) => {
        const struct = parseType(`struct<col: ${text}>`);
        if (struct.type !== 'struct') return false;
        const { schema } = freshSchema(struct, { schemaId });
        const json = parseJson(stringifyJson(encodeSchema(schema)));
        return JSON.stringify(decodeSchema(json), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ===
          JSON.stringify(schema, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
