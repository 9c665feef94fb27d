/**
 * Data contracts on memory, local-fs and S3: constraints stored in table properties, checked
 * on append, overwrite and upsert before anything is written; a violation commits nothing and
 * reports per-constraint counts and sample rows; `onViolation: 'quarantine'` commits the good
 * rows and appends the bad ones to a quarantine table.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { type Constraint, ConstraintViolationError, type Table, type Warehouse, isFloeError } from 'floe';
import { cleanupBackends, featureBackends } from './backends.js';

afterAll(cleanupBackends);

interface Row {
  id: bigint;
  country: string | null;
  score: number | null;
  email: string | null;
}

function toArrow(rows: readonly Row[]): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(rows.map((r) => r.id))),
    country: arrow.vectorFromArray(rows.map((r) => r.country), new arrow.Utf8()),
    score: arrow.vectorFromArray(rows.map((r) => r.score), new arrow.Float64()),
    email: arrow.vectorFromArray(rows.map((r) => r.email), new arrow.Utf8()),
  });
}

const SCHEMA = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('country', new arrow.Utf8(), true),
  new arrow.Field('score', new arrow.Float64(), true),
  new arrow.Field('email', new arrow.Utf8(), true),
]);

const CONTRACT: Constraint[] = [
  { kind: 'not-null', column: 'country' },
  { kind: 'allowed', column: 'country', values: ['fr', 'de', 'us'] },
  { kind: 'min', column: 'score', value: 0 },
  { kind: 'max', column: 'score', value: 1 },
  { kind: 'regex', column: 'email', pattern: '[^@\\s]+@[^@\\s]+' },
  { kind: 'unique', columns: ['id'] },
  { kind: 'max-null-fraction', column: 'email', value: 0.5 },
  { kind: 'max-rows', value: 1000 },
];

function good(from: number, to: number): Row[] {
  const out: Row[] = [];
  for (let i = from; i < to; i++) out.push({ id: BigInt(i), country: ['fr', 'de', 'us'][i % 3]!, score: (i % 10) / 10, email: `u${i}@x.org` });
  return out;
}

async function setup(wh: Warehouse): Promise<Table> {
  await wh.createNamespace('q');
  const t = await wh.createTable('q.users', SCHEMA);
  await t.setConstraints(CONTRACT);
  return t;
}

async function count(t: Table): Promise<number> {
  return (await t.scan().toArrow()).numRows;
}

describe.each(featureBackends)('data contracts on $label', (backend) => {
  it('stores constraints in properties and stops bad appends, overwrites and upserts with counts and samples', async () => {
    const wh = await backend.open();
    const t = await setup(wh);
    expect(t.properties()['floe.constraint.not-null.country']).toBe('true');
    expect(t.properties()['floe.constraint.unique']).toBe('id');
    // Reloaded, the same constraints (sorted by property key).
    const reloaded = await wh.loadTable('q.users');
    expect(new Set(reloaded.constraints().map((c) => JSON.stringify(c)))).toEqual(new Set(CONTRACT.map((c) => JSON.stringify(c))));

    await t.append(toArrow(good(0, 30)));
    const version = t.version;
    const bad: Row[] = [
      ...good(100, 110),
      { id: 200n, country: null, score: 0.5, email: 'a@b.c' },
      { id: 201n, country: 'xx', score: 0.5, email: 'a@b.c' },
      { id: 202n, country: 'fr', score: 1.5, email: 'a@b.c' },
      { id: 203n, country: 'fr', score: -1, email: 'not an email' },
      { id: 5n, country: 'fr', score: 0.1, email: 'dup@b.c' }, // id 5 is already in the table
      { id: 204n, country: 'fr', score: 0.1, email: 'x@y.z' },
      { id: 204n, country: 'fr', score: 0.1, email: 'x@y.z' }, // twice in the input
    ];
    const err = await t.append(toArrow(bad)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConstraintViolationError);
    const v = err as ConstraintViolationError;
    expect(isFloeError(v, 'CONSTRAINT_VIOLATION')).toBe(true);
    const byName = Object.fromEntries(v.violations.map((x) => [x.constraint, x]));
    expect(Object.keys(byName).sort()).toEqual(['allowed(country)', 'max(score)', 'min(score)', 'not-null(country)', 'regex(email)', 'unique(id)']);
    expect(byName['not-null(country)']!.count).toBe(1);
    expect(byName['not-null(country)']!.sampleRows[0]).toMatchObject({ id: 200n, country: null });
    expect(byName['unique(id)']!.count).toBe(2);
    expect(byName['unique(id)']!.sampleRows.map((r) => r.id)).toEqual([5n, 204n]);
    expect(byName['max(score)']!.sampleRows[0]).toMatchObject({ id: 202n });
    expect(v.message).toContain('nothing committed');
    await t.refresh();
    expect(t.version).toBe(version);
    expect(await count(t)).toBe(30);

    // Commit constraints: too many nulls in one commit.
    const nully = good(300, 310).map((r, i) => (i < 6 ? { ...r, email: null } : r));
    const e2 = (await t.overwrite(toArrow(nully), { filter: 'id >= 300' }).catch((e: unknown) => e)) as ConstraintViolationError;
    expect(e2.violations).toEqual([expect.objectContaining({ constraint: 'max-null-fraction(email)', detail: expect.stringContaining('6 of 10 rows') })]);
    // Upsert checks too (but an existing key is fine: it is replaced).
    const e3 = (await t.upsert(toArrow([{ id: 1n, country: 'zz', score: 0, email: 'a@b.c' }]), { on: ['id'] }).catch((e: unknown) => e)) as ConstraintViolationError;
    expect(e3.violations.map((x) => x.constraint)).toEqual(['allowed(country)']);
    await t.upsert(toArrow([{ id: 1n, country: 'us', score: 1, email: 'new@b.c' }]), { on: ['id'] });
    await t.refresh();
    expect(t.version).toBe(version + 1);
    expect(await count(t)).toBe(30);
  });

  it("onViolation: 'quarantine' commits the good rows and appends the bad ones to the quarantine table", async () => {
    const wh = await backend.open();
    const t = await setup(wh);
    const quarantine = await wh.createTable('q.users_quarantine', SCHEMA);
    const rows: Row[] = [...good(0, 8), { id: 50n, country: 'xx', score: 0.2, email: 'a@b.c' }, { id: 51n, country: 'fr', score: 7, email: 'a@b.c' }];
    const snap = await t.append(toArrow(rows), { onViolation: 'quarantine', quarantine });
    expect(snap.summary['added-records']).toBe('8');
    expect(snap.summary['floe.quarantined-rows']).toBe('2');
    expect(snap.summary['floe.quarantine-table']).toBe(quarantine.uuid());
    const q = await (await wh.loadTable('q.users_quarantine')).scan().toArrow();
    expect([...q.getChild('id')!].sort()).toEqual([50n, 51n]);
    expect(await count(t)).toBe(8);

    // A commit constraint cannot be quarantined away: nothing is committed anywhere.
    await t.setConstraints([...CONTRACT, { kind: 'min-rows', value: 5 }]);
    const e = await t.append(toArrow(good(100, 102)), { onViolation: 'quarantine', quarantine }).catch((x: unknown) => x);
    expect(isFloeError(e, 'CONSTRAINT_VIOLATION')).toBe(true);
    expect(await count(t)).toBe(8);
    await quarantine.refresh();
    expect(await count(quarantine)).toBe(2);
    // Asking for a quarantine without a table is a usage error.
    await expect(t.append(toArrow(good(200, 210)), { onViolation: 'quarantine' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects malformed constraints and constraints on unknown columns', async () => {
    const wh = await backend.open();
    const t = await setup(wh);
    await expect(t.setConstraints([{ kind: 'regex', column: 'email', pattern: '(' }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(t.setConstraints([{ kind: 'not-null', column: 'nope' }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await t.setProperties({ 'floe.constraint.max.score': 'high' });
    await expect(t.append(toArrow(good(0, 3)))).rejects.toMatchObject({ code: 'VALIDATION', context: { property: 'floe.constraint.max.score' } });
    await t.setConstraints([]);
    expect(t.constraints()).toEqual([]);
    await t.append(toArrow(good(0, 3)));
    expect(await count(t)).toBe(3);
  });
});
