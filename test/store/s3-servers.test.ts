/**
 * The project's S3 servers stay in step: docker/compose.yml pins the MinIO image testcontainers
 * runs, with the same credentials, and the RADOS Gateway launcher is the project's own.
 */
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MINIO_CREDENTIALS, MINIO_IMAGE } from '../support/minio.js';

const compose = () => readFile(new URL('../../docker/compose.yml', import.meta.url), 'utf8');

describe('S3 servers of the project', () => {
  it('docker/compose.yml pins the MinIO image and credentials the tests use', async () => {
    const text = await compose();
    expect(MINIO_IMAGE).toMatch(/^minio\/minio:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(text).toContain(`image: ${MINIO_IMAGE}`);
    expect(text).toContain(`MINIO_ROOT_USER: ${MINIO_CREDENTIALS.accessKeyId}`);
    expect(text).toContain(`MINIO_ROOT_PASSWORD: ${MINIO_CREDENTIALS.secretAccessKey}`);
  });

  it('the RADOS Gateway launcher is in the repository and executable', async () => {
    for (const script of ['start.sh', 'stop.sh']) {
      const s = await stat(new URL(`../../docker/rgw/${script}`, import.meta.url));
      expect(s.mode & 0o100).toBe(0o100);
    }
  });
});
