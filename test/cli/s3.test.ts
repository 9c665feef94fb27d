/**
 * The CLI on an S3 warehouse (this run's real server): the endpoint from `FLOE_S3_ENDPOINT`,
 * credentials from the standard AWS variables. Create, append, scan, history and info.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestBucket, requireS3Endpoint, s3Label, type TestBucket } from '../support/s3-endpoint.js';
import { floe, jsonLines, tempDir, writeInput } from './support.js';

const root = tempDir();
const buckets: TestBucket[] = [];
afterAll(async () => {
  for (const b of buckets) await b.cleanup();
});

describe(`floe on ${s3Label()}`, () => {
  it('creates, appends, scans and describes a table in s3://bucket/prefix', async () => {
    const e = requireS3Endpoint();
    const bucket = await createTestBucket();
    buckets.push(bucket);
    const env = {
      FLOE_S3_ENDPOINT: e.endpoint,
      AWS_ACCESS_KEY_ID: e.accessKeyId,
      AWS_SECRET_ACCESS_KEY: e.secretAccessKey,
      AWS_REGION: e.region,
      FLOE_S3_ACCESS_KEY: undefined,
      FLOE_S3_SECRET_KEY: undefined,
      FLOE_S3_REGION: undefined,
    };
    const wh = `s3://${bucket.bucket}/lake`;
    const run = (args: string[]): ReturnType<typeof floe> => floe(['--warehouse', wh, ...args], { cwd: root, env });

    const created = await run(['create', 'ml.events', '--schema', '{"id":"long not null","ts":"timestamptz","emb":"vector(2)"}', '--partition', 'day(ts)']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`created table ml.events at s3://${bucket.bucket}/lake/ml/events`);
    const appended = await run(['append', 'ml.events', writeInput(root, 'e.csv', 'id,ts,emb\n1,2026-01-05T00:00:00Z,"[1,2]"\n2,2026-01-06T00:00:00Z,"[3,4]"\n')]);
    expect(appended.code, appended.stderr).toBe(0);
    const scanned = await run(['scan', 'ml.events', '--json', '--filter', "ts >= '2026-01-06T00:00:00Z'"]);
    expect(scanned.code, scanned.stderr).toBe(0);
    expect(jsonLines(scanned.stdout)).toEqual([{ id: '2', ts: '2026-01-06T00:00:00Z', emb: [3, 4] }]);
    const info = JSON.parse((await run(['info', 'ml.events', '--json'])).stdout);
    expect(info).toMatchObject({ location: `s3://${bucket.bucket}/lake/ml/events`, totalRecords: 2, dataFiles: 2 });
    expect((await run(['tables', '--json'])).stdout).toContain('ml.events');

    const missing = await run(['history', 'ml.nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('floe: error: table not found: ml.nope\n' + `  help: list the tables with \`floe tables ml\` (warehouse ${wh}; set --warehouse or FLOE_WAREHOUSE for another)\n`);
  });

  it('exits 1 naming the bucket when it does not exist, and the credentials when they are refused', async () => {
    const e = requireS3Endpoint();
    const env = { FLOE_S3_ENDPOINT: e.endpoint, AWS_ACCESS_KEY_ID: e.accessKeyId, AWS_SECRET_ACCESS_KEY: e.secretAccessKey, FLOE_S3_ACCESS_KEY: undefined, FLOE_S3_SECRET_KEY: undefined };
    const noBucket = await floe(['--warehouse', 's3://floe-no-such-bucket-for-cli/lake', 'tables'], { cwd: root, env });
    expect(noBucket.code).toBe(1);
    expect(noBucket.stderr).toContain('bucket floe-no-such-bucket-for-cli does not exist');
    const noBucketJson = await floe(['--warehouse', 's3://floe-no-such-bucket-for-cli/lake', '--json', 'info', 'ml.t'], { cwd: root, env });
    expect(noBucketJson.code).toBe(1);
    expect(JSON.parse(noBucketJson.stderr).error).toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining('bucket floe-no-such-bucket-for-cli does not exist') });
    const badKey = await floe(['--warehouse', 's3://floe-no-such-bucket-for-cli/lake', 'tables'], { cwd: root, env: { ...env, AWS_SECRET_ACCESS_KEY: 'wrong' } });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain('check the credentials');
  });
});
