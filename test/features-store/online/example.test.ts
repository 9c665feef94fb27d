/**
 * `examples/feature-store.ts` runs end to end with the embedded online store (no server, as
 * from a fresh clone) and against the run's real Redis server, and shows what it claims: a
 * training set over two views, a model with lineage, online features served for a request,
 * and the consistency check passing.
 */
import { describe, expect, it } from 'vitest';
import { openRedisOnlineStore } from 'floe';
import { main } from '../../../examples/feature-store.js';
import { redisLabel, requireRedisUrl } from '../../support/redis-endpoint.js';

const runs: { label: string; run: (log: (l: string) => void) => ReturnType<typeof main> }[] = [
  { label: 'embedded (default)', run: (log) => main({ warehouse: `memory://fs-example-${process.pid}-1`, log }) },
  {
    label: redisLabel(),
    run: async (log) => {
      const store = await openRedisOnlineStore({ url: requireRedisUrl(), keyPrefix: `example:${process.pid}:` });
      try {
        return await main({ warehouse: `memory://fs-example-${process.pid}-2`, store, log });
      } finally {
        await store.close();
      }
    },
  },
];

describe.each(runs)('examples/feature-store.ts with the $label online store', ({ run }) => {
  it('events → two views → training set → model with lineage → materialized, served, consistent', async () => {
    const lines: string[] = [];
    const result = await run((l) => lines.push(l));
    expect(result.trainingRows).toBe(200);
    expect(result.artifact).toMatchObject({ name: 'ranker', version: '1', sizeBytes: 24 });
    expect(result.lineageTables).toEqual(expect.arrayContaining(['ml.model_registry', 'ml.training']));
    expect(result.materializedKeys).toBeGreaterThan(0);
    expect(result.served).toHaveLength(3);
    expect(typeof result.served[0]!['user_stats:clicks']).toBe('bigint');
    expect(typeof result.served[0]!['item_stats:ctr']).toBe('number');
    expect(result.served[2]).toEqual({ user_id: 999n, item_id: 'item-404', 'user_stats:impressions': null, 'user_stats:clicks': null, 'item_stats:ctr': null });
    expect(result.consistency).toMatchObject({ ok: true, mismatches: [] });
    expect(result.consistency.pairs).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('registry: user_stats v1 (created), item_stats v1 (created)'))).toBe(true);
  });
});
