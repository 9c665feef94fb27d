/**
 * Feature statistics per commit with a mergeable distinct-count sketch: the estimate stays
 * within the documented error bound on seeded data of known cardinality, an append's statistics
 * merged from its parent's equal those recomputed from the whole snapshot, each commit's added
 * rows are described, and the recorded documents are readable across snapshots (memory,
 * local-fs, S3).
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { FeatureRegistry, type FeatureStats, type Warehouse, featureStats } from 'floe';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { prng } from '../support/prng.js';

afterAll(cleanupBackends);

const T0_MS = 1_767_225_600_000;
// 3 standard errors of a 4096-register HyperLogLog (1.04 / √4096 ≈ 1.6%), spec/feature-store.md.
const BOUND = (3 * 1.04) / Math.sqrt(4096);

interface Rows {
  ids: bigint[];
  score: (number | null)[];
  tag: string[];
}

function table(r: Rows, start: number): arrow.Table {
  return new arrow.Table({
    user_id: arrow.makeVector(BigInt64Array.from(r.ids)),
    ts: arrow.vectorFromArray(r.ids.map((_, i) => T0_MS + (start + i) * 1000), new arrow.TimestampMicrosecond('UTC')),
    // Whole numbers: sums are exact in any order, so merged and recomputed means are equal.
    score: arrow.vectorFromArray(r.score, new arrow.Float64()),
    tag: arrow.vectorFromArray(r.tag, new arrow.Utf8()),
  });
}

/** A seeded source of integers in [0, n). */
function int(next: () => number): (n: number) => number {
  return (n) => Math.floor(next() * n);
}

function seeded(seed: number, count: number, idSpace: number): Rows {
  const next = int(prng(seed));
  const ids: bigint[] = [];
  const score: (number | null)[] = [];
  const tag: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(BigInt(next(idSpace)));
    score.push(next(10) === 0 ? null : next(2000) - 1000);
    tag.push(next(50) === 0 ? 'test' : `t${next(300)}`);
  }
  return { ids, score, tag };
}

const VIEW = {
  name: 'user_scores',
  entities: [{ name: 'user_id', type: 'long' }],
  source: { table: 'q.scores', filter: "tag <> 'test'" },
  eventTime: 'ts',
  features: [
    { name: 'user_id_copy', type: 'long' },
    { name: 'score', type: 'double' },
    { name: 'tag', type: 'string' },
  ],
};

async function setup(wh: Warehouse) {
  await wh.createNamespace('q');
  const t = await wh.createTable('q.scores', { user_id: 'long', ts: 'timestamptz', score: 'double', tag: 'string', user_id_copy: 'long' });
  return t;
}

function withCopy(data: arrow.Table): arrow.Table {
  return new arrow.Table({ ...Object.fromEntries(data.schema.fields.map((f) => [f.name, data.getChild(f.name)!])), user_id_copy: data.getChild('user_id')! });
}

/** The statistics of `snapshotId` recomputed from the whole snapshot: its recorded documents removed, so its parent's is unknown. */
async function recomputed(wh: Warehouse, since: bigint): Promise<FeatureStats> {
  for await (const o of wh.root.store.list('_floe/features/stats/user_scores/')) await wh.root.store.delete(o.path);
  const [first] = await featureStats({ warehouse: wh, view: VIEW.name, since });
  return first!;
}

describe.each(featureBackends)('feature statistics per commit on $label', (backend) => {
  it('merges an append into its parent, equal to a recomputation; describes the added rows; records documents readable across snapshots', async () => {
    const wh = await backend.open();
    const t = await setup(wh);
    const parts = [seeded(1, 3000, 2000), seeded(2, 2000, 4000), seeded(3, 1000, 500)];
    const snaps: bigint[] = [];
    let at = 0;
    for (const p of parts) {
      snaps.push((await t.append(withCopy(table(p, at)))).snapshotId);
      at += p.ids.length;
    }
    await FeatureRegistry.open(wh).apply([VIEW]);
    const stats = await featureStats({ warehouse: wh, view: VIEW.name });
    expect(stats.map((s) => [s.snapshotId, s.operation, s.computed])).toEqual(snaps.map((s) => [s.toString(), 'append', 'incremental']));

    // Exact counts and ranges against the rows themselves (filter applied).
    const kept = (p: Rows) => p.tag.map((g, i) => ({ id: p.ids[i]!, score: p.score[i]!, tag: g })).filter((r) => r.tag !== 'test');
    let soFar: ReturnType<typeof kept> = [];
    parts.forEach((p, k) => {
      const added = kept(p);
      soFar = [...soFar, ...added];
      const s = stats[k]!;
      expect(s.rowCount).toBe(soFar.length);
      expect(s.added.rowCount).toBe(added.length);
      const scores = soFar.map((r) => r.score).filter((x): x is number => x !== null);
      expect(s.features.score).toMatchObject({ nullCount: soFar.length - scores.length, min: Math.min(...scores), max: Math.max(...scores), mean: scores.reduce((a, b) => a + b, 0) / scores.length });
      expect(s.features.user_id_copy!.min).toBe(soFar.reduce((m, r) => (r.id < m ? r.id : m), soFar[0]!.id).toString());
      for (const [name, exact] of [['user_id_copy', new Set(soFar.map((r) => r.id)).size], ['tag', new Set(soFar.map((r) => r.tag)).size]] as const) {
        expect(Math.abs(s.features[name]!.distinct - exact) / exact).toBeLessThanOrEqual(BOUND);
      }
      const addedIds = new Set(added.map((r) => r.id)).size;
      expect(Math.abs(s.added.features.user_id_copy!.distinct - addedIds) / addedIds).toBeLessThanOrEqual(BOUND);
    });

    // The recorded documents: one per snapshot, readable, the same on a second call.
    const paths: string[] = [];
    for await (const o of wh.root.store.list('_floe/features/stats/user_scores/v1/')) paths.push(o.path);
    expect(paths.sort()).toEqual(snaps.map((s) => `_floe/features/stats/user_scores/v1/${s}.json`).sort());
    const doc = JSON.parse(new TextDecoder().decode((await wh.root.store.get(paths[0]!)).bytes)) as { format: string; state: Record<string, { sketch: string }> };
    expect(doc.format).toBe('floe-feature-stats/2');
    expect(Object.keys(doc.state)).toEqual(['user_id_copy', 'score', 'tag']);
    expect(await featureStats({ warehouse: wh, view: VIEW.name })).toEqual(stats);
    expect(await featureStats({ warehouse: wh, view: VIEW.name, since: snaps[0]! })).toEqual(stats.slice(1));

    // Incremental equals recomputed (the sketch of a union is the union of the sketches).
    for (let k = 1; k < snaps.length; k++) {
      const full = await recomputed(wh, snaps[k - 1]!);
      expect(full.computed).toBe('full');
      expect({ ...full, computed: 'incremental' }).toEqual(stats[k]);
    }

    // A delete (copy-on-write: an overwrite) is not an append: recomputed from its snapshot; the rows it removed are gone.
    const del = await t.delete('user_id < 100');
    const after = await featureStats({ warehouse: wh, view: VIEW.name, since: snaps[2]! });
    expect(after.map((s) => [s.snapshotId, s.operation, s.computed])).toEqual([[del.snapshotId.toString(), 'overwrite', 'full']]);
    expect(after[0]!.rowCount).toBe(soFar.filter((r) => r.id >= 100n).length);
    expect(after[0]!.features.user_id_copy!.min).toBe(soFar.filter((r) => r.id >= 100n).reduce((m, r) => (r.id < m ? r.id : m), 1n << 62n).toString());
  });
});

describe('feature statistics distinct-count sketch', () => {
  it('leaves a document of the earlier format (exact counts, no state) as it is and computes that snapshot again', async () => {
    const wh = await featureBackends[0]!.open();
    const t = await setup(wh);
    const s1 = await t.append(withCopy(table(seeded(4, 200, 50), 0)));
    await FeatureRegistry.open(wh).apply([VIEW]);
    const path = `_floe/features/stats/user_scores/v1/${s1.snapshotId}.json`;
    const old = new TextEncoder().encode(JSON.stringify({ view: 'user_scores', version: 1, snapshotId: s1.snapshotId.toString(), rowCount: 1, features: {} }));
    await wh.root.store.put(path, old, { mode: { kind: 'create' } });
    const s2 = await t.append(withCopy(table(seeded(5, 100, 50), 200)));
    const stats = await featureStats({ warehouse: wh, view: VIEW.name });
    expect(stats.map((s) => [s.snapshotId, s.computed])).toEqual([[s1.snapshotId.toString(), 'incremental'], [s2.snapshotId.toString(), 'incremental']]);
    expect(stats[0]!.rowCount).toBe(stats[0]!.added.rowCount);
    expect(stats[1]!.rowCount).toBe(stats[0]!.rowCount + stats[1]!.added.rowCount);
    expect((await wh.root.store.get(path)).bytes).toEqual(old);
  });
  it('estimates 100 000 distinct values within 3 standard errors, with memory independent of the cardinality', async () => {
    const wh = await featureBackends[0]!.open();
    const t = await setup(wh);
    // 150 000 rows over exactly 100 000 distinct ids: a seeded permutation, half of them repeated.
    const next = int(prng(7));
    const perm = Array.from({ length: 100_000 }, (_, i) => BigInt(i) * 7919n + 13n);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = next(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const ids = [...perm, ...perm.slice(0, 50_000)];
    const data = withCopy(table({ ids, score: ids.map(() => 1), tag: ids.map(() => 'a') }, 0));
    await t.append(data);
    await FeatureRegistry.open(wh).apply([VIEW]);
    const [s] = await featureStats({ warehouse: wh, view: VIEW.name });
    expect(s!.rowCount).toBe(150_000);
    expect(Math.abs(s!.features.user_id_copy!.distinct - 100_000) / 100_000).toBeLessThanOrEqual(BOUND);
    expect(s!.features.tag!.distinct).toBe(1);
    // The recorded state is the sketch, not the values: a few KB per feature.
    const { bytes } = await wh.root.store.get(`_floe/features/stats/user_scores/v1/${s!.snapshotId}.json`);
    expect(bytes.byteLength).toBeLessThan(3 * 8 * 1024);
  });
});
