/**
 * Governed ML assets (spec/governance.md §G9) over a served, governed warehouse: a training job's
 * principal needs READ on every input (the unreadable one is named in the refusal); registering
 * an artifact needs WRITE on the registry table and a refused registration leaves nothing
 * behind; lineage shows only the tables the caller may read, the others without their names or
 * locations.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Dataset, type Table, Warehouse, lineageSummary } from 'floe';
import { startRestCatalogServer } from '../../src/catalog/rest/server/index.js';
import { Governance, type Securable, type Subject } from '../../src/governance/index.js';

const ADMIN = { clientId: 'ml-admin', clientSecret: 'ml-admin-secret-not-for-production' };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers.splice(0)) await c();
});

let counter = 0;
const rows = (from: number, n: number): arrow.Table => arrow.tableFromArrays({ id: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)), x: Float64Array.from({ length: n }, (_, i) => (from + i) / 2) });
const table = (name: string): Securable => ({ kind: 'table', namespace: ['ml'], table: name });

/**
 * A governed server over a memory warehouse with tables `ml.a` and `ml.b` and the artifact
 * registry of `ml`, and principal `trainer` who may list everything and READ `ml.a` and the
 * registry, but not `ml.b`.
 */
async function setup() {
  const wh = await Warehouse.open(`memory://governed-ml-${process.pid}-${++counter}`);
  const gov = new Governance(wh.catalog.root!.store, { audience: wh.uri, clock: wh.clock });
  const server = await startRestCatalogServer({ warehouse: wh, governance: gov, admin: ADMIN });
  closers.push(() => server.close());
  const asAdmin = await Warehouse.open(server.url, { catalog: { credential: `${ADMIN.clientId}:${ADMIN.clientSecret}` } });
  await asAdmin.createNamespace('ml');
  const a = await asAdmin.createTable('ml.a', rows(0, 1).schema);
  await a.append(rows(0, 6));
  const b = await asAdmin.createTable('ml.b', rows(0, 1).schema);
  await b.append(rows(100, 4));
  const registry = await asAdmin.artifacts('ml');
  const admin: Subject = { principal: Object.values((await gov.state()).principals).find((p) => p.name === 'admin')! };
  const trainer = await gov.createPrincipal(admin, { name: 'trainer', type: 'service', roles: ['trainer'] });
  await gov.grant(admin, { role: 'trainer', privilege: 'LIST', on: { kind: 'catalog' } });
  for (const t of ['a', 'model_registry']) await gov.grant(admin, { role: 'trainer', privilege: 'READ', on: table(t) });
  const asTrainer = await Warehouse.open(server.url, { catalog: { credential: `${trainer.credential.clientId}:${trainer.credential.clientSecret}` } });
  return { wh, gov, admin, asAdmin, asTrainer, a, b, registry };
}

/** A training job's input step: a dataset over each input table, loaded through the catalog. */
async function datasetsOver(wh: Warehouse, inputs: readonly string[]): Promise<Dataset[]> {
  const out: Dataset[] = [];
  for (const name of inputs) out.push(await (await wh.loadTable(name)).dataset({ seed: 1 }));
  return out;
}

async function ids(ds: Dataset): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of ds.reader()) out.push(...[...batch.getChild('id')!.toArray()].map(Number));
  return out.sort((x, y) => x - y);
}

describe('governed ML assets through a governed REST warehouse', () => {
  it('a dataset over A and B is refused when B is not readable, naming B; over A alone it reads; a spec of B cannot be re-opened through the catalog', async () => {
    const s = await setup();
    await expect(datasetsOver(s.asTrainer, ['ml.a', 'ml.b'])).rejects.toMatchObject({ code: 'NOT_AUTHORIZED', message: expect.stringContaining('ml.b') });
    const [onlyA] = await datasetsOver(s.asTrainer, ['ml.a']);
    expect(await ids(onlyA!)).toEqual([0, 1, 2, 3, 4, 5]);

    // A spec made by someone who may read B names B's location: re-opened through the catalog,
    // the trainer's grants apply.
    const specB = (await s.b.dataset({ seed: 1 })).spec;
    await expect(Dataset.fromSpec(specB, { warehouse: s.asTrainer })).rejects.toMatchObject({ code: 'NOT_AUTHORIZED', message: expect.stringContaining('ml.b') });
    const specA = (await s.a.dataset({ seed: 1 })).spec;
    expect(await ids(await Dataset.fromSpec(specA, { warehouse: s.asTrainer }))).toEqual([0, 1, 2, 3, 4, 5]);

    // Granted READ on B (no restart), the same job runs.
    await s.gov.grant(s.admin, { role: 'trainer', privilege: 'READ', on: table('b') });
    expect(await Promise.all((await datasetsOver(s.asTrainer, ['ml.a', 'ml.b'])).map(ids))).toEqual([[0, 1, 2, 3, 4, 5], [100, 101, 102, 103]]);
  });

  it('registering an artifact needs WRITE on the registry table; a refused registration writes nothing and leaves the version free', async () => {
    const s = await setup();
    const spec = (await s.a.dataset()).spec;
    const store = await s.asTrainer.artifacts('ml');
    const before = (await s.asAdmin.loadTable('ml.model_registry')).snapshots().length;
    await expect(store.put('churn', '1', new Uint8Array([1, 2, 3]), { dataset: spec })).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      message: expect.stringContaining('WRITE on table ml.model_registry'),
    });
    expect((await s.asAdmin.loadTable('ml.model_registry')).snapshots().length).toBe(before);
    expect(await s.registry.info('churn', '1')).toBeUndefined();

    await s.gov.grant(s.admin, { role: 'trainer', privilege: 'WRITE', on: table('model_registry') });
    const writer = await s.asTrainer.artifacts('ml');
    // Other bytes under the same version: the refused attempt did not claim it.
    const v = await writer.put('churn', '1', new Uint8Array([9, 9]), { dataset: spec });
    expect(v.sizeBytes).toBe(2);
    expect((await s.registry.info('churn', '1'))?.sha256).toBe(v.sha256);
    expect([...(await s.registry.get('churn', '1'))]).toEqual([9, 9]);
  });

  it('lineage shows only the tables the caller may read; the others appear without names or locations', async () => {
    const s = await setup();
    const features = await s.asAdmin.createTable('ml.features', rows(0, 1).schema);
    await features.append(rows(0, 2), { summary: lineageSummary({ inputs: [s.a, s.b], job: { name: 'featurize' } }) });
    await s.gov.grant(s.admin, { role: 'trainer', privilege: 'READ', on: table('features') });

    const nameOf = (g: Awaited<ReturnType<Table['lineage']>>, uuid: string) => g.nodes.find((n) => n.tableUuid === uuid);
    const full = await features.lineage(undefined, { warehouse: s.asAdmin });
    expect(nameOf(full, s.b.uuid())).toMatchObject({ table: 'ml.b', resolved: true });

    const seen = await (await s.asTrainer.loadTable('ml.features')).lineage(undefined, { warehouse: s.asTrainer });
    expect(seen.nodes).toHaveLength(3);
    expect(nameOf(seen, s.a.uuid())).toMatchObject({ table: 'ml.a', resolved: true });
    expect(nameOf(seen, s.b.uuid())).toMatchObject({ table: undefined, resolved: false });
    const text = JSON.stringify(seen, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(text).not.toContain('ml.b');
    expect(text).not.toContain(s.b.location());
    // The summary the trainer was served carries B neither.
    const summary = (await s.asTrainer.loadTable('ml.features')).currentSnapshot()!.summary['floe.lineage.inputs']!;
    expect(summary).toContain(s.a.location());
    expect(summary).not.toContain(s.b.location());
  });
});
