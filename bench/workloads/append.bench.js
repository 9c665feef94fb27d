/**
 * Appends to a new table on local-fs: 1M "events" rows (int64, float64, 16-char string, int32
 * category, timestamp), 200k rows with a 128-dim float32 embedding, and the 1M events again
 * partitioned by category (100 partitions).
 *
 * - Floe: `createTable` + one `append` (Parquet zstd, metrics, manifest, commit).
 *
 * The machine limit beside each time: copying the input's Arrow bytes once and writing Floe's
 * output bytes with fsync (`bench/lib/limits.js`).
 *
 * Each engine does it twice (a fresh table each time) and the faster run is the figure: on a
 * shared 2-core machine one run is at the mercy of whatever else runs.
 * - DuckDB: `COPY t TO 'x.parquet' (FORMAT parquet, COMPRESSION zstd)` from an in-memory table
 *   holding the same rows (loaded untimed from Floe's files); `PARTITION_BY (category)` for the
 *   partitioned case. No table commit: a Parquet file is all DuckDB writes.
 * - LanceDB: `createTable(name, arrowTable)` (Lance files + manifest, version 1); no partitioning.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, cellOf, runChild } from '../lib/harness.js';
import { bytesUnder } from '../lib/limits.js';

/** Printed title. */
export const title = 'append to a new table (local-fs)';

const SELF = fileURLToPath(import.meta.url);

/**
 * Floe child: create the table and append `rows` seeded rows in one commit, `repeats` times (to
 * tables `name`, `name_r1`, …; the first is the one later workloads read).
 */
export async function floeAppend(args) {
  const { makeTable, openWarehouse } = await import('../lib/floe.js');
  const data = makeTable(args.kind, args.rows);
  const wh = await openWarehouse(args.warehouse);
  const times = [];
  let first;
  for (let i = 0; i < (args.repeats ?? 1); i++) {
    const t0 = performance.now();
    const table = await wh.createTable(`bench.${args.name}${i === 0 ? '' : `_r${i}`}`, data.schema, args.partitionBy ? { partitionBy: args.partitionBy } : {});
    const snap = await table.append(data);
    times.push(performance.now() - t0);
    first ??= { uri: table.uri, summary: snap.summary ?? {} };
    if (i > 0) await wh.dropTable(`bench.${args.name}_r${i}`);
  }
  const arrowBytes = data.batches.reduce((n, b) => n + b.data.byteLength, 0);
  return { times, ms: Math.min(...times), uri: first.uri, files: Number(first.summary['added-data-files'] ?? 0), bytes: Number(first.summary['added-files-size'] ?? 0), arrowBytes };
}

/** Limit child: copy the input's Arrow bytes and write the output's bytes (see bench/lib/limits.js). */
export async function limit(args) {
  const { writeLimit } = await import('../lib/limits.js');
  return writeLimit(args);
}


const MB = 1024 * 1024;
/** Each append runs twice (a fresh table each time); the figure is the faster one. */
const REPEATS = 2;
const best = (v) => ({ value: v.ms, detail: `runs: ${v.times.map((t) => Math.round(t)).join(', ')} ms` });

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const warehouse = `file://${join(ctx.dir, 'floe-wh')}`;
  const lanceDir = join(ctx.dir, 'lance');
  const duckDir = join(ctx.dir, 'duckdb');
  mkdirSync(duckDir, { recursive: true });
  const cases = [
    { key: 'events', label: `${(ctx.size(1_000_000) / 1e6).toFixed(1)}M events rows`, kind: 'events', rows: ctx.size(1_000_000) },
    { key: 'embeddings', label: `${ctx.size(200_000) / 1000}k rows × 128-dim float32`, kind: 'embeddings', rows: ctx.size(200_000) },
    { key: 'eventsByCategory', label: `${(ctx.size(1_000_000) / 1e6).toFixed(1)}M events, partitioned by category (100)`, kind: 'events', rows: ctx.size(1_000_000), partitionBy: 'category' },
  ];
  const rows = [];
  for (const c of cases) {
    const name = c.key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
    const floe = await attempt(() => runChild(SELF, 'floeAppend', { warehouse, name, kind: c.kind, rows: c.rows, repeats: REPEATS, ...(c.partitionBy ? { partitionBy: c.partitionBy } : {}) }, { label: `floe append ${c.key}`, timeoutMs: 300_000 }));
    const floePath = floe.ok ? fileURLToPath(floe.value.uri) : undefined;
    const duckOut = join(duckDir, c.partitionBy ? `${name}` : `${name}.parquet`);
    const duck = floePath
      ? await attempt(() => ctx.peer('duckdb', 'append', { kind: c.kind, source: `${floePath}/data/**/*.parquet`, out: duckOut, repeats: REPEATS, ...(c.partitionBy ? { partitionBy: c.partitionBy } : {}) }, { timeoutMs: 300_000 }))
      : { ok: false, cell: { skipped: 'DuckDB loads the rows from the files Floe failed to write' } };
    const lance = c.partitionBy
      ? { ok: false, cell: { na: 'LanceDB tables have no partitioning' } }
      : await attempt(() => ctx.peer('lancedb', 'append', { dir: lanceDir, name, kind: c.kind, rows: c.rows, repeats: REPEATS }, { timeoutMs: 300_000 }));
    const lim = floe.ok
      ? await attempt(() => runChild(SELF, 'limit', { bytesIn: floe.value.arrowBytes, bytesOut: bytesUnder(fileURLToPath(floe.value.uri)), dir: ctx.dir }, { label: 'write limit' }))
      : floe;
    ctx.tables[c.key] = {
      rows: c.rows,
      floeUri: floe.ok ? floe.value.uri : undefined,
      floePath,
      duckdb: duck.ok ? duckOut : undefined,
      lance: lance.ok ? { dir: lanceDir, name } : undefined,
    };
    rows.push({
      case: c.label,
      metric: 'time (best of 2)',
      unit: 'ms',
      better: 'lower',
      floe: cellOf(floe, (v) => ({ value: v.ms, detail: `${v.files} data file(s), ${(c.rows / (v.ms / 1000) / 1e6).toFixed(2)}M rows/s; runs: ${v.times.map((t) => Math.round(t)).join(', ')} ms` })),
      duckdb: cellOf(duck, (v) => (v.rows === c.rows ? best(v) : { error: `DuckDB read ${v.rows} rows from Floe's files, expected ${c.rows}` })),
      lancedb: cellOf(lance, best),
      limit: cellOf(lim, (v) => ({ value: v.ms, detail: `copy ${(floe.value.arrowBytes / MB).toFixed(0)} MB of Arrow input in memory + write the table's bytes with fsync` })),
    });
    rows.push({
      case: c.label,
      metric: 'bytes on disk',
      unit: 'MB',
      better: 'lower',
      floe: cellOf(floe, (v) => bytesUnder(fileURLToPath(v.uri)) / MB),
      duckdb: cellOf(duck, (v) => v.bytes / MB),
      lancedb: cellOf(lance, () => bytesUnder(join(lanceDir, `${name}.lance`)) / MB),
    });
  }
  return rows;
}
