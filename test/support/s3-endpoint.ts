/**
 * The tests' side of the S3 server (the global setup's side is s3-server.ts): this run's
 * endpoint as provided by the global setup, describe labels, and a fresh bucket per test.
 * Without a server every function here throws the how-to: S3 tests fail, never skip.
 *
 * @module
 */
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { inject } from 'vitest';
import { S3Store, type S3StoreOptions } from '../../src/store/index.js';
import { describeEndpoint, HOW_TO_GET_S3, type S3Endpoint, type S3EndpointResolution } from './s3-server.js';

export type { S3Endpoint, S3EndpointResolution } from './s3-server.js';

/** This run's resolution, as provided by the global setup. */
export function s3Resolution(): S3EndpointResolution {
  return inject('floeS3') ?? { ok: false, error: `the global setup provided no S3 endpoint (is test/support/global-setup.ts configured?)\n\n${HOW_TO_GET_S3}` };
}

/** A label for describe blocks: `s3 (rgw http://127.0.0.1:17580)` or `s3 (UNAVAILABLE)`. */
export function s3Label(): string {
  const r = s3Resolution();
  return r.ok ? `s3 (${describeEndpoint(r.endpoint)})` : 's3 (UNAVAILABLE: see the error)';
}

/**
 * This run's endpoint.
 * @throws Error with the how-to when there is no S3 server: S3 tests fail, never skip
 */
export function requireS3Endpoint(): S3Endpoint {
  const r = s3Resolution();
  if (!r.ok) throw new Error(r.error);
  return r.endpoint;
}

let adminClient: S3Client | undefined;
let bucketCounter = 0;

/** A raw SDK client on this run's endpoint (for creating buckets and for tests of quirks). */
export function rawS3Client(): S3Client {
  if (adminClient === undefined) {
    const e = requireS3Endpoint();
    adminClient = new S3Client({
      endpoint: e.endpoint,
      region: e.region,
      forcePathStyle: true,
      credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }
  return adminClient;
}

/** A fresh bucket and a store on it. */
export interface TestBucket {
  /** The bucket's name. */
  readonly bucket: string;
  /** An `S3Store` on it. */
  readonly store: S3Store;
  /** Empties and removes the bucket, and closes the store's connections. */
  cleanup(): Promise<void>;
}

/**
 * Creates a fresh, empty bucket for one test (about 6 ms on RGW): the cheapest isolation.
 * @param options extra store options (the endpoint and credentials are this run's)
 * @throws Error with the how-to when there is no S3 server
 */
export async function createTestBucket(options: Omit<S3StoreOptions, 'bucket'> = {}): Promise<TestBucket> {
  const e = requireS3Endpoint();
  const bucket = `floe-t-${process.pid}-${++bucketCounter}-${Math.floor(performance.now() * 1000) % 1_000_000}`;
  await rawS3Client().send(new CreateBucketCommand({ Bucket: bucket }));
  const store = new S3Store({
    bucket,
    endpoint: e.endpoint,
    region: e.region,
    forcePathStyle: true,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
    ...options,
  });
  return {
    bucket,
    store,
    async cleanup() {
      try {
        const limit = pLimit(32);
        const keys: string[] = [];
        for await (const m of store.list('')) keys.push(m.path);
        await Promise.all(keys.map((k) => limit(() => store.delete(k))));
        await rawS3Client().send(new DeleteBucketCommand({ Bucket: bucket }));
      } finally {
        store.destroy();
      }
    },
  };
}

/** How a test and the Floe processes it starts reach an S3 warehouse. */
export interface S3ProcessSettings {
  /** `WarehouseOptions.s3` for this process. */
  readonly s3: { endpoint: string; region: string; forcePathStyle: true; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** `FLOE_S3_*` for child processes (how any Floe process is configured). */
  readonly env: Record<string, string>;
}

/**
 * This run's endpoint as warehouse options and as the environment of child processes.
 * @throws Error with the how-to when there is no S3 server
 */
export function s3ProcessSettings(): S3ProcessSettings {
  const e = requireS3Endpoint();
  return {
    s3: { endpoint: e.endpoint, region: e.region, forcePathStyle: true, credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey } },
    env: { FLOE_S3_ENDPOINT: e.endpoint, FLOE_S3_REGION: e.region, FLOE_S3_ACCESS_KEY: e.accessKeyId, FLOE_S3_SECRET_KEY: e.secretAccessKey },
  };
}
