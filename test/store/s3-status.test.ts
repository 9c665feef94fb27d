import { describe, expect, it } from 'vitest';
import { s3ClientConfig } from '../../src/store/index.js';
import { isNoSuchKey, isOutcomeUnknown, isTransient, unquoteEtag, wasNeverSent } from '../../src/store/s3-status.js';

const status = (code: number, name = 'X') => ({ name, $metadata: { httpStatusCode: code } });
const net = (code: string) => Object.assign(new Error(code), { code });

describe('S3 error classification', () => {
  it.each([
    [status(500), true, true],
    [status(503, 'SlowDown'), true, true],
    [status(501, 'NotImplemented'), false, false],
    [status(429), false, true],
    [status(409), false, true],
    [status(412), false, false],
    [status(404, 'NoSuchKey'), false, false],
    [status(403, 'AccessDenied'), false, false],
    [net('ECONNRESET'), true, true],
    [net('ECONNREFUSED'), false, true],
    [{ name: 'AbortError', message: 'aborted' }, true, true],
    [{ name: 'TimeoutError', message: 'timed out' }, true, true],
    [{ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, false, true],
  ])('%j: outcome unknown %s, transient %s', (e, unknown, transient) => {
    expect(isOutcomeUnknown(e)).toBe(unknown);
    expect(isTransient(e)).toBe(transient);
  });

  it('only a refused connection or a failed DNS lookup proves a request never left', () => {
    expect(wasNeverSent(net('ECONNREFUSED'))).toBe(true);
    expect(wasNeverSent(net('EAI_AGAIN'))).toBe(true);
    expect(wasNeverSent(net('ECONNRESET'))).toBe(false);
    expect(wasNeverSent(status(500))).toBe(false);
  });

  it('tells a missing key from a missing bucket', () => {
    expect(isNoSuchKey(status(404, 'NoSuchKey'))).toBe(true);
    expect(isNoSuchKey(status(404, 'NotFound'))).toBe(true);
    expect(isNoSuchKey(status(404, 'NoSuchBucket'))).toBe(false);
  });

  it('unquotes ETags, strong and weak', () => {
    expect(unquoteEtag('"abc"')).toBe('abc');
    expect(unquoteEtag('W/"abc"')).toBe('abc');
    expect(unquoteEtag('abc')).toBe('abc');
    expect(unquoteEtag('')).toBeUndefined();
    expect(unquoteEtag(undefined)).toBeUndefined();
  });
});

describe('s3ClientConfig', () => {
  it('takes endpoint, region and credentials from FLOE_S3_*, path-style for custom endpoints, no SDK retries, checksums only when required', () => {
    const c = s3ClientConfig({
      env: { FLOE_S3_ENDPOINT: 'http://127.0.0.1:9000', FLOE_S3_ACCESS_KEY: 'k', FLOE_S3_SECRET_KEY: 's', FLOE_S3_REGION: 'eu-west-1' },
    });
    expect(c).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });

  it('falls back to AWS_REGION and the AWS credential chain, virtual-hosted style on AWS', () => {
    const c = s3ClientConfig({ env: { AWS_REGION: 'us-west-2' } });
    expect(c.region).toBe('us-west-2');
    expect(c.endpoint).toBeUndefined();
    expect(c.credentials).toBeUndefined();
    expect(c.forcePathStyle).toBe(false);
  });

  it('options win over the environment', () => {
    const c = s3ClientConfig({
      endpoint: 'http://a',
      region: 'r',
      forcePathStyle: false,
      credentials: { accessKeyId: 'o', secretAccessKey: 'p' },
      env: { FLOE_S3_ENDPOINT: 'http://b', FLOE_S3_ACCESS_KEY: 'k', FLOE_S3_SECRET_KEY: 's' },
    });
    expect(c).toMatchObject({ endpoint: 'http://a', region: 'r', forcePathStyle: false, credentials: { accessKeyId: 'o' } });
  });
});
