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
 * Then `limit: 10` on a 3M-row table of 3 files (`scan({ limit })` over a counting store, the
 * CLI's `floe scan --limit 10`, DuckDB's `LIMIT 10`), where the bytes read are the figure that
 * matters. The machine limit beside each time: reading the bytes a scan must read (the selected
 * row groups for the stats case) and copying them once (`bench/lib/limits.js`).
 *
 * Each measurement runs 3 times in one process; the figure is the median, the first (cold: wasm
 * compile, file cache) is in the notes.
 *
 * @module
 */
import { join } from 'node:path';
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
  let paths = [];
  let plannedBytes = 0;
  for (let i = 0; i < args.repeats; i++) {
    const t0 = performance.now();
    const opened = await openCounted(args.uri);
    const options = { ...(args.filter ? { filter: args.filter } : {}), ...(args.limit !== undefined ? { limit: args.limit } : {}) };
    const scan = opened.table.scan(options);
    const out = await scan.toArrow();
    times.push(performance.now() - t0);
    rows = out.numRows;
    io = opened.io.snapshot();
    const planned = await scan.planFiles();
    plan = planned.stats;
    paths = planned.tasks.map((t) => fileURLToPath(t.file.filePath));
    plannedBytes = planned.tasks.reduce((a, t) => a + Number(t.file.fileSizeInBytes), 0);
  }
  const selected = args.minId !== undefined ? await selectedRowGroups(paths, args.minId) : undefined;
  return { times, rows, requests: io.requests, bytesRead: io.bytesRead, plan, paths, plannedBytes, selected };
}

/**
 * The byte ranges of the row groups whose `id` statistics reach `minId` (what a stats-pruned
 * scan must read at least), from each file's footer (hyparquet, an independent reader).
 */
async function selectedRowGroups(paths, minId) {
  const { parquetMetadata } = await import('hyparquet');
  const { readFileSync } = await import('node:fs');
  const ranges = [];
  let bytes = 0;
  let rowGroups = 0;
  let selectedCount = 0;
  for (const path of paths) {
    const buf = readFileSync(path);
    const meta = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    for (const rg of meta.row_groups) {
      rowGroups += 1;
      const idChunk = rg.columns.find((c) => c.meta_data?.path_in_schema?.[0] === 'id');
      const max = idChunk?.meta_data?.statistics?.max_value ?? idChunk?.meta_data?.statistics?.max;
      if (max !== undefined && BigInt(max) < BigInt(minId)) continue;
      selectedCount += 1;
      for (const c of rg.columns) {
        const m = c.meta_data;
        const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
        const end = start + Number(m.total_compressed_size);
        ranges.push({ path, start, end });
        bytes += end - start;
      }
    }
  }
  return { ranges, bytes, rowGroups, selectedRowGroups: selectedCount };
}

/** Floe child: 3 appends of `rows` seeded events rows each to a new table (for the limit case). */
export async function floeBuildBig(args) {
  const { makeTable, openWarehouse } = await import('../lib/floe.js');
  const wh = await openWarehouse(args.warehouse);
  const table = await wh.createTable('bench.events_3x', makeTable('events', 1).schema);
  for (let i = 0; i < 3; i++) await table.append(makeTable('events', args.rows, i * args.rows));
  return { uri: table.uri };
}

/** Floe child: the CLI's `floe scan <uri> --limit 10 --json`, as a user runs it (wall time of the process). */
export async function floeCliLimit(args) {
  const { execFileSync } = await import('node:child_process');
  const { join } = await import('node:path');
  const main = join(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)));
  const times = [];
  let lines = 0;
  for (let i = 0; i < args.repeats; i++) {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [main, 'scan', args.uri, '--limit', String(args.limit), '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - t0);
    lines = out.trim().split('\n').length;
  }
  return { times, lines };
}

/** Limit child: read the files (or byte ranges) once and copy the bytes (see bench/lib/limits.js). */
export async function limit(args) {
  const { readLimit, readRangesLimit } = await import('../lib/limits.js');
  return args.ranges ? readRangesLimit(args) : readLimit(args);
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
      ? await attempt(() => runChild(SELF, 'floeScan', { uri: c.table.floeUri, repeats: REPEATS, ...(c.filter ? { filter: c.filter } : {}), ...(c.expect !== undefined ? { minId: cut } : {}) }, { label: 'floe scan', timeoutMs: 300_000 }))
      : { ok: false, cell: { skipped: 'the append workload wrote no Floe table' } };
    const duck = c.table.duckdb
      ? await attempt(() => ctx.peer('duckdb', 'scan', { path: c.hive ? `${c.table.duckdb}/**/*.parquet` : c.table.duckdb, hive: !!c.hive, repeats: REPEATS, ...(c.filter ? { where: c.filter } : {}) }))
      : { ok: false, cell: ctx.peers.ok ? { skipped: 'the append workload wrote no DuckDB file' } : { skipped: ctx.peers.reason } };
    const lt = (c.lanceTable ?? c.table).lance;
    const lance = lt
      ? await attempt(() => ctx.peer('lancedb', 'scan', { ...lt, repeats: REPEATS, ...(c.filter ? { where: c.filter } : {}) }))
      : { ok: false, cell: ctx.peers.ok ? { skipped: 'the append workload wrote no LanceDB table' } : { skipped: ctx.peers.reason } };
    // The floor: read what must be read (the selected row groups for the stats case, the planned
    // files otherwise) and copy it once.
    const lim = floe.ok
      ? await attempt(() => runChild(SELF, 'limit', floe.value.selected ? { ranges: floe.value.selected.ranges } : { paths: floe.value.paths }, { label: 'read limit' }))
      : floe;
    const floeCell = timesCell(floe, c.expect);
    if (floe.ok && 'value' in floeCell) {
      const v = floe.value;
      floeCell.detail += `; ${v.requests} requests, ${(v.bytesRead / MB).toFixed(1)} MB read, ${v.plan.dataFilesScanned - v.plan.dataFilesPruned}/${v.plan.dataFilesScanned} files kept`;
      if (v.selected) floeCell.detail += `; the ${v.selected.selectedRowGroups} of ${v.selected.rowGroups} row groups holding matches are ${(v.selected.bytes / MB).toFixed(2)} MB: fetched ${(v.bytesRead / v.selected.bytes).toFixed(2)}× that`;
    }
    rows.push({
      case: c.label,
      metric: 'time (median of 3)',
      unit: 'ms',
      better: 'lower',
      floe: floeCell,
      duckdb: timesCell(duck, c.expect),
      lancedb: timesCell(lance, c.expect),
      limit: cellOf(lim, (v) => ({ value: v.ms, detail: `read ${(v.bytes / MB).toFixed(1)} MB (${c.label}) and copy it once` })),
    });
  }

  // `limit 10` on a 3-file, 3M-row table: how much is read for 10 rows.
  const warehouse = `file://${join(ctx.dir, 'floe-wh')}`;
  const big = await attempt(() => runChild(SELF, 'floeBuildBig', { warehouse, rows: n }, { label: 'floe build 3× table', timeoutMs: 300_000 }));
  const label = `limit 10: ${((3 * n) / 1e6).toFixed(1)}M rows in 3 files`;
  const lib = big.ok ? await attempt(() => runChild(SELF, 'floeScan', { uri: big.value.uri, repeats: REPEATS, limit: 10 }, { label: 'floe scan limit' })) : big;
  const cli = big.ok ? await attempt(() => runChild(SELF, 'floeCliLimit', { uri: big.value.uri, repeats: REPEATS, limit: 10 }, { label: 'floe scan --limit (CLI)' })) : big;
  const duckLimit = big.ok
    ? await attempt(() => ctx.peer('duckdb', 'scan', { path: `${fileURLToPath(big.value.uri)}/data/**/*.parquet`, hive: false, repeats: REPEATS, limit: 10 }))
    : big;
  const noLance = { skipped: 'LanceDB has no 3M-row table in this workload' };
  rows.push({
    case: label,
    metric: 'scan({ limit: 10 }) time',
    unit: 'ms',
    better: 'lower',
    floe: cellOf(lib, (v) => ({ value: median(v.times), detail: `cold ${Math.round(v.times[0])} ms, ${v.rows} rows; ${v.requests} requests, ${(v.bytesRead / MB).toFixed(2)} MB read of the ${(v.plannedBytes / MB).toFixed(0)} MB of data files planned` })),
    duckdb: timesCell(duckLimit, 10),
    lancedb: noLance,
  });
  rows.push({
    case: label,
    metric: 'bytes read',
    unit: 'MB',
    better: 'lower',
    floe: cellOf(lib, (v) => ({ value: v.bytesRead / MB, detail: `${v.requests} requests` })),
    duckdb: { na: 'DuckDB reads through its own file system layer (not counted here)' },
    lancedb: noLance,
  });
  rows.push({
    case: label,
    metric: '`floe scan --limit 10 --json` (process)',
    unit: 'ms',
    better: 'lower',
    floe: cellOf(cli, (v) => ({ value: median(v.times), detail: `${v.lines} JSON lines; includes Node start-up and imports` })),
    duckdb: { na: 'compared in the row above (library call)' },
    lancedb: noLance,
  });
  return rows;
}
