/**
 * Planning stays flat (issue: tables that live for years): a table after many small commits
 * (2,000; `--quick` 200), then compacted (`rewriteDataFiles`), its manifests rewritten
 * (`rewriteManifests`) and its history expired (`expireSnapshots`, keeping the last snapshot),
 * is loaded, planned and scanned against a fresh table holding the same rows in one append.
 * Floe only, memory store (times are Floe's CPU cost; request counts stand for the round trips
 * a remote store would add). Each figure is the median of 3 fresh loads.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { attempt, runChild } from '../lib/harness.js';
import { median } from '../lib/measure.js';

/** Printed title. */
export const title = 'planning and scanning after many small commits, then compaction and expiry (memory store, Floe only)';

const SELF = fileURLToPath(import.meta.url);
const REPEATS = 3;
const ROWS_PER_COMMIT = 10;

async function measure(uri) {
  const { openCounted } = await import('../lib/floe.js');
  const out = { load: [], plan: [], scan: [], loadRequests: 0, planRequests: 0, scanRequests: 0, files: 0, manifests: 0, rows: 0 };
  for (let i = 0; i < REPEATS; i++) {
    let t0 = performance.now();
    const { table, io } = await openCounted(uri);
    out.load.push(performance.now() - t0);
    out.loadRequests = io.snapshot().requests;
    io.reset();
    t0 = performance.now();
    const plan = await table.scan().planFiles();
    out.plan.push(performance.now() - t0);
    out.planRequests = io.snapshot().requests;
    out.files = plan.tasks.length;
    out.manifests = plan.stats.manifestsTotal;
    io.reset();
    t0 = performance.now();
    out.rows = (await table.scan().toArrow()).numRows;
    out.scan.push(performance.now() - t0);
    out.scanRequests = io.snapshot().requests;
  }
  return { ...out, load: median(out.load), plan: median(out.plan), scan: median(out.scan) };
}

function rowsTable(arrow, from, n) {
  const ids = Array.from({ length: n }, (_, i) => from + i);
  return arrow.tableFromArrays({ id: BigInt64Array.from(ids, (x) => BigInt(x)), v: Float64Array.from(ids, (x) => x / 3) });
}

/** Floe child: the three tables and their figures. */
export async function floeMaintenance(args) {
  const { arrow, floe } = await import('../lib/floe.js');
  const wh = await floe.Warehouse.open('memory://bench-maintenance');
  await wh.createNamespace('bench');
  const schema = rowsTable(arrow, 0, 1).schema;
  const old = await wh.createTable('bench.old', schema);
  let t0 = performance.now();
  for (let c = 0; c < args.commits; c++) await old.append(rowsTable(arrow, c * ROWS_PER_COMMIT, ROWS_PER_COMMIT));
  const buildMs = performance.now() - t0;
  const before = await measure(old.uri);
  t0 = performance.now();
  const compacted = await old.rewriteDataFiles();
  const compactMs = performance.now() - t0;
  t0 = performance.now();
  await old.rewriteManifests();
  const manifestsMs = performance.now() - t0;
  t0 = performance.now();
  const expired = await old.expireSnapshots({ olderThanMs: Date.now(), retainLast: 1 });
  const expireMs = performance.now() - t0;
  const after = await measure(old.uri);
  const fresh = await wh.createTable('bench.fresh', schema);
  await fresh.append(rowsTable(arrow, 0, args.commits * ROWS_PER_COMMIT));
  const baseline = await measure(fresh.uri);
  return { commits: args.commits, buildMs, compactMs, manifestsMs, expireMs, rewritten: compacted.rewrittenDataFiles, expired: expired.expiredSnapshotIds.length, before, after, baseline };
}

const na = { na: 'Floe only' };

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const commits = ctx.quick ? 200 : 2000;
  const r = await attempt(() => runChild(SELF, 'floeMaintenance', { commits }, { label: 'floe maintenance', timeoutMs: 900_000 }));
  if (!r.ok) return [{ case: `${commits} small commits`, metric: 'plan', unit: 'ms', better: 'lower', floe: r.cell, duckdb: na, lancedb: na }];
  const v = r.value;
  const rows = [];
  const cases = [
    [`after ${commits.toLocaleString('en-US')} commits of ${ROWS_PER_COMMIT} rows (built in ${(v.buildMs / 1000).toFixed(1)} s)`, v.before],
    [`then compacted (${Math.round(v.compactMs)} ms, ${v.rewritten} files), manifests rewritten (${Math.round(v.manifestsMs)} ms), ${v.expired} snapshots expired (${Math.round(v.expireMs)} ms)`, v.after],
    ['fresh table, same rows in one append', v.baseline],
  ];
  for (const [c, m] of cases) {
    rows.push({ case: c, metric: 'load', unit: 'ms', better: 'lower', floe: { value: m.load, detail: `${m.loadRequests} requests` }, duckdb: na, lancedb: na });
    rows.push({ case: c, metric: 'plan', unit: 'ms', better: 'lower', floe: { value: m.plan, detail: `${m.planRequests} requests, ${m.manifests} manifests, ${m.files} files` }, duckdb: na, lancedb: na });
    rows.push({ case: c, metric: 'scan', unit: 'ms', better: 'lower', floe: { value: m.scan, detail: `${m.scanRequests} requests, ${m.rows} rows` }, duckdb: na, lancedb: na });
  }
  return rows;
}
