/**
 * The storage catalog's name bindings (spec/catalog.md §K2–§K4) on memory, a local folder and
 * the real S3 server: rename, register, drop with and without purge, re-create after a drop
 * that kept the files, namespace properties by compare-and-swap, paging — and the races: of
 * concurrent creators of one name exactly one wins, a rename onto a name being created never
 * leaves two tables under it, and concurrent property updates are never lost.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import type { Warehouse } from 'floe';
import { cleanupBackends, featureBackends } from '../features/backends.js';

const SCHEMA = new arrow.Schema([new arrow.Field('x', new arrow.Int32(), true)]);
const rows = (...xs: number[]): arrow.Table => arrow.tableFromArrays({ x: Int32Array.from(xs) });

async function xs(wh: Warehouse, name: string): Promise<number[]> {
  const t = await (await wh.loadTable(name)).scan().toArrow();
  return [...t.getChild('x')!.toArray()].map(Number).sort((a, b) => a - b);
}

afterAll(cleanupBackends);

describe.each(featureBackends)('storage catalog bindings: $label', (backend) => {
  it('renames within a namespace without moving files, and refuses a rename across namespaces', async () => {
    const wh = await backend.open();
    await wh.createNamespace('ml');
    await wh.createNamespace('other');
    const t = await wh.createTable('ml.events', SCHEMA);
    await t.append(rows(1, 2));
    const location = t.location();
    await wh.renameTable('ml.events', 'ml.events_v2');
    expect(await wh.listTables('ml')).toEqual(['ml.events_v2']);
    expect(await wh.tableExists('ml.events')).toBe(false);
    const moved = await wh.loadTable('ml.events_v2');
    expect(moved.location()).toBe(location);
    expect(await xs(wh, 'ml.events_v2')).toEqual([1, 2]);
    // Commits through the new name land in the same table.
    await moved.append(rows(3));
    expect(await xs(wh, 'ml.events_v2')).toEqual([1, 2, 3]);
    await expect(wh.renameTable('ml.events_v2', 'other.events')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(wh.renameTable('ml.nope', 'ml.x')).rejects.toMatchObject({ code: 'TABLE_NOT_FOUND' });
    await wh.createTable('ml.taken', SCHEMA);
    await expect(wh.renameTable('ml.events_v2', 'ml.taken')).rejects.toMatchObject({ code: 'TABLE_ALREADY_EXISTS' });
    // The old name can be used again; its table gets a folder of its own.
    const fresh = await wh.createTable('ml.events', SCHEMA);
    expect(fresh.location()).not.toBe(location);
    await fresh.append(rows(9));
    expect(await xs(wh, 'ml.events')).toEqual([9]);
    expect(await xs(wh, 'ml.events_v2')).toEqual([1, 2, 3]);
  });

  it('drops without purge (files kept, name free, table registrable again) and with purge (files gone)', async () => {
    const wh = await backend.open();
    await wh.createNamespace('ml');
    const t = await wh.createTable('ml.keep', SCHEMA);
    await t.append(rows(1));
    const location = t.uri;
    await wh.dropTable('ml.keep', { purge: false });
    expect(await wh.tableExists('ml.keep')).toBe(false);
    await expect(wh.loadTable('ml.keep')).rejects.toMatchObject({ code: 'TABLE_NOT_FOUND' });
    expect((await t.loadTableAt(location)).snapshots()).toHaveLength(1);
    await wh.registerTable('ml.back', location);
    expect(await xs(wh, 'ml.back')).toEqual([1]);
    await expect(wh.registerTable('ml.back', location)).rejects.toMatchObject({ code: 'TABLE_ALREADY_EXISTS' });
    await wh.dropTable('ml.back');
    await expect(t.loadTableAt(location)).rejects.toMatchObject({ code: 'TABLE_NOT_FOUND' });
    expect(await wh.listTables('ml')).toEqual([]);
    await wh.dropNamespace('ml');
    expect(await wh.namespaceExists('ml')).toBe(false);
  });

  it('keeps a table dropped without purge dropped across a namespace drop and re-create', async () => {
    const wh = await backend.open();
    await wh.createNamespace('ml');
    await (await wh.createTable('ml.t', SCHEMA)).append(rows(5));
    await wh.dropTable('ml.t', { purge: false });
    await wh.dropNamespace('ml');
    await wh.createNamespace('ml', { v: '2' });
    expect(await wh.listTables('ml')).toEqual([]);
    expect(await wh.catalog.namespaceProperties('ml')).toEqual({ v: '2' });
  });

  it('updates namespace properties by compare-and-swap: 8 concurrent writers, no update lost', async () => {
    const wh = await backend.open();
    await wh.createNamespace('ml', { a: '1', gone: 'x' });
    const change = await wh.catalog.updateNamespaceProperties('ml', { updates: { b: '2' }, removals: ['gone', 'never'] });
    expect(change).toEqual({ updated: ['b'], removed: ['gone'], missing: ['never'] });
    await Promise.all(Array.from({ length: 8 }, (_, i) => wh.catalog.updateNamespaceProperties('ml', { updates: { [`w${i}`]: String(i) } })));
    const props = await wh.catalog.namespaceProperties('ml');
    expect(props).toEqual({ a: '1', b: '2', ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`w${i}`, String(i)])) });
  });

  it('pages namespaces and tables with opaque tokens', async () => {
    const wh = await backend.open();
    for (const ns of ['a', 'b', 'c']) await wh.createNamespace(ns);
    for (const t of ['t1', 't2', 't3', 't4', 't5']) await wh.createTable(`a.${t}`, SCHEMA);
    const first = await wh.catalog.listTablePage('a', { pageSize: 2 });
    expect(first.items).toEqual(['t1', 't2']);
    const second = await wh.catalog.listTablePage('a', { pageSize: 2, pageToken: first.nextPageToken });
    expect(second.items).toEqual(['t3', 't4']);
    const last = await wh.catalog.listTablePage('a', { pageSize: 2, pageToken: second.nextPageToken });
    expect(last).toEqual({ items: ['t5'], nextPageToken: undefined });
    const ns = await wh.catalog.listNamespacePage(undefined, { pageSize: 2 });
    expect(ns.items).toEqual([['a'], ['b']]);
    await expect(wh.catalog.listTablePage('a', { pageToken: 'not-a-token!' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(wh.catalog.listTablePage('a', { pageSize: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('of 6 concurrent creators of one name exactly one wins, and a concurrent rename onto it never gives the name two tables', async () => {
    const wh = await backend.open();
    await wh.createNamespace('ml');
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => wh.createTable('ml.race', SCHEMA)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'TABLE_ALREADY_EXISTS' });

    for (let round = 0; round < 4; round++) {
      const src = await wh.createTable(`ml.src${round}`, SCHEMA);
      await src.append(rows(round));
      const outcome = await Promise.allSettled([wh.createTable(`ml.dst${round}`, SCHEMA), wh.renameTable(`ml.src${round}`, `ml.dst${round}`)]);
      const won = outcome.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const dst = await wh.loadTable(`ml.dst${round}`);
      if (outcome[1]!.status === 'fulfilled') expect(await xs(wh, `ml.dst${round}`)).toEqual([round]);
      else expect(dst.snapshots()).toHaveLength(0);
      // Whoever won, the name resolves the same way for every reader.
      expect((await wh.loadTable(`ml.dst${round}`)).uuid()).toBe(dst.uuid());
    }
  });
});
