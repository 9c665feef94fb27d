/**
 * The online-store contract, run against every backend (like test/conformance/store.suite.ts
 * for object stores): typed round trips, removal, many-key reads in order, key listing,
 * watermarks, view isolation, and closing.
 */
import { describe, expect, it } from 'vitest';
import { isFloeError, type OnlineRecord, type OnlineStore } from 'floe';

/** Runs the contract on a backend; `open` gives a fresh, empty store each time. */
export function describeOnlineStoreContract(label: string, open: () => Promise<OnlineStore>): void {
  describe(`online store contract: ${label}`, () => {
    const rec = (values: OnlineRecord['values'], eventTimeMs = 1_000, snapshotId = 7n): OnlineRecord => ({ values, eventTimeMs, snapshotId });

    it('keeps value types through a write and a read (bigint above 2^53, int, double, string, boolean, bytes, null)', async () => {
      const s = await open();
      try {
        const values = { big: 2n ** 63n - 1n, small_long: 1n, neg: -5n, int: 42, dbl: 1.5, whole_dbl: 3, str: 'héllo', flag: false, bytes: new Uint8Array([0, 255, 7]), none: null };
        await s.write([{ view: 'v', entityKey: [12345678901234567n, 'a'], record: rec(values, 1_700_000_000_123, 2n ** 62n) }]);
        const [got] = await s.read({ view: 'v', entityKeys: [[12345678901234567n, 'a']] });
        expect(got).toEqual({ values, eventTimeMs: 1_700_000_000_123, snapshotId: 2n ** 62n });
        expect(typeof got!.values['small_long']).toBe('bigint');
        expect(typeof got!.values['int']).toBe('number');
        expect(got!.values['bytes']).toBeInstanceOf(Uint8Array);
      } finally {
        await s.close();
      }
    });

    it('reads many keys in order, null for missing keys and for features a record lacks; selects features', async () => {
      const s = await open();
      try {
        await s.write(Array.from({ length: 100 }, (_, i) => ({ view: 'v', entityKey: [BigInt(i)], record: rec({ a: i, b: `s${i}` }, i) })));
        const keys = [[5n], [1000n], [0n], [99n]];
        const got = await s.read({ view: 'v', entityKeys: keys, features: ['b', 'missing'] });
        expect(got).toEqual([rec({ b: 's5', missing: null }, 5), null, rec({ b: 's0', missing: null }, 0), rec({ b: 's99', missing: null }, 99)]);
        // A key's type is part of its identity: 5 (number) is not 5n (bigint).
        expect(await s.read({ view: 'v', entityKeys: [[5]] })).toEqual([null]);
      } finally {
        await s.close();
      }
    });

    it('replaces a record whole (dropped features go) and removes keys', async () => {
      const s = await open();
      try {
        await s.write([{ view: 'v', entityKey: ['k'], record: rec({ a: 1, b: 2 }) }, { view: 'v', entityKey: ['gone'], record: rec({ a: 0 }) }]);
        await s.write([{ view: 'v', entityKey: ['k'], record: rec({ a: 3 }, 2_000, 8n) }, { view: 'v', entityKey: ['gone'], record: null }]);
        expect(await s.read({ view: 'v', entityKeys: [['k'], ['gone']] })).toEqual([rec({ a: 3 }, 2_000, 8n), null]);
        expect(await s.read({ view: 'v', entityKeys: [['k']], features: ['a', 'b'] })).toEqual([rec({ a: 3, b: null }, 2_000, 8n)]);
      } finally {
        await s.close();
      }
    });

    it('keeps views apart, lists a view\'s keys, and drops a view with its watermark', async () => {
      const s = await open();
      try {
        await s.write([
          { view: 'users', entityKey: [1n], record: rec({ x: 1 }) },
          { view: 'users', entityKey: [2n], record: rec({ x: 2 }) },
          { view: 'users2', entityKey: [1n], record: rec({ x: 'other' }) },
          { view: 'items*', entityKey: ['a', 3], record: rec({ y: true }) },
        ]);
        await s.setWatermark('users', { snapshotId: 1n, materializedAtMs: 5 });
        const keysOf = async (v: string) => {
          const out: unknown[] = [];
          for await (const k of s.keys(v)) out.push(k);
          return out.sort((a, b) => String(a).localeCompare(String(b)));
        };
        expect(await keysOf('users')).toEqual([[1n], [2n]]);
        expect(await keysOf('items*')).toEqual([['a', 3]]);
        expect(await keysOf('items')).toEqual([]);
        await s.dropView('users');
        expect(await keysOf('users')).toEqual([]);
        expect(await s.getWatermark('users')).toBeUndefined();
        expect(await s.read({ view: 'users2', entityKeys: [[1n]] })).toEqual([rec({ x: 'other' })]);
      } finally {
        await s.close();
      }
    });

    it('reads a feature a record lacks as null, even one named like an Object.prototype member; a view name longer than 255 bytes keeps its own keys', async () => {
      const s = await open();
      try {
        await s.write([{ view: 'v', entityKey: [1n], record: rec({ a: 1, bytes: new Uint8Array([1, 2]) }) }]);
        expect(await s.read({ view: 'v', entityKeys: [[1n]], features: ['constructor', 'toString', 'a'] })).toEqual([rec({ constructor: null, toString: null, a: 1 })]);
        // Asking exactly the stored features, in another order, gives them all (bytes as a plain Uint8Array).
        const [whole] = await s.read({ view: 'v', entityKeys: [[1n]], features: ['bytes', 'a'] });
        expect(whole).toEqual(rec({ a: 1, bytes: new Uint8Array([1, 2]) }));
        expect(Object.getPrototypeOf(whole!.values['bytes'])).toBe(Uint8Array.prototype);
        const long = `v${'x'.repeat(300)}`;
        const longer = `${long}y`;
        await s.write([{ view: long, entityKey: [1n], record: rec({ a: 'long' }) }, { view: longer, entityKey: [1n], record: rec({ a: 'longer' }) }]);
        expect(await s.read({ view: long, entityKeys: [[1n], [2n]], features: ['a'] })).toEqual([rec({ a: 'long' }), null]);
        expect(await s.read({ view: longer, entityKeys: [[1n]] })).toEqual([rec({ a: 'longer' })]);
        const keys: unknown[] = [];
        for await (const k of s.keys(long)) keys.push(k);
        expect(keys).toEqual([[1n]]);
      } finally {
        await s.close();
      }
    });

    it('stores a watermark per view, exactly (a snapshot id above 2^53)', async () => {
      const s = await open();
      try {
        expect(await s.getWatermark('v')).toBeUndefined();
        const w = { snapshotId: 9_007_199_254_740_993n, materializedAtMs: 1_700_000_000_000, upToMs: 1_600_000_000_000, viewVersion: 3 };
        await s.setWatermark('v', w);
        expect(await s.getWatermark('v')).toEqual(w);
        expect(await s.getWatermark('other')).toBeUndefined();
      } finally {
        await s.close();
      }
    });

    it('refuses calls after close with a StoreError', async () => {
      const s = await open();
      await s.close();
      await expect(s.read({ view: 'v', entityKeys: [[1n]] })).rejects.toSatisfy((e: unknown) => isFloeError(e, 'STORE_ERROR'));
      await s.close();
    });
  });
}
