import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/index.js';
import { describeStoreConformance } from '../conformance/store.suite.js';

describeStoreConformance('memory', async () => ({ store: new MemoryStore() }));

describe('MemoryStore', () => {
  it('gives a rewrite with identical bytes a new etag (etags are versions, not digests)', async () => {
    const store = new MemoryStore();
    const a = await store.put('k', new Uint8Array([1, 2, 3]));
    const b = await store.put('k', new Uint8Array([1, 2, 3]));
    expect(b.etag).not.toBe(a.etag);
  });

  it('returns copies: mutating what get returned does not change the object', async () => {
    const store = new MemoryStore();
    await store.put('k', new Uint8Array([1, 2, 3]));
    (await store.get('k')).bytes.fill(9);
    expect([...(await store.get('k')).bytes]).toEqual([1, 2, 3]);
  });

  it('uses the injected clock for lastModifiedMs', async () => {
    const store = new MemoryStore({ nowMs: () => 1234 });
    await store.put('k', new Uint8Array(1));
    expect((await store.head('k')).lastModifiedMs).toBe(1234);
  });
});
