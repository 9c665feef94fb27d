/**
 * Time travel: a table built by 100 appends of 10k events rows, then a read of version 50 (the
 * 50th append: 500k rows in 50 files).
 *
 * - Floe: `Table.load` + `scan({ snapshotId: snapshots()[49] }).toArrow()`, over a counting store.
 * - LanceDB: `openTable` + `checkout(50)` + `query().toArrow()` (createTable is version 1, each
 *   `add` one more).
 * - DuckDB: n/a (Parquet files have no versions).
 *
 * The build is reported too: 100 appends of 10k rows, one after another.
 *
 * @module
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, cellOf, runChild } from '../lib/harness.js';
import { median, percentile } from '../lib/measure.js';

/** Printed title. */
export const title = 'time travel (local-fs)';

const SELF = fileURLToPath(import.meta.url);
const COMMITS = 100;
const VERSION = 50;
const REPEATS = 3;

/** Floe child: `commits` appends of `rowsPerCommit` rows to a new table. */
export async function floeBuildHistory(args) {
  const { makeTable, openWarehouse } = await import('../lib/floe.js');
  const wh = await openWarehouse(args.warehouse);
  let table;
  const times = [];
  for (let i = 0; i < args.commits; i++) {
    const data = makeTable('events', args.rowsPerCommit, i * args.rowsPerCommit);
    const t0 = performance.now();
    if (i === 0) table = await wh.createTable(`bench.${args.name}`, data.schema);
    await table.append(data);
    times.push(performance.now() - t0);
  }
  return { times, uri: table.uri, snapshots: table.snapshots().length };
}

/** Floe child: reads the `version`-th snapshot, `repeats` times. */
export async function floeReadVersion(args) {
  const { openCounted } = await import('../lib/floe.js');
  const times = [];
  let rows = 0;
  let io;
  for (let i = 0; i < args.repeats; i++) {
    const t0 = performance.now();
    const opened = await openCounted(args.uri);
    const snap = opened.table.snapshots()[args.version - 1];
    const out = await opened.table.scan({ snapshotId: snap.snapshotId }).toArrow();
    times.push(performance.now() - t0);
    rows = out.numRows;
    io = opened.io.snapshot();
  }
  return { times, rows, requests: io.requests, bytesRead: io.bytesRead };
}

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const warehouse = `file://${join(ctx.dir, 'floe-wh')}`;
  const rowsPerCommit = ctx.size(10_000);
  const name = 'history';
  const floeBuild = await attempt(() => runChild(SELF, 'floeBuildHistory', { warehouse, name, commits: COMMITS, rowsPerCommit }, { label: 'floe build history', timeoutMs: 300_000 }));
  const lanceArgs = { dir: join(ctx.dir, 'lance'), name };
  const lanceBuild = await attempt(() => ctx.peer('lancedb', 'buildHistory', { ...lanceArgs, commits: COMMITS, rowsPerCommit }, { timeoutMs: 300_000 }));
  const expect = VERSION * rowsPerCommit;
  const floeRead = floeBuild.ok
    ? await attempt(() => runChild(SELF, 'floeReadVersion', { uri: floeBuild.value.uri, version: VERSION, repeats: REPEATS }, { label: 'floe time travel' }))
    : { ok: false, cell: { skipped: 'no Floe table was built' } };
  const lanceRead = lanceBuild.ok
    ? await attempt(() => ctx.peer('lancedb', 'scan', { ...lanceArgs, version: VERSION, repeats: REPEATS }))
    : lanceBuild;
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const buildCase = `build: ${COMMITS} appends × ${rowsPerCommit / 1000}k rows`;
  const readCell = (r) =>
    cellOf(r, (v) => ({ value: median(v.times), detail: `cold ${Math.round(v.times[0])} ms, ${v.rows} rows${v.rows !== expect ? ` (expected ${expect}!)` : ''}${v.requests ? `, ${v.requests} requests` : ''}` }));
  const na = { na: 'DuckDB writes Parquet files, which have no versions' };
  return [
    { case: buildCase, metric: 'total', unit: 's', better: 'lower', floe: cellOf(floeBuild, (v) => sum(v.times) / 1000), duckdb: na, lancedb: cellOf(lanceBuild, (v) => sum(v.times) / 1000) },
    { case: buildCase, metric: 'p50 per append', unit: 'ms', better: 'lower', floe: cellOf(floeBuild, (v) => percentile(v.times, 50)), duckdb: na, lancedb: cellOf(lanceBuild, (v) => percentile(v.times, 50)) },
    { case: `read version ${VERSION} of ${COMMITS}`, metric: 'time (median of 3)', unit: 'ms', better: 'lower', floe: readCell(floeRead), duckdb: na, lancedb: readCell(lanceRead) },
  ];
}
