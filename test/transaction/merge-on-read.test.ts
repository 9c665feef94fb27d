/**
 * Merge-on-read (`write.delete.mode` / `write.update.mode` / `write.merge.mode` =
 * `merge-on-read`) on memory, a local folder and S3: delete, overwrite by filter and upsert
 * leave data files in place and write v2 position delete files (spec §Position Delete Files)
 * that scans apply; files whose every row goes are dropped whole; conflicts with concurrent
 * writers follow Iceberg Java's RowDelta validation; a bad mode value is refused where it is set
 * and where it is read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Table, type Warehouse, isFloeError, openLocation } from 'floe';
import { readParquet } from '../../src/io/index.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';

afterAll(cleanupBackends);

const SCHEMA = { id: 'long not null', cat: 'string', v: 'double' } as const;
const MOR = { 'write.delete.mode': 'merge-on-read', 'write.update.mode': 'merge-on-read', 'write.merge.mode': 'merge-on-read' };

/** Rows `first … first + count - 1`, category by `id % 2`. */
function rows(first: number, count: number, v = 0): { id: number; cat: string; v: number }[] {
  return Array.from({ length: count }, (_, i) => ({ id: first + i, cat: (first + i) % 2 === 0 ? 'even' : 'odd', v: v + first + i }));
}

/** The table's rows as sorted `id|cat|v` strings. */
async function contents(t: Table, snapshotId?: bigint): Promise<string[]> {
  const table = await t.scan(snapshotId === undefined ? {} : { snapshotId }).toArrow();
  const out: string[] = [];
  for (const r of table) out.push(`${r!.id}|${r!.cat}|${r!.v}`);
  return out.sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0]));
}

function expectedRows(list: { id: number; cat: string; v: number }[]): string[] {
  return list.map((r) => `${r.id}|${r.cat}|${r.v}`).sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0]));
}

async function liveFiles(t: Table): Promise<{ data: string[]; deletes: string[] }> {
  const plan = await t.scan().planFiles();
  return { data: plan.tasks.map((x) => x.file.filePath).sort(), deletes: [...new Set(plan.tasks.flatMap((x) => x.deletes.map((d) => d.file.filePath)))].sort() };
}

async function conflictOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe.each(featureBackends)('merge-on-read ($label)', (backend) => {
  let wh: Warehouse;
  let n = 0;
  async function table(properties: Record<string, string> = MOR, partitionBy?: string): Promise<Table> {
    wh ??= await backend.open();
    if (n === 0) await wh.createNamespace('mor');
    const t = await wh.createTable(`mor.t${n++}`, SCHEMA, { properties, ...(partitionBy ? { partitionBy } : {}) });
    await t.append(rows(0, 50));
    await t.append(rows(50, 50));
    return t;
  }

  it('delete writes one sorted position delete file and leaves the data files', async () => {
    const t = await table();
    const before = await liveFiles(t);
    const snap = await t.delete('id < 5 OR id = 57 OR id = 99');
    expect(snap.summary.operation).toBe('delete');
    expect(snap.summary['added-delete-files']).toBe('1');
    expect(snap.summary['added-position-delete-files']).toBe('1');
    expect(snap.summary['added-position-deletes']).toBe('7');
    expect(snap.summary['total-position-deletes']).toBe('7');
    expect(snap.summary['total-delete-files']).toBe('1');
    expect(snap.summary['deleted-data-files']).toBeUndefined();
    expect(snap.summary['added-data-files']).toBeUndefined();
    const after = await liveFiles(t);
    expect(after.data).toEqual(before.data);
    expect(after.deletes).toHaveLength(1);
    expect(await contents(t)).toEqual(expectedRows(rows(0, 100).filter((r) => !(r.id < 5 || r.id === 57 || r.id === 99))));
    // The delete file: the spec's field ids, sorted by file_path then pos.
    const task = (await t.scan().planFiles()).tasks.find((x) => x.deletes.length > 0)!;
    const d = task.deletes[0]!;
    expect(d.file.content).toBe(1);
    const store = openLocation(t.uri, wh.s3Options ? { s3: wh.s3Options } : {}).store;
    const parquet = readParquet((await store.get(d.file.filePath.slice(t.location().length + 1))).bytes, {});
    expect(parquet.schema.fields.map((f) => [f.name, f.metadata.get('PARQUET:field_id'), f.nullable])).toEqual([
      ['file_path', '2147483546', false],
      ['pos', '2147483545', false],
    ]);
    const entries = parquet.toArray().map((r) => [String(r!.file_path), Number(r!.pos)] as const);
    expect(entries).toHaveLength(7);
    const sorted = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    expect(entries).toEqual(sorted);
    expect(new Set(entries.map((e) => e[0]))).toEqual(new Set(before.data));
    // A filter on a deleted value still finds nothing; pruning keeps the live rows it should.
    expect((await t.scan({ filter: 'id = 57' }).toArrow()).numRows).toBe(0);
    expect((await t.scan({ filter: 'id = 58' }).toArrow()).numRows).toBe(1);
  });

  it('a second delete skips rows already deleted and counts only new ones', async () => {
    const t = await table();
    await t.delete('id < 10');
    const snap = await t.delete('id < 20');
    expect(snap.summary['added-position-deletes']).toBe('10');
    expect(snap.summary['total-position-deletes']).toBe('20');
    expect(await contents(t)).toEqual(expectedRows(rows(20, 80)));
  });

  it('a file whose every live row is deleted is dropped whole', async () => {
    const t = await table();
    await t.delete('id < 10');
    const snap = await t.delete('id < 50'); // the rest of the first file
    expect(snap.summary['deleted-data-files']).toBe('1');
    expect(snap.summary['added-delete-files']).toBeUndefined();
    expect((await liveFiles(t)).data).toHaveLength(1);
    expect(await contents(t)).toEqual(expectedRows(rows(50, 50)));
  });

  it('overwrite by filter and upsert write position deletes plus the new rows (operation overwrite)', async () => {
    const t = await table();
    const o = await t.overwrite(rows(1000, 3), { filter: 'id >= 40 AND id < 60' });
    expect(o.summary.operation).toBe('overwrite');
    expect(o.summary['added-position-deletes']).toBe('20');
    expect(o.summary['added-delete-files']).toBe('1');
    expect(o.summary['added-data-files']).toBe('1');
    expect(o.summary['deleted-data-files']).toBeUndefined();
    const u = await t.upsert(rows(95, 10, 0.5), { on: 'id' });
    expect(u.summary.operation).toBe('overwrite');
    expect(u.summary['added-position-deletes']).toBe('5');
    expect(u.summary['added-records']).toBe('10');
    const want = [...rows(0, 40), ...rows(60, 35), ...rows(1000, 3), ...rows(95, 10, 0.5)];
    expect(await contents(t)).toEqual(expectedRows(want));
  });

  it('a partitioned table gets one delete file per partition, each in its partition', async () => {
    const t = await table(MOR, 'cat');
    const snap = await t.delete('id < 6');
    expect(snap.summary['added-delete-files']).toBe('2');
    const plan = await t.scan().planFiles();
    for (const task of plan.tasks) for (const d of task.deletes) expect(d.file.partition).toEqual(task.file.partition);
    expect(await contents(t)).toEqual(expectedRows(rows(6, 94)));
  });

  it('a bad mode is refused where it is set, and a table left unchanged', async () => {
    const t = await table({});
    const version = t.currentSnapshot()!.snapshotId;
    const e = await conflictOf(t.setProperties({ 'write.delete.mode': 'merge_on_read' }));
    expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true);
    expect(String(e)).toContain('write.delete.mode');
    expect(String(e)).toContain('merge_on_read');
    await t.refresh();
    expect(t.properties()['write.delete.mode']).toBeUndefined();
    expect(t.currentSnapshot()!.snapshotId).toBe(version);
    const c = await conflictOf(wh.createTable('mor.bad', SCHEMA, { properties: { 'write.merge.mode': 'MOR' } }));
    expect(isFloeError(c, 'INVALID_ARGUMENT')).toBe(true);
    expect(String(c)).toContain('write.merge.mode');
    expect(await wh.tableExists('mor.bad')).toBe(false);
  });

  it('a bad mode another writer stored is refused at write time, naming it, and nothing is committed', async () => {
    const t = await table({});
    const store = openLocation(t.uri, wh.s3Options ? { s3: wh.s3Options } : {}).store;
    let latest = 0;
    for await (const o of store.list('metadata/')) {
      const m = /^metadata\/v(\d+)\.metadata\.json$/.exec(o.path);
      if (m) latest = Math.max(latest, Number(m[1]));
    }
    const text = new TextDecoder().decode((await store.get(`metadata/v${latest}.metadata.json`)).bytes);
    const edited = text.replace(/"properties"\s*:\s*\{/, '"properties":{"write.delete.mode":"merge-on-write",');
    expect(edited).not.toBe(text);
    await store.put(`metadata/v${latest + 1}.metadata.json`, new TextEncoder().encode(edited), { mode: { kind: 'create' } });
    const loaded = await wh.loadTable(`mor.t${n - 1}`);
    expect(loaded.properties()['write.delete.mode']).toBe('merge-on-write');
    const before = await contents(loaded);
    const snapshot = loaded.currentSnapshot()!.snapshotId;
    const e = await conflictOf(loaded.delete('id = 1'));
    expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true);
    expect(String(e)).toContain('write.delete.mode');
    expect(String(e)).toContain('merge-on-write');
    await loaded.refresh();
    expect(loaded.currentSnapshot()!.snapshotId).toBe(snapshot);
    expect(await contents(loaded)).toEqual(before);
  });

  describe('concurrent writers (Iceberg RowDelta validation)', () => {
    /** Two handles on one table at the same version. */
    async function two(properties: Record<string, string> = MOR): Promise<{ a: Table; b: Table; name: string }> {
      const t = await table(properties);
      const name = `mor.t${n - 1}`;
      return { a: await wh.loadTable(name), b: await wh.loadTable(name), name };
    }

    it('a concurrent rewrite of a file this delete references conflicts (non-retryable, even under snapshot isolation), and nothing of it is committed', async () => {
      const { a, name } = await two({ ...MOR, 'write.isolation-level': 'snapshot' });
      const cow = await wh.loadTable(name);
      // B deletes copy-on-write by an explicit rewrite: overwrite the first file's rows.
      await cow.setProperties({ 'write.update.mode': 'copy-on-write' });
      await a.refresh();
      const stale = await wh.loadTable(name);
      await cow.overwrite(rows(0, 50, 100), { filter: 'id < 50' }); // rewrites (removes) the first file
      const want = await contents(cow);
      const e = await conflictOf(stale.delete('id = 7'));
      expect(isFloeError(e, 'COMMIT_CONFLICT')).toBe(true);
      expect(String(e)).toContain('position deletes reference');
      await cow.refresh();
      expect(await contents(cow)).toEqual(want);
    });

    it('a concurrent merge-on-read delete of rows of the same file conflicts', async () => {
      const { a, b } = await two();
      await b.delete('id = 1');
      const e = await conflictOf(a.delete('id = 3'));
      expect(isFloeError(e, 'COMMIT_CONFLICT')).toBe(true);
      expect(String(e)).toContain('added delete file');
      await b.refresh();
      expect(await contents(b)).toEqual(expectedRows(rows(0, 100).filter((r) => r.id !== 1)));
    });

    it('concurrent merge-on-read deletes of different files commute', async () => {
      const { a, b } = await two();
      await b.delete('id = 1');
      await a.delete('id = 60');
      expect(await contents(a)).toEqual(expectedRows(rows(0, 100).filter((r) => r.id !== 1 && r.id !== 60)));
    });

    it('a concurrent append that does not match the filter does not conflict; one that may match does (serializable)', async () => {
      const { a, b, name } = await two();
      await b.append(rows(500, 5));
      await a.delete('id < 3');
      expect(await contents(a)).toEqual(expectedRows([...rows(3, 97), ...rows(500, 5)]));
      const c = await wh.loadTable(name);
      await b.refresh();
      await b.append(rows(-5, 3));
      const e = await conflictOf(c.delete('id < 3'));
      expect(isFloeError(e, 'COMMIT_CONFLICT')).toBe(true);
    });

    it('an upsert re-plans after a concurrent delete of its rows and ends with the right rows', async () => {
      const { a, b } = await two();
      await b.delete('id = 10');
      await a.upsert(rows(9, 3, 0.25), { on: 'id' });
      await b.refresh();
      expect(await contents(b)).toEqual(expectedRows([...rows(0, 100).filter((r) => r.id < 9 || r.id > 11), ...rows(9, 3, 0.25)]));
    });
  });
});
