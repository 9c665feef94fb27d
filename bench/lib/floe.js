/**
 * Floe's side of the benchmarks: the built package (`dist/node.js`, what `import 'floe'` gives)
 * and its apache-arrow. Imported only inside Floe child processes.
 *
 * Request counts use the public pieces only: `openLocation` gives the store a table URI maps to,
 * `instrumented` counts what passes through it, and `Table.open` opens the table over that
 * counting store (every object under the table root is read through it).
 *
 * @module
 */
import { createRequire } from 'node:module';
import * as arrow from 'apache-arrow';
import * as floe from '../../dist/node.js';
import { embeddingsTable, eventsTable } from './arrow-build.js';
import { embeddingColumns, eventColumns } from './datagen.js';

export { arrow, floe };

/**
 * Seeded rows as an Arrow (21) table.
 * @param {'events' | 'embeddings'} kind
 * @param {number} rows
 * @param {number} [start] first row id
 */
export function makeTable(kind, rows, start = 0) {
  return kind === 'events' ? eventsTable(arrow, eventColumns(rows, { start })) : embeddingsTable(arrow, embeddingColumns(rows, { start }));
}

/** S3 settings from the orchestrator (or undefined). */
export function s3Options(s3) {
  return s3 ? { endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } } : undefined;
}

/**
 * Opens a warehouse and makes sure namespace `bench` exists.
 * @param {string} uri
 * @param {any} [s3]
 */
export async function openWarehouse(uri, s3) {
  const opts = s3Options(s3);
  const wh = await floe.Warehouse.open(uri, opts ? { s3: opts } : {});
  if (!(await wh.namespaceExists('bench'))) await wh.createNamespace('bench');
  return wh;
}

/**
 * Opens a table through a counting store.
 * @param {string} uri the table root
 * @param {any} [s3]
 * @returns {Promise<{ table: any, io: any }>}
 */
export async function openCounted(uri, s3) {
  const opts = s3Options(s3);
  const loc = floe.openLocation(uri, opts ? { s3: opts } : {});
  const io = floe.instrumented(loc.store);
  const table = await floe.Table.open({ uri: loc.uri, store: io }, opts ? { s3: opts } : {});
  return { table, io };
}

/** Floe's version and commit, for the results file. */
export function floeVersion() {
  const require = createRequire(import.meta.url);
  return require('../../package.json').version;
}

/**
 * Makes an S3 bucket if it is missing (the benchmark's own bucket on the test server).
 * @param {any} s3
 */
export async function ensureBucket(s3) {
  const { S3Client, CreateBucketCommand, HeadBucketCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: s3.bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));
  }
  client.destroy();
}
