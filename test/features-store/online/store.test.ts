/**
 * The online-store contract on both backends: the embedded LMDB folder and the run's real Redis
 * server (test/support/redis-server.ts), plus each opener's argument checks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isFloeError, openEmbeddedOnlineStore, openRedisOnlineStore } from 'floe';
import { redisLabel, requireRedisUrl } from '../../support/redis-endpoint.js';
import { describeOnlineStoreContract } from './store.suite.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
let prefixes = 0;

describeOnlineStoreContract('embedded (lmdb)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-online-'));
  dirs.push(dir);
  return openEmbeddedOnlineStore({ path: dir });
});

// Each store gets its own key prefix on the shared server, so tests do not see each other.
describeOnlineStoreContract(redisLabel(), () => openRedisOnlineStore({ url: requireRedisUrl(), keyPrefix: `test:${process.pid}:${++prefixes}:` }));

describe('online store openers', () => {
  it('refuse a bad path or URL with InvalidArgumentError naming the argument', async () => {
    await expect(openEmbeddedOnlineStore({ path: '' })).rejects.toSatisfy((e: unknown) => isFloeError(e, 'INVALID_ARGUMENT') && /path/.test((e as Error).message));
    await expect(openRedisOnlineStore({ url: 'http://127.0.0.1:1' })).rejects.toSatisfy((e: unknown) => isFloeError(e, 'INVALID_ARGUMENT') && /url/.test((e as Error).message));
  });

  it('report an unreachable Redis server as a StoreError naming it', async () => {
    await expect(openRedisOnlineStore({ url: 'redis://127.0.0.1:1' })).rejects.toSatisfy((e: unknown) => isFloeError(e, 'STORE_ERROR') && /127\.0\.0\.1:1/.test((e as Error).message));
  });

  it('persist the embedded store across reopen', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'floe-online-'));
    dirs.push(dir);
    const a = await openEmbeddedOnlineStore({ path: dir });
    await a.write([{ view: 'v', entityKey: [1n], record: { values: { f: 1n }, eventTimeMs: 1, snapshotId: 2n } }]);
    await a.setWatermark('v', { snapshotId: 2n, materializedAtMs: 3 });
    await a.close();
    const b = await openEmbeddedOnlineStore({ path: dir });
    expect(await b.read({ view: 'v', entityKeys: [[1n]] })).toEqual([{ values: { f: 1n }, eventTimeMs: 1, snapshotId: 2n }]);
    expect(await b.getWatermark('v')).toEqual({ snapshotId: 2n, materializedAtMs: 3 });
    await b.close();
  });
});
