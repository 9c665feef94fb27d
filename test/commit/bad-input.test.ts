/**
 * Bad input gets a typed error with a stable code, naming what is at fault, and changes nothing
 * already committed (the brief's rule; issue "commits that never lose data", item 7).
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore, Table, Warehouse } from 'floe';
import { failure } from '../support/failure.js';

async function fresh(): Promise<{ wh: Warehouse; store: MemoryStore; t: Table }> {
  const store = new MemoryStore();
  const wh = await Warehouse.open('memory://bad', { store });
  await wh.createNamespace('b');
  const t = await wh.createTable(
    'b.t',
    new arrow.Schema([new arrow.Field('id', new arrow.Int64(), false), new arrow.Field('name', new arrow.Utf8(), true)]),
  );
  await t.append(new arrow.Table({ id: arrow.vectorFromArray([1n, 2n], new arrow.Int64()), name: arrow.vectorFromArray(['a', 'b']) }));
  return { wh, store, t };
}

async function history(wh: Warehouse): Promise<string> {
  const t = await wh.loadTable('b.t');
  return `${t.version}:${t.snapshots().map((s) => s.snapshotId).join(',')}:${(await t.scan().toArrow()).numRows}`;
}

describe('bad input: typed errors, nothing committed changes', () => {
  it('appending rows without a required column: SCHEMA_MISMATCH naming the column', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    const e = await failure(t.append(new arrow.Table({ name: arrow.vectorFromArray(['x']) })));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toMatch(/\bid\b/);
    expect(await history(wh)).toBe(before);
  });

  it('appending a column of the wrong type: SCHEMA_MISMATCH naming the column', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    const e = await failure(t.append(new arrow.Table({ id: arrow.vectorFromArray(['not a number']), name: arrow.vectorFromArray(['x']) })));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toMatch(/\bid\b/);
    expect(await history(wh)).toBe(before);
  });

  it('appending nulls into a required column: SCHEMA_MISMATCH naming the column', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    const id = arrow.vectorFromArray([1n, null], new arrow.Int64());
    const e = await failure(t.append(new arrow.Table({ id, name: arrow.vectorFromArray(['x', 'y']) })));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toMatch(/\bid\b/);
    expect(await history(wh)).toBe(before);
  });

  it('an unknown column in a filter: INVALID_ARGUMENT naming it, for scans and deletes', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    const e1 = await failure(() => t.scan({ filter: 'nope > 1' }));
    expect(e1.code).toBe('INVALID_ARGUMENT');
    expect(e1.message).toMatch(/nope/);
    const e2 = await failure(t.delete('nope = 1'));
    expect(e2.code).toBe('INVALID_ARGUMENT');
    expect(await history(wh)).toBe(before);
  });

  it('a truncated metadata.json: CORRUPT_FILE naming the file; earlier versions still load', async () => {
    const { wh, store } = await fresh();
    const { bytes } = await store.get('b/t/metadata/v2.metadata.json');
    await store.put('b/t/metadata/v3.metadata.json', bytes.slice(0, bytes.length / 2), { mode: { kind: 'create' } });
    const e = await failure(wh.loadTable('b.t'));
    expect(e.code).toBe('CORRUPT_FILE');
    expect(String(e.context['path'] ?? e.message)).toMatch(/v3\.metadata\.json/);
    const v2 = await Table.load('memory://bad/b/t', { store: await storeAt(store, 'b/t/'), metadata: 'v2.metadata.json' });
    expect((await v2.scan().toArrow()).numRows).toBe(2);
  });

  it('a manifest that fails to decode: CORRUPT_FILE naming the manifest', async () => {
    const { wh, store } = await fresh();
    let manifest = '';
    for await (const m of store.list('b/t/metadata/')) if (m.path.endsWith('-m0.avro')) manifest = m.path;
    await store.put(manifest, new TextEncoder().encode('not avro'), { mode: { kind: 'overwrite' } });
    const t = await wh.loadTable('b.t');
    const e = await failure(t.scan().toArrow());
    expect(e.code).toBe('CORRUPT_FILE');
    expect(e.message).toContain(manifest.split('/').at(-1)!);
  });

  it('a missing data file: DATA_FILE_NOT_FOUND naming it', async () => {
    const { wh, store } = await fresh();
    let data = '';
    for await (const m of store.list('b/t/data/')) data = m.path;
    await store.delete(data);
    const e = await failure((await wh.loadTable('b.t')).scan().toArrow());
    expect(e.code).toBe('DATA_FILE_NOT_FOUND');
    expect(e.message).toContain(data.split('/').at(-1)!);
  });

  it('table names with .. or /: INVALID_ARGUMENT', async () => {
    const { wh } = await fresh();
    for (const name of ['b...t', 'b./t', '../etc.passwd', 'b.t/..', 'b. t']) {
      const e = await failure(wh.createTable(name, new arrow.Schema([new arrow.Field('x', new arrow.Int32())])));
      expect(e.code, name).toBe('INVALID_ARGUMENT');
    }
  });

  it('a snapshot id or tag that does not exist: SNAPSHOT_NOT_FOUND / REF_NOT_FOUND', async () => {
    const { wh, t } = await fresh();
    const before = await history(wh);
    expect((await failure(() => t.scan({ snapshotId: 123n }))).code).toBe('SNAPSHOT_NOT_FOUND');
    expect((await failure(() => t.scan({ ref: 'nope' }))).code).toBe('REF_NOT_FOUND');
    expect((await failure(t.createTag('x', 999n))).code).toBe('SNAPSHOT_NOT_FOUND');
    expect((await failure(t.rollbackTo(999n))).code).toBe('SNAPSHOT_NOT_FOUND');
    expect(await history(wh)).toBe(before);
  });
});

async function storeAt(store: MemoryStore, prefix: string) {
  const { prefixed } = await import('floe');
  return prefixed(store, prefix);
}

