/**
 * The reading of a request to be signed (store/s3-request-scope.ts): what it admits, and that
 * everything a signature could be stretched with is refused rather than guessed at.
 */
import { describe, expect, it } from 'vitest';
import { scopeS3Request } from '../../src/store/index.js';

const BUCKET = 'http://127.0.0.1:9000/wh-bucket';
const scope = (method: string, rest: string, headers: Record<string, string[]> = {}) => scopeS3Request({ method, uri: `${BUCKET}${rest}`, headers }, BUCKET);

describe('scopeS3Request', () => {
  it('admits the object operations and listings Floe sends, and says which write', () => {
    const admitted: [string, string, string, boolean][] = [
      ['GET', '/t/a/data/f.parquet', 'GetObject', false],
      ['HEAD', '/t/a/data/f.parquet?x-id=HeadObject', 'HeadObject', false],
      ['PUT', '/t/a/data/f.parquet', 'PutObject', true],
      ['DELETE', '/t/a/data/f.parquet', 'DeleteObject', true],
      ['POST', '/t/a/data/f.parquet?uploads=', 'CreateMultipartUpload', true],
      ['PUT', '/t/a/data/f.parquet?partNumber=2&uploadId=abc', 'UploadPart', true],
      ['POST', '/t/a/data/f.parquet?uploadId=abc', 'CompleteMultipartUpload', true],
      ['DELETE', '/t/a/data/f.parquet?uploadId=abc', 'AbortMultipartUpload', true],
    ];
    for (const [method, rest, operation, writes] of admitted) {
      const r = scope(method, rest);
      expect(r.ok ? [r.scope.operation, r.scope.writes, r.scope.kind === 'object' ? r.scope.key : ''] : r.reason).toEqual([operation, writes, 't/a/data/f.parquet']);
    }
    const list = scope('GET', '/?list-type=2&prefix=t%2Fa%2Fdata%2F&max-keys=1000');
    expect(list.ok && list.scope).toEqual({ kind: 'list', operation: 'ListObjectsV2', prefix: 't/a/data/', writes: false });
    // The client's own signature headers are dropped; the host is the URI's.
    const r = scope('GET', '/t/a/f', { Authorization: ['AWS4-HMAC-SHA256 forged'], 'X-Amz-Date': ['20200101T000000Z'], Range: ['bytes=0-9'] });
    expect(r.ok && r.request.headers).toEqual({ host: '127.0.0.1:9000', range: 'bytes=0-9', 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
  });

  it('refuses what would reach other objects or change who may read them', () => {
    const refused: [string, string, Record<string, string[]>?][] = [
      ['GET', '/t/a/../b/f'],
      ['GET', '/t/a/./f'],
      ['GET', '/t/a//f'],
      ['GET', '/t/a/%2E%2E/b/f'],
      ['GET', '/t/a%2Fb'],
      ['GET', '/t/a%5Cb'],
      ['GET', '/t/a\\b'],
      ['GET', '/t/a#f'],
      ['GET', '/t/a/f?acl='],
      ['GET', '/t/a/f?versionId=1'],
      ['GET', '/t/a/f?x=1&x=2'],
      ['PUT', '/t/a/f?tagging='],
      ['POST', '/t/a/f'],
      ['POST', '/?delete='],
      ['GET', '/'],
      ['GET', '/?list-type=2'],
      ['GET', '/?list-type=2&prefix=t%2F..%2Fb'],
      ['DELETE', '/'],
      ['PUT', '/t/a/copy', { 'x-amz-copy-source': ['/wh-bucket/t/b/f'] }],
      ['PUT', '/t/a/f', { 'X-Amz-Acl': ['public-read'] }],
      ['PUT', '/t/a/f', { 'x-amz-grant-read': ['uri=http://acs.amazonaws.com/groups/global/AllUsers'] }],
      ['GET', '/t/a/f', { host: ['evil.example'] }],
      ['PUT', '/t/a/f', { 'x-amz-content-sha256': ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD'] }],
    ];
    for (const [method, rest, headers] of refused) expect([method, rest, scope(method, rest, headers ?? {}).ok]).toEqual([method, rest, false]);
    expect(scopeS3Request({ method: 'GET', uri: 'http://127.0.0.1:9000/other-bucket/t/a/f', headers: {} }, BUCKET).ok).toBe(false);
    expect(scopeS3Request({ method: 'GET', uri: 'http://127.0.0.1:9000/wh-bucket-2/t/a/f', headers: {} }, BUCKET).ok).toBe(false);
    expect(scopeS3Request({ method: 'GET', uri: 'http://127.0.0.1:9001/wh-bucket/t/a/f', headers: {} }, BUCKET).ok).toBe(false);
  });
});
