/**
 * Seeded data for every benchmark, identical for Floe and its peers: plain typed arrays (no
 * apache-arrow import), so the Floe side (apache-arrow 21) and the LanceDB side (apache-arrow 18)
 * each wrap the very same bytes in their own Arrow classes (see `bench/lib/arrow-build.js`).
 *
 * Never `Math.random`: a splitmix32 stream per seed (STYLE §12, A3 `lance-datagen` DEFAULT_SEED).
 *
 * @module
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The seed every workload uses unless it says otherwise. */
export const DEFAULT_SEED = 20251121;

/** 2025-01-01T00:00:00Z in microseconds: the first `ts` value. */
export const TS_BASE_US = 1_735_689_600_000_000n;

/** Dimension of the embedding column. */
export const EMBEDDING_DIM = 128;

/** Distinct values of `category` (so `category = k` selects 1% of the rows). */
export const CATEGORIES = 100;

/**
 * A small, fast, seeded PRNG (splitmix32) returning uint32s.
 * @param {number} seed
 * @returns {() => number}
 */
export function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * @typedef {object} EventColumns
 * @property {number} length
 * @property {BigInt64Array} id        int64, `start .. start+length-1` (sorted: prunable by stats)
 * @property {Float64Array} value      float64 in [0, 1000)
 * @property {{ offsets: Int32Array, data: Uint8Array }} name  16-char lowercase ASCII strings (Arrow Utf8 layout)
 * @property {Int32Array} category     int32 in [0, CATEGORIES)
 * @property {BigInt64Array} ts        timestamp (µs, no zone), one per millisecond from TS_BASE_US + id ms
 */

/**
 * The "events" rows: int64, float64, 16-char string, int32 category, timestamp.
 * Row `i` of a call with `start` equals row `start + i` of any other call with the same seed only
 * for the `id`/`ts` columns; the random columns come from the stream of `seed` and `start`.
 * @param {number} length
 * With `ids`, row `i` has id `ids[i]` (and its `ts`) instead of `start + i`.
 * @param {number} length
 * @param {{ seed?: number, start?: number, ids?: BigInt64Array }} [options]
 * @returns {EventColumns}
 */
export function eventColumns(length, options = {}) {
  const start = options.start ?? 0;
  const next = prng((options.seed ?? DEFAULT_SEED) ^ Math.imul(start + 1, 0x27d4eb2d));
  const id = new BigInt64Array(length);
  const value = new Float64Array(length);
  const offsets = new Int32Array(length + 1);
  const data = new Uint8Array(length * 16);
  const category = new Int32Array(length);
  const ts = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    const row = options.ids !== undefined ? Number(options.ids[i]) : start + i;
    id[i] = BigInt(row);
    value[i] = (next() / 0x100000000) * 1000;
    category[i] = next() % CATEGORIES;
    ts[i] = TS_BASE_US + BigInt(row) * 1000n;
    offsets[i + 1] = (i + 1) * 16;
    const base = i * 16;
    for (let k = 0; k < 16; k += 4) {
      const r = next();
      data[base + k] = 97 + (r % 26);
      data[base + k + 1] = 97 + ((r >>> 8) % 26);
      data[base + k + 2] = 97 + ((r >>> 16) % 26);
      data[base + k + 3] = 97 + ((r >>> 24) % 26);
    }
  }
  return { length, id, value, name: { offsets, data }, category, ts };
}

/**
 * @typedef {object} EmbeddingColumns
 * @property {number} length
 * @property {BigInt64Array} id         int64 `start ..`
 * @property {Float32Array} embedding   `length × EMBEDDING_DIM` floats in [-1, 1)
 */

/**
 * The "embeddings" rows: an int64 id and a 128-dim float32 vector.
 * @param {number} length
 * @param {{ seed?: number, start?: number }} [options]
 * @returns {EmbeddingColumns}
 */
export function embeddingColumns(length, options = {}) {
  const start = options.start ?? 0;
  const next = prng((options.seed ?? DEFAULT_SEED) ^ 0x5bd1e995 ^ Math.imul(start + 1, 0x27d4eb2d));
  const id = new BigInt64Array(length);
  const embedding = new Float32Array(length * EMBEDDING_DIM);
  for (let i = 0; i < length; i++) id[i] = BigInt(start + i);
  for (let j = 0; j < embedding.length; j++) embedding[j] = next() / 0x80000000 - 1;
  return { length, id, embedding };
}

/**
 * Bytes of every file under `dir` (what a change added to a table's folder, by difference).
 * @param {string} dir
 * @returns {number}
 */
export function folderBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? folderBytes(p) : st.size;
  }
  return total;
}

/**
 * The keys of a random-key change (bench/workloads/mor.bench.js), the same for every engine:
 * `changeRows` random ids of the table's for a delete; for an upsert, half random existing ids
 * and half new ids above the table's range.
 * @param {{ files: number, rowsPerFile: number, changeRows: number, op: 'delete' | 'upsert' }} args
 * @returns {BigInt64Array}
 */
export function changeIds(args) {
  const total = args.files * args.rowsPerFile;
  if (args.op === 'delete') return randomIds(total, args.changeRows);
  const half = args.changeRows / 2;
  return BigInt64Array.from([...randomIds(total, half), ...Array.from({ length: half }, (_, i) => BigInt(total + i))]);
}

/**
 * `count` distinct ids drawn from `[0, range)` by a seeded PRNG, sorted ascending: keys spread
 * over every file of a table written with sorted ids, so a change by these keys touches them all.
 * @param {number} range
 * @param {number} count at most `range`
 * @param {number} [seed]
 * @returns {BigInt64Array}
 */
export function randomIds(range, count, seed = DEFAULT_SEED) {
  const next = prng(seed ^ 0x5bd1e995);
  const picked = new Set();
  while (picked.size < count) picked.add(next() % range);
  return BigInt64Array.from([...picked].sort((a, b) => a - b), (v) => BigInt(v));
}
