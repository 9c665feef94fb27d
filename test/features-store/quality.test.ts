/**
 * Feature statistics per snapshot (recorded once, comparable across snapshots, `since`) and
 * expectations as a circuit breaker, on memory, local-fs and S3.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { FeatureRegistry, checkViewExpectations, featureStats, isFloeError } from 'floe';
import { cleanupBackends, featureBackends } from '../features/backends.js';

afterAll(cleanupBackends);

const T0_MS = 1_767_225_600_000;

function rows(ids: number[], spend: (number | null)[], country: string[]): arrow.Table {
  return new arrow.Table({
    user_id: arrow.makeVector(BigInt64Array.from(ids.map(BigInt))),
    ts: arrow.vectorFromArray(ids.map((_, i) => T0_MS + i * 1000), new arrow.TimestampMicrosecond('UTC')),
    spend: arrow.vectorFromArray(spend, new arrow.Float64()),
    country: arrow.vectorFromArray(country, new arrow.Utf8()),
  });
}

const VIEW = {
  name: 'user_stats',
  entities: [{ name: 'user_id', type: 'long' }],
  source: { table: 'q.users', filter: "country <> 'test'" },
  eventTime: 'ts',
  features: [
    { name: 'spend', type: 'double' },
    { name: 'country', type: 'string' },
  ],
};

describe.each(featureBackends)('feature quality on $label', (backend) => {
  it('records statistics per snapshot, once, comparable across snapshots; expectations stop a bad snapshot', async () => {
    const wh = await backend.open();
    await wh.createNamespace('q');
    const t = await wh.createTable('q.users', { user_id: 'long', ts: 'timestamptz', spend: 'double', country: 'string' });
    const s1 = await t.append(rows([1, 2, 3, 4], [10, null, 30, 5], ['fr', 'fr', 'de', 'test']));
    await FeatureRegistry.open(wh).apply([VIEW]);
    const first = await featureStats({ warehouse: wh, view: 'user_stats' });
    expect(first).toHaveLength(1);
    // The 'test' row is filtered out by the view: 3 rows.
    expect(first[0]).toMatchObject({ view: 'user_stats', version: 1, snapshotId: s1.snapshotId.toString(), rowCount: 3 });
    expect(first[0]!.features.spend).toEqual({ nullCount: 1, nullFraction: 1 / 3, min: 10, max: 30, mean: 20, distinct: 2 });
    expect(first[0]!.features.country).toEqual({ nullCount: 0, nullFraction: 0, min: 'de', max: 'fr', mean: null, distinct: 2 });

    const s2 = await t.append(rows([5, 6], [null, null], ['it', 'fr']));
    const all = await featureStats({ warehouse: wh, view: 'user_stats' });
    expect(all.map((s) => s.snapshotId)).toEqual([s1.snapshotId.toString(), s2.snapshotId.toString()]);
    expect(all[0]).toEqual(first[0]);
    expect(all[1]!.features.spend!.nullFraction).toBe(3 / 5);
    expect(all[1]!.features.country!.distinct).toBe(3);
    const since = await featureStats({ warehouse: wh, view: 'user_stats', since: s1.snapshotId });
    expect(since).toEqual([all[1]]);
    const e = await featureStats({ warehouse: wh, view: 'user_stats', since: '12345' }).catch((x: unknown) => x);
    expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true);

    // Expectations: the table's constraints on the view's columns, plus given ones.
    expect((await checkViewExpectations({ warehouse: wh, view: 'user_stats', snapshotId: s1.snapshotId })).ok).toBe(true);
    const bad = await checkViewExpectations({ warehouse: wh, view: 'user_stats', expectations: [{ kind: 'max-null-fraction', column: 'spend', value: 0.5 }] });
    expect(bad).toMatchObject({ ok: false, snapshotId: s2.snapshotId.toString(), rowCount: 5, checked: ['max-null-fraction(spend)'] });
    expect(bad.violations[0]!.constraint).toBe('max-null-fraction(spend)');
    // A constraint declared on the table (after the rows were written) is checked too.
    await t.setConstraints([{ kind: 'min', column: 'spend', value: 15 }]);
    const fromTable = await checkViewExpectations({ warehouse: wh, view: 'user_stats', snapshotId: s1.snapshotId });
    expect(fromTable.ok).toBe(false);
    // Only spend = 10 breaks it: the filtered-out 'test' row (spend 5) is not the view's.
    const refused = await checkViewExpectations({ warehouse: wh, view: 'user_stats', snapshotId: 'latest' }).catch((x: unknown) => x);
    expect(isFloeError(refused, 'INVALID_ARGUMENT')).toBe(true);
    expect((refused as Error).message).toMatch(/option snapshotId is not a snapshot id: latest/);
    expect(fromTable.violations.map((v) => [v.constraint, v.count])).toEqual([['min(spend)', 1]]);
  });
});
