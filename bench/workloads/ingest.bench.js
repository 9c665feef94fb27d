/**
 * The CLI as a new user runs it: `floe append <table> events.csv` (and `.jsonl`) of 1M seeded
 * events rows (about 34 MB of CSV), a whole `floe` process each, timed from the outside with
 * `/usr/bin/time` for the wall time and the peak RSS. Then the same with 4× the rows: peak RSS
 * must not grow with the file. With `FLOE_BENCH_INGEST_GB=1`, a ~1 GB CSV as well (its peak RSS
 * is the figure; it takes minutes).
 *
 * - Floe: `floe create` (untimed) then `floe append` (timed: start-up, parse, convert, encode,
 *   commit).
 * - DuckDB: `COPY (SELECT * FROM read_csv(…)) TO 'x.parquet' (FORMAT parquet, COMPRESSION zstd)`
 *   (and `read_json` for JSON lines) inside a Node child: parse + encode, no table commit; its
 *   peak RSS is the child's (Node included).
 * - LanceDB: n/a (no CSV or JSON reader).
 *
 * The machine limit beside each time: copying the input file's bytes once and writing the
 * table's bytes with fsync (`bench/lib/limits.js`).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attempt, cellOf, runChild } from '../lib/harness.js';
import { eventColumns } from '../lib/datagen.js';
import { bytesUnder } from '../lib/limits.js';

/** Printed title. */
export const title = 'CLI ingest: floe append of CSV and JSON lines (local-fs)';

const SELF = fileURLToPath(import.meta.url);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const MB = 1024 * 1024;
const SCHEMA = JSON.stringify({ id: 'long', value: 'double', name: 'string', category: 'int', ts: 'timestamp' });
const CHUNK = 100_000;

function isoMicros(us) {
  const ms = Number(us / 1000n);
  const frac = String(us % 1_000_000n).padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}`;
}

/**
 * Writes `rows` seeded events rows as CSV (with a header) or JSON lines, chunk by chunk.
 * @returns {Promise<number>} the file's size in bytes
 */
async function writeEvents(path, rows, format) {
  const out = createWriteStream(path);
  const dec = new TextDecoder();
  if (format === 'csv') out.write('id,value,name,category,ts\n');
  for (let start = 0; start < rows; start += CHUNK) {
    const c = eventColumns(Math.min(CHUNK, rows - start), { start });
    const lines = [];
    for (let r = 0; r < c.length; r++) {
      const name = dec.decode(c.name.data.subarray(c.name.offsets[r], c.name.offsets[r + 1]));
      const ts = isoMicros(c.ts[r]);
      lines.push(format === 'csv' ? `${c.id[r]},${c.value[r]},${name},${c.category[r]},${ts}` : `{"id":${c.id[r]},"value":${c.value[r]},"name":"${name}","category":${c.category[r]},"ts":"${ts}"}`);
    }
    if (!out.write(`${lines.join('\n')}\n`)) await new Promise((res) => out.once('drain', res));
  }
  await new Promise((res, rej) => out.end((e) => (e ? rej(e) : res())));
  return statSync(path).size;
}

/** Runs `/usr/bin/time -f '%e %M' node dist/cli/main.js …`; wall seconds and peak RSS (KiB). */
function timedCli(args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * MB });
  const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`floe ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  return { ms: Number(m[1]) * 1000, peakRssBytes: Number(m[2]) * 1024, stderr: r.stderr };
}


/** Child: writes the seeded input file `path` (for bench/profile.js). */
export async function writeInput(args) {
  return { bytes: await writeEvents(args.path, args.rows, args.format) };
}

/** Floe child: create a table, then time `floe append` of the file (a whole CLI process). */
export async function floeIngest(args) {
  const wh = args.warehouse;
  const create = spawnSync(process.execPath, [CLI, '-w', wh, 'create', args.table, '--schema', SCHEMA], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`floe create failed: ${create.stderr}`);
  const run = timedCli(['-w', wh, 'append', args.table, args.file]);
  const [ns, name] = args.table.split('.');
  const tableBytes = bytesUnder(join(fileURLToPath(wh), ns, name));
  const info = spawnSync(process.execPath, [CLI, '-w', wh, '--json', 'info', args.table], { encoding: 'utf8' });
  const rows = info.status === 0 ? Number(JSON.parse(info.stdout).totalRecords) : Number.NaN;
  return { ms: run.ms, peakRssBytes: run.peakRssBytes, tableBytes, rows };
}

/** Limit child: copy the input's bytes and write the table's bytes (see bench/lib/limits.js). */
export async function limit(args) {
  const { writeLimit } = await import('../lib/limits.js');
  return writeLimit(args);
}

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const dir = join(ctx.dir, 'ingest');
  mkdirSync(dir, { recursive: true });
  const warehouse = `file://${join(dir, 'wh')}`;
  const n = ctx.size(1_000_000);
  const cases = [
    { format: 'csv', rows: n },
    { format: 'jsonl', rows: n },
    { format: 'csv', rows: 4 * n },
  ];
  if (process.env.FLOE_BENCH_INGEST_GB === '1') cases.push({ format: 'csv', rows: 30_000_000, big: true });
  const out = [];
  let i = 0;
  for (const c of cases) {
    const file = join(dir, `events-${c.rows}.${c.format}`);
    const size = await writeEvents(file, c.rows, c.format);
    const label = `${c.format.toUpperCase()}, ${(c.rows / 1e6).toFixed(1)}M rows (${(size / MB).toFixed(0)} MB)`;
    const floe = await attempt(() => runChild(SELF, 'floeIngest', { warehouse, table: `bench.ingest_${i++}`, file }, { label: `floe append ${c.format}`, timeoutMs: c.big ? 3_600_000 : 900_000 }));
    const duck = await attempt(() => ctx.peer('duckdb', 'ingest', { file, format: c.format, out: join(dir, `duck-${i}.parquet`) }, { timeoutMs: 900_000 }));
    const lim = floe.ok ? await attempt(() => runChild(SELF, 'limit', { bytesIn: size, bytesOut: floe.value.tableBytes, dir }, { label: 'write limit' })) : floe;
    const wrongRows = (v) => (Number.isFinite(v.rows) && v.rows !== c.rows ? ` — the table holds ${v.rows} rows, expected ${c.rows}!` : '');
    const noLance = { na: 'LanceDB reads no CSV or JSON lines' };
    out.push({
      case: label,
      metric: 'rows/s',
      unit: 'rows/s',
      better: 'higher',
      floe: cellOf(floe, (v) => ({ value: c.rows / (v.ms / 1000), detail: `${(v.ms / 1000).toFixed(1)} s for the whole \`floe append\` process${wrongRows(v)}` })),
      duckdb: cellOf(duck, (v) => ({ value: c.rows / (v.ms / 1000), detail: `${(v.ms / 1000).toFixed(1)} s, ${v.rows} rows` })),
      lancedb: noLance,
      limit: cellOf(lim, (v) => ({ value: c.rows / (v.ms / 1000), detail: `copy the ${(size / MB).toFixed(0)} MB input once + write the table's ${(floe.value.tableBytes / MB).toFixed(0)} MB with fsync` })),
    });
    out.push({
      case: label,
      metric: 'peak RSS',
      unit: 'MB',
      better: 'lower',
      floe: cellOf(floe, (v) => v.peakRssBytes / MB),
      duckdb: cellOf(duck, (v) => ({ value: v.maxRss / MB, detail: 'the Node child running DuckDB, whole' })),
      lancedb: noLance,
    });
    rmSync(file, { force: true });
  }
  return out;
}
