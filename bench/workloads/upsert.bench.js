/**
 * Upsert: 1% of a 1M-row table (10 files of 100k sorted ids) replaced or inserted by key, in one
 * commit: 10k rows with ids 995,000..1,004,999 (half update existing rows, half are new).
 *
 * - Floe: `table.upsert(rows, { on: ['id'] })` — copy-on-write of only the files that may hold
 *   the keys (pruned by the keys' min/max and IN); files rewritten from the snapshot summary.
 * - LanceDB: `mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll()`.
 * - DuckDB: n/a (Parquet files have no upsert).
 *
 * @module
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, cellOf, runChild } from '../lib/harness.js';

/** Printed title. */
export const title = 'upsert 1% by key (local-fs)';

const SELF = fileURLToPath(import.meta.url);

/** Floe child: builds the table, then times one upsert. */
export async function floeUpsert(args) {
  const { makeTable, openWarehouse } = await import('../lib/floe.js');
  const wh = await openWarehouse(args.warehouse);
  let table;
  for (let i = 0; i < args.files; i++) {
    const data = makeTable('events', args.rowsPerFile, i * args.rowsPerFile);
    if (i === 0) table = await wh.createTable(`bench.${args.name}`, data.schema);
    await table.append(data);
  }
  const changes = makeTable('events', args.upsertRows, args.upsertStart);
  const t0 = performance.now();
  const snap = await table.upsert(changes, { on: ['id'] });
  const ms = performance.now() - t0;
  const rows = Number(snap.summary['total-records']);
  return { ms, rows, rewritten: Number(snap.summary['deleted-data-files'] ?? 0), files: args.files };
}

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const files = 10;
  const rowsPerFile = ctx.size(100_000);
  const upsertRows = Math.max(10, Math.floor((files * rowsPerFile) / 100));
  const upsertStart = files * rowsPerFile - upsertRows / 2;
  const args = { files, rowsPerFile, upsertRows, upsertStart, name: 'upsert' };
  const expected = files * rowsPerFile + upsertRows / 2;
  const floe = await attempt(() => runChild(SELF, 'floeUpsert', { ...args, warehouse: `file://${join(ctx.dir, 'floe-upsert')}` }, { label: 'floe upsert', timeoutMs: 300_000 }));
  const lance = await attempt(() => ctx.peer('lancedb', 'upsert', { ...args, dir: join(ctx.dir, 'lance-upsert') }, { timeoutMs: 300_000 }));
  const detail = (v) => `${v.rows} rows after${v.rows !== expected ? ` (expected ${expected}!)` : ''}${v.rewritten !== undefined ? `, ${v.rewritten} of ${v.files} files rewritten` : ''}`;
  return [
    {
      case: `upsert ${upsertRows / 1000}k rows (half new) into ${(files * rowsPerFile) / 1e6}M rows, ${files} files`,
      metric: 'time',
      unit: 'ms',
      better: 'lower',
      floe: cellOf(floe, (v) => ({ value: v.ms, detail: detail(v) })),
      duckdb: { na: 'DuckDB writes Parquet files, which have no upsert' },
      lancedb: cellOf(lance, (v) => ({ value: v.ms, detail: detail(v) })),
    },
  ];
}
