import { describe, expect, it } from 'vitest';
import { isFloeError } from '../../src/errors.js';
import { faulty, instrumented, MemoryStore, prefixed } from '../../src/store/index.js';
import { describeStoreConformance } from '../conformance/store.suite.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

// The decorators keep every guarantee: the whole suite passes through them.
describeStoreConformance('prefixed(memory)', async () => ({ store: prefixed(new MemoryStore(), 'warehouse/ns/t') }));
describeStoreConformance('instrumented(memory)', async () => ({ store: instrumented(new MemoryStore()) }));

describe('prefixed', () => {
  it('maps every key below the prefix and strips it from results', async () => {
    const inner = new MemoryStore();
    await inner.put('other/x', enc.encode('not mine'));
    const t = prefixed(inner, '/wh/t/');
    expect(t.name).toBe('memory/wh/t');
    await t.put('metadata/v1.json', enc.encode('1'));
    expect((await inner.head('wh/t/metadata/v1.json')).sizeBytes).toBe(1);
    expect((await t.get('metadata/v1.json')).meta.path).toBe('metadata/v1.json');
    expect((await t.head('metadata/v1.json')).path).toBe('metadata/v1.json');
    const listed: string[] = [];
    for await (const m of t.list('')) listed.push(m.path);
    expect(listed).toEqual(['metadata/v1.json']);
    expect(await t.listWithDelimiter('')).toMatchObject({ prefixes: ['metadata/'], objects: [] });
    await t.delete('metadata/v1.json');
    expect(isFloeError(await caught(inner.head('wh/t/metadata/v1.json')), 'NOT_FOUND')).toBe(true);
  });

  it('refuses an invalid prefix and keys that would climb out of it', async () => {
    expect(() => prefixed(new MemoryStore(), 'a/../b')).toThrow(/segment/);
    const t = prefixed(new MemoryStore(), 'a');
    expect(isFloeError(await caught(t.get('../b')), 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('instrumented', () => {
  it('counts calls per operation and bytes both ways, failed calls included, and resets', async () => {
    const s = instrumented(new MemoryStore());
    await s.put('a', enc.encode('12345'));
    await s.put('b', enc.encode('xy'));
    await s.get('a');
    await s.get('a', { range: { start: 1, end: 3 } });
    await s.head('b');
    await caught(s.get('missing'));
    for await (const _ of s.list('')) void _;
    await s.listWithDelimiter('');
    await s.delete('b');
    const stats = s.snapshot();
    expect(stats.calls).toEqual({ get: 3, head: 1, put: 2, delete: 1, list: 2 });
    expect(stats.requests).toBe(9);
    expect(stats.bytesWritten).toBe(7);
    expect(stats.bytesRead).toBe(7);
    expect(stats.objectsListed).toBe(4);
    expect(stats.events.map((e) => `${e.op} ${e.path} ${e.bytes}`).slice(0, 4)).toEqual(['put a 5', 'put b 2', 'get a 5', 'get a 2']);
    s.reset();
    expect(s.snapshot()).toMatchObject({ requests: 0, bytesRead: 0, bytesWritten: 0, events: [] });
  });
});

describe('faulty', () => {
  it('fails the Nth call of a kind without touching the inner store', async () => {
    const inner = new MemoryStore();
    const s = faulty(inner, [{ op: 'put', nth: 2, action: 'fail' }]);
    await s.put('a', enc.encode('1'));
    const e = await caught(s.put('b', enc.encode('2')));
    expect(isFloeError(e, 'STORE_ERROR')).toBe(true);
    expect(isFloeError(await caught(inner.head('b')), 'NOT_FOUND')).toBe(true);
    await s.put('c', enc.encode('3'));
    expect(s.firedCounts()).toEqual([1]);
  });

  it('filters by path and put mode, and throws the given error', async () => {
    const s = faulty(new MemoryStore(), [
      { op: 'put', nth: 1, action: 'fail', pathIncludes: 'metadata/', putMode: 'create', error: () => new Error('boom') },
    ]);
    await s.put('metadata/v1.json', enc.encode('x')); // overwrite: not counted
    await s.put('data/x', enc.encode('x'), { mode: { kind: 'create' } }); // other path: not counted
    await expect(s.put('metadata/v2.json', enc.encode('x'), { mode: { kind: 'create' } })).rejects.toThrow('boom');
  });

  it('drop-response: the write lands, the caller gets OutcomeUnknown', async () => {
    const inner = new MemoryStore();
    const s = faulty(inner, [{ op: 'put', nth: 1, action: 'drop-response' }, { op: 'get', nth: 1, action: 'drop-response' }]);
    const e = await caught(s.put('v1', enc.encode('landed'), { mode: { kind: 'create' } }));
    expect(isFloeError(e, 'OUTCOME_UNKNOWN')).toBe(true);
    expect(dec.decode((await inner.get('v1')).bytes)).toBe('landed');
    expect(isFloeError(await caught(s.get('v1')), 'STORE_ERROR')).toBe(true);
  });

  it('delays the Nth call until a promise settles (deterministic, no clock)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const inner = new MemoryStore();
    const s = faulty(inner, [{ op: 'put', nth: 1, action: 'delay', until: gate }]);
    const order: string[] = [];
    const slow = s.put('k', enc.encode('first'), { mode: { kind: 'create' } }).then(
      () => order.push('slow won'),
      () => order.push('slow lost'),
    );
    await s.put('k', enc.encode('second'), { mode: { kind: 'create' } });
    order.push('fast won');
    release();
    await slow;
    expect(order).toEqual(['fast won', 'slow lost']);
    expect(dec.decode((await inner.get('k')).bytes)).toBe('second');
  });

  it('times: hits consecutive calls; list faults apply to both listings', async () => {
    const s = faulty(new MemoryStore(), [{ op: 'list', nth: 1, times: 2, action: 'fail' }]);
    await expect(s.listWithDelimiter('')).rejects.toThrow(/injected/);
    await expect(
      (async () => {
        for await (const _ of s.list('')) void _;
      })(),
    ).rejects.toThrow(/injected/);
    expect(await s.listWithDelimiter('')).toEqual({ objects: [], prefixes: [] });
  });
});
