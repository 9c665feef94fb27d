/**
 * The three warehouses feature tests run on: memory, a local folder and the run's S3 server
 * (a fresh bucket each), opened through the package's public entry only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Warehouse, startRestCatalogServer } from 'floe';
import { createTestBucket, requireS3Endpoint, s3Label } from '../support/s3-endpoint.js';

/** One backend: a label and a way to open a fresh warehouse on it. */
export interface FeatureBackend {
  readonly label: string;
  open(): Promise<Warehouse>;
}

const cleanups: (() => Promise<void> | void)[] = [];
let counter = 0;

/** Removes what the backends created, newest first (a server closes, writing its audit log, before its bucket goes). Call from `afterAll`. */
export async function cleanupBackends(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** Memory, local-fs and S3. */
export const featureBackends: FeatureBackend[] = [
  { label: 'memory', open: () => Warehouse.open(`memory://features-${process.pid}-${++counter}`) },
  {
    label: 'local-fs',
    open: () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'floe-features-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return Warehouse.open(pathToFileURL(dir).href);
    },
  },
  {
    label: s3Label(),
    open: async () => {
      const e = requireS3Endpoint();
      const bucket = await createTestBucket();
      cleanups.push(() => bucket.cleanup());
      const s3 = { endpoint: e.endpoint, region: e.region, forcePathStyle: true, credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey } };
      return Warehouse.open(`s3://${bucket.bucket}/warehouse`, { s3 });
    },
  },
];

/**
 * The same three warehouses served by Floe's REST catalog server (in this process) and opened
 * through it with Floe's REST client as the server's admin: every table operation then commits
 * through the catalog.
 */
export const restBackends: FeatureBackend[] = featureBackends.map((base) => ({
  label: `rest over ${base.label}`,
  open: async () => {
    const served = await base.open();
    const server = await startRestCatalogServer({ warehouse: served, admin: { clientId: 'floe-test-admin', clientSecret: 'test-admin-secret-not-for-production' } });
    cleanups.push(() => server.close());
    const s3 = served.s3Options;
    return Warehouse.open(server.url, { ...(s3 ? { s3 } : {}), catalog: { credential: 'floe-test-admin:test-admin-secret-not-for-production' } });
  },
}));

export { prng } from '../support/prng.js';
