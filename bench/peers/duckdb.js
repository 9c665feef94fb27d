/**
 * DuckDB's side of the benchmarks (`@duckdb/node-api`): Parquet write and scan, run in child
 * processes by `bench/lib/exec.js`.
 *
 * DuckDB gets the very same rows as Floe by loading the Parquet files Floe wrote (untimed, into
 * an in-memory table) — which also checks that DuckDB reads Floe's files. Its timed write is then
 * `COPY … TO … (FORMAT parquet, COMPRESSION zstd)`: in-memory columns to a Parquet file, the
 * same job as Floe's append minus the table commit, with Floe's codec and row-group size.
 *
 * @module
 */
import { rmSync, statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { eventColumns, EMBEDDING_DIM } from '../lib/datagen.js';
import { memorySampler, percentile, timed } from '../lib/measure.js';
import { bytesUnder } from '../lib/limits.js';

async function open(path = ':memory:') {
  const instance = await DuckDBInstance.create(path);
  return { instance, conn: await instance.connect() };
}

function quote(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}


function selectFrom(args) {
  const cast = args.kind === 'embeddings' ? `id, embedding::FLOAT[${EMBEDDING_DIM}] AS embedding` : '*';
  return `SELECT ${cast} FROM read_parquet(${quote(args.source)}) ORDER BY id`;
}

/** The installed version. */
export async function version() {
  const { conn } = await open();
  const r = await conn.runAndReadAll('SELECT version()');
  return String(r.getRows()[0][0]);
}

/** Loads Floe's files (untimed), then times writing them as Parquet (optionally hive-partitioned), `repeats` times. */
export async function append(args) {
  const { conn } = await open();
  await conn.run(`CREATE TABLE t AS ${selectFrom(args)}`);
  const opts = [`FORMAT parquet`, `COMPRESSION zstd`, `ROW_GROUP_SIZE 131072`];
  if (args.partitionBy) opts.push(`PARTITION_BY (${args.partitionBy})`);
  const times = [];
  for (let i = 0; i < (args.repeats ?? 1); i++) {
    // Repeats write beside the kept output and are removed.
    const out = i === 0 ? args.out : `${args.out}.r${i}`;
    const { ms } = await timed(() => conn.run(`COPY t TO ${quote(out)} (${opts.join(', ')})`));
    times.push(ms);
    if (i > 0) rmSync(out, { recursive: true, force: true });
  }
  const count = await conn.runAndReadAll('SELECT count(*) FROM t');
  return { times, ms: Math.min(...times), rows: Number(count.getRows()[0][0]), bytes: bytesUnder(args.out) };
}

/** Reads Parquet into memory (DuckDB's own vectors, fully materialised), `repeats` times. */
export async function scan(args) {
  const { conn } = await open();
  const from = args.hive ? `read_parquet(${quote(args.path)}, hive_partitioning = true)` : `read_parquet(${quote(args.path)})`;
  const sql = `SELECT * FROM ${from}${args.where ? ` WHERE ${args.where}` : ''}${args.limit !== undefined ? ` LIMIT ${Number(args.limit)}` : ''}`;
  const times = [];
  let rows = 0;
  for (let i = 0; i < (args.repeats ?? 1); i++) {
    const { ms, value } = await timed(() => conn.runAndReadAll(sql));
    times.push(ms);
    rows = value.currentRowCount;
  }
  return { times, rows };
}

/**
 * `commits` autocommitted `INSERT`s of `rows` rows into a table of a DuckDB database file (its
 * own durable table format: WAL, checkpoints), per-commit latencies.
 */
export async function commitLatency(args) {
  const { conn } = await open(args.dbFile);
  await conn.run('CREATE TABLE t (id BIGINT, value DOUBLE, name VARCHAR, category INTEGER, ts TIMESTAMP)');
  const times = [];
  for (let i = 0; i < args.warmup + args.commits; i++) {
    const c = eventColumns(args.rows, { start: i * args.rows });
    const dec = new TextDecoder();
    const values = [];
    for (let r = 0; r < c.length; r++) {
      const name = dec.decode(c.name.data.subarray(c.name.offsets[r], c.name.offsets[r + 1]));
      values.push(`(${c.id[r]}, ${c.value[r]}, '${name}', ${c.category[r]}, make_timestamp(${c.ts[r]}))`);
    }
    const sql = `INSERT INTO t VALUES ${values.join(', ')}`;
    const { ms } = await timed(() => conn.run(sql));
    if (i >= args.warmup) times.push(ms);
  }
  return { times, p50: percentile(times, 50), p95: percentile(times, 95) };
}

/**
 * Reads a CSV (`read_csv`, types inferred as DuckDB does) or JSON-lines (`read_json`) file and
 * writes it as one zstd Parquet file: the same job as `floe append` of that file minus the table
 * commit. Peak RSS is the whole child's (Node + DuckDB).
 */
export async function ingest(args) {
  const { conn } = await open();
  const reader = args.format === 'csv' ? `read_csv(${quote(args.file)})` : `read_json(${quote(args.file)}, format = 'newline_delimited')`;
  const { ms } = await timed(() => conn.run(`COPY (SELECT * FROM ${reader}) TO ${quote(args.out)} (FORMAT parquet, COMPRESSION zstd)`));
  const count = await conn.runAndReadAll(`SELECT count(*) FROM read_parquet(${quote(args.out)})`);
  const bytes = statSync(args.out).size;
  rmSync(args.out, { force: true });
  return { ms, rows: Number(count.getRows()[0][0]), bytes, maxRss: process.resourceUsage().maxRSS * 1024 };
}

/** Streams Parquet chunk by chunk, sampling memory; run under a heap limit. */
export async function stream(args) {
  const { conn } = await open();
  const mem = memorySampler();
  const t0 = performance.now();
  const result = await conn.stream(`SELECT * FROM read_parquet(${quote(args.path)})`);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    rows += chunk.rowCount;
    mem.sample();
  }
  const ms = performance.now() - t0;
  return { ms, rows, ...mem.stop() };
}
