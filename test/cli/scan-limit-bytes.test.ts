/**
 * `floe scan --limit 10` on a table of several files with several row groups each reads one
 * row group of one file (plus that file's footer), counted at the local-fs store.
 */
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { Warehouse } from '../../src/node.js';
import { readParquetMetadata, SPECULATIVE_TAIL_BYTES } from '../../src/io/index.js';
import { LocalFsStore } from '../../src/store/local-fs.js';
import { prng } from '../support/prng.js';
import { runFloe } from './in-process.js';
import { tempDir } from './support.js';

const dir = path.join(tempDir('floe-scan-limit-'), 'wh');
const FILES = 3;
const ROWS = 30_000;
const ROWS_PER_GROUP = 10_000;
const rowGroupBytes = new Map<string, number[]>();
let firstIds: string[] = [];

beforeAll(async () => {
  const random = prng(13);
  const wh = await Warehouse.open(dir);
  await wh.createNamespace('ml');
  const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int64(), false), new arrow.Field('v', new arrow.Utf8(), true)]);
  const t = await wh.createTable('ml.big', schema, { properties: { 'write.parquet.row-group-limit': String(ROWS_PER_GROUP) } });
  for (let f = 0; f < FILES; f++) {
    await t.append(
      new arrow.Table({
        id: arrow.makeVector(BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(f * ROWS + i))),
        v: arrow.vectorFromArray(Array.from({ length: ROWS }, () => random().toString(36).slice(2)), new arrow.Utf8()),
      }),
    );
  }
  firstIds = [...(await t.scan().toArrow()).getChild('id')!].slice(0, 10).map(String);
  const store = new LocalFsStore({ root: t.uri.replace(/^file:\/\//, '') });
  for (const task of (await t.scan().planFiles()).tasks) {
    const key = task.file.filePath.slice(t.location().length + 1);
    const meta = readParquetMetadata((await store.get(key)).bytes);
    expect(meta.rowGroups.length).toBe(ROWS / ROWS_PER_GROUP);
    rowGroupBytes.set(path.basename(key), meta.rowGroups.map((g) => g.compressedSizeBytes));
  }
});

afterEach(() => vi.restoreAllMocks());

it('floe scan --limit 10 reads at most one row group of one data file', async () => {
  const reads: { file: string; bytes: number }[] = [];
  const get = LocalFsStore.prototype.get;
  vi.spyOn(LocalFsStore.prototype, 'get').mockImplementation(async function (this: LocalFsStore, p, options) {
    const r = await get.call(this, p, options);
    if (p.endsWith('.parquet')) reads.push({ file: path.basename(p), bytes: r.bytes.length });
    return r;
  });
  const r = await runFloe(['--warehouse', dir, 'scan', 'ml.big', '--limit', '10', '--format', 'csv']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual(firstIds);
  const files = new Set(reads.map((x) => x.file));
  expect(files.size).toBe(1);
  const sizes = rowGroupBytes.get([...files][0]!)!;
  const total = reads.reduce((a, x) => a + x.bytes, 0);
  expect(total).toBeLessThanOrEqual(sizes[0]! + SPECULATIVE_TAIL_BYTES);
  expect(total).toBeLessThan(sizes[0]! + sizes[1]!);
});
