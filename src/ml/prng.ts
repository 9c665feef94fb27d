/**
 * Seeded randomness for reproducible training reads: a small, fast 32-bit generator
 * (mulberry32) keyed by a tuple such as (seed, epoch, worker), and a Fisher–Yates shuffle. The
 * same key always gives the same sequence, on every platform (integer arithmetic only).
 *
 * @module
 */

/** A generator of uniform floats in [0, 1). */
export type Random = () => number;

/** Mixes 32-bit words into one (murmur3's finaliser over a running hash). */
function mixKey(words: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    h = Math.imul(h ^ (w >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * A generator seeded by a tuple of integers (each taken modulo 2^32, so seeds are uint32).
 * @param key e.g. `[seed, epoch]` or `[seed, epoch, workers, worker, block]`
 */
export function seededRandom(key: readonly number[]): Random {
  let a = mixKey(key);
  return () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(items: T, random: Random): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
