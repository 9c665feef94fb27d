import { afterAll, describe, expect, it } from 'vitest';
import { FeatureRegistry, isFloeError, type Warehouse } from 'floe';
import { cleanupBackends, featureBackends } from '../features/backends.js';

afterAll(cleanupBackends);

const userStats = {
  name: 'user_stats',
  entities: [{ name: 'user_id', type: 'long' }],
  source: { table: 'ml.user_events', filter: 'purchases >= 0' },
  eventTime: 'ts',
  ttl: '30d',
  features: [
    { name: 'purchases', type: 'long', description: 'purchases in the window', owner: 'growth' },
    { name: 'spend', type: 'double' },
  ],
};

async function setUp(wh: Warehouse): Promise<void> {
  await wh.createNamespace('ml');
  await wh.createTable('ml.user_events', { user_id: 'long not null', ts: 'timestamptz', purchases: 'int', spend: 'double', country: 'string' });
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true);
  return e as { code: string; message: string };
}

describe('feature registry', () => {
  it('versions definitions: a change is N+1, an identical re-apply (features reordered too) is a no-op, old versions resolve, diff names fields', async () => {
    const wh = await featureBackends[0]!.open();
    await setUp(wh);
    const reg = FeatureRegistry.open(wh);
    expect(await reg.apply([userStats])).toEqual([{ name: 'user_stats', version: 1, status: 'created' }]);
    expect(await reg.apply([{ ...userStats, features: [...userStats.features].reverse() }])).toEqual([{ name: 'user_stats', version: 1, status: 'unchanged' }]);
    const v2 = { ...userStats, ttl: '7d', features: [userStats.features[0], { name: 'country', type: 'string', tags: { pii: 'false' } }] };
    expect(await reg.apply([v2])).toEqual([{ name: 'user_stats', version: 2, status: 'updated' }]);
    expect(await reg.versions('user_stats')).toEqual([1, 2]);
    expect((await reg.describe('user_stats')).version).toBe(2);
    const v1 = await reg.describe('user_stats@1');
    expect(v1.ttlMs).toBe(30 * 86_400_000);
    expect(v1.features.map((f) => f.name)).toEqual(['purchases', 'spend']);
    expect(await reg.describe('user_stats', 1)).toEqual(v1);
    expect(await reg.diff('user_stats', 1, 2)).toEqual([
      { field: 'features.country.name', after: 'country' },
      { field: 'features.country.tags', after: { pii: 'false' } },
      { field: 'features.country.type', after: 'string' },
      { field: 'features.spend.name', before: 'spend' },
      { field: 'features.spend.type', before: 'double' },
      { field: 'ttlMs', before: 30 * 86_400_000, after: 7 * 86_400_000 },
    ]);
    expect((await reg.list()).map((v) => [v.name, v.version])).toEqual([['user_stats', 2]]);
    expect((await refusal(reg.describe('user_stats', 3))).message).toMatch(/user_stats has no version 3/);
    expect((await refusal(reg.describe('nope'))).message).toMatch(/nope is not registered/);
  });

  it('refuses a definition that does not match its table, naming file and field, and writes nothing', async () => {
    const wh = await featureBackends[0]!.open();
    await setUp(wh);
    const reg = FeatureRegistry.open(wh);
    const cases: [unknown, RegExp][] = [
      [{ ...userStats, features: [{ name: 'purchases', type: 'string' }] }, /views\.yaml \(view user_stats\): field \[0\]\.features\[0\]\.type: column purchases of table ml\.user_events is int/],
      [{ ...userStats, features: [{ name: 'clicks', type: 'long' }] }, /field \[0\]\.features\[0\]\.type: column clicks is not in table ml\.user_events/],
      [{ ...userStats, eventTime: 'country' }, /field \[0\]\.eventTime: column country .* is string; an event time must be/],
      [{ ...userStats, source: { table: 'ml.missing' } }, /field \[0\]\.source\.table: table ml\.missing does not exist/],
      [{ ...userStats, source: { table: 'ml.user_events', filter: 'nope > 1' } }, /field \[0\]\.source\.filter/],
      [{ ...userStats, ttl: 'a month' }, /views\.yaml \(view user_stats\): field \[0\]\.ttl is not a duration/],
      [{ ...userStats, featurez: [] }, /unknown field \[0\]\.featurez/],
    ];
    for (const [def, message] of cases) expect((await refusal(reg.apply([userStats, def].slice(1), { where: 'views.yaml' }))).message).toMatch(message);
    // A bad second definition stops the first too: nothing is written.
    await refusal(reg.apply([{ ...userStats, name: 'ok_view' }, cases[0]![0]], { where: 'views.yaml' }));
    expect(await reg.list()).toEqual([]);
  });

  it('reports a registered view whose source column was dropped or renamed', async () => {
    const wh = await featureBackends[0]!.open();
    await setUp(wh);
    const reg = FeatureRegistry.open(wh);
    await reg.apply([userStats]);
    expect(await reg.validate('user_stats')).toEqual({ name: 'user_stats', version: 1, ok: true, problems: [] });
    const t = await wh.loadTable('ml.user_events');
    await t.updateSchema().dropColumn('spend').renameColumn('purchases', 'n_purchases').commit();
    const v = await reg.validate('user_stats');
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      { field: 'features[0].type', message: 'column purchases is not in table ml.user_events' },
      { field: 'features[1].type', message: 'column spend is not in table ml.user_events' },
      expect.objectContaining({ field: 'source.filter' }),
    ]);
  });

  it.each(featureBackends.map((b) => [b.label, b] as const))('concurrent applies lose no version (%s)', async (_label, backend) => {
    const wh = await backend.open();
    await setUp(wh);
    const writers = 4;
    const regs = Array.from({ length: writers }, () => FeatureRegistry.open(wh));
    // Each writer applies its own ttl: every one must end up as some version, each exactly once.
    const results = await Promise.all(regs.map((r, i) => r.apply([{ ...userStats, ttl: (i + 1) * 1000 }])));
    const versions = results.map((r) => r[0]!.version).sort();
    expect(versions).toEqual([1, 2, 3, 4]);
    const reg = FeatureRegistry.open(wh);
    const ttls = await Promise.all([1, 2, 3, 4].map(async (v) => (await reg.describe('user_stats', v)).ttlMs));
    expect(ttls.sort()).toEqual([1000, 2000, 3000, 4000]);
    // Identical concurrent applies: one version.
    const same = await Promise.all(regs.map((r) => r.apply([{ ...userStats, ttl: '9d' }])));
    expect(new Set(same.map((r) => r[0]!.version))).toEqual(new Set([5]));
    expect(await reg.versions('user_stats')).toEqual([1, 2, 3, 4, 5]);
  });
});
