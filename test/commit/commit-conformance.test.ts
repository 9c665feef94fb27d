/**
 * The commit conformance suite on every backend: memory (writers as async tasks), local-fs and
 * the real S3 server (writers as separate OS processes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { describeCommitConformance } from '../conformance/commit.suite.js';
import { createTestBucket, requireS3Endpoint, s3Label } from '../support/s3-endpoint.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

let memoryCounter = 0;
describeCommitConformance({
  label: 'memory',
  multiProcess: false,
  open: async () => ({ uri: `memory://commit-suite-${++memoryCounter}`, options: {} }),
});

describeCommitConformance({
  label: 'local-fs',
  multiProcess: true,
  open: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'floe-commit-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return { uri: pathToFileURL(dir).href, options: {} };
  },
});

describeCommitConformance({
  label: s3Label(),
  multiProcess: true,
  open: async () => {
    const e = requireS3Endpoint();
    const bucket = await createTestBucket();
    cleanups.push(() => bucket.cleanup());
    const credentials = { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey };
    return {
      uri: `s3://${bucket.bucket}/wh`,
      options: { s3: { endpoint: e.endpoint, region: e.region, forcePathStyle: true, credentials } },
      env: { FLOE_S3_ENDPOINT: e.endpoint, FLOE_S3_REGION: e.region, FLOE_S3_ACCESS_KEY: e.accessKeyId, FLOE_S3_SECRET_KEY: e.secretAccessKey },
    };
  },
});
