/**
 * Row-level changes by random keys: 1% of a 1M-row table (10 files of 100k sorted ids) deleted,
 * or upserted, by keys drawn at random from the whole id range, so every file holds some of them.
 * This is the case merge-on-read exists for: copy-on-write must rewrite every file.
 *
 * - Floe copy-on-write (the default): `delete(isIn('id', keys))` / `upsert(rows, { on: ['id'] })`
 *   rewrite each data file that holds a key.
 * - Floe merge-on-read (`write.delete.mode` / `write.merge.mode` = `merge-on-read`, Iceberg's table
 *   properties): the same calls write position delete files (and, for the upsert, one data file of
 *   the new rows); the data files stay.
 * - LanceDB: `delete('id IN (…)')` / `mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll()`.
 * - DuckDB: n/a (Parquet files have no row-level changes).
 *
 * Each cell also reports the bytes the change added to the table's folder (new files), so
 * "O(changed rows), not O(table)" can be read off the page.
 *
 * @module
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, cellOf, runChild } from '../lib/harness.js';

/** Printed title. */
export const title = 'delete / upsert 1% by random keys: copy-on-write vs merge-on-read (local-fs)';

const SELF = fileURLToPath(import.meta.url);
const MOR = { 'write.delete.mode': 'merge-on-read', 'write.update.mode': 'merge-on-read', 'write.merge.mode': 'merge-on-read' };

/** Floe child: builds the table (with or without merge-on-read), then times one change. */
export async function floeChange(args) {
  const floe = await import('../../dist/node.js');
  const arrow = await import('apache-arrow');
  const { makeTable, openWarehouse } = await import('../lib/floe.js');
  const { eventsTable } = await import('../lib/arrow-build.js');
  const { changeIds, eventColumns, folderBytes } = await import('../lib/datagen.js');
  const wh = await openWarehouse(args.warehouse);
  let table;
  for (let i = 0; i < args.files; i++) {
    const data = makeTable('events', args.rowsPerFile, i * args.rowsPerFile);
    if (i === 0) table = await wh.createTable(`bench.${args.name}`, data.schema, { properties: args.mor ? MOR : {} });
    await table.append(data);
  }
  const ids = changeIds(args);
  const dir = fileURLToPath(table.uri);
  const before = folderBytes(dir);
  const t0 = performance.now();
  const snap =
    args.op === 'delete'
      ? await table.delete(floe.isIn('id', [...ids]))
      : await table.upsert(eventsTable(arrow, eventColumns(ids.length, { ids, seed: 7 })), { on: ['id'] });
  const ms = performance.now() - t0;
  return {
    ms,
    rows: Number(snap.summary['total-records']) - Number(snap.summary['total-position-deletes'] ?? 0),
    written: folderBytes(dir) - before,
    rewritten: Number(snap.summary['deleted-data-files'] ?? 0),
    deleteFiles: Number(snap.summary['added-delete-files'] ?? 0),
    files: args.files,
  };
}

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const files = 10;
  const rowsPerFile = ctx.size(100_000);
  const changeRows = Math.max(10, Math.floor((files * rowsPerFile) / 100) & ~1);
  const total = files * rowsPerFile;
  const rows = [];
  for (const op of /** @type {const} */ (['delete', 'upsert'])) {
    const args = { files, rowsPerFile, changeRows, op };
    const expected = op === 'delete' ? total - changeRows : total + changeRows / 2;
    const detail = (v) =>
      `${v.written >= 1e6 ? `${(v.written / 1e6).toFixed(1)} MB` : `${(v.written / 1e3).toFixed(0)} kB`} written` +
      (v.rewritten !== undefined ? `, ${v.rewritten} of ${v.files} files rewritten` : '') +
      (v.deleteFiles ? `, ${v.deleteFiles} delete files` : '') +
      (v.rows !== expected ? ` (${v.rows} rows, expected ${expected}!)` : '');
    const lance = await attempt(() => ctx.peer('lancedb', 'randomChange', { ...args, name: `mor-${op}`, dir: join(ctx.dir, `lance-mor-${op}`) }, { timeoutMs: 300_000 }));
    const lanceCell = cellOf(lance, (v) => ({ value: v.ms, detail: detail(v) }));
    for (const mor of [false, true]) {
      const mode = mor ? 'merge-on-read' : 'copy-on-write';
      const floe = await attempt(() =>
        runChild(SELF, 'floeChange', { ...args, mor, name: `mor_${op}_${mor ? 'mor' : 'cow'}`, warehouse: `file://${join(ctx.dir, `floe-mor-${op}-${mode}`)}` }, { label: `floe ${op} ${mode}`, timeoutMs: 300_000 }),
      );
      rows.push({
        case: `${op} ${changeRows / 1000}k random keys${op === 'upsert' ? ' (half new)' : ''} of ${total / 1e6}M rows, ${mode}`,
        metric: 'time',
        unit: 'ms',
        better: 'lower',
        floe: cellOf(floe, (v) => ({ value: v.ms, detail: detail(v) })),
        duckdb: { na: 'DuckDB writes Parquet files, which have no row-level changes' },
        lancedb: lanceCell,
      });
    }
  }
  return rows;
}
