/**
 * URIs → stores (src/store/location.ts): the one place locations are parsed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/node.js'; // registers the local-folder backend, as the Node entry point does
import { LocalFsStore, PrefixedStore, S3Store, openLocation, openLocationRoot } from '../../src/store/index.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('openLocation', () => {
  it('memory://name is one process-wide store per name; other names are separate', async () => {
    const a = openLocation('memory://loc-a').store;
    const b = openLocation('memory://loc-a').store;
    const c = openLocation('memory://loc-c').store;
    await a.put('k', new Uint8Array([1]));
    expect([...(await b.get('k')).bytes]).toEqual([1]);
    await expect(c.head('k')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const sub = openLocation('memory://loc-a/x/y');
    expect(sub.uri).toBe('memory://loc-a/x/y');
    await sub.store.put('k', new Uint8Array([2]));
    expect([...(await a.get('x/y/k')).bytes]).toEqual([2]);
  });

  it('file:///abs and plain paths are local folders; the URI is normalised', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-open-'));
    dirs.push(dir);
    const viaUri = openLocation(`file://${dir}/wh%20one/`);
    expect(viaUri.store).toBeInstanceOf(LocalFsStore);
    expect((viaUri.store as LocalFsStore).root).toBe(join(dir, 'wh one'));
    expect(viaUri.uri).toBe(`file://${join(dir, 'wh one')}`);
    await viaUri.store.put('k', new Uint8Array([7]));
    const viaPath = openLocation(join(dir, 'wh one'));
    expect([...(await viaPath.store.get('k')).bytes]).toEqual([7]);
    expect((openLocation('relative/wh').store as LocalFsStore).root).toBe(resolve('relative/wh'));
    expect(() => openLocation('file://remote-host/x')).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('s3://bucket/prefix (and s3a://) is a prefixed S3 store over one shared bucket store', () => {
    const s3 = { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' };
    const a = openLocation('s3a://my-bucket/wh/ns', { s3 });
    const b = openLocation('s3://my-bucket/other', { s3 });
    expect(a.uri).toBe('s3a://my-bucket/wh/ns');
    expect(a.store).toBeInstanceOf(PrefixedStore);
    expect((a.store as PrefixedStore).inner).toBeInstanceOf(S3Store);
    expect((a.store as PrefixedStore).inner).toBe((b.store as PrefixedStore).inner);
    expect(openLocationRoot('s3a://my-bucket/wh/ns/t/data/x.parquet', { s3 }).rootUri).toBe('s3a://my-bucket');
    expect(() => openLocation('s3:///x')).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses other schemes with UNSUPPORTED and an empty location with INVALID_ARGUMENT', () => {
    expect(() => openLocation('gs://b/x')).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(() => openLocation('')).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
