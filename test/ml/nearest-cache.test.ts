/**
 * `nearest` with a {@link VectorCache}: a repeated query of the same snapshot reads no data
 * file (counted through an instrumented store) and returns exactly what an uncached query
 * returns; another snapshot, filter or column list reads its files; the byte bound is kept.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type DistanceMetric, InvalidArgumentError, type NearestHit, type NearestOptions, Table, VectorCache, instrumented, openLocation } from 'floe';
import { DIM, embeddingsTable, prng, rows } from './fixtures.js';

let table: Table;
let io: ReturnType<typeof instrumented>;
let oldSnapshotId: bigint;
let nextId: number;
let random: () => number;

beforeAll(async () => {
  const made = await embeddingsTable({ seed: 1313, commits: 3, rowGroupRows: 40 });
  io = instrumented(openLocation(made.table.uri).store);
  table = await Table.load(made.table.uri, { store: io });
  oldSnapshotId = table.currentSnapshot()!.snapshotId;
  nextId = made.nextId;
  random = made.random;
});

const dataGets = (): number => io.snapshot().events.filter((e) => e.op === 'get' && e.path.endsWith('.parquet')).length;

/** The query's hits and how many data-file reads it made. */
async function counted(options: NearestOptions): Promise<{ hits: NearestHit[]; gets: number }> {
  io.reset();
  const hits = await table.nearest(options);
  return { hits, gets: dataGets() };
}

const plain = (hits: NearestHit[]): unknown => hits.map((h) => ({ distance: h.distance, id: Number(h.row.id), emb: Array.from(h.row.emb as Float32Array) }));

describe('nearest with a VectorCache', () => {
  const q = prng(7);
  const query = (): Float32Array => Float32Array.from({ length: DIM }, () => q() * 2 - 1);

  for (const metric of ['l2', 'cosine', 'dot'] as const satisfies readonly DistanceMetric[]) {
    it(`answers a repeated query of the same snapshot without reading files, with the uncached result (${metric})`, async () => {
      const cache = new VectorCache({ maxBytes: 64 * 1024 * 1024 });
      const base = { column: 'emb', k: 9, metric, columns: ['id', 'emb'], filter: 'label IN (0, 2, 4)' } as const;
      const first = await counted({ ...base, query: query(), cache });
      expect(first.gets).toBeGreaterThan(0);
      expect(cache.stats()).toMatchObject({ hits: 0, misses: 1, entries: 1 });
      for (let i = 0; i < 3; i++) {
        const qv = query();
        const warm = await counted({ ...base, query: qv, cache });
        expect(warm.gets).toBe(0);
        const cold = await counted({ ...base, query: qv });
        expect(cold.gets).toBeGreaterThan(0);
        expect(plain(warm.hits)).toEqual(plain(cold.hits));
      }
      expect(cache.stats()).toMatchObject({ hits: 3, misses: 1, entries: 1 });
    });
  }

  it('reads the files again for another filter, column list or snapshot, and after a commit', async () => {
    const cache = new VectorCache({ maxBytes: 64 * 1024 * 1024 });
    const base = { column: 'emb', k: 5, columns: ['id'], cache } as const;
    expect((await counted({ ...base, query: query() })).gets).toBeGreaterThan(0);
    expect((await counted({ ...base, query: query() })).gets).toBe(0);
    expect((await counted({ ...base, query: query(), filter: 'label = 1' })).gets).toBeGreaterThan(0);
    expect((await counted({ ...base, query: query(), columns: ['id', 'label'] })).gets).toBeGreaterThan(0);

    await table.append(rows(50, nextId, random));
    const qv = query();
    const after = await counted({ ...base, query: qv, k: 1000 });
    expect(after.gets).toBeGreaterThan(0);
    // The new rows are there: a stale entry of the old snapshot would miss them.
    const ids = after.hits.map((h) => Number(h.row.id));
    expect(ids.filter((id) => id >= nextId)).toHaveLength(50);
    expect(after.hits.map((h) => h.distance)).toEqual((await table.nearest({ column: 'emb', k: 1000, columns: ['id'], query: qv })).map((h) => h.distance));

    // The old snapshot is still cached under its own key, and still answers with its own rows.
    const old = await counted({ ...base, query: qv, k: 1000, snapshotId: oldSnapshotId });
    expect(old.gets).toBe(0);
    expect(old.hits.every((h) => Number(h.row.id) < nextId)).toBe(true);
    expect(old.hits.length).toBe(nextId);
  });

  it('keeps to its byte bound: a snapshot over it is not cached, and adding one evicts the least recently used', async () => {
    const probe = new VectorCache({ maxBytes: 1024 * 1024 * 1024 });
    const base = { column: 'emb', k: 3, columns: ['id'] } as const;
    await table.nearest({ ...base, query: query(), cache: probe });
    const one = probe.stats().bytes;
    expect(one).toBeGreaterThan(0);

    const tiny = new VectorCache({ maxBytes: one - 1 });
    expect((await counted({ ...base, query: query(), cache: tiny })).gets).toBeGreaterThan(0);
    expect((await counted({ ...base, query: query(), cache: tiny })).gets).toBeGreaterThan(0);
    expect(tiny.stats()).toMatchObject({ hits: 0, misses: 2, entries: 0, bytes: 0 });

    // Room for the current snapshot's entry, not for a second one of about its size.
    const small = new VectorCache({ maxBytes: one + Math.floor(one / 2) });
    expect((await counted({ ...base, query: query(), cache: small })).gets).toBeGreaterThan(0);
    expect((await counted({ ...base, query: query(), cache: small, snapshotId: oldSnapshotId })).gets).toBeGreaterThan(0);
    expect(small.stats().entries).toBe(1);
    expect(small.stats().bytes).toBeLessThanOrEqual(small.maxBytes);
    // The current snapshot's entry was evicted for the old one's.
    expect((await counted({ ...base, query: query(), cache: small })).gets).toBeGreaterThan(0);
    expect((await counted({ ...base, query: query(), cache: small })).gets).toBe(0);
  });

  it('hands out copies of vectors: changing a hit does not change what the cache serves', async () => {
    const cache = new VectorCache({ maxBytes: 64 * 1024 * 1024 });
    const qv = query();
    const first = await table.nearest({ column: 'emb', k: 2, columns: ['id', 'emb'], query: qv, cache });
    const before = plain(first);
    (first[0]!.row.emb as Float32Array).fill(1e9);
    expect(plain(await table.nearest({ column: 'emb', k: 2, columns: ['id', 'emb'], query: qv, cache }))).toEqual(before);
    expect(cache.stats().hits).toBe(1);
  });

  it('refuses a bad cache or bound, naming it, before reading', async () => {
    for (const maxBytes of [0, -1, 1.5, Number.NaN, '10'] as unknown[]) {
      expect(() => new VectorCache({ maxBytes } as { maxBytes: number })).toThrow(InvalidArgumentError);
      expect(() => new VectorCache({ maxBytes } as { maxBytes: number })).toThrow(/option maxBytes/);
    }
    expect(() => new VectorCache({ maxBytes: 10, extra: 1 } as unknown as { maxBytes: number })).toThrow(/unknown option extra/);
    for (const cache of [true, {}, new Map()] as unknown[]) {
      io.reset();
      const p = table.nearest({ column: 'emb', k: 1, query: query(), cache } as unknown as NearestOptions);
      await expect(p).rejects.toThrow(InvalidArgumentError);
      await expect(table.nearest({ column: 'emb', k: 1, query: query(), cache } as unknown as NearestOptions)).rejects.toThrow(/option cache is invalid: must be a VectorCache/);
      expect(dataGets()).toBe(0);
    }
  });
});
