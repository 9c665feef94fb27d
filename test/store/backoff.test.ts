import { describe, expect, it } from 'vitest';
import { computeBackoffMs, retryWithBackoff } from '../../src/util/backoff.js';

/** A seeded PRNG (mulberry32): deterministic jitter. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('computeBackoffMs', () => {
  it('grows exponentially within [ceiling/2, ceiling] and stops at the maximum', () => {
    const random = seeded(42);
    const opts = { initialDelayMs: 10, maxDelayMs: 1000 };
    for (let retry = 1; retry <= 12; retry++) {
      const ceiling = Math.min(1000, 10 * 2 ** (retry - 1));
      for (let i = 0; i < 50; i++) {
        const d = computeBackoffMs(retry, opts, random);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(computeBackoffMs(1, opts, () => 0)).toBe(5);
    expect(computeBackoffMs(100, opts, () => 0.999999)).toBe(999);
  });

  it('jitters: workers that collided once spread out', () => {
    const random = seeded(7);
    const delays = new Set(Array.from({ length: 20 }, () => computeBackoffMs(5, { initialDelayMs: 10, maxDelayMs: 1000 }, random)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('retryWithBackoff', () => {
  it('retries what shouldRetry accepts, waiting between attempts, and returns the first success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWithBackoff(
      async (n) => {
        calls++;
        if (n < 3) throw new Error('transient');
        return 'ok';
      },
      { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 100, shouldRetry: () => true, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([7, 15]);
  });

  it('stops at a non-retryable error and after maxAttempts', async () => {
    const noWait = async (): Promise<void> => {};
    let calls = 0;
    await expect(
      retryWithBackoff(async () => {
        calls++;
        throw new Error('fatal');
      }, { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 1, shouldRetry: () => false, sleep: noWait }),
    ).rejects.toThrow('fatal');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryWithBackoff(async () => {
        calls++;
        throw new Error(`attempt ${calls}`);
      }, { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 1, shouldRetry: () => true, sleep: noWait }),
    ).rejects.toThrow('attempt 4');
    expect(calls).toBe(4);
  });
});
