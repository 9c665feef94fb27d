/**
 * The v3 column type `unknown` (spec §Primitive Types: "Must be optional with `null` defaults;
 * not stored in data files") and v3 defaults through schema evolution (spec §Default values,
 * Iceberg Java's `Schema.checkCompatibility`).
 */
import { describe, expect, it } from 'vitest';
import { type Table, Warehouse, openLocation } from '../../src/index.js';
import { readParquet } from '../../src/io/index.js';

let seq = 0;

async function table(fields: Record<string, string> | object): Promise<Table> {
  const wh = await Warehouse.open(`memory://v3-types-${++seq}`);
  await wh.createNamespace('ns');
  return wh.createTable('ns.t', fields as never);
}

async function rowsOf(t: Table): Promise<unknown[]> {
  const out = (await t.scan().toArrow()).toArray().map((r) => ({ ...(r!.toJSON() as { id: number }) }));
  return out.sort((a, b) => a.id - b.id);
}

async function state(t: Table): Promise<unknown> {
  await t.refresh();
  return { version: t.version, snapshot: t.currentSnapshot()?.snapshotId, schema: t.schema().schemaId, rows: await rowsOf(t) };
}

async function refusal(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  return p.then(
    () => ({ message: 'no error' }),
    (e: unknown) => e as { code?: string; message: string },
  );
}

const UNKNOWN_SCHEMA = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'int' } },
    { id: 2, name: 'u', required: false, type: { type: 'unknown' } },
  ],
};

describe('a column of type unknown', () => {
  it('reads as all nulls, takes rows that omit it or give null, and is not stored in the data file', async () => {
    const t = await table(UNKNOWN_SCHEMA);
    await t.append([{ id: 1 }, { id: 2, u: null }]);
    const back = await t.scan().toArrow();
    expect(String(back.schema.fields[1]!.type)).toBe('Null');
    expect(await rowsOf(t)).toEqual([
      { id: 1, u: null },
      { id: 2, u: null },
    ]);
    const plan = await t.scan().planFiles();
    const store = openLocation(t.uri).store;
    const file = readParquet((await store.get(plan.tasks[0]!.file.filePath.slice(t.location().length + 1))).bytes, {});
    expect(file.schema.fields.map((f) => f.name)).toEqual(['id']);
  });

  it('refuses a non-null value, naming the column, and commits nothing', async () => {
    const t = await table(UNKNOWN_SCHEMA);
    await t.append([{ id: 1 }]);
    const before = await state(t);
    const e = await refusal(t.append([{ id: 2, u: 5 }]));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain("column 'u'");
    expect(await state(t)).toEqual(before);
  });
});

describe('defaults through schema evolution on a format v2 table', () => {
  it('refuses a column with a non-null initial default (v3 only) and an unknown column, and changes nothing', async () => {
    const t = await table({ schemaId: 0, fields: [{ id: 1, name: 'id', required: true, type: { type: 'int' } }] });
    await t.append([{ id: 1 }]);
    const before = await state(t);
    let e = await refusal(t.updateSchema().addColumn('n', 'int', { required: true, initialDefault: 7 }).commit());
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('n: a non-null initial default is not supported until v3');
    e = await refusal(t.updateSchema().addColumn('u', 'unknown').commit());
    expect(e.message).toContain('u: type unknown is not supported until v3');
    expect(await state(t)).toEqual(before);
    // An optional column with only a write default is fine in v2 (Java checks initial defaults only).
    await t.updateSchema().addColumn('w', 'int', { writeDefault: 3 }).commit();
    await t.append([{ id: 2 }]);
    expect(await rowsOf(t)).toEqual([
      { id: 1, w: null },
      { id: 2, w: 3 },
    ]);
  });
});

describe('defaults through schema evolution on a format v3 table', () => {
  it('adds a required column with an initial default, and an unknown column; old rows read the initial default, rows lacking it get the write default', async () => {
    const wh = await Warehouse.open(`memory://v3-types-${++seq}`);
    await wh.createNamespace('ns');
    const t = await wh.createTable('ns.t', { schemaId: 0, fields: [{ id: 1, name: 'id', required: true, type: { type: 'int' } }] } as never, { formatVersion: 3 });
    await t.append([{ id: 1 }]);
    const schema = await t.updateSchema().addColumn('n', 'int', { required: true, initialDefault: 7, writeDefault: 8 }).addColumn('u', 'unknown').commit();
    expect(schema.fields.slice(1)).toEqual([
      { id: 2, name: 'n', required: true, type: { type: 'int' }, initialDefault: 7, writeDefault: 8 },
      { id: 3, name: 'u', required: false, type: { type: 'unknown' } },
    ]);
    const reloaded = await wh.loadTable('ns.t');
    expect(reloaded.schema().fields.slice(1)).toEqual(schema.fields.slice(1));
    await t.append([{ id: 2 }, { id: 3, n: 9, u: null }]);
    expect(await rowsOf(t)).toEqual([
      { id: 1, n: 7, u: null },
      { id: 2, n: 8, u: null },
      { id: 3, n: 9, u: null },
    ]);
  });
});
