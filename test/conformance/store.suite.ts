/**
 * The store conformance suite (A1 `src/integration.rs`; spec/storage.md §S1–§S4): one list of
 * checks that every backend runs, memory, local-fs and S3 alike.
 *
 * Each check is a plain async function of a fresh, empty store that throws an AssertionError
 * when the store misbehaves. {@link describeStoreConformance} registers them as vitest tests;
 * {@link runStoreChecks} runs them as plain functions and reports pass/fail, which is how a test
 * proves the suite can fail (against `ignoringConditions`, a store that drops the conditions).
 *
 * @module
 */
import assert from 'node:assert/strict';
import pLimit from 'p-limit';
import { afterAll, describe, it } from 'vitest';
import { isFloeError, type ErrorCode } from '../../src/errors.js';
import type { ObjectMeta, ObjectStore } from '../../src/store/index.js';

/** A fresh, empty store for one check, and how to dispose of it. */
export interface StoreFixture {
  /** The store under test. */
  readonly store: ObjectStore;
  /** Removes what the check left (a bucket, a folder). */
  readonly cleanup?: () => Promise<void>;
}

/** Makes a fresh, empty store. */
export type MakeStore = () => Promise<StoreFixture>;

/** One conformance check. */
export interface StoreCheck {
  /** Its name, shown as the test name. */
  readonly name: string;
  /** Runs it; throws when the store does not conform. */
  readonly run: (store: ObjectStore) => Promise<void>;
}

/** The outcome of one check run as a plain function. */
export interface CheckResult {
  /** The check's name. */
  readonly name: string;
  /** Whether it passed. */
  readonly passed: boolean;
  /** Why it failed. */
  readonly error?: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const text = (s: string): Uint8Array => enc.encode(s);

async function expectCode(promise: Promise<unknown>, code: ErrorCode, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    assert.ok(isFloeError(e, code), `${what}: expected ${code}, got ${String(e)}`);
    return e;
  }
  assert.fail(`${what}: expected ${code}, but it succeeded`);
}

async function collect(store: ObjectStore, prefix: string): Promise<ObjectMeta[]> {
  const out: ObjectMeta[] = [];
  for await (const m of store.list(prefix)) out.push(m);
  return out;
}

async function paths(store: ObjectStore, prefix: string): Promise<string[]> {
  return (await collect(store, prefix)).map((m) => m.path);
}

async function readText(store: ObjectStore, path: string): Promise<string> {
  return dec.decode((await store.get(path)).bytes);
}

/** A deterministic byte pattern (no Math.random in tests). */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The number of concurrent creators in the create race. */
export const CREATE_RACE_WRITERS = 16;
/** Workers and increments per worker of the compare-and-swap counter. */
export const CAS_WORKERS = 8;
/** See {@link CAS_WORKERS}. */
export const CAS_INCREMENTS = 25;

/** Every check, in order. */
export const STORE_CHECKS: readonly StoreCheck[] = [
  {
    name: 'put, get, head, delete round trip',
    async run(store) {
      assert.deepEqual(await paths(store, ''), [], 'a fresh store lists nothing');
      const v = await store.put('dir/file.json', text('arbitrary data'));
      assert.ok(v.etag !== undefined && v.etag !== '', 'put returns an etag');
      assert.ok(!v.etag.startsWith('"'), `etags are unquoted, got ${v.etag}`);
      const got = await store.get('dir/file.json');
      assert.equal(dec.decode(got.bytes), 'arbitrary data');
      assert.equal(got.meta.path, 'dir/file.json');
      assert.equal(got.meta.sizeBytes, 14);
      assert.equal(got.meta.etag, v.etag, 'get reports the etag put returned');
      const head = await store.head('dir/file.json');
      assert.equal(head.sizeBytes, 14);
      assert.equal(head.etag, v.etag, 'head reports the etag put returned');
      assert.ok(head.lastModifiedMs > 0, 'lastModifiedMs is set');
      assert.deepEqual(await paths(store, ''), ['dir/file.json']);
      await store.delete('dir/file.json');
      await expectCode(store.get('dir/file.json'), 'NOT_FOUND', 'get after delete');
      await expectCode(store.head('dir/file.json'), 'NOT_FOUND', 'head after delete');
      assert.deepEqual(await paths(store, ''), [], 'nothing listed after delete');
      assert.deepEqual(await store.listWithDelimiter(''), { objects: [], prefixes: [] }, 'no folder left after delete');
    },
  },
  {
    name: 'overwrite replaces the whole object and changes the etag',
    async run(store) {
      const v1 = await store.put('o', text('first version, long'));
      const v2 = await store.put('o', text('second'), { mode: { kind: 'overwrite' } });
      assert.notEqual(v2.etag, v1.etag, 'different content, different etag');
      assert.equal(await readText(store, 'o'), 'second');
      assert.equal((await store.head('o')).sizeBytes, 6);
    },
  },
  {
    name: 'binary, empty and 1 MiB objects round-trip byte for byte',
    async run(store) {
      const all = new Uint8Array(256).map((_, i) => i);
      await store.put('bin/all-bytes', all);
      assert.deepEqual((await store.get('bin/all-bytes')).bytes, all);
      await store.put('bin/empty', new Uint8Array(0));
      const empty = await store.get('bin/empty');
      assert.equal(empty.bytes.length, 0);
      assert.equal((await store.head('bin/empty')).sizeBytes, 0);
      const big = pattern(1024 * 1024, 7);
      await store.put('bin/big', big);
      const back = await store.get('bin/big');
      assert.equal(back.bytes.length, big.length);
      assert.ok(Buffer.from(back.bytes).equals(Buffer.from(big)), '1 MiB object differs');
      // The store must not alias the caller's buffer.
      const mutable = text('keep me');
      await store.put('bin/alias', mutable);
      mutable.fill(0);
      assert.equal(await readText(store, 'bin/alias'), 'keep me');
    },
  },
  {
    name: 'ranged gets return the bytes asked for and the full size',
    async run(store) {
      await store.put('r', text('arbitrary data')); // 14 bytes
      const slice = async (start: number, end?: number): Promise<string> => {
        const r = await store.get('r', { range: end === undefined ? { start } : { start, end } });
        assert.equal(r.meta.sizeBytes, 14, `range [${start}, ${end}) reports the whole object's size`);
        return dec.decode(r.bytes);
      };
      assert.equal(await slice(3, 7), 'itra');
      assert.equal(await slice(2, 5), 'bit');
      assert.equal(await slice(0, 14), 'arbitrary data');
      assert.equal(await slice(3), 'itrary data');
      assert.equal(await slice(2, 100), 'bitrary data', 'the end is clamped to the size');
      assert.equal(await slice(13, 14), 'a');
      assert.equal(await slice(5, 5), '', 'an empty range is allowed');
      assert.equal(await slice(14, 14), '', 'an empty range at the end is allowed');
      await expectCode(store.get('r', { range: { start: 20, end: 20 } }), 'INVALID_ARGUMENT', 'an empty range beyond the end');
      await expectCode(store.get('r', { range: { start: 14 } }), 'INVALID_ARGUMENT', 'a range starting at the end');
      await expectCode(store.get('r', { range: { start: 200, end: 300 } }), 'INVALID_ARGUMENT', 'a range beyond the end');
      await expectCode(store.get('r', { range: { start: 5, end: 2 } }), 'INVALID_ARGUMENT', 'end before start');
      await expectCode(store.get('r', { range: { start: -1 } }), 'INVALID_ARGUMENT', 'a negative start');
      await expectCode(store.get('missing', { range: { start: 0, end: 1 } }), 'NOT_FOUND', 'a range of a missing object');
    },
  },
  {
    name: 'NotFound on get and head; deleting a missing key succeeds',
    async run(store) {
      await expectCode(store.get('nope'), 'NOT_FOUND', 'get of a missing key');
      await expectCode(store.head('nope'), 'NOT_FOUND', 'head of a missing key');
      await store.put('folder/inside', text('x'));
      await expectCode(store.get('folder'), 'NOT_FOUND', 'get of a "folder"');
      await expectCode(store.head('folder'), 'NOT_FOUND', 'head of a "folder"');
      await store.delete('nope');
      await store.delete('folder'); // a "folder" is not an object: nothing happens
      assert.equal(await readText(store, 'folder/inside'), 'x');
    },
  },
  {
    name: 'list: plain string prefixes, UTF-8 byte order, no folders',
    async run(store) {
      const keys = [
        'a a/b.file',
        'a.file',
        'a/a file',
        'a/a.file',
        'a/a/b.file',
        'a/b.file',
        'a/😀.file',
        'a/\u{FF5E}.file', // BMP character above the surrogates: UTF-16 and UTF-8 orders disagree with 😀
        'aa/a.file',
        'ab/a.file',
        'data/part-00001.parquet',
        'data/part-00002.parquet',
        'metadata/v1.metadata.json',
        'metadata/v10.metadata.json',
        'metadata/v2.metadata.json',
        'my table/%41 b.txt',
      ];
      const limit = pLimit(8);
      await Promise.all([...keys].reverse().map((k) => limit(() => store.put(k, text(k)))));
      const sorted = [...keys].sort(byteOrder);
      assert.deepEqual(await paths(store, ''), sorted, 'everything, in UTF-8 byte order');
      assert.deepEqual(await paths(store, 'a/'), sorted.filter((k) => k.startsWith('a/')));
      assert.deepEqual(await paths(store, 'a'), sorted.filter((k) => k.startsWith('a')), 'a partial segment is a prefix');
      assert.deepEqual(await paths(store, 'data/part-0000'), ['data/part-00001.parquet', 'data/part-00002.parquet']);
      assert.deepEqual(await paths(store, 'metadata/v1'), ['metadata/v1.metadata.json', 'metadata/v10.metadata.json']);
      assert.deepEqual(await paths(store, 'zzz'), [], 'no match');
      assert.deepEqual(await paths(store, 'data/part-00001.parquet'), ['data/part-00001.parquet'], 'a whole key is a prefix of itself');
      assert.deepEqual(await paths(store, 'my table/'), ['my table/%41 b.txt'], 'spaces and % are plain characters');
      assert.equal(await readText(store, 'a/😀.file'), 'a/😀.file');
      const metas = await collect(store, 'data/');
      assert.ok(metas.every((m) => m.sizeBytes === 23), 'listed sizes are the objects\' sizes');
    },
  },
  {
    name: 'listWithDelimiter: objects one level down and common prefixes',
    async run(store) {
      for (const k of ['t/metadata/v1.json', 't/metadata/v2.json', 't/data/x=1/a.parquet', 't/data/x=2/b.parquet', 't/readme', 't.txt', 'u/v']) {
        await store.put(k, text(k));
      }
      const root = await store.listWithDelimiter('');
      assert.deepEqual(root.objects.map((o) => o.path), ['t.txt']);
      assert.deepEqual(root.prefixes, ['t/', 'u/']);
      const t = await store.listWithDelimiter('t/');
      assert.deepEqual(t.objects.map((o) => o.path), ['t/readme']);
      assert.equal(t.objects[0]?.sizeBytes, 8);
      assert.deepEqual(t.prefixes, ['t/data/', 't/metadata/']);
      const data = await store.listWithDelimiter('t/data/');
      assert.deepEqual(data.objects, []);
      assert.deepEqual(data.prefixes, ['t/data/x=1/', 't/data/x=2/']);
      const partial = await store.listWithDelimiter('t/m');
      assert.deepEqual(partial.prefixes, ['t/metadata/'], 'a partial last segment filters names');
      assert.deepEqual(await store.listWithDelimiter('nothing/'), { objects: [], prefixes: [] });
      await store.delete('t/data/x=2/b.parquet');
      assert.deepEqual((await store.listWithDelimiter('t/data/')).prefixes, ['t/data/x=1/'], 'an emptied folder is gone');
    },
  },
  {
    name: 'list pages past 1,000 keys, in order, with and without a delimiter',
    async run(store) {
      const n = 525; // 525 objects + 525 folders under one prefix: 1,050 entries, more than one S3 page
      const files = Array.from({ length: n }, (_, i) => `page/f-${String(i).padStart(4, '0')}`);
      const nested = Array.from({ length: n }, (_, i) => `page/d-${String(i).padStart(4, '0')}/x`);
      const limit = pLimit(32);
      await Promise.all([...files, ...nested].map((k) => limit(() => store.put(k, text('.')))));
      const listed = await paths(store, 'page/');
      assert.equal(listed.length, 2 * n, `listed ${listed.length} of ${2 * n} keys`);
      assert.deepEqual(listed, [...nested, ...files].sort(byteOrder), 'every key once, in order');
      const delimited = await store.listWithDelimiter('page/');
      assert.equal(delimited.objects.length, n, 'every object one level down');
      assert.deepEqual(delimited.objects.map((o) => o.path), files);
      assert.equal(delimited.prefixes.length, n, 'every common prefix');
      assert.deepEqual(delimited.prefixes, nested.map((k) => k.slice(0, -1)));
    },
  },
  {
    name: 'create writes only if absent',
    async run(store) {
      const v1 = await store.put('c/v1.metadata.json', text('a'), { mode: { kind: 'create' } });
      assert.ok(v1.etag, 'create returns an etag');
      await expectCode(store.put('c/v1.metadata.json', text('b'), { mode: { kind: 'create' } }), 'ALREADY_EXISTS', 'create twice');
      assert.equal(await readText(store, 'c/v1.metadata.json'), 'a', 'the refused create changed nothing');
      assert.equal((await store.head('c/v1.metadata.json')).etag, v1.etag);
      await store.delete('c/v1.metadata.json');
      await store.put('c/v1.metadata.json', text('c'), { mode: { kind: 'create' } });
      assert.equal(await readText(store, 'c/v1.metadata.json'), 'c', 'create after delete succeeds');
    },
  },
  {
    name: 'update writes only if the etag matches (stale and missing refused)',
    async run(store) {
      if (!store.capabilities.conditionalUpdate) {
        await store.put('u', text('a'));
        const meta = await store.head('u');
        await expectCode(store.put('u', text('b'), { mode: { kind: 'update', expected: meta } }), 'NOT_IMPLEMENTED', 'update');
        return;
      }
      const v1 = await store.put('u/pointer', text('a'));
      const v2 = await store.put('u/pointer', text('b'), { mode: { kind: 'update', expected: v1 } });
      assert.equal(await readText(store, 'u/pointer'), 'b');
      assert.notEqual(v2.etag, v1.etag);
      await expectCode(store.put('u/pointer', text('c'), { mode: { kind: 'update', expected: v1 } }), 'PRECONDITION_FAILED', 'stale update');
      assert.equal(await readText(store, 'u/pointer'), 'b', 'the stale update changed nothing');
      const head = await store.head('u/pointer');
      const v3 = await store.put('u/pointer', text('d'), { mode: { kind: 'update', expected: { etag: head.etag as string } } });
      assert.equal(await readText(store, 'u/pointer'), 'd', 'an update with the etag from head succeeds');
      const got = await store.get('u/pointer');
      assert.equal(got.meta.etag, v3.etag);
      await store.put('u/pointer', text('e'), { mode: { kind: 'update', expected: got.meta } });
      await expectCode(
        store.put('u/missing', text('x'), { mode: { kind: 'update', expected: v3 } }),
        'PRECONDITION_FAILED',
        'update of a missing key',
      );
      await expectCode(store.head('u/missing'), 'NOT_FOUND', 'the refused update created nothing');
    },
  },
  {
    name: `race: ${CREATE_RACE_WRITERS} concurrent creators of one key, exactly one winner`,
    async run(store) {
      for (let round = 0; round < 3; round++) {
        const key = `race/v${round + 1}.metadata.json`;
        const outcomes = await Promise.all(
          Array.from({ length: CREATE_RACE_WRITERS }, async (_, w) => {
            try {
              await store.put(key, text(`writer-${w}`), { mode: { kind: 'create' } });
              return 'won' as const;
            } catch (e) {
              if (isFloeError(e, 'ALREADY_EXISTS')) return 'lost' as const;
              if (isFloeError(e, 'OUTCOME_UNKNOWN')) return 'unknown' as const;
              throw e;
            }
          }),
        );
        const winners = outcomes.flatMap((o, w) => (o === 'won' ? [w] : []));
        const stored = await readText(store, key);
        const unknown = outcomes.flatMap((o, w) => (o === 'unknown' ? [w] : []));
        // An unknown outcome may be the one write that landed; it never makes two winners.
        assert.ok(winners.length <= 1, `round ${round}: ${winners.length} creators won (${winners.join(', ')}): create is not exclusive`);
        const landed = winners.length === 1 ? winners[0] : unknown.find((w) => stored === `writer-${w}`);
        assert.ok(landed !== undefined, `round ${round}: no creator won, stored ${stored}`);
        assert.equal(stored, `writer-${landed}`, `round ${round}: the stored object is not the winner's`);
        assert.equal(outcomes.filter((o) => o === 'lost').length + winners.length + unknown.length, CREATE_RACE_WRITERS);
      }
    },
  },
  {
    name: `race: compare-and-swap counter, ${CAS_WORKERS} workers × ${CAS_INCREMENTS} increments = ${CAS_WORKERS * CAS_INCREMENTS}`,
    async run(store) {
      if (!store.capabilities.conditionalUpdate) return;
      // The counter's content is its whole history of increments, each tagged by its writer, so
      // the check sees lost updates, duplicates and, after an unknown outcome, whether a write landed.
      const key = 'cas/counter.json';
      const decode = (b: Uint8Array): string[] => JSON.parse(dec.decode(b)) as string[];
      await store.put(key, text('[]'), { mode: { kind: 'create' } });
      const acknowledged: string[] = [];
      let refusals = 0;
      await Promise.all(
        Array.from({ length: CAS_WORKERS }, async (_, w) => {
          for (let i = 0; i < CAS_INCREMENTS; i++) {
            const token = `w${w}-${i}`;
            for (let attempt = 0; ; attempt++) {
              assert.ok(attempt < 5_000, `worker ${w} made no progress in 5,000 attempts`);
              const { bytes, meta } = await store.get(key);
              const next = text(JSON.stringify([...decode(bytes), token]));
              try {
                await store.put(key, next, { mode: { kind: 'update', expected: meta } });
                break;
              } catch (e) {
                if (isFloeError(e, 'PRECONDITION_FAILED')) {
                  refusals++;
                  continue;
                }
                if (isFloeError(e, 'OUTCOME_UNKNOWN')) {
                  // What the commit protocol does: re-read and look for our own write.
                  refusals++;
                  if (decode((await store.get(key)).bytes).includes(token)) break;
                  continue;
                }
                throw e;
              }
            }
            acknowledged.push(token);
          }
        }),
      );
      const history = decode((await store.get(key)).bytes);
      const total = CAS_WORKERS * CAS_INCREMENTS;
      assert.equal(new Set(history).size, history.length, 'an increment was applied twice');
      assert.equal(history.length, total, `counter ended at ${history.length}, not ${total}: updates were lost (refusals: ${refusals})`);
      assert.deepEqual([...history].sort(), [...acknowledged].sort(), 'every acknowledged increment is in the history exactly once');
      for (let w = 0; w < CAS_WORKERS; w++) {
        const mine = history.filter((t) => t.startsWith(`w${w}-`));
        assert.deepEqual(mine, Array.from({ length: CAS_INCREMENTS }, (_, i) => `w${w}-${i}`), `worker ${w}'s increments out of order`);
      }
    },
  },
  {
    name: 'invalid paths are refused before any IO',
    async run(store) {
      for (const bad of ['', '/abs', 'a//b', 'a/./b', 'a/../b', '..', '../escape', 'trailing/', 'nul\0byte']) {
        await expectCode(store.put(bad, text('x')), 'INVALID_ARGUMENT', `put ${JSON.stringify(bad)}`);
        await expectCode(store.get(bad), 'INVALID_ARGUMENT', `get ${JSON.stringify(bad)}`);
        await expectCode(store.head(bad), 'INVALID_ARGUMENT', `head ${JSON.stringify(bad)}`);
        await expectCode(store.delete(bad), 'INVALID_ARGUMENT', `delete ${JSON.stringify(bad)}`);
      }
      await expectCode(collect(store, '../'), 'INVALID_ARGUMENT', 'list ../');
      await expectCode(store.listWithDelimiter('/abs/'), 'INVALID_ARGUMENT', 'listWithDelimiter /abs/');
      assert.deepEqual(await paths(store, ''), [], 'nothing was written');
    },
  },
];

/**
 * Runs every check as a plain function, each on a fresh store, and reports pass/fail.
 * @param makeStore makes a fresh store per check
 * @param names only these checks (default all)
 */
export async function runStoreChecks(makeStore: MakeStore, names?: readonly string[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of STORE_CHECKS) {
    if (names !== undefined && !names.includes(check.name)) continue;
    const fixture = await makeStore();
    try {
      await check.run(fixture.store);
      results.push({ name: check.name, passed: true });
    } catch (e) {
      results.push({ name: check.name, passed: false, error: e instanceof Error ? e.message : String(e) });
    } finally {
      await fixture.cleanup?.();
    }
  }
  return results;
}

/**
 * Registers the suite as vitest tests: `store conformance: <label>` › one test per check.
 * @param label the backend, e.g. `memory`, `local-fs`, `s3 (rgw http://127.0.0.1:17580)`
 * @param makeStore makes a fresh store per check (it may throw, e.g. when S3 is unavailable: the tests then fail)
 */
export function describeStoreConformance(label: string, makeStore: MakeStore): void {
  describe(`store conformance: ${label}`, () => {
    const passed: string[] = [];
    for (const check of STORE_CHECKS) {
      it(check.name, async () => {
        const fixture = await makeStore();
        try {
          await check.run(fixture.store);
        } finally {
          await fixture.cleanup?.();
        }
        passed.push(check.name);
      });
    }
    // One line per backend in the run's output, whatever the reporter: which backend ran the
    // suite, and that the races were among the checks that passed.
    afterAll(() => {
      const races = passed.filter((n) => n.startsWith('race:'));
      console.log(
        `[store conformance] ${label}: ${passed.length} of ${STORE_CHECKS.length} checks passed` +
          (races.length > 0 ? `, including ${races.map((r) => `"${r}"`).join(' and ')}` : ''),
      );
    });
  });
}
