/**
 * Every cell of the conflict matrix of spec/commit-protocol.md §C7: writer A works from a stale
 * base while writer B commits first; A's commit either re-applies on top of B (both effects are
 * then visible) or fails with a non-retryable CommitConflictError (and B's effect is intact) —
 * the same whether the table is committed to directly or through Floe's REST catalog.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type RestCatalogServer, type Table, Warehouse, isFloeError, startRestCatalogServer } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';

type OpName = 'append' | 'overwrite' | 'delete' | 'schema' | 'spec' | 'ref' | 'props' | 'expire';

/** Each op on a handle; `tag` makes A's and B's effects distinguishable. */
const OPS: Record<OpName, (t: Table, tag: 'A' | 'B') => Promise<unknown>> = {
  append: (t, tag) => t.append(rows(tag === 'A' ? 1 : 2, 1000, 3, 'a')),
  overwrite: (t, tag) => t.overwrite(rows(tag === 'A' ? 3 : 4, 2000, 2, 'a'), { filter: "cat = 'a'" }),
  delete: (t) => t.delete("cat = 'a'"),
  schema: (t, tag) => t.updateSchema().addColumn(`col_${tag}`, 'string').commit(),
  spec: (t, tag) => t.updateSpec().addField(tag === 'A' ? 'bucket(4, writer)' : 'bucket(8, seq)').commit(),
  ref: (t) => t.createTag('release'),
  props: (t, tag) => t.setProperties({ [`owner.${tag}`]: tag }),
  expire: (t) => t.expireSnapshots({ olderThanMs: Date.now() + 60_000, retainLast: 1 }),
};

/** The group an op belongs to in the matrix. */
const GROUP: Record<OpName, string> = { append: 'append', overwrite: 'cow', delete: 'cow', schema: 'schema', spec: 'spec', ref: 'ref', props: 'props', expire: 'expire' };

/** Expected outcome for A (row) after B (column) committed first, under serializable isolation. */
function expected(a: OpName, b: OpName): 'commutes' | 'fails' {
  const ga = GROUP[a];
  const gb = GROUP[b];
  if (ga === 'cow' && (gb === 'append' || gb === 'cow')) return 'fails';
  if (ga === 'schema' && gb === 'schema') return 'fails';
  if (ga === 'spec' && gb === 'spec') return 'fails';
  if (ga === 'ref' && gb === 'ref') return 'fails';
  return 'commutes';
}

const servers: RestCatalogServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

let served: Warehouse | undefined;
let cellCount = 0;

/**
 * One warehouse served by Floe's REST catalog server for every `rest` cell, every handle opened
 * through it so that commits go through the catalog as requirements + updates. One server, not
 * one per cell: its start hashes the admin secret (scrypt at full cost), which is not what the
 * matrix tests.
 */
async function servedWarehouse(): Promise<Warehouse> {
  if (served) return served;
  const direct = await Warehouse.open(`memory://matrix-${Math.random().toString(36).slice(2)}`);
  const server = await startRestCatalogServer({ warehouse: direct, admin: { clientId: 'floe-test-admin', clientSecret: 'test-admin-secret-not-for-production' } });
  servers.push(server);
  served = await Warehouse.open(server.url, { catalog: { credential: 'floe-test-admin:test-admin-secret-not-for-production' } });
  return served;
}

/** A fresh table, alone in its namespace: in its own warehouse (`direct`) or through the REST server. */
async function setup(through: 'direct' | 'rest' = 'direct'): Promise<{ wh: Warehouse; name: string }> {
  const wh = through === 'rest' ? await servedWarehouse() : await Warehouse.open(`memory://matrix-${Math.random().toString(36).slice(2)}`);
  const ns = `m${cellCount++}`;
  await wh.createNamespace(ns);
  const t = await wh.createTable(`${ns}.t`, TABLE_SCHEMA, { partitionBy: 'cat' });
  await t.append(rows(0, 0, 4, 'a'));
  await t.append(rows(0, 100, 4, 'b'));
  return { wh, name: `${ns}.t` };
}

const names = Object.keys(OPS) as OpName[];
const cells = names.flatMap((a) => names.map((b) => [a, b, expected(a, b)] as const));

describe.each(['direct', 'rest'] as const)('conflict matrix (spec/commit-protocol.md §C7), serializable, %s', (through) => {
  it.each(cells)('A=%s after concurrent B=%s: %s', async (a, b, outcome) => {
    const { wh, name } = await setup(through);
    const handleA = await wh.loadTable(name);
    const handleB = await wh.loadTable(name);
    await OPS[b](handleB, 'B');
    const versionAfterB = (await wh.loadTable(name)).version;
    const result = await OPS[a](handleA, 'A').then(
      () => 'ok' as const,
      (e: unknown) => e,
    );
    const final = await wh.loadTable(name);
    if (outcome === 'fails') {
      expect(isFloeError(result, 'COMMIT_CONFLICT'), String(result)).toBe(true);
      expect((result as { retryable: boolean }).retryable).toBe(false);
      expect(final.version).toBe(versionAfterB);
    } else {
      expect(result).toBe('ok');
      expect(final.version).toBe(versionAfterB + 1);
      // B's effect survived A's re-applied commit
      if (b === 'schema') expect(final.schema().fields.some((f) => f.name === 'col_B')).toBe(true);
      if (b === 'props') expect(final.properties()['owner.B']).toBe('B');
      if (b === 'ref') expect(final.refs()['release']).toBeDefined();
      if (b === 'expire' || a === 'expire') expect(final.snapshots().every((s) => s.timestampMs >= 0)).toBe(true);
      if (b === 'expire' && a !== 'expire') expect((await final.scan().toArrow()).numRows).toBeGreaterThan(0);
      if (b === 'append') {
        const data = await final.scan({ filter: 'writer = 2' }).toArrow();
        expect(data.numRows).toBe(a === 'overwrite' || a === 'delete' ? 0 : 3);
      }
    }
  });
});

describe('conflict matrix: the cells that depend on isolation and partitions', () => {
  it('overwrite after a concurrent append into the same partition commutes under snapshot isolation', async () => {
    const { wh, name } = await setup();
    await (await wh.loadTable(name)).setProperties({ 'write.isolation-level': 'snapshot' });
    const a = await wh.loadTable(name);
    const b = await wh.loadTable(name);
    await b.append(rows(2, 1000, 3, 'a'));
    await a.overwrite(rows(3, 2000, 2, 'a'), { filter: "cat = 'a'" });
    const data = await (await wh.loadTable(name)).scan({ filter: "cat = 'a'" }).toArrow();
    // B's rows were not seen by A's filter, so they stay: snapshot isolation's write skew.
    expect(data.numRows).toBe(3 + 2);
  });

  it('overwrite after a concurrent append into another partition commutes under serializable isolation', async () => {
    const { wh, name } = await setup();
    const a = await wh.loadTable(name);
    const b = await wh.loadTable(name);
    await b.append(rows(2, 1000, 3, 'b'));
    await a.overwrite(rows(3, 2000, 2, 'a'), { filter: "cat = 'a'" });
    const final = await wh.loadTable(name);
    expect((await final.scan({ filter: "cat = 'a'" }).toArrow()).numRows).toBe(2);
    expect((await final.scan({ filter: "cat = 'b'" }).toArrow()).numRows).toBe(4 + 3);
  });

  it('overwrites of different partitions commute', async () => {
    const { wh, name } = await setup();
    const a = await wh.loadTable(name);
    const b = await wh.loadTable(name);
    await b.overwrite(rows(4, 0, 1, 'b'), { filter: "cat = 'b'" });
    await a.overwrite(rows(3, 0, 1, 'a'), { filter: "cat = 'a'" });
    const final = await wh.loadTable(name);
    expect((await final.scan().toArrow()).numRows).toBe(2);
  });

  it('a schema change re-applied after a concurrent append keeps the appended rows readable', async () => {
    const { wh, name } = await setup();
    const a = await wh.loadTable(name);
    const b = await wh.loadTable(name);
    await b.updateSchema().dropColumn('seq').commit();
    await a.append(rows(9, 0, 5, 'a')); // written with the old schema, committed on the new one
    const final = await wh.loadTable(name);
    const data = await final.scan({ filter: 'writer = 9' }).toArrow();
    expect(data.numRows).toBe(5);
    expect(data.schema.fields.map((f) => f.name)).toEqual(['writer', 'cat']);
  });
});
