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
import { createTestBucket, s3Label, s3ProcessSettings } from '../support/s3-endpoint.js';

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
    const { s3, env } = s3ProcessSettings();
    const bucket = await createTestBucket();
    cleanups.push(() => bucket.cleanup());
    return { uri: `s3://${bucket.bucket}/wh`, options: { s3 }, env };
  },
});
