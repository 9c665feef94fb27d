/**
 * Parquet on worker threads (`io/parquet-pool.ts`): the pool is used, it writes the very bytes
 * and metrics the in-process path writes, decodes to the same rows, reports corrupt files as
 * `CorruptFileError` with the path (and keeps working after), splits large appends into files
 * encoded at once, validates its setting, and never keeps a process alive.
 *
 * The workers run the build (`dist/io/parquet-worker.js`): `npm test` builds first.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFloeError } from '../../src/errors.js';
import {
  computeMetrics,
  encodeDataFile,
  readParquet,
  readParquetAsync,
  setWorkerMinBytes,
  setWorkerThreads,
  THREADS_ENV,
  workerTasksRun,
  workerThreads,
  writeParquet,
} from '../../src/io/index.js';
import { Warehouse } from '../../src/index.js';
import { encodeSchema } from '../../src/spec/index.js';
import type { NestedField, Schema } from '../../src/spec/index.js';
import { parallelFileRows } from '../../src/transaction/write-data-files.js';
import { stringifyJson } from '../../src/util/index.js';
import { allPrimitiveFields, batchFromRows, randomRows, rowsOf } from './datagen.js';
import { prng } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const nested: NestedField[] = [
  { id: 1, name: 'id', required: true, type: { type: 'long' } },
  { id: 2, name: 'tags', required: false, type: { type: 'list', elementId: 3, element: { type: 'string' }, elementRequired: false } },
  { id: 4, name: 'attrs', required: false, type: { type: 'map', keyId: 5, key: { type: 'string' }, valueId: 6, value: { type: 'double' }, valueRequired: false } },
];
const schema: Schema = { schemaId: 0, fields: [...nested, ...allPrimitiveFields(100)] };
const footer = { 'iceberg.schema': stringifyJson(encodeSchema(schema)) };
const rows = randomRows(schema, 1000, prng(7));
const data = new arrow.Table([batchFromRows(schema, rows)]);

// The environment wins over setWorkerThreads: these tests set the size themselves.
const savedEnv = process.env[THREADS_ENV];
beforeAll(async () => {
  delete process.env[THREADS_ENV];
  await setWorkerThreads(2);
  // These files are small: send them to the workers all the same.
  setWorkerMinBytes(0);
});
afterAll(async () => {
  setWorkerMinBytes(undefined);
  await setWorkerThreads(undefined);
  if (savedEnv === undefined) delete process.env[THREADS_ENV];
  else process.env[THREADS_ENV] = savedEnv;
});

async function caught(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('the parquet worker pool', () => {
  it('encodes on a worker the same bytes and metrics as in process', async () => {
    const before = workerTasksRun();
    const options = { rowGroupRows: 300, keyValueMetadata: footer, path: 'mem://a.parquet' };
    const pooled = await encodeDataFile(data, schema, options);
    expect(workerTasksRun()).toBe(before + 1);
    expect(Buffer.from(pooled.bytes).equals(Buffer.from(writeParquet(data, options)))).toBe(true);
    expect(pooled.metrics).toEqual(computeMetrics(data, schema));
  });

  it('decodes a file of several row groups on several workers to the same rows, whole or in part', async () => {
    const bytes = writeParquet(data, { rowGroupRows: 150, keyValueMetadata: footer });
    const cases = [{}, { columns: ['id', 'attrs', 'c_uuid'] }, { rowGroups: [5, 1] }, { limit: 321, offset: 17 }, { batchSize: 100 }];
    for (const options of cases) {
      const before = workerTasksRun();
      const pooled = await readParquetAsync(bytes, options);
      // Split into one range of row groups per thread, unless limit/offset count rows across them.
      expect(workerTasksRun() - before).toBe('limit' in options ? 1 : 2);
      const local = readParquet(bytes, options);
      expect(pooled.schema.fields.map((f) => [f.name, String(f.type), [...f.metadata]])).toEqual(local.schema.fields.map((f) => [f.name, String(f.type), [...f.metadata]]));
      expect([...pooled.schema.metadata]).toEqual([...local.schema.metadata]);
      const selected: Schema = { schemaId: 0, fields: schema.fields.filter((f) => local.schema.fields.some((g) => g.name === f.name)) };
      expect(rowsOf(selected, pooled)).toEqual(rowsOf(selected, local));
    }
    expect(rowsOf(schema, await readParquetAsync(bytes))).toEqual(rows);
  });

  it('reports corrupt files as CorruptFileError with the path, over seeded corruptions, and keeps decoding', async () => {
    const good = writeParquet(data, { rowGroupRows: 250, keyValueMetadata: footer });
    const rnd = prng(1313);
    const bad: Uint8Array[] = [new Uint8Array([1, 2, 3]), good.slice(0, good.length - 20), good.slice(10)];
    for (let k = 0; k < 40; k++) {
      const copy = good.slice();
      // Flip bytes in the data pages (the footer is checked in JS before any worker runs).
      for (let j = 0; j < 8; j++) copy[4 + Math.floor(rnd() * (good.length / 2))] = Math.floor(rnd() * 256);
      bad.push(copy);
    }
    let failures = 0;
    for (const bytes of bad) {
      const e = await caught(() => readParquetAsync(bytes, { path: 's3://b/t/data/x.parquet' }));
      if (e === undefined) continue;
      failures += 1;
      expect(isFloeError(e, 'CORRUPT_FILE'), String(e)).toBe(true);
      expect((e as Error).message).toContain('s3://b/t/data/x.parquet');
    }
    expect(failures).toBeGreaterThan(3);
    expect(rowsOf(schema, await readParquetAsync(good))).toEqual(rows);
  });

  it('cuts a file of several row groups into one file per thread, at row-group boundaries', () => {
    expect(parallelFileRows(1000, 100, 1)).toBe(1000);
    expect(parallelFileRows(1000, 100, 2)).toBe(500);
    expect(parallelFileRows(1000, 300, 2)).toBe(600);
    expect(parallelFileRows(100, 100, 4)).toBe(100);
    expect(parallelFileRows(700, 100, 4)).toBe(200);
  });

  it('an append with the pool writes the same rows as one without, in a file per thread', async () => {
    const append = async (threads: number) => {
      await setWorkerThreads(threads);
      const wh = await Warehouse.open(`memory://pool-append-${threads}`);
      await wh.createNamespace('ns');
      const t = await wh.createTable('ns.t', schema, { properties: { 'write.parquet.row-group-limit': '200' } });
      const before = workerTasksRun();
      const snap = await t.append(data);
      const back = await t.scan().toArrow();
      const tasks = workerTasksRun() - before;
      return { files: snap.summary['added-data-files'], tasks, rows: rowsOf(schema, back) };
    };
    const inProcess = await append(1);
    const pooled = await append(2);
    await setWorkerThreads(2);
    expect(inProcess).toMatchObject({ files: '1', tasks: 0 });
    expect(pooled.files).toBe('2');
    // two encodes, then each file's decode split over two threads
    expect(pooled.tasks).toBe(2 + 4);
    expect(pooled.rows.sort((a, b) => Number(a['id']) - Number(b['id']))).toEqual(inProcess.rows.sort((a, b) => Number(a['id']) - Number(b['id'])));
  });

  it('validates the thread count: FLOE_THREADS and setWorkerThreads refuse anything but an integer from 0 to 256', async () => {
    for (const bad of [-1, 1.5, 257, Number.NaN]) {
      await expect(setWorkerThreads(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(workerThreads()).toBe(2);
    try {
      // Files under 1 MiB are encoded and decoded in process by default (a worker costs more to start).
      setWorkerMinBytes(undefined);
      const small = workerTasksRun();
      await encodeDataFile(data, schema);
      await readParquetAsync(writeParquet(data, { rowGroupRows: 150 }));
      expect(workerTasksRun()).toBe(small);
      setWorkerMinBytes(0);
      process.env[THREADS_ENV] = 'many';
      expect(() => workerThreads()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`${THREADS_ENV} must be an integer`) }));
      process.env[THREADS_ENV] = '0';
      expect(workerThreads()).toBe(1);
      const before = workerTasksRun();
      await readParquetAsync(writeParquet(data, { rowGroupRows: 150 }));
      expect(workerTasksRun()).toBe(before);
    } finally {
      delete process.env[THREADS_ENV];
    }
  });

  it('does not keep a process alive: a script that appends and scans through the pool exits on its own', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'floe-pool-'));
    try {
      const script = path.join(dir, 'run.mjs');
      writeFileSync(
        script,
        `import * as floe from ${JSON.stringify(path.join(ROOT, 'dist', 'node.js'))};
const wh = await floe.Warehouse.open(${JSON.stringify(`file://${dir}/wh`)});
await wh.createNamespace('ns');
const t = await wh.createTable('ns.t', { schemaId: 0, fields: [{ id: 1, name: 'id', required: true, type: { type: 'long' } }] }, { properties: { 'write.parquet.row-group-limit': '1000' } });
await t.append(Array.from({ length: 5000 }, (_, i) => ({ id: BigInt(i) })));
const back = await t.scan().toArrow();
console.log(back.numRows, floe.workerThreads());
`,
      );
      const out = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [script], { env: { ...process.env, [THREADS_ENV]: '2' }, timeout: 60_000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`${error.message}\n${stderr}`));
          else resolve(stdout);
        });
      });
      expect(out.trim()).toBe('5000 2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
