/**
 * A merge-on-read table Floe writes reads back the same through an independent reader: icebird
 * (a JS Iceberg reader on hyparquet) applies Floe's position delete files by `file_path` and
 * `pos` and finds the rows Floe's own scan finds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Warehouse } from 'floe';
import { fileFetch } from '../support/file-fetch.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'floe-mor-interop-'));
  vi.stubGlobal('fetch', fileFetch);
});
afterAll(() => {
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
});

it('icebird reads a merge-on-read table (deletes, overwrite, upsert) as Floe does', async () => {
  const wh = await Warehouse.open(pathToFileURL(dir).href);
  await wh.createNamespace('m');
  const properties = { 'write.delete.mode': 'merge-on-read', 'write.update.mode': 'merge-on-read', 'write.merge.mode': 'merge-on-read' };
  const t = await wh.createTable('m.t', { id: 'long not null', cat: 'string', v: 'long' }, { partitionBy: 'cat', properties });
  const rows = (first: number, count: number, v: number): { id: number; cat: string; v: number }[] =>
    Array.from({ length: count }, (_, i) => ({ id: first + i, cat: (first + i) % 3 === 0 ? 'a' : 'b', v }));
  await t.append(rows(0, 40, 0));
  await t.append(rows(40, 40, 0));
  await t.delete('id < 5 OR id = 50');
  await t.overwrite(rows(100, 4, 1), { filter: 'id >= 60 AND id < 64' });
  await t.upsert(rows(30, 20, 2), { on: 'id' });
  const plan = await t.scan().planFiles();
  expect(plan.tasks.some((x) => x.deletes.length > 0)).toBe(true);
  const ours = [...(await t.scan().toArrow())].map((r) => `${r!.id}|${r!.cat}|${r!.v}`).sort();
  const theirs = (await icebergRead({ tableUrl: pathToFileURL(path.join(dir, 'm', 't')).href })).map((r) => `${r.id}|${r.cat}|${r.v}`).sort();
  expect(theirs).toEqual(ours);
  expect(ours).toHaveLength(80 - 6 - 4 + 4);
});
