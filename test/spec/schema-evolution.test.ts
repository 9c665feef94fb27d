import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  addColumn,
  assignFreshIds,
  columnNames,
  dropColumn,
  freshSchema,
  indexById,
  makeOptional,
  maxFieldId,
  moveColumn,
  parseType,
  renameColumn,
  schemaAsStruct,
  setIdentifierFields,
  updateColumnDoc,
  validateSchemaIds,
  widenColumn,
  type SchemaState,
  type StructType,
} from '../../src/spec/index.js';

const SEED = 99;

function struct(text: string): StructType {
  const t = parseType(text);
  if (t.type !== 'struct') throw new Error(`not a struct: ${text}`);
  return t;
}

function base(): SchemaState {
  return freshSchema(struct('struct<id: long not null, name: string, point: struct<x: double, y: double>, tags: list<string>, attrs: map<string, struct<v: int>>>'), {
    identifierFields: ['id'],
  });
}

describe('fresh ids', () => {
  it('numbers a new table like Java: top-level fields first, then nested', () => {
    const s = base();
    expect(s.schema.fields.map((f) => f.id)).toEqual([1, 2, 3, 4, 5]);
    expect(s.lastColumnId).toBe(11);
    expect(s.schema.identifierFieldIds).toEqual([1]);
    const byName = new Map(columnNames(s.schema).map((n, i) => [n, i]));
    expect(byName.has('attrs.value.v')).toBe(true);
    expect(indexById(s.schema).size).toBe(11);
    expect(s.schema.fields[2]?.type).toEqual({
      type: 'struct',
      fields: [
        { id: 6, name: 'x', required: false, type: { type: 'double' } },
        { id: 7, name: 'y', required: false, type: { type: 'double' } },
      ],
    });
  });
  it('assignFreshIds starts at the given id', () => {
    expect(assignFreshIds(parseType('map<string, list<int>>'), 20)).toEqual({
      type: { type: 'map', keyId: 20, key: { type: 'string' }, valueId: 21, value: { type: 'list', elementId: 22, element: { type: 'int' }, elementRequired: false }, valueRequired: false },
      lastColumnId: 22,
    });
    expect(assignFreshIds({ type: 'int' }, 5)).toEqual({ type: { type: 'int' }, lastColumnId: 4 });
  });
  it('rejects duplicate names and bad identifier fields', () => {
    expect(() => freshSchema(struct('struct<a: int, a: long>'))).toThrow(InvalidArgumentError);
    expect(() => freshSchema(struct('struct<a: int>'), { identifierFields: ['a'] })).toThrow(/required/);
    expect(() => freshSchema(struct('struct<a: int>'), { identifierFields: ['b'] })).toThrow(/no column/);
  });
});

describe('addColumn', () => {
  it('appends with the next id and assigns nested ids after it', () => {
    const s = addColumn(base(), { name: 'scores', type: 'map<string, list<double>>', doc: 'per model' });
    const f = s.schema.fields.at(-1);
    expect(f).toMatchObject({ id: 12, name: 'scores', required: false, doc: 'per model' });
    expect(f?.type).toMatchObject({ keyId: 13, valueId: 14, value: { elementId: 15 } });
    expect(s.lastColumnId).toBe(15);
  });
  it('adds into structs, list element structs and map value structs', () => {
    let s = addColumn(base(), { parent: 'point', name: 'z', type: { type: 'double' } });
    expect(columnNames(s.schema)).toContain('point.z');
    s = addColumn(s, { parent: 'attrs', name: 'w', type: 'string' });
    expect(columnNames(s.schema)).toContain('attrs.value.w');
    expect(() => addColumn(s, { parent: 'tags', name: 'q', type: 'int' })).toThrow(/not a struct/);
    expect(() => addColumn(s, { parent: 'nope', name: 'q', type: 'int' })).toThrow(/no column/);
  });
  it('requires an initial default for required columns, and checks defaults against the type', () => {
    expect(() => addColumn(base(), { name: 'n', type: 'int', required: true })).toThrow(/initial default/);
    const s = addColumn(base(), { name: 'n', type: 'int', required: true, initialDefault: 0 });
    expect(s.schema.fields.at(-1)).toMatchObject({ required: true, initialDefault: 0, writeDefault: 0 });
    expect(() => addColumn(base(), { name: 'n', type: 'int', initialDefault: 'x' })).toThrow(InvalidArgumentError);
    expect(() => addColumn(base(), { name: 'n', type: 'list<int>', initialDefault: 1 })).toThrow(/primitive/);
  });
  it('rejects taken names', () => {
    expect(() => addColumn(base(), { name: 'name', type: 'int' })).toThrow(/exists/);
    expect(() => addColumn(base(), { parent: 'point', name: 'x', type: 'int' })).toThrow(/exists/);
  });
  it('never reuses the id of a dropped column', () => {
    let s = addColumn(base(), { name: 'tmp', type: 'int' });
    expect(s.schema.fields.at(-1)?.id).toBe(12);
    s = dropColumn(s, 'tmp');
    s = addColumn(s, { name: 'tmp', type: 'int' });
    expect(s.schema.fields.at(-1)?.id).toBe(13);
  });
});

describe('drop, rename, move, widen, optional, doc, identifiers', () => {
  it('drops columns with their nested fields, but not identifier fields or list elements', () => {
    const s = dropColumn(base(), 'point');
    expect(columnNames(s.schema)).not.toContain('point.x');
    expect(s.lastColumnId).toBe(11);
    expect(() => dropColumn(base(), 'id')).toThrow(/identifier/);
    expect(() => dropColumn(base(), 'tags.element')).toThrow(InvalidArgumentError);
    expect(columnNames(dropColumn(base(), 'point.x').schema)).toContain('point.y');
  });
  it('renames keep ids', () => {
    const s = renameColumn(base(), 'point.x', 'lon');
    expect(s.schema.fields[2]?.type).toMatchObject({ fields: [{ id: 6, name: 'lon' }, { id: 7, name: 'y' }] });
    expect(() => renameColumn(base(), 'name', 'id')).toThrow(/exists/);
    expect(() => renameColumn(base(), 'tags.element', 'e')).toThrow(InvalidArgumentError);
  });
  it('moves within a struct only', () => {
    const names = (s: SchemaState): string[] => s.schema.fields.map((f) => f.name);
    expect(names(moveColumn(base(), 'tags', { kind: 'first' }))).toEqual(['tags', 'id', 'name', 'point', 'attrs']);
    expect(names(moveColumn(base(), 'id', { kind: 'after', column: 'point' }))).toEqual(['name', 'point', 'id', 'tags', 'attrs']);
    expect(names(moveColumn(base(), 'attrs', { kind: 'before', column: 'name' }))).toEqual(['id', 'attrs', 'name', 'point', 'tags']);
    const nested = moveColumn(base(), 'point.y', { kind: 'before', column: 'point.x' });
    expect(nested.schema.fields[2]?.type).toMatchObject({ fields: [{ name: 'y' }, { name: 'x' }] });
    expect(() => moveColumn(base(), 'point.y', { kind: 'after', column: 'name' })).toThrow(/within their struct/);
    expect(() => moveColumn(base(), 'name', { kind: 'after', column: 'name' })).toThrow(/itself/);
  });
  it('widens only along legal promotions', () => {
    let s = addColumn(base(), { name: 'n', type: 'int' });
    s = widenColumn(s, 'n', 'long');
    expect(s.schema.fields.at(-1)).toMatchObject({ id: 12, type: { type: 'long' } });
    s = addColumn(s, { name: 'd', type: 'decimal(9,2)' });
    expect(widenColumn(s, 'd', 'decimal(12,2)').schema.fields.at(-1)?.type).toEqual({ type: 'decimal', precision: 12, scale: 2 });
    expect(() => widenColumn(s, 'd', 'decimal(12,3)')).toThrow(InvalidArgumentError);
    expect(() => widenColumn(s, 'n', 'int')).toThrow(InvalidArgumentError);
    expect(() => widenColumn(s, 'name', 'binary')).toThrow(InvalidArgumentError);
    expect(() => widenColumn(s, 'point', 'long')).toThrow(InvalidArgumentError);
    const t = addColumn(base(), { name: 'fs', type: 'list<float>' });
    expect(widenColumn(t, 'fs.element', 'double').schema.fields.at(-1)?.type).toMatchObject({ element: { type: 'double' } });
  });
  it('makes columns optional, but not identifiers or map keys', () => {
    let s = addColumn(base(), { name: 'r', type: 'int', required: true, initialDefault: 1 });
    s = makeOptional(s, 'r');
    expect(s.schema.fields.at(-1)?.required).toBe(false);
    expect(() => makeOptional(base(), 'id')).toThrow(/identifier/);
    expect(() => makeOptional(base(), 'attrs.key')).toThrow(/map key/);
  });
  it('documents and sets identifier fields', () => {
    const s = updateColumnDoc(base(), 'name', 'the name');
    expect(s.schema.fields[1]?.doc).toBe('the name');
    expect(updateColumnDoc(s, 'name', undefined).schema.fields[1]).not.toHaveProperty('doc');
    expect(setIdentifierFields(base(), []).schema).not.toHaveProperty('identifierFieldIds');
    expect(() => setIdentifierFields(base(), ['name'])).toThrow(/required/);
  });
});

describe('invariants under random evolution (property)', () => {
  type Op =
    | { op: 'add'; parent: number; name: number; type: number; required: boolean }
    | { op: 'drop'; col: number }
    | { op: 'rename'; col: number; name: number }
    | { op: 'move'; col: number; ref: number; where: number }
    | { op: 'widen'; col: number }
    | { op: 'optional'; col: number };
  const TYPES = ['int', 'long', 'float', 'decimal(9,2)', 'string', 'list<int>', 'map<string, float>', 'struct<a: int, b: list<float>>'];
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('add' as const), parent: fc.nat(), name: fc.nat(30), type: fc.nat(TYPES.length - 1), required: fc.boolean() }),
    fc.record({ op: fc.constant('drop' as const), col: fc.nat() }),
    fc.record({ op: fc.constant('rename' as const), col: fc.nat(), name: fc.nat(30) }),
    fc.record({ op: fc.constant('move' as const), col: fc.nat(), ref: fc.nat(), where: fc.nat(2) }),
    fc.record({ op: fc.constant('widen' as const), col: fc.nat() }),
    fc.record({ op: fc.constant('optional' as const), col: fc.nat() }),
  );

  function apply(s: SchemaState, o: Op): SchemaState {
    const names = columnNames(s.schema);
    const pick = (i: number): string => names[i % Math.max(1, names.length)] ?? 'id';
    switch (o.op) {
      case 'add': {
        const parent = o.parent % 3 === 0 ? undefined : pick(o.parent);
        return addColumn(s, {
          ...(parent === undefined ? {} : { parent }),
          name: `c${o.name}`,
          type: TYPES[o.type] ?? 'int',
          required: o.required,
          ...(o.required && (TYPES[o.type] ?? '').match(/^(int|long|string)$/) ? { initialDefault: TYPES[o.type] === 'long' ? 0n : TYPES[o.type] === 'string' ? '' : 0 } : {}),
        });
      }
      case 'drop':
        return dropColumn(s, pick(o.col));
      case 'rename':
        return renameColumn(s, pick(o.col), `r${o.name}`);
      case 'move':
        return moveColumn(s, pick(o.col), o.where === 0 ? { kind: 'first' } : { kind: o.where === 1 ? 'before' : 'after', column: pick(o.ref) });
      case 'widen':
        return widenColumn(s, pick(o.col), o.col % 2 === 0 ? 'long' : 'double');
      case 'optional':
        return makeOptional(s, pick(o.col));
    }
  }

  it('ids are never reused, last-column-id only grows, surviving fields keep their ids', () => {
    const applied = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        let s = base();
        const everAssigned = new Set<number>(indexById(s.schema).keys());
        for (const o of ops) {
          let next: SchemaState;
          try {
            next = apply(s, o);
          } catch (e) {
            // refusing an illegal change is fine; anything but InvalidArgumentError is a bug
            if (!(e instanceof InvalidArgumentError)) throw e;
            continue;
          }
          if (next.lastColumnId < s.lastColumnId) return false;
          if (maxFieldId(schemaAsStruct(next.schema)) > next.lastColumnId) return false;
          const before = indexById(s.schema);
          for (const [id, f] of indexById(next.schema)) {
            // an id is either an old field (same id, same kind of type) or brand new above the old last id
            if (before.has(id)) {
              const old = before.get(id);
              if (old !== undefined && old.type.type !== f.type.type && !(o.op === 'widen')) return false;
            } else {
              if (id <= s.lastColumnId || everAssigned.has(id)) return false;
              everAssigned.add(id);
            }
          }
          validateSchemaIds(next.schema);
          applied.set(o.op, (applied.get(o.op) ?? 0) + 1);
          s = next;
        }
        return true;
      }),
      { seed: SEED, numRuns: 300 },
    );
    // the run exercised every operation, not only refusals
    for (const op of ['add', 'drop', 'rename', 'move', 'widen', 'optional']) expect(applied.get(op) ?? 0, op).toBeGreaterThan(20);
  });
});
