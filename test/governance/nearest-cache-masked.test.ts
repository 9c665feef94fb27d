/**
 * `nearest`'s VectorCache and column/row policies (spec/governance.md §G7): a cache shared by a
 * masked and an unmasked principal never serves the masked one rows its grant filters out, and
 * a masked query never fills the cache (the cache is not used for masked reads).
 */
import * as arrow from 'apache-arrow';
import { afterAll, expect, it } from 'vitest';
import { VectorCache, Warehouse } from 'floe';
import '../../src/ml/index.js';
import { startRestCatalogServer } from '../../src/catalog/rest/server/index.js';
import { Governance, type Subject } from '../../src/governance/index.js';

const ADMIN = { clientId: 'cache-admin', clientSecret: 'cache-admin-secret-not-for-production' };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers.splice(0)) await c();
});

function items(): arrow.Table {
  const n = 8;
  const emb = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) emb.set([i, i / 2], i * 2);
  const type = new arrow.FixedSizeList(2, new arrow.Field('element', new arrow.Float32(), false));
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i))),
    region: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'eu' : 'us')), new arrow.Utf8()),
    emb: arrow.makeVector(arrow.makeData({ type, length: n, nullCount: 0, child: arrow.makeData({ type: new arrow.Float32(), length: n * 2, data: emb }) })),
  });
}

it('a cache shared with an unmasked principal serves a masked one only the rows its grant allows, and masked queries are not cached', async () => {
  const wh = await Warehouse.open(`memory://nearest-cache-masked-${process.pid}`);
  const gov = new Governance(wh.catalog.root!.store, { audience: wh.uri, clock: wh.clock });
  const server = await startRestCatalogServer({ warehouse: wh, governance: gov, admin: ADMIN });
  closers.push(() => server.close());
  const asAdmin = await Warehouse.open(server.url, { catalog: { credential: `${ADMIN.clientId}:${ADMIN.clientSecret}` } });
  await asAdmin.createNamespace('ml');
  const data = items();
  await (await asAdmin.createTable('ml.items', data.schema)).append(data);
  const state = await gov.state();
  const admin: Subject = { principal: Object.values(state.principals).find((p) => p.name === 'admin')! };
  const on = { kind: 'table' as const, namespace: ['ml'], table: 'items' };
  const analyst = await gov.createPrincipal(admin, { name: 'analyst', type: 'user', roles: ['analyst'] });
  const auditor = await gov.createPrincipal(admin, { name: 'auditor', type: 'user', roles: ['auditor'] });
  for (const role of ['analyst', 'auditor']) await gov.grant(admin, { role, privilege: 'LIST', on: { kind: 'catalog' } });
  await gov.grant(admin, { role: 'analyst', privilege: 'READ', on, rowFilter: "region = 'eu'" });
  await gov.grant(admin, { role: 'auditor', privilege: 'READ', on });
  const open = (c: { clientId: string; clientSecret: string }) => Warehouse.open(server.url, { catalog: { credential: `${c.clientId}:${c.clientSecret}` } });
  const masked = await (await open(analyst.credential)).loadTable('ml.items');
  const full = await (await open(auditor.credential)).loadTable('ml.items');
  expect(masked.access()?.readPolicy).toBeDefined();

  const cache = new VectorCache({ maxBytes: 16 * 1024 * 1024 });
  const query = { column: 'emb', query: [0, 0], k: 8, columns: ['id', 'region'], cache } as const;
  const ids = (hits: { row: Readonly<Record<string, unknown>> }[]): number[] => hits.map((h) => Number(h.row.id));
  expect(ids(await full.nearest(query))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(cache.stats()).toMatchObject({ entries: 1, hits: 0 });
  expect(ids(await masked.nearest(query))).toEqual([0, 2, 4, 6]);
  expect(ids(await masked.nearest(query))).toEqual([0, 2, 4, 6]);
  expect(cache.stats()).toMatchObject({ entries: 1, hits: 0, misses: 1 });
  expect(ids(await full.nearest(query))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(cache.stats()).toMatchObject({ entries: 1, hits: 1 });
}, 180_000);
