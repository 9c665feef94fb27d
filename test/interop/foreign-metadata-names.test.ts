/**
 * Floe reading and writing tables whose metadata files another writer named: catalog-backed
 * `<NNNNN>-<uuid>` names, free-form names, gzip Hadoop spellings (Iceberg spec "File System
 * Tables", "Metastore Tables", Appendix F). Each table is written by Floe in a memory store and
 * its metadata files are then renamed (and gzipped) the way those writers name them, hint
 * removed or rewritten. A Floe commit on such a table must build on the newest file, land as
 * `v<N+1>.metadata.json` above every file there, and be what the next load finds.
 */
import { gzipSync } from 'node:zlib';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore, Table, Warehouse, prefixed, type ObjectStore } from 'floe';

const UUIDS = ['6f1c3a52-9d1e-4c55-8a7e-0b4c2f9d7a11', 'a0d7e0c4-2b9f-4b7e-9f0e-5d3c1e2b4a99', '0c2b9e4d-7a1f-4d3e-8b6c-9e8d7c6b5a43'];

function rows(ids: readonly number[]): arrow.Table {
  return new arrow.Table({ id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()) });
}

/** A Floe table with v1 (create), v2 (ids 0-1), v3 (ids 2-3); returns its root store and how to load it. */
async function floeTable(): Promise<{ root: ObjectStore; load: (metadata?: string) => Promise<Table> }> {
  const store = new MemoryStore({ name: 'memory://foreign-names' });
  const wh = await Warehouse.open('memory://foreign-names', { store });
  await wh.createNamespace('ns');
  const t = await wh.createTable('ns.t', rows([]).schema);
  await t.append(rows([0, 1]));
  await t.append(rows([2, 3]));
  const root = prefixed(store, 'ns/t');
  const load = (metadata?: string) => Table.load('memory://foreign-names/ns/t', { store: root, ...(metadata === undefined ? {} : { metadata }) });
  return { root, load };
}

/** Renames metadata files (`from` → `to` under metadata/), gzipping when asked; drops the hint. */
async function rename(root: ObjectStore, names: Readonly<Record<string, string>>, options: { gzip?: boolean; hint?: string } = {}): Promise<void> {
  for (const [from, to] of Object.entries(names)) {
    const { bytes } = await root.get(`metadata/${from}`);
    await root.put(`metadata/${to}`, options.gzip ? gzipSync(bytes) : bytes, { mode: { kind: 'create' } });
    await root.delete(`metadata/${from}`);
  }
  await root.delete('metadata/version-hint.text');
  if (options.hint !== undefined) await root.put('metadata/version-hint.text', new TextEncoder().encode(options.hint), { mode: { kind: 'overwrite' } });
}

async function ids(t: Table): Promise<number[]> {
  return [...(await t.scan().toArrow()).getChild('id')!].map(Number).sort((a, b) => a - b);
}

const NUMBERED = { 'v1.metadata.json': `00000-${UUIDS[0]}.metadata.json`, 'v2.metadata.json': `00001-${UUIDS[1]}.metadata.json`, 'v3.metadata.json': `00002-${UUIDS[2]}.metadata.json` };
const FREE_FORM = { 'v1.metadata.json': 'created.metadata.json', 'v2.metadata.json': 'first-append.metadata.json', 'v3.metadata.json': 'second-append.metadata.json' };
const GZIP = { 'v1.metadata.json': 'v1.gz.metadata.json', 'v2.metadata.json': 'v2.gz.metadata.json', 'v3.metadata.json': 'v3.gz.metadata.json' };
const OLD_GZIP = { 'v1.metadata.json': 'v1.metadata.json.gz', 'v2.metadata.json': 'v2.metadata.json.gz', 'v3.metadata.json': 'v3.metadata.json.gz' };

describe('a Floe commit on a table another writer named', () => {
  it.each([
    ['catalog-backed <NNNNN>-<uuid> names, no hint', NUMBERED, {}, `metadata/00002-${UUIDS[2]}.metadata.json`, 3],
    ['free-form names, no hint', FREE_FORM, {}, 'metadata/second-append.metadata.json', 1],
    ['gzip Hadoop names, hint 3', GZIP, { gzip: true, hint: '3' }, 'metadata/v3.gz.metadata.json', 4],
    ['gzip Hadoop names, no hint', GZIP, { gzip: true }, 'metadata/v3.gz.metadata.json', 4],
    ['Java\'s older gzip names (.metadata.json.gz), hint 3', OLD_GZIP, { gzip: true, hint: '3' }, 'metadata/v3.metadata.json.gz', 4],
    ['Java\'s older gzip names (.metadata.json.gz), no hint', OLD_GZIP, { gzip: true }, 'metadata/v3.metadata.json.gz', 4],
  ] as const)('%s: reads the newest, commits v<N+1>, and the next load finds it', async (_label, names, options, newest, next) => {
    const { root, load } = await floeTable();
    await rename(root, names, options);
    const t = await load();
    expect(t.metadataFile).toBe(newest);
    expect(await ids(t)).toEqual([0, 1, 2, 3]);
    await t.append(rows([4]));
    expect(t.metadataFile).toBe(`metadata/v${next}.metadata.json`);
    const again = await load();
    expect(again.metadataFile).toBe(`metadata/v${next}.metadata.json`);
    expect(await ids(again)).toEqual([0, 1, 2, 3, 4]);
    // also without the hint Floe's commit wrote: the listing finds it
    await root.delete('metadata/version-hint.text');
    expect((await load()).metadataFile).toBe(`metadata/v${next}.metadata.json`);
  });

  it('a base opened explicitly that is not the newest: the commit builds on the newest, losing nothing', async () => {
    const { root, load } = await floeTable();
    await rename(root, NUMBERED);
    const stale = await load(`00001-${UUIDS[1]}.metadata.json`);
    expect(await ids(stale)).toEqual([0, 1]);
    await stale.append(rows([9]));
    const again = await load();
    expect(again.metadataFile).toBe('metadata/v3.metadata.json');
    expect(await ids(again)).toEqual([0, 1, 2, 3, 9]);
  });

  it('two Floe writers at once on a catalog-named table: both commit, one after the other', async () => {
    const { root, load } = await floeTable();
    await rename(root, NUMBERED);
    const [a, b] = [await load(), await load()];
    await Promise.all([a.append(rows([10])), b.append(rows([11]))]);
    const again = await load();
    expect(again.metadataFile).toBe('metadata/v4.metadata.json');
    expect(await ids(again)).toEqual([0, 1, 2, 3, 10, 11]);
  });

  it('an ambiguous folder: the commit is refused naming the candidates, and no metadata file is written', async () => {
    const { root, load } = await floeTable();
    await rename(root, FREE_FORM);
    const t = await load();
    // another writer's sibling of the newest file, which nothing orders against it
    const { bytes } = await root.get('metadata/second-append.metadata.json');
    await root.put('metadata/second-append-copy.metadata.json', bytes, { mode: { kind: 'create' } });
    await expect(t.append(rows([5]))).rejects.toMatchObject({
      code: 'VALIDATION',
      context: { candidates: 'metadata/second-append-copy.metadata.json, metadata/second-append.metadata.json' },
    });
    const keys: string[] = [];
    for await (const m of root.list('metadata/')) if (m.path.endsWith('.metadata.json')) keys.push(m.path);
    expect(keys.sort()).toEqual(['metadata/created.metadata.json', 'metadata/first-append.metadata.json', 'metadata/second-append-copy.metadata.json', 'metadata/second-append.metadata.json']);
    expect(await ids(await load('second-append.metadata.json'))).toEqual([0, 1, 2, 3]);
  });
});
