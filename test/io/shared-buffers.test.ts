/**
 * Leased shared memory for the decode workers (src/io/shared-buffers.ts): a buffer is handed out
 * again only after its lease is released, never to two leases at once, and at most
 * MAX_FREE_BYTES are kept.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FREE_BYTES, freeSharedBytes, leaseShared } from '../../src/io/shared-buffers.js';

describe('leaseShared', () => {
  it('reuses a released buffer, never one still leased, and gives views of the length asked', () => {
    const a = leaseShared(3_000_000);
    const b = leaseShared(3_000_000);
    expect(a.bytes.byteLength).toBe(3_000_000);
    expect(a.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.bytes.buffer).not.toBe(b.bytes.buffer);
    a.bytes.fill(7);
    const buffer = a.bytes.buffer;
    a.release();
    a.release(); // a second release changes nothing
    const c = leaseShared(2_500_000);
    expect(c.bytes.buffer).toBe(buffer);
    expect(c.bytes.byteLength).toBe(2_500_000);
    const d = leaseShared(2_500_000);
    expect(d.bytes.buffer).not.toBe(buffer); // still leased by c
    for (const l of [b, c, d]) l.release();
  });

  it('does not hand a large free buffer to a small lease, and keeps at most MAX_FREE_BYTES free', () => {
    const big = leaseShared(40_000_000);
    const bigBuffer = big.bytes.buffer;
    big.release();
    const small = leaseShared(1_000);
    expect(small.bytes.buffer).not.toBe(bigBuffer);
    small.release();
    const many = Array.from({ length: Math.ceil(MAX_FREE_BYTES / 40_000_000) + 2 }, () => leaseShared(40_000_000));
    for (const l of many) l.release();
    expect(freeSharedBytes()).toBeLessThanOrEqual(MAX_FREE_BYTES);
  });
});
