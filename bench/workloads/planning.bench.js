/**
 * Scan planning cost as a table grows: to 10, 100, 1,000 and 10,000 data files, and to 10, 100
 * and 1,000 snapshots. Floe only (DuckDB reads a list of Parquet files and LanceDB a fragment
 * list; neither plans over Iceberg manifests, so no ratio is printed).
 *
 * Everything runs in one process on the memory store, so the times are Floe's CPU cost (decoding
 * metadata, manifest lists and manifests; pruning), and request counts (from the `instrumented`
 * store) stand for the round trips a remote store would add.
 *
 * How the tables are built, through the public API only:
 * - files: a table partitioned by identity(`part`); each new file is one row with a new `part`
 *   value, appended at most 1,000 files per commit (so 10,000 files are 19 appends and 19
 *   manifests);
 * - snapshots: 1,000 appends of one row each to an unpartitioned table (no manifest merging, so
 *   snapshot k lists k manifests).
 *
 * Per size: `Table.load` (ms, requests), `planFiles()` of everything, and of `part = 7` (pruned by
 * partition), or of the first snapshot (time travel); each the median of 3 fresh loads.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { attempt, runChild } from '../lib/harness.js';
import { median } from '../lib/measure.js';

/** Printed title. */
export const title = 'scan planning as the table grows (memory store, Floe only)';

const SELF = fileURLToPath(import.meta.url);
const REPEATS = 3;
const MAX_FILES_PER_COMMIT = 1000;

/** Measures load and planning of `uri` (median of REPEATS fresh loads). */
async function measure(uri, plans) {
  const { openCounted } = await import('../lib/floe.js');
  const out = { load: [], loadRequests: 0 };
  for (const p of plans) out[p.key] = { ms: [], requests: 0, files: 0 };
  for (let i = 0; i < REPEATS; i++) {
    let t0 = performance.now();
    const { table, io } = await openCounted(uri);
    out.load.push(performance.now() - t0);
    out.loadRequests = io.snapshot().requests;
    for (const p of plans) {
      io.reset();
      const opts = p.options(table);
      t0 = performance.now();
      const plan = await table.scan(opts).planFiles();
      out[p.key].ms.push(performance.now() - t0);
      out[p.key].requests = io.snapshot().requests;
      out[p.key].files = plan.tasks.length;
    }
  }
  const result = { loadMs: median(out.load), loadRequests: out.loadRequests };
  for (const p of plans) result[p.key] = { ms: median(out[p.key].ms), requests: out[p.key].requests, files: out[p.key].files };
  return result;
}

function rowsTable(arrow, ids, parts) {
  return arrow.tableFromArrays({ id: BigInt64Array.from(ids, (x) => BigInt(x)), part: Int32Array.from(parts) });
}

/** Floe child: grows a table file by file and measures planning at each size. */
export async function floePlanFiles(args) {
  const { arrow, floe } = await import('../lib/floe.js');
  const wh = await floe.Warehouse.open('memory://bench-planning');
  await wh.createNamespace('bench');
  const schemaOf = rowsTable(arrow, [0], [0]).schema;
  const table = await wh.createTable('bench.files', schemaOf, { partitionBy: 'part' });
  const results = [];
  let have = 0;
  for (const target of args.sizes) {
    const t0 = performance.now();
    let commits = 0;
    while (have < target) {
      const n = Math.min(MAX_FILES_PER_COMMIT, target - have);
      const ids = Array.from({ length: n }, (_, i) => have + i);
      await table.append(rowsTable(arrow, ids, ids));
      have += n;
      commits++;
    }
    const buildMs = performance.now() - t0;
    const m = await measure(table.uri, [
      { key: 'all', options: () => ({}) },
      { key: 'pruned', options: () => ({ filter: 'part = 7' }) },
    ]);
    results.push({ files: target, buildMs, commits, ...m });
  }
  return results;
}

/** Floe child: grows a table snapshot by snapshot and measures planning at each count. */
export async function floePlanSnapshots(args) {
  const { arrow, floe } = await import('../lib/floe.js');
  const wh = await floe.Warehouse.open('memory://bench-planning-snapshots');
  await wh.createNamespace('bench');
  const table = await wh.createTable('bench.snapshots', rowsTable(arrow, [0], [0]).schema);
  const results = [];
  let have = 0;
  for (const target of args.sizes) {
    const t0 = performance.now();
    const times = [];
    while (have < target) {
      const c0 = performance.now();
      await table.append(rowsTable(arrow, [have], [have % 100]));
      times.push(performance.now() - c0);
      have++;
    }
    const buildMs = performance.now() - t0;
    const m = await measure(table.uri, [
      { key: 'current', options: () => ({}) },
      { key: 'first', options: (t) => ({ snapshotId: t.snapshots()[0].snapshotId }) },
    ]);
    results.push({ snapshots: target, buildMs, lastAppendMs: times[times.length - 1], ...m });
  }
  return results;
}

const na = { na: 'not comparable: DuckDB and LanceDB do not plan over Iceberg manifests' };

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const rows = [];
  const fileSizes = ctx.quick ? [10, 100, 1000] : [10, 100, 1000, 10_000];
  const snapshotSizes = ctx.quick ? [10, 100] : [10, 100, 1000];
  const files = await attempt(() => runChild(SELF, 'floePlanFiles', { sizes: fileSizes }, { label: 'floe planning (files)', timeoutMs: 400_000 }));
  if (!files.ok) rows.push({ case: 'data files', metric: 'plan', unit: 'ms', better: 'lower', floe: files.cell, duckdb: na, lancedb: na });
  else {
    for (const r of files.value) {
      const c = `${r.files.toLocaleString('en-US')} data files (${r.commits} more append${r.commits > 1 ? 's' : ''}, built in ${(r.buildMs / 1000).toFixed(1)} s)`;
      rows.push({ case: c, metric: 'load', unit: 'ms', better: 'lower', floe: { value: r.loadMs, detail: `${r.loadRequests} requests` }, duckdb: na, lancedb: na });
      rows.push({ case: c, metric: 'plan all', unit: 'ms', better: 'lower', floe: { value: r.all.ms, detail: `${r.all.files} files` }, duckdb: na, lancedb: na });
      rows.push({ case: c, metric: 'plan all', unit: 'requests', better: 'lower', floe: { value: r.all.requests }, duckdb: na, lancedb: na });
      rows.push({ case: c, metric: 'plan part = 7', unit: 'ms', better: 'lower', floe: { value: r.pruned.ms, detail: `${r.pruned.requests} requests, ${r.pruned.files} file(s) kept` }, duckdb: na, lancedb: na });
    }
  }
  const snaps = await attempt(() => runChild(SELF, 'floePlanSnapshots', { sizes: snapshotSizes }, { label: 'floe planning (snapshots)', timeoutMs: 400_000 }));
  if (!snaps.ok) rows.push({ case: 'snapshots', metric: 'plan', unit: 'ms', better: 'lower', floe: snaps.cell, duckdb: na, lancedb: na });
  else {
    for (const r of snaps.value) {
      const c = `${r.snapshots.toLocaleString('en-US')} snapshots (last append ${Math.round(r.lastAppendMs)} ms)`;
      rows.push({ case: c, metric: 'load', unit: 'ms', better: 'lower', floe: { value: r.loadMs, detail: `${r.loadRequests} requests` }, duckdb: na, lancedb: na });
      rows.push({ case: c, metric: 'plan current', unit: 'ms', better: 'lower', floe: { value: r.current.ms, detail: `${r.current.files} files` }, duckdb: na, lancedb: na });
      rows.push({ case: c, metric: 'plan current', unit: 'requests', better: 'lower', floe: { value: r.current.requests }, duckdb: na, lancedb: na });
      rows.push({ case: c, metric: 'plan first snapshot', unit: 'ms', better: 'lower', floe: { value: r.first.ms, detail: `${r.first.requests} requests` }, duckdb: na, lancedb: na });
    }
  }
  return rows;
}
