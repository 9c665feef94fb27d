import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFsStore, openStore, PrefixedStore, S3Store } from '../../src/store/index.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('openStore', () => {
  it('memory:// is a fresh in-memory store each time', async () => {
    const a = await openStore('memory://');
    const b = await openStore('memory://');
    await a.put('k', new Uint8Array([1]));
    await expect(b.head('k')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('file:///abs and plain paths are local folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-open-'));
    dirs.push(dir);
    const viaUri = await openStore(`file://${dir}/wh%20one`);
    expect(viaUri).toBeInstanceOf(LocalFsStore);
    expect((viaUri as LocalFsStore).root).toBe(join(dir, 'wh one'));
    await viaUri.put('k', new Uint8Array([7]));
    const viaPath = await openStore(join(dir, 'wh one'));
    expect([...(await viaPath.get('k')).bytes]).toEqual([7]);
    expect(((await openStore('relative/wh')) as LocalFsStore).root).toBe(resolve('relative/wh'));
    await expect(openStore('file://remote-host/x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('s3://bucket/prefix (and s3a://) is a prefixed S3 store, configured from options', async () => {
    const s = await openStore('s3a://my-bucket/wh/ns', { s3: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' } });
    expect(s).toBeInstanceOf(PrefixedStore);
    expect((s as PrefixedStore).inner).toBeInstanceOf(S3Store);
    expect(s.name).toBe('s3://my-bucket/wh/ns');
    ((s as PrefixedStore).inner as S3Store).destroy();
    await expect(openStore('s3:///x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses other schemes with UNSUPPORTED and a hint', async () => {
    await expect(openStore('gs://b/x')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(openStore('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
