/**
 * Peak memory while streaming a table at least 4× larger (as Arrow data) than the V8 heap limit
 * the reader runs with (`node --max-old-space-size=N`).
 *
 * The table: 10 appends of 500k events rows (5M rows, 48 bytes a row as Arrow: 229 MiB) under a
 * 48 MiB heap limit. Each engine streams its own copy batch by batch, counting rows and keeping
 * nothing:
 * - Floe: `for await (const batch of table.scan().batches())` (default read concurrency, 4 files);
 * - DuckDB: `connection.stream('SELECT * FROM read_parquet(<Floe's files>)')`, chunk by chunk;
 * - LanceDB: `for await (const batch of table.query())` over a table built by the same 10 appends.
 *
 * Figures: peak RSS (sampled every 5 ms and after every batch), the kernel's maxRSS for the
 * process, and the peak V8 heap. Arrow buffers and wasm memory live outside the V8 heap, so the
 * heap limit bounds only part of it: RSS is the figure that matters.
 *
 * @module
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, cellOf, runChild } from '../lib/harness.js';

/** Printed title. */
export const title = 'peak memory while streaming a table larger than the heap';

const SELF = fileURLToPath(import.meta.url);
const BYTES_PER_ROW = 48; // id 8 + value 8 + name 16 + its offset 4 + category 4 + ts 8
const MiB = 1024 * 1024;

/** Floe child: `appends` appends of `rowsPerAppend` events rows to a new table. */
export async function floeBuild(args) {
  const { makeTable, openWarehouse } = await import('../lib/floe.js');
  const wh = await openWarehouse(args.warehouse);
  let table;
  for (let i = 0; i < args.appends; i++) {
    const data = makeTable('events', args.rowsPerAppend, i * args.rowsPerAppend);
    table ??= await wh.createTable(`bench.${args.name}`, data.schema);
    await table.append(data);
  }
  return { uri: table.uri };
}

/** Floe child: streams the table, keeping nothing, sampling memory. */
export async function floeStream(args) {
  const { floe } = await import('../lib/floe.js');
  const { memorySampler } = await import('../lib/measure.js');
  const table = await floe.Table.load(args.uri);
  const mem = memorySampler();
  const t0 = performance.now();
  let rows = 0;
  for await (const batch of table.scan().batches()) {
    rows += batch.numRows;
    mem.sample();
  }
  const ms = performance.now() - t0;
  return { ms, rows, ...mem.stop() };
}

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const appends = 10;
  const rowsPerAppend = ctx.size(500_000);
  const heapMiB = ctx.quick ? 32 : 48;
  const total = appends * rowsPerAppend;
  const tableMiB = (total * BYTES_PER_ROW) / MiB;
  const warehouse = `file://${join(ctx.dir, 'floe-wh')}`;
  const lanceArgs = { dir: join(ctx.dir, 'lance'), name: 'stream' };
  const flags = [`--max-old-space-size=${heapMiB}`];

  const built = await attempt(() => runChild(SELF, 'floeBuild', { warehouse, name: 'stream', appends, rowsPerAppend }, { label: 'floe build stream table', timeoutMs: 400_000 }));
  const lanceBuilt = await attempt(() => ctx.peer('lancedb', 'buildHistory', { ...lanceArgs, commits: appends, rowsPerCommit: rowsPerAppend }, { timeoutMs: 400_000 }));
  const floe = built.ok ? await attempt(() => runChild(SELF, 'floeStream', { uri: built.value.uri }, { nodeFlags: flags, label: 'floe stream', timeoutMs: 300_000 })) : built;
  const duck = built.ok
    ? await attempt(() => ctx.peer('duckdb', 'stream', { path: `${fileURLToPath(built.value.uri)}/data/**/*.parquet` }, { nodeFlags: flags, timeoutMs: 300_000 }))
    : { ok: false, cell: { skipped: 'DuckDB streams the files Floe failed to write' } };
  const lance = lanceBuilt.ok ? await attempt(() => ctx.peer('lancedb', 'stream', lanceArgs, { nodeFlags: flags, timeoutMs: 300_000 })) : lanceBuilt;

  const label = `${(total / 1e6).toFixed(1)}M rows = ${Math.round(tableMiB)} MiB Arrow (${(tableMiB / heapMiB).toFixed(1)}× the ${heapMiB} MiB heap limit)`;
  const check = (v) => (v.rows !== total ? ` — streamed ${v.rows} rows, expected ${total}!` : '');
  const mb = (x) => x / MiB;
  return [
    {
      case: label, metric: 'peak RSS', unit: 'MiB', better: 'lower',
      floe: cellOf(floe, (v) => ({ value: mb(v.peak.rss), detail: `RSS at start ${Math.round(mb(v.baseline.rss))} MiB, peak external ${Math.round(mb(v.peak.external))} MiB${check(v)}` })),
      duckdb: cellOf(duck, (v) => ({ value: mb(v.peak.rss), detail: `RSS at start ${Math.round(mb(v.baseline.rss))} MiB${check(v)}` })),
      lancedb: cellOf(lance, (v) => ({ value: mb(v.peak.rss), detail: `RSS at start ${Math.round(mb(v.baseline.rss))} MiB${check(v)}` })),
    },
    { case: label, metric: 'maxRSS (kernel)', unit: 'MiB', better: 'lower', floe: cellOf(floe, (v) => mb(v.maxRss)), duckdb: cellOf(duck, (v) => mb(v.maxRss)), lancedb: cellOf(lance, (v) => mb(v.maxRss)) },
    { case: label, metric: 'peak V8 heap', unit: 'MiB', better: 'lower', floe: cellOf(floe, (v) => mb(v.peak.heapUsed)), duckdb: cellOf(duck, (v) => mb(v.peak.heapUsed)), lancedb: cellOf(lance, (v) => mb(v.peak.heapUsed)) },
    { case: label, metric: 'time', unit: 'ms', better: 'lower', floe: cellOf(floe, (v) => v.ms), duckdb: cellOf(duck, (v) => v.ms), lancedb: cellOf(lance, (v) => v.ms) },
  ];
}
