/**
 * vitest global setup: resolves this run's Redis server (test/support/redis-server.ts:
 * FLOE_TEST_REDIS_URL, else Debian's redis-server started on a free loopback port) and its S3 server once (test/support/s3-server.ts: env →
 * MinIO through testcontainers → the project's RADOS Gateway launcher), prints which one is used,
 * and provides it to every test worker. The teardown stops only what this run started (for the
 * gateway: releases this run's lease, so a concurrent run keeps its server).
 *
 * When no server can be had, the run goes on and every S3 test fails with the how-to.
 *
 * @module
 */
import type { TestProject } from 'vitest/node';
import { resolveRedis } from './redis-server.js';
import { describeEndpoint, resolveS3Endpoint } from './s3-server.js';

/**
 * @param project the vitest project, to `provide` the endpoint to the workers
 * @returns the teardown
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const { resolution, stop } = await resolveS3Endpoint();
  project.provide('floeS3', resolution);
  if (resolution.ok) {
    console.log(`[floe] S3 endpoint for this run: ${describeEndpoint(resolution.endpoint)} (ready in ${Date.now() - started} ms)`);
  } else {
    console.error(`[floe] NO S3 ENDPOINT: every S3 test will fail.\n${resolution.error}`);
  }
  const redis = await resolveRedis();
  project.provide('floeRedis', redis.resolution);
  if (redis.resolution.ok) {
    console.log(`[floe] Redis for this run: ${redis.resolution.url}${redis.resolution.started ? ' (redis-server started by this run)' : ' (FLOE_TEST_REDIS_URL)'}`);
  } else {
    console.error(`[floe] NO REDIS SERVER: every Redis online-store test will fail.\n${redis.resolution.error}`);
  }
  return async () => {
    await redis.stop();
    await stop();
  };
}
