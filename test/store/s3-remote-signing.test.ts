/**
 * S3 remote signing at the store layer, on the real S3 server: a store that holds no keys and
 * has every request signed by an `S3SigningAuthority` (in process here; the REST catalog's
 * `/sign` in test/governance/data-access.test.ts) passes the whole store suite; and the reason
 * the signer refuses copy and ACL headers — RGW acts on them even when they are not signed —
 * together with the bucket policy that makes RGW itself refuse them (spec/governance.md §G6).
 */
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { NotAuthorizedError } from '../../src/errors.js';
import { S3SigningAuthority, S3Store, prefixed, type S3RequestSigner } from '../../src/store/index.js';
import { describeStoreConformance } from '../conformance/store.suite.js';
import { createTestBucket, rawS3Client, requireS3Endpoint, s3Label } from '../support/s3-endpoint.js';
import { dataAccessBucketPolicy } from '../support/s3-policies.js';

let authority: S3SigningAuthority | undefined;
function signingAuthority(): S3SigningAuthority {
  const e = requireS3Endpoint();
  authority ??= new S3SigningAuthority({ endpoint: e.endpoint, region: e.region, forcePathStyle: true, credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey } });
  return authority;
}
afterAll(() => authority?.destroy());

/** A signer that signs whatever the scope rules admit in one bucket. */
function signerFor(bucket: string, seen?: string[]): S3RequestSigner {
  return async (request) => {
    const scoped = await signingAuthority().scope(request, bucket);
    if (!scoped.ok) throw new NotAuthorizedError(scoped.reason);
    seen?.push(`${scoped.scope.operation}`);
    return signingAuthority().sign(scoped.request, request.uri);
  };
}

/** A keyless store on a fresh bucket, signed remotely; keys under `root/` (a listing must name a prefix). */
async function keylessStore(): Promise<{ store: S3Store; cleanup: () => Promise<void>; seen: string[] }> {
  const e = requireS3Endpoint();
  const b = await createTestBucket();
  const seen: string[] = [];
  // No credentials, and an environment without keys: only the signer can make a request valid.
  const store = new S3Store({ bucket: b.bucket, endpoint: e.endpoint, region: e.region, forcePathStyle: true, env: {}, signer: signerFor(b.bucket, seen), multipartThresholdBytes: 5 * 1024 ** 2, partSizeBytes: 5 * 1024 ** 2 });
  return { store, seen, cleanup: async () => { store.destroy(); await b.cleanup(); } };
}

describeStoreConformance(`${s3Label()} signed remotely, holding no keys`, async () => {
  const k = await keylessStore();
  return { store: prefixed(k.store, 'root/'), cleanup: k.cleanup };
});

describe(`remote signing at the store: ${s3Label()}`, () => {
  it('a keyless store writes multipart uploads through the signer, and its refusals surface unchanged', async () => {
    const k = await keylessStore();
    try {
      const big = new Uint8Array(11 * 1024 ** 2).map((_, i) => i % 251);
      await k.store.put('root/big.bin', big);
      expect(k.seen).toEqual(expect.arrayContaining(['CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']));
      // Compared as bytes: a deep equality of 11 MiB element by element takes minutes.
      expect(Buffer.compare((await k.store.get('root/big.bin')).bytes, big)).toBe(0);
      // The signer refuses a listing of the whole bucket: the store reports the refusal itself.
      await expect(async () => {
        for await (const _ of k.store.list('')) break;
      }).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
      // And a conditional put it refuses is a refusal, not an unknown outcome.
      const refusing = new S3Store({ bucket: 'other', endpoint: requireS3Endpoint().endpoint, region: requireS3Endpoint().region, env: {}, signer: async () => { throw new NotAuthorizedError('no'); } });
      await expect(refusing.put('x', new Uint8Array(1), { mode: { kind: 'create' } })).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
      refusing.destroy();
    } finally {
      await k.cleanup();
    }
  });

  it('RGW acts on an unsigned x-amz-copy-source of a signed PUT; the bucket policy of §G6 makes it refuse', async () => {
    const client = rawS3Client();
    const authorityNow = signingAuthority();
    for (const withPolicy of [false, true]) {
      const b = await createTestBucket();
      try {
        await b.store.put('b/secret', new TextEncoder().encode('SECRET'));
        if (withPolicy) await client.send(new PutBucketPolicyCommand({ Bucket: b.bucket, Policy: JSON.stringify(dataAccessBucketPolicy(b.bucket)) }));
        // A PUT of a/copy that the signer admits, signed without the copy header …
        const uri = `${await authorityNow.bucketUrl(b.bucket)}/a/copy`;
        const scoped = await authorityNow.scope({ method: 'PUT', uri, headers: { 'x-amz-content-sha256': ['UNSIGNED-PAYLOAD'] } }, b.bucket);
        if (!scoped.ok) throw new Error(scoped.reason);
        const signed = await authorityNow.sign(scoped.request, uri);
        // … sent with the header added after signing.
        const headers: Record<string, string> = { ...Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, v.join(',')])), 'x-amz-copy-source': `/${b.bucket}/b/secret` };
        delete headers['host'];
        const r = await fetch(uri, { method: 'PUT', headers, body: '' });
        const copied = await b.store.get('a/copy').then((g) => new TextDecoder().decode(g.bytes), () => undefined);
        if (withPolicy) expect([r.status, copied]).toEqual([403, undefined]);
        else expect([r.status, copied]).toEqual([200, 'SECRET']);
        // The policy leaves Floe's own requests alone.
        await b.store.put('a/plain', new TextEncoder().encode('ok'));
        await b.store.put('a/cond', new TextEncoder().encode('ok'), { mode: { kind: 'create' } });
      } finally {
        await b.cleanup();
      }
    }
  });
});
