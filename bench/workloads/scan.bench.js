/**
 * Reads to Arrow: full scans of the tables `append` wrote, and selective (1%) filtered scans,
 * one prunable by partition (`category = 42` on the table partitioned by category) and one by
 * column statistics (`id >= 99%` of the sorted ids).
 *
 * - Floe: `Table.load` + `scan({ filter }).toArrow()` (a fresh load per repeat), over a counting
 *   store so the requests and bytes read are known.
 * - DuckDB: `SELECT * … FROM read_parquet(…)` fully materialised (`runAndReadAll`: DuckDB's own
 *   vectors, not converted to JS values), over its own Parquet output; hive-partitioned for the
 *   partition case.
 * - LanceDB: `openTable` + `query().where(…).toArrow()` (no scalar index; Lance has no partitions,
 *   so the partition case reads its unpartitioned table).
 *
 * Each measurement runs 3 times in one process; the figure is the median, the first (cold: wasm
 * compile, file cache) is in the notes.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { attempt, cellOf, runChild } from '../lib/harness.js';
import { median } from '../lib/measure.js';

/** Printed title. */
export const title = 'scan to Arrow (local-fs)';

const SELF = fileURLToPath(import.meta.url);
const REPEATS = 3;

/** Floe child: load + scan to one Arrow table, `repeats` times. */
export async function floeScan(args) {
  const { openCounted } = await import('../lib/floe.js');
  const times = [];
  let rows = 0;
  let io;
  let plan;
  for (let i = 0; i < args.repeats; i++) {
    const t0 = performance.now();
    const opened = await openCounted(args.uri);
    const scan = opened.table.scan(args.filter ? { filter: args.filter } : {});
    const out = await scan.toArrow();
    times.push(performance.now() - t0);
    rows = out.numRows;
    io = opened.io.snapshot();
    plan = (await scan.planFiles()).stats;
  }
  return { times, rows, requests: io.requests, bytesRead: io.bytesRead, plan };
}

const MB = 1024 * 1024;

function timesCell(r, expectRows) {
  return cellOf(r, (v) => {
    const wrong = expectRows !== undefined && v.rows !== expectRows ? ` — returned ${v.rows} rows, expected ${expectRows}!` : '';
    return { value: median(v.times), detail: `cold ${Math.round(v.times[0])} ms, ${v.rows} rows${wrong}` };
  });
}

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const t = ctx.tables;
  if (!t.events) throw new Error('scan needs the tables of the append workload (run it first)');
  const n = t.events.rows;
  const cut = Math.round(n * 0.99);
  const cases = [
    { label: `full: ${(n / 1e6).toFixed(1)}M events rows`, table: t.events },
    { label: `full: ${t.embeddings?.rows / 1000}k × 128-dim embeddings`, table: t.embeddings },
    { label: '1% by partition: category = 42', table: t.eventsByCategory, lanceTable: t.events, filter: 'category = 42', hive: true },
    { label: `1% by stats: id >= ${cut}`, table: t.events, filter: `id >= ${cut}`, expect: n - cut },
  ];
  const rows = [];
  for (const c of cases) {
    if (!c.table) continue;
    const floe = c.table.floeUri
      ? await attempt(() => runChild(SELF, 'floeScan', { uri: c.table.floeUri, repeats: REPEATS, ...(c.filter ? { filter: c.filter } : {}) }, { label: 'floe scan', timeoutMs: 300_000 }))
      : { ok: false, cell: { skipped: 'the append workload wrote no Floe table' } };
    const duck = c.table.duckdb
      ? await attempt(() => ctx.peer('duckdb', 'scan', { path: c.hive ? `${c.table.duckdb}/**/*.parquet` : c.table.duckdb, hive: !!c.hive, repeats: REPEATS, ...(c.filter ? { where: c.filter } : {}) }))
      : { ok: false, cell: ctx.peers.ok ? { skipped: 'the append workload wrote no DuckDB file' } : { skipped: ctx.peers.reason } };
    const lt = (c.lanceTable ?? c.table).lance;
    const lance = lt
      ? await attempt(() => ctx.peer('lancedb', 'scan', { ...lt, repeats: REPEATS, ...(c.filter ? { where: c.filter } : {}) }))
      : { ok: false, cell: ctx.peers.ok ? { skipped: 'the append workload wrote no LanceDB table' } : { skipped: ctx.peers.reason } };
    const floeCell = timesCell(floe, c.expect);
    if (floe.ok && 'value' in floeCell) {
      const v = floe.value;
      floeCell.detail += `; ${v.requests} requests, ${(v.bytesRead / MB).toFixed(1)} MB read, ${v.plan.dataFilesScanned - v.plan.dataFilesPruned}/${v.plan.dataFilesScanned} files kept`;
    }
    rows.push({ case: c.label, metric: 'time (median of 3)', unit: 'ms', better: 'lower', floe: floeCell, duckdb: timesCell(duck, c.expect), lancedb: timesCell(lance, c.expect) });
  }
  return rows;
}
