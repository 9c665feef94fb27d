/**
 * What a scan fetches, counted by the instrumented store on memory, a local folder and S3: a
 * stats-selective 1% scan of a multi-row-group file fetches its footer and at most twice the
 * compressed bytes of the row groups it keeps; a limited scan of a table of several files with
 * several row groups each fetches one row group of one file (plus the footer); training reads of
 * chosen row groups fetch only those. The rows are those of a whole-file read.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { type IoStats, Table, Warehouse, instrumented, openLocation, setWorkerThreads } from 'floe';
import { bindExpression, parseFilter } from '../../src/expr/index.js';
import { readParquetMetadata, SPECULATIVE_TAIL_BYTES } from '../../src/io/index.js';
import { type DeleteLoader, type FileScanTask, readLocated, readTask } from '../../src/scan/index.js';
import type { TableMetadata } from '../../src/spec/index.js';
import type { FileLocator } from '../../src/store/index.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { prng } from '../support/prng.js';

const ROWS_PER_GROUP = 10_000;

afterAll(cleanupBackends);

/** Rows `first … first + count - 1`: a sorted id and a random (incompressible) text, so row groups are large. */
function rows(first: number, count: number, random: () => number): arrow.Table {
  const hex = (): string => Math.floor(random() * 2 ** 48).toString(16).padStart(12, '0');
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: count }, (_, i) => BigInt(first + i))),
    v: arrow.vectorFromArray(Array.from({ length: count }, () => `${hex()}${hex()}`), new arrow.Utf8()),
  });
}

const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int64(), false), new arrow.Field('v', new arrow.Utf8(), true)]);

/** Bytes and requests of GETs of data files. */
function dataGets(stats: IoStats): { bytes: number; requests: number; paths: Set<string> } {
  const gets = stats.events.filter((e) => e.op === 'get' && e.path.endsWith('.parquet'));
  return { bytes: gets.reduce((a, e) => a + e.bytes, 0), requests: gets.length, paths: new Set(gets.map((e) => e.path)) };
}

/** Each data file's row groups' compressed sizes, read whole from the store (uncounted). */
async function rowGroupSizes(t: Table): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const store = openLocation(t.uri, s3Of(t)).store;
  for (const task of (await t.scan().planFiles()).tasks) {
    const key = task.file.filePath.slice(t.location().length + 1);
    const meta = readParquetMetadata((await store.get(key)).bytes, key);
    out.set(key, meta.rowGroups.map((g) => g.compressedSizeBytes));
  }
  return out;
}

const s3Options = new WeakMap<Table, Parameters<typeof openLocation>[1]>();
function s3Of(t: Table): Parameters<typeof openLocation>[1] {
  return s3Options.get(t) ?? {};
}

async function counted(t: Table) {
  const options = s3Of(t);
  const io = instrumented(openLocation(t.uri, options).store);
  const table = await Table.load(t.uri, { ...options, store: io });
  io.reset();
  return { io, table };
}

function ids(table: arrow.Table): bigint[] {
  return [...(table.getChild('id') as arrow.Vector<arrow.Int64>)].map((x) => x as bigint);
}

function texts(table: arrow.Table): string[] {
  return [...(table.getChild('v') as arrow.Vector<arrow.Utf8>)].map((x) => String(x));
}

describe.each(featureBackends)('bytes a scan fetches ($label)', (backend) => {
  async function table(name: string, files: number, rowsPerFile: number): Promise<Table> {
    const wh = await backend.open();
    await wh.createNamespace('r');
    const t = await wh.createTable(`r.${name}`, schema, { properties: { 'write.parquet.row-group-limit': String(ROWS_PER_GROUP) } });
    const random = prng(files * 1000 + rowsPerFile);
    // One file per append, whatever the machine's cores (worker threads cut a multi-row-group
    // append into one file per thread); reads below use the default threads again.
    await setWorkerThreads(1);
    try {
      for (let f = 0; f < files; f++) await t.append(rows(f * rowsPerFile, rowsPerFile, random));
    } finally {
      await setWorkerThreads(undefined);
    }
    if (wh.s3Options) s3Options.set(t, { s3: wh.s3Options });
    return t;
  }

  it('a 1% stats-selective scan fetches the footer and at most 2× the kept row groups', async () => {
    const t = await table('stats', 1, 100_000);
    const [sizes] = [...(await rowGroupSizes(t)).values()];
    expect(sizes!.length).toBe(10);
    const { io, table: c } = await counted(t);
    const whole = await c.scan().toArrow();
    expect(dataGets(io.snapshot()).requests).toBe(1); // no filter, no limit: one whole-file GET
    io.reset();
    // 1% of the rows, inside row group 5 (ids are the row numbers).
    const got = await c.scan({ filter: 'id >= 50000 AND id < 51000' }).toArrow();
    const read = dataGets(io.snapshot());
    expect(read.bytes).toBeLessThanOrEqual(2 * sizes![5]! + SPECULATIVE_TAIL_BYTES);
    expect(read.bytes).toBeLessThan(sizes!.reduce((a, b) => a + b, 0) / 4);
    expect(read.requests).toBe(2); // the tail, then the row group
    expect(ids(got)).toEqual(ids(whole).slice(50_000, 51_000));
    expect(texts(got)).toEqual(texts(whole).slice(50_000, 51_000));
    // The last row group: mostly in the tail read with the footer.
    io.reset();
    const last = await c.scan({ filter: 'id >= 99000' }).toArrow();
    expect(dataGets(io.snapshot()).bytes).toBeLessThanOrEqual(2 * sizes![9]! + SPECULATIVE_TAIL_BYTES);
    expect(texts(last)).toEqual(texts(whole).slice(99_000));
    // A filter no statistics prune reads every row group, and the same rows as the whole file.
    io.reset();
    const all = await c.scan({ filter: "v != 'x'" }).toArrow();
    expect(texts(all)).toEqual(texts(whole));
  });

  it('scan({ limit: 10 }) fetches at most one row group of one file, plus its footer', async () => {
    const t = await table('limit', 3, 30_000);
    const sizes = await rowGroupSizes(t);
    expect([...sizes.values()].every((s) => s.length === 3)).toBe(true);
    const { io, table: c } = await counted(t);
    const whole = await c.scan().toArrow();
    io.reset();
    const got = await c.scan({ limit: 10 }).toArrow();
    const read = dataGets(io.snapshot());
    expect(read.paths.size).toBe(1);
    const first = sizes.get([...read.paths][0]!)!;
    expect(read.bytes).toBeLessThanOrEqual(first[0]! + SPECULATIVE_TAIL_BYTES);
    expect(read.bytes).toBeLessThan(first[0]! + first[1]!);
    expect(ids(got)).toEqual(ids(whole).slice(0, 10));
    expect(texts(got)).toEqual(texts(whole).slice(0, 10));
    // A limit past the first row group reads the next one, still not the other files.
    io.reset();
    const more = await c.scan({ limit: ROWS_PER_GROUP + 5 }).toArrow();
    expect(dataGets(io.snapshot()).paths.size).toBe(1);
    expect(texts(more)).toEqual(texts(whole).slice(0, ROWS_PER_GROUP + 5));
    // With a filter, files are read in turn until the limit is met.
    io.reset();
    const filtered = await c.scan({ filter: 'id >= 30005', limit: 10 }).toArrow();
    expect(ids(filtered)).toEqual(ids(whole).filter((x) => x >= 30_005n).slice(0, 10));
    expect(dataGets(io.snapshot()).paths.size).toBeLessThanOrEqual(2);
  });

  it('a training read of one row group fetches that row group, not the file', async () => {
    const t = await table('training', 1, 50_000);
    const [sizes] = [...(await rowGroupSizes(t)).values()];
    const { io, table: c } = await counted(t);
    const [task] = (await c.scan().planFiles()).tasks;
    const whole = new arrow.Table(await c.fileReader().read(task!));
    for (const cachedFiles of [0, 2]) {
      const reader = c.fileReader({ cachedFiles });
      io.reset();
      const got = new arrow.Table(await reader.read(task!, { rowGroups: [3, 1] }));
      expect(dataGets(io.snapshot()).bytes).toBeLessThanOrEqual(2 * (sizes![3]! + sizes![1]!) + SPECULATIVE_TAIL_BYTES);
      expect(texts(got)).toEqual([...texts(whole).slice(30_000, 40_000), ...texts(whole).slice(10_000, 20_000)]);
      // Reading the next row group of the same file: its footer again unless cached.
      io.reset();
      await reader.read(task!, { rowGroups: [2] });
      const again = dataGets(io.snapshot());
      expect(again.requests).toBe(cachedFiles > 0 ? 1 : 2);
    }
  });
});

describe('ranged reads of missing, short and corrupt files', () => {
  async function damaged(damage: (bytes: Uint8Array) => Uint8Array | undefined): Promise<Table> {
    const wh = await Warehouse.open(`memory://read-bytes-errors-${Math.random().toString(36).slice(2)}`);
    await wh.createNamespace('r');
    const t = await wh.createTable('r.t', schema, { properties: { 'write.parquet.row-group-limit': '1000' } });
    await setWorkerThreads(1); // one data file (see `table` above)
    try {
      await t.append(rows(0, 5000, prng(5)));
    } finally {
      await setWorkerThreads(undefined);
    }
    const store = openLocation(t.uri).store;
    const [task] = (await t.scan().planFiles()).tasks;
    const key = task!.file.filePath.slice(t.location().length + 1);
    const bytes = (await store.get(key)).bytes;
    const next = damage(bytes);
    if (next === undefined) await store.delete(key);
    else await store.put(key, next);
    return t;
  }

  const reads: [string, (t: Table) => Promise<unknown>][] = [
    ['a filtered scan', (t) => t.scan({ filter: 'id >= 4500' }).toArrow()],
    ['a limited scan', (t) => t.scan({ limit: 3 }).toArrow()],
    ['a row-group read', async (t) => t.fileReader().read((await t.scan().planFiles()).tasks[0]!, { rowGroups: [1] })],
  ];

  it.each(reads)('%s of a missing file is DataFileNotFoundError', async (_, read) => {
    const t = await damaged(() => undefined);
    await expect(read(t)).rejects.toMatchObject({ code: 'DATA_FILE_NOT_FOUND' });
  });

  it.each(reads)('%s of a file shorter than recorded, or of garbage, is CorruptFileError', async (_, read) => {
    for (const damage of [
      (b: Uint8Array) => b.subarray(0, b.length >> 1),
      (b: Uint8Array) => b.subarray(0, 10),
      (b: Uint8Array) => new Uint8Array(0),
      (b: Uint8Array) => prngBytes(b.length),
      (b: Uint8Array) => Uint8Array.from(b).fill(0, b.length - 4096, b.length - 8),
    ]) {
      const t = await damaged(damage);
      await expect(read(t)).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
    }
  });
});

function prngBytes(n: number): Uint8Array {
  const random = prng(n);
  return Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
}

describe('ranged reads keep position deletes on file positions', () => {
  it('pruned, limited and chosen row groups drop exactly the deleted positions, as a whole-file read does', async () => {
    const wh = await Warehouse.open(`memory://read-bytes-positions-${process.pid}`);
    await wh.createNamespace('r');
    const t = await wh.createTable('r.t', schema, { properties: { 'write.parquet.row-group-limit': '1000' } });
    await setWorkerThreads(1); // one data file (see `table` above)
    try {
      await t.append(rows(0, 5000, prng(9)));
    } finally {
      await setWorkerThreads(undefined);
    }
    const [planned] = (await t.scan().planFiles()).tasks;
    // A position delete file applies (its rows come from the stub loader below).
    const task = { ...planned!, deletes: [{ file: { content: 1 } }] } as unknown as FileScanTask;
    const locator = (t as unknown as { ctx: { locator: FileLocator } }).ctx.locator;
    const deleted = [5, 1999, 2000, 2500, 4001, 4999];
    const deletes = { positionsFor: async () => Int32Array.from(deleted), equalityFor: async () => [] } as unknown as DeleteLoader;
    const base = { table: 'r.t', metadata: (t as unknown as { state: { metadata: TableMetadata } }).state.metadata, locator, readSchema: t.schema(), deletes };
    const idsOf = (batches: arrow.RecordBatch[]): number[] => batches.flatMap((b) => [...(b.getChild('id') as arrow.Vector<arrow.Int64>)].map(Number));
    const whole = (recorded: string) => readLocated(locator, recorded, 'r.t');
    const expected = (keep: (id: number) => boolean): number[] => Array.from({ length: 5000 }, (_, i) => i).filter((i) => keep(i) && !deleted.includes(i));
    // Row groups 0, 2 and 4 kept by statistics: not consecutive.
    const filter = bindExpression(parseFilter('id < 1000 OR (id >= 2000 AND id < 3000) OR id >= 4000'), t.schema(), {});
    const keep = (i: number): boolean => i < 1000 || (i >= 2000 && i < 3000) || i >= 4000;
    expect(idsOf(await readTask(task!, { ...base, filter }))).toEqual(expected(keep));
    expect(idsOf(await readTask(task!, { ...base, filter, fetchBytes: whole }))).toEqual(expected(keep));
    expect(idsOf(await readTask(task!, { ...base, rowGroups: [4, 2] }))).toEqual([...expected((i) => i >= 4000), ...expected((i) => i >= 2000 && i < 3000)]);
    const limited = idsOf(await readTask(task!, { ...base, filter, limit: 1500 }));
    expect(limited).toEqual(expected(keep).slice(0, limited.length));
    expect(limited.length).toBeGreaterThanOrEqual(1500);
  });
});
