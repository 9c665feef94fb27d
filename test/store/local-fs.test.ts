import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isFloeError } from '../../src/errors.js';
import { LocalFsStore } from '../../src/store/index.js';
import { describeStoreConformance } from '../conformance/store.suite.js';
import { transpileForChildProcess } from '../support/transpile.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const roots: string[] = [];

async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'floe-localfs-'));
  roots.push(root);
  return root;
}

afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

describeStoreConformance('local-fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'floe-localfs-'));
  return { store: new LocalFsStore({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

/** A pid that certainly belongs to no running process: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid as number;
}

describe('LocalFsStore: layout and paths', () => {
  it('stores key a/b/c as the file <root>/a/b/c and never lets a key leave the root', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root });
    await store.put('a/b/c', enc.encode('x'));
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
    for (const bad of ['../outside', 'a/../../outside', '/etc/passwd']) {
      expect(isFloeError(await caught(store.put(bad, enc.encode('x'))), 'INVALID_ARGUMENT')).toBe(true);
    }
    expect(existsSync(join(root, '..', 'outside'))).toBe(false);
  });

  it('refuses keys that use the reserved .floe- names, and lists none of its own temp or lock files', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root });
    expect(isFloeError(await caught(store.put('t/.floe-lock.x', enc.encode('x'))), 'INVALID_ARGUMENT')).toBe(true);
    await store.put('t/x', enc.encode('x'));
    // What a crash leaves behind: a temp file and a lock file.
    await writeFile(join(root, 't', '.floe-tmp-0123456789abcdef'), 'partial');
    await writeFile(join(root, 't', '.floe-lock.x'), '{}');
    const listed: string[] = [];
    for await (const m of store.list('')) listed.push(m.path);
    expect(listed).toEqual(['t/x']);
    expect((await store.listWithDelimiter('t/')).objects.map((o) => o.path)).toEqual(['t/x']);
  });

  it('accepts other dot names (.crc files written by Hadoop)', async () => {
    const store = new LocalFsStore({ root: await freshRoot() });
    await store.put('metadata/.v1.metadata.json.crc', enc.encode('crc'));
    expect(dec.decode((await store.get('metadata/.v1.metadata.json.crc')).bytes)).toBe('crc');
  });

  it('etags are content digests: equal bytes, equal etag; a ranged read reports none', async () => {
    const store = new LocalFsStore({ root: await freshRoot() });
    const a = await store.put('a', enc.encode('same'));
    const b = await store.put('b', enc.encode('same'));
    expect(a.etag).toBe(b.etag);
    expect(a.etag).toMatch(/^[0-9a-f]{32}$/);
    expect((await store.head('a')).etag).toBe(a.etag);
    expect((await store.get('a', { range: { start: 1, end: 2 } })).meta.etag).toBeUndefined();
  });

  it("a whole get's etag (computed when first asked for) is the put's, also in a copy of the meta, and works for an update", async () => {
    const store = new LocalFsStore({ root: await freshRoot() });
    const put = await store.put('doc', enc.encode('v1'));
    const got = await store.get('doc');
    expect(dec.decode(got.bytes)).toBe('v1');
    expect(got.meta.etag).toBe(put.etag);
    expect({ ...got.meta }.etag).toBe(put.etag);
    expect(JSON.parse(JSON.stringify(got.meta)).etag).toBe(put.etag);
    await store.put('doc', enc.encode('v2'), { mode: { kind: 'update', expected: { etag: got.meta.etag! } } });
    await expect(store.put('doc', enc.encode('v3'), { mode: { kind: 'update', expected: { etag: got.meta.etag! } } })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(dec.decode((await store.get('doc')).bytes)).toBe('v2');
  });

  it('head recomputes the digest after a rewrite of equal size', async () => {
    const store = new LocalFsStore({ root: await freshRoot() });
    await store.put('k', enc.encode('aaaa'));
    const first = await store.head('k');
    await store.put('k', enc.encode('bbbb'));
    const second = await store.head('k');
    expect(second.etag).not.toBe(first.etag);
  });

  it('prunes folders emptied by a delete, up to the root', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root });
    await store.put('x/y/z', enc.encode('1'));
    await store.put('x/keep', enc.encode('1'));
    await store.delete('x/y/z');
    expect(await readdir(join(root, 'x'))).toEqual(['keep']);
    await store.delete('x/keep');
    expect(await readdir(root)).toEqual([]);
  });

  it('reports a file-versus-folder clash as a StoreError, not as success', async () => {
    const store = new LocalFsStore({ root: await freshRoot() });
    await store.put('a', enc.encode('file'));
    expect(isFloeError(await caught(store.put('a/b', enc.encode('x'))), 'STORE_ERROR')).toBe(true);
    await store.put('d/e', enc.encode('x'));
    expect(isFloeError(await caught(store.put('d', enc.encode('x'), { mode: { kind: 'create' } })), 'STORE_ERROR')).toBe(true);
    expect(isFloeError(await caught(store.put('d', enc.encode('x'))), 'STORE_ERROR')).toBe(true);
  });

  it('an update needs an etag (local-fs has no version ids)', async () => {
    const store = new LocalFsStore({ root: await freshRoot() });
    await store.put('k', enc.encode('x'));
    const e = await caught(store.put('k', enc.encode('y'), { mode: { kind: 'update', expected: { version: '3' } } }));
    expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('LocalFsStore: lock files', () => {
  async function lockOf(root: string, dir: string, base: string, content: object | string, ageMs = 0): Promise<string> {
    await mkdir(join(root, dir), { recursive: true });
    const lock = join(root, dir, `.floe-lock.${base}`);
    await writeFile(lock, typeof content === 'string' ? content : JSON.stringify(content));
    if (ageMs > 0) {
      const t = (Date.now() - ageMs) / 1000;
      await utimes(lock, t, t);
    }
    return lock;
  }

  it('breaks the lock of a dead process on this host at once', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root, lockTimeoutMs: 5_000 });
    const v = await store.put('m/pointer', enc.encode('a'));
    const lock = await lockOf(root, 'm', 'pointer', { pid: deadPid(), host: hostname(), token: 'dead', createdMs: Date.now() });
    await store.put('m/pointer', enc.encode('b'), { mode: { kind: 'update', expected: v } });
    expect(dec.decode((await store.get('m/pointer')).bytes)).toBe('b');
    expect(existsSync(lock)).toBe(false);
  });

  it('breaks a lock older than staleLockMs even if its pid is alive (a reused pid, a frozen holder)', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root, lockTimeoutMs: 5_000, staleLockMs: 30_000 });
    await store.put('m/p', enc.encode('a'));
    await lockOf(root, 'm', 'p', { pid: process.ppid, host: hostname(), token: 'old', createdMs: 0 }, 60_000);
    await store.put('m/p', enc.encode('b'));
    expect(dec.decode((await store.get('m/p')).bytes)).toBe('b');
  });

  it('breaks an old unreadable lock (a crash while writing it)', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root, lockTimeoutMs: 5_000, staleLockMs: 30_000 });
    await lockOf(root, 'm', 'p', '', 60_000);
    await store.delete('m/p');
    expect(existsSync(join(root, 'm', '.floe-lock.p'))).toBe(false);
  });

  it('waits for a live holder and gives up with a retryable StoreError that names the lock, writing nothing', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root, lockTimeoutMs: 150 });
    const v = await store.put('m/p', enc.encode('a'));
    const lock = await lockOf(root, 'm', 'p', { pid: process.ppid, host: hostname(), token: 'live', createdMs: Date.now() });
    const e = await caught(store.put('m/p', enc.encode('b'), { mode: { kind: 'update', expected: v } }));
    expect(isFloeError(e, 'STORE_ERROR')).toBe(true);
    expect((e as { retryable: boolean }).retryable).toBe(true);
    expect(String(e)).toContain('.floe-lock.p');
    expect(dec.decode((await store.get('m/p')).bytes)).toBe('a');
    expect(existsSync(lock)).toBe(true); // a live holder's lock is never removed
    expect((await readdir(join(root, 'm'))).filter((n) => n.startsWith('.floe-tmp'))).toEqual([]);
  });

  it('two store instances in one process exclude each other through the lock file', async () => {
    const root = await freshRoot();
    const a = new LocalFsStore({ root });
    const b = new LocalFsStore({ root });
    await a.put('n', enc.encode('0'), { mode: { kind: 'create' } });
    const bump = async (s: LocalFsStore): Promise<void> => {
      for (;;) {
        const { bytes, meta } = await s.get('n');
        try {
          await s.put('n', enc.encode(String(Number(dec.decode(bytes)) + 1)), { mode: { kind: 'update', expected: meta } });
          return;
        } catch (e) {
          if (!isFloeError(e, 'PRECONDITION_FAILED')) throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 === 0 ? a : b)));
    expect(dec.decode((await a.get('n')).bytes)).toBe('40');
  });
});

describe('LocalFsStore: several OS processes on one folder', () => {
  let worker = '';
  let buildDir = '';

  beforeAll(async () => {
    // Inside the repository (node_modules/.cache), so that the compiled code resolves the
    // packages it imports (lossless-json, …) from the project's node_modules.
    const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
    await mkdir(cache, { recursive: true });
    buildDir = await mkdtemp(join(cache, 'floe-localfs-'));
    roots.push(buildDir);
    const entry = await transpileForChildProcess('src/store/local-fs.ts', buildDir);
    worker = join(buildDir, 'worker.mjs');
    // The worker waits for a "go" file so that every process starts racing at the same moment.
    await writeFile(
      worker,
      `import { existsSync } from 'node:fs';
import { LocalFsStore } from ${JSON.stringify(entry)};
const [root, mode, id, count] = process.argv.slice(2);
const store = new LocalFsStore({ root });
const enc = new TextEncoder(), dec = new TextDecoder();
process.stdout.write('ready\\n');
while (!existsSync(root + '/go')) await new Promise((r) => setImmediate(r));
if (mode === 'create') {
  try { await store.put('race/v1.metadata.json', enc.encode('p' + id), { mode: { kind: 'create' } }); console.log('won'); }
  catch (e) { if (e.code === 'ALREADY_EXISTS') console.log('lost'); else throw e; }
} else {
  for (let i = 0; i < Number(count); i++) {
    for (;;) {
      const { bytes, meta } = await store.get('cas/counter.json');
      const next = enc.encode(JSON.stringify([...JSON.parse(dec.decode(bytes)), 'p' + id + '-' + i]));
      try { await store.put('cas/counter.json', next, { mode: { kind: 'update', expected: meta } }); break; }
      catch (e) { if (e.code !== 'PRECONDITION_FAILED') throw e; }
    }
  }
  console.log('done');
}
`,
    );
  });

  async function race(root: string, mode: 'create' | 'cas', processes: number, count: number): Promise<string[]> {
    const children = Array.from({ length: processes }, (_, id) =>
      spawn(process.execPath, [worker, root, mode, String(id), String(count)], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    const outputs = children.map(
      (child) =>
        new Promise<string>((resolve, reject) => {
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
          });
          child.stderr.on('data', (d: Buffer) => {
            err += d.toString();
          });
          child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}: ${err}`))));
        }),
    );
    // Start the race once every process is ready.
    await Promise.all(
      children.map((c) => new Promise<void>((resolve) => c.stdout.once('data', () => resolve()))),
    );
    await writeFile(join(root, 'go'), '');
    return (await Promise.all(outputs)).map((o) => o.replace('ready\n', '').trim());
  }

  it('8 processes create one key: exactly one wins', async () => {
    const root = await freshRoot();
    const results = await race(root, 'create', 8, 0);
    expect(results.filter((r) => r === 'won')).toHaveLength(1);
    expect(results.filter((r) => r === 'lost')).toHaveLength(7);
    const winner = results.indexOf('won');
    const store = new LocalFsStore({ root });
    expect(dec.decode((await store.get('race/v1.metadata.json')).bytes)).toBe(`p${winner}`);
  });

  it('4 processes × 25 compare-and-swap increments = 100, none lost, none doubled', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root });
    await store.put('cas/counter.json', enc.encode('[]'), { mode: { kind: 'create' } });
    const results = await race(root, 'cas', 4, 25);
    expect(results).toEqual(['done', 'done', 'done', 'done']);
    const history = JSON.parse(dec.decode((await store.get('cas/counter.json')).bytes)) as string[];
    expect(history).toHaveLength(100);
    expect(new Set(history).size).toBe(100);
    expect((await readdir(join(root, 'cas'))).sort()).toEqual(['counter.json']); // no temp or lock file left
  });
});

describe('local-fs fsyncs', () => {
  /** Counts FileHandle.sync calls (the file's and its folder's fsync) made while `fn` runs. */
  async function countSyncs(root: string, fn: () => Promise<unknown>): Promise<number> {
    const probe = await open(root, 'r');
    const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const spy = vi.spyOn(proto, 'sync');
    try {
      await fn();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  it('a durable put fsyncs the file and its folder; durable: false skips both and is still conditional and atomic', async () => {
    const root = await freshRoot();
    const store = new LocalFsStore({ root });
    await store.put('m/seed', enc.encode('x')); // the folder exists: no parent fsyncs below
    expect(await countSyncs(root, () => store.put('m/a', enc.encode('1'), { mode: { kind: 'create' } }))).toBe(2);
    expect(await countSyncs(root, () => store.put('m/hint', enc.encode('2'), { mode: { kind: 'overwrite' }, durable: false }))).toBe(0);
    expect(await countSyncs(root, () => store.put('m/hint', enc.encode('3'), { mode: { kind: 'overwrite' }, durable: false }))).toBe(0);
    expect(dec.decode((await store.get('m/hint')).bytes)).toBe('3');
    await expect(store.put('m/a', enc.encode('4'), { mode: { kind: 'create' }, durable: false })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(dec.decode((await store.get('m/a')).bytes)).toBe('1');
    expect((await readdir(join(root, 'm'))).sort()).toEqual(['a', 'hint', 'seed']); // no temp or lock file left
  });
});
