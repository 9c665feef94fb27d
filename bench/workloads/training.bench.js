/**
 * Training reads and exact vector search (issue 6), on a local-fs table of 200k × 128-d
 * embeddings (`bench/lib/datagen.js`, 4 appends of 50k rows):
 *
 * - training read: Floe pins the snapshot as a dataset (seed 7, batches of 1024) and reads it
 *   through 4 shards at once (4 readers in one process, as 4 workers would each read theirs),
 *   against LanceDB's full-table read (`query().toArrow()`), in rows/s and MB/s of decoded
 *   columns (id + 128 float32 per row);
 * - nearest: `table.nearest({ column, query, k: 10, metric: 'l2' })` against LanceDB's flat search
 *   (no index: `query().nearestTo(q).distanceType('l2').limit(10)`), median of 5 queries; the
 *   neighbours' ids are compared (both are exact). Cold (every query reads and decodes the files)
 *   and warm (a `VectorCache` filled by an untimed first query) are reported apart; LanceDB's
 *   figure is the same in both rows (it keeps what its process has read).
 *
 * Run alone with `npm run build && node bench/workloads/training.bench.js [--quick]`, or as part
 * of `npm run bench`. Each measurement runs in a fresh child process (`bench/lib/exec.js`);
 * LanceDB and its apache-arrow 18 are loaded from `bench/peers/node_modules`.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { embeddingsTable } from '../lib/arrow-build.js';
import { EMBEDDING_DIM, embeddingColumns, prng } from '../lib/datagen.js';
import { attempt, cellOf, printRows, runChild } from '../lib/harness.js';
import { median } from '../lib/measure.js';

/** Printed title. */
export const title = 'training reads and exact nearest (local-fs)';

const SELF = fileURLToPath(import.meta.url);
const REPEATS = 3;
const WORKERS = 4;
const QUERIES = 5;
const K = 10;
const BYTES_PER_ROW = 8 + EMBEDDING_DIM * 4;

/** Query vectors, the same for both engines. */
function queries() {
  const next = prng(424242);
  return Array.from({ length: QUERIES }, () => Array.from({ length: EMBEDDING_DIM }, () => next() / 0x80000000 - 1));
}

const peerRequire = createRequire(new URL('../peers/package.json', import.meta.url));
async function peerImport(name) {
  return import(pathToFileURL(peerRequire.resolve(name)).href);
}

/** Floe child: writes the table in 4 appends. */
export async function floeBuild(args) {
  const { makeTable, openWarehouse } = await import('../lib/floe.js');
  const wh = await openWarehouse(pathToFileURL(args.dir).href);
  const name = 'bench.training';
  const per = Math.ceil(args.rows / 4);
  const table = await wh.createTable(name, makeTable('embeddings', 1).schema);
  for (let start = 0; start < args.rows; start += per) await table.append(makeTable('embeddings', Math.min(per, args.rows - start), start));
  return { uri: table.uri };
}

/** Floe child: dataset through 4 shards read at once, `repeats` times (each with a fresh load). */
export async function floeTrain(args) {
  const { floe } = await import('../lib/floe.js');
  const times = [];
  let rows = 0;
  for (let i = 0; i < args.repeats; i++) {
    const t0 = performance.now();
    const table = await floe.Table.load(args.uri);
    const dataset = await table.dataset({ seed: 7, batchSize: 1024 });
    const counts = await Promise.all(
      Array.from({ length: args.workers }, async (_, worker) => {
        let n = 0;
        for await (const batch of dataset.shard({ workers: args.workers, worker }).reader({ epoch: i })) {
          floe.vectorColumn(batch, 'embedding'); // what a training step would take
          n += batch.numRows;
        }
        return n;
      }),
    );
    times.push(performance.now() - t0);
    rows = counts.reduce((a, b) => a + b, 0);
  }
  return { times, rows };
}

/**
 * Floe child: exact kNN per query. With `cache`, a `VectorCache` of 1 GiB is filled by an
 * untimed first query and the timed ones answer from it (warm); without, every query reads and
 * decodes the files (cold: the file cache of the OS is warm, Floe's is not).
 */
export async function floeNearest(args) {
  const { floe } = await import('../lib/floe.js');
  const table = await floe.Table.load(args.uri);
  const cache = args.cache ? new floe.VectorCache({ maxBytes: 2 ** 30 }) : undefined;
  const options = { column: 'embedding', k: args.k, metric: 'l2', columns: ['id'], ...(cache ? { cache } : {}) };
  if (cache) await table.nearest({ ...options, query: args.queries[0] });
  const times = [];
  const ids = [];
  for (const q of args.queries) {
    const t0 = performance.now();
    const hits = await table.nearest({ ...options, query: q });
    times.push(performance.now() - t0);
    ids.push(hits.map((h) => Number(h.row.id)));
  }
  return { times, ids };
}

/** Limit child: read the table's data files once and copy their bytes (see bench/lib/limits.js). */
export async function limit(args) {
  const { filesUnder, readLimit } = await import('../lib/limits.js');
  return readLimit({ paths: filesUnder(args.dir, (name) => name.endsWith('.parquet')) });
}

/** LanceDB child: writes the same rows. */
export async function lanceBuild(args) {
  const arrow = await peerImport('apache-arrow');
  const lancedb = await peerImport('@lancedb/lancedb');
  const db = await lancedb.connect(args.dir);
  // The same 4 chunks Floe appends (datagen seeds each chunk by its first row id).
  const per = Math.ceil(args.rows / 4);
  let table;
  for (let start = 0; start < args.rows; start += per) {
    const data = embeddingsTable(arrow, embeddingColumns(Math.min(per, args.rows - start), { start }));
    if (start === 0) table = await db.createTable('training', data, { mode: 'overwrite' });
    else await table.add(data);
  }
  return { rows: await table.countRows() };
}

/** LanceDB child: full-table read to Arrow, `repeats` times. */
export async function lanceRead(args) {
  const lancedb = await peerImport('@lancedb/lancedb');
  const times = [];
  let rows = 0;
  for (let i = 0; i < args.repeats; i++) {
    const t0 = performance.now();
    const db = await lancedb.connect(args.dir);
    const table = await db.openTable('training');
    const out = await table.query().toArrow();
    times.push(performance.now() - t0);
    rows = out.numRows;
  }
  return { times, rows };
}

/** LanceDB child: flat (no index) kNN per query. */
export async function lanceNearest(args) {
  const lancedb = await peerImport('@lancedb/lancedb');
  const db = await lancedb.connect(args.dir);
  const table = await db.openTable('training');
  const times = [];
  const ids = [];
  for (const q of args.queries) {
    const t0 = performance.now();
    const rows = await table.query().nearestTo(q).distanceType('l2').limit(args.k).toArray();
    times.push(performance.now() - t0);
    ids.push(rows.map((r) => Number(r.id)));
  }
  return { times, ids };
}

/**
 * Runs the workload.
 * @param {{ dir: string, size: (n: number) => number }} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const rows = ctx.size(200_000);
  const floeDir = join(ctx.dir, 'training-floe');
  const lanceDir = join(ctx.dir, 'training-lance');
  const built = await attempt(() => runChild(SELF, 'floeBuild', { dir: floeDir, rows }, { label: 'floe build', timeoutMs: 600_000 }));
  const lanceBuilt = await attempt(() => runChild(SELF, 'lanceBuild', { dir: lanceDir, rows }, { label: 'lancedb build', timeoutMs: 600_000 }));
  const q = queries();
  const floeTrainR = built.ok ? await attempt(() => runChild(SELF, 'floeTrain', { uri: built.value.uri, workers: WORKERS, repeats: REPEATS }, { label: 'floe training read', timeoutMs: 600_000 })) : built;
  const lanceReadR = lanceBuilt.ok ? await attempt(() => runChild(SELF, 'lanceRead', { dir: lanceDir, repeats: REPEATS }, { label: 'lancedb read' })) : lanceBuilt;
  const floeKnn = built.ok ? await attempt(() => runChild(SELF, 'floeNearest', { uri: built.value.uri, queries: q, k: K }, { label: 'floe nearest', timeoutMs: 600_000 })) : built;
  const floeKnnWarm = built.ok ? await attempt(() => runChild(SELF, 'floeNearest', { uri: built.value.uri, queries: q, k: K, cache: true }, { label: 'floe nearest (cached)', timeoutMs: 600_000 })) : built;
  const lanceKnn = lanceBuilt.ok ? await attempt(() => runChild(SELF, 'lanceNearest', { dir: lanceDir, queries: q, k: K }, { label: 'lancedb nearest' })) : lanceBuilt;

  const lim = built.ok ? await attempt(() => runChild(SELF, 'limit', { dir: floeDir }, { label: 'read limit' })) : built;
  const limitNote = (v) => `read the table's ${(v.bytes / 1e6).toFixed(0)} MB of Parquet once and copy it`;
  const perSecond = (r, scale) => cellOf(r, (v) => ({ value: (v.rows * scale) / (median(v.times) / 1000), detail: `${v.rows} rows, median of ${v.times.length} ${Math.round(median(v.times))} ms` }));
  const agree = floeKnn.ok && lanceKnn.ok ? floeKnn.value.ids.filter((ids, i) => JSON.stringify(ids) === JSON.stringify(lanceKnn.value.ids[i])).length : undefined;
  const knnCell = (r) => cellOf(r, (v) => ({ value: median(v.times), detail: `median of ${v.times.length} queries${agree === undefined ? '' : `; same ${K} ids as the other engine for ${agree}/${QUERIES}`}` }));
  const skip = { skipped: 'DuckDB is not compared here' };
  return [
    { case: `training read: ${rows / 1000}k × ${EMBEDDING_DIM}-d, ${WORKERS} shards (LanceDB: full read)`, metric: 'rows/s', unit: 'rows/s', better: 'higher', floe: perSecond(floeTrainR, 1), duckdb: skip, lancedb: perSecond(lanceReadR, 1), limit: cellOf(lim, (v) => ({ value: rows / (v.ms / 1000), detail: limitNote(v) })) },
    { case: `training read: ${rows / 1000}k × ${EMBEDDING_DIM}-d, ${WORKERS} shards (LanceDB: full read)`, metric: 'MB/s (decoded)', unit: 'MB/s', better: 'higher', floe: perSecond(floeTrainR, BYTES_PER_ROW / 1e6), duckdb: skip, lancedb: perSecond(lanceReadR, BYTES_PER_ROW / 1e6), limit: cellOf(lim, (v) => ({ value: (rows * BYTES_PER_ROW) / 1e6 / (v.ms / 1000), detail: limitNote(v) })) },
    { case: `nearest k=${K} l2 over ${rows / 1000}k × ${EMBEDDING_DIM}-d (LanceDB: flat, no index)`, metric: 'time per query, cold', unit: 'ms', better: 'lower', floe: knnCell(floeKnn), duckdb: skip, lancedb: knnCell(lanceKnn), limit: cellOf(lim, (v) => ({ value: v.ms, detail: limitNote(v) })) },
    { case: `nearest k=${K} l2 over ${rows / 1000}k × ${EMBEDDING_DIM}-d (LanceDB: flat, no index)`, metric: 'time per query, warm (Floe: VectorCache)', unit: 'ms', better: 'lower', floe: knnCell(floeKnnWarm), duckdb: skip, lancedb: knnCell(lanceKnn) },
  ];
}

if (process.argv[1] === SELF) {
  const quick = process.argv.includes('--quick');
  const dir = mkdtempSync(join(os.tmpdir(), 'floe-bench-training-'));
  try {
    const rows = await run({ dir, size: (n) => (quick ? Math.max(1, Math.round(n / 10)) : n) });
    printRows(title, rows);
    for (const r of rows) {
      if ('value' in r.floe && r.lancedb && 'value' in r.lancedb) {
        const ratio = r.better === 'higher' ? r.lancedb.value / r.floe.value : r.floe.value / r.lancedb.value;
        console.log(`${r.case} — ${r.metric}: Floe ÷ LanceDB cost ratio ${ratio.toFixed(2)}×`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
