/**
 * The REST catalog server's cost: the same operations through Floe's server
 * (`Warehouse.open('http://…')`) and on the folder directly (`Warehouse.open('file://…')`), on one
 * local-fs warehouse, in the same run. The peer column is Floe itself opened directly, so the
 * ratio is what going through the server adds.
 *
 * - `loadTable` latency (p50/p95) of a table with 20 snapshots: through the server, a
 *   `GET …/tables/{t}` (the server resolves the name, reads the metadata, validates its response
 *   against the OpenAPI document) and the client's parse; directly, the name resolved in the
 *   namespace document and the metadata read from the folder.
 * - latency (p50/p95) of a 10-row append: through the server, the client writes the data file,
 *   manifest and manifest list and POSTs the change; the server re-reads the table and commits
 *   it at the commit point. Directly, the same commit point from the writer.
 * - commits/s of 8 writer processes released together from a start line, each on its own table
 *   and all on one table (conflicts retried by the commit loop; through the server each 409 makes
 *   the client reload and rebuild).
 *
 * The server runs in its own process (default options: responses validated).
 *
 * @module
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { attempt, cellOf, runChild } from '../lib/harness.js';
import { percentile } from '../lib/measure.js';
import { race } from './commit.bench.js';

/** Printed title. */
export const title = 'REST catalog: through the server vs the folder directly (local-fs)';

/** The peer column: Floe on the folder directly. */
export const peers = [{ key: 'direct', label: 'direct' }];
/** Floe's column: through the server. */
export const floeLabel = 'via server';

// The server authenticates every request, as in production; every client is its admin.
const ADMIN = { clientId: 'floe-bench-admin', clientSecret: 'bench-admin-secret-not-for-production' };
process.env.FLOE_CATALOG_CREDENTIAL = `${ADMIN.clientId}:${ADMIN.clientSecret}`;

const SELF = fileURLToPath(import.meta.url);
const COMMIT_BENCH = fileURLToPath(new URL('./commit.bench.js', import.meta.url));
const ROWS = 10;
const WRITERS = 8;

/** Floe child: serves `warehouse` until `stopFile` exists; writes its URL to `urlFile`. */
export async function floeServe(args) {
  const { floe } = await import('../lib/floe.js');
  const { startRestCatalogServer } = await import('../../dist/catalog/rest/server/index.js');
  const wh = await floe.Warehouse.open(args.warehouse);
  const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN });
  writeFileSync(args.urlFile, server.url);
  while (!existsSync(args.stopFile)) await delay(20);
  await server.close();
  return { url: server.url };
}

/** Floe child: creates the tables of the run (one with `history` snapshots for the loads). */
export async function floePrepare(args) {
  const { makeTable, openWarehouse } = await import('../lib/floe.js');
  const wh = await openWarehouse(args.warehouse);
  const schema = makeTable('events', 1).schema;
  const loaded = await wh.createTable('bench.rest_load', schema);
  for (let i = 0; i < args.history; i++) await loaded.append(makeTable('events', ROWS, i * ROWS));
  // Patient enough for 8 writers on one version chain (each conflict costs one retry).
  const patient = { 'commit.retry.num-retries': '200', 'commit.retry.total-timeout-ms': '300000' };
  for (const kind of ['server', 'direct']) {
    await wh.createTable(`bench.rest_shared_${kind}`, schema, { properties: patient });
    for (let w = 0; w < args.writers; w++) await wh.createTable(`bench.rest_${kind}_${w}`, schema, { properties: patient });
  }
  return { snapshots: loaded.snapshots().length };
}

/** Floe child: `loads` timed `loadTable` calls of `name` after `warmup` untimed ones. */
export async function floeLoadLatency(args) {
  const { floe } = await import('../lib/floe.js');
  const wh = await floe.Warehouse.open(args.warehouse);
  const times = [];
  let snapshots = 0;
  for (let i = 0; i < args.warmup + args.loads; i++) {
    const t0 = performance.now();
    const table = await wh.loadTable(args.name);
    if (i >= args.warmup) times.push(performance.now() - t0);
    snapshots = table.snapshots().length;
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), snapshots };
}

/** Floe child: the number of snapshots of each table (every acknowledged commit must be one). */
export async function floeCountSnapshots(args) {
  const { floe } = await import('../lib/floe.js');
  const wh = await floe.Warehouse.open(args.warehouse);
  let total = 0;
  for (const name of args.names) total += (await wh.loadTable(name)).snapshots().length;
  return { snapshots: total };
}

/** Starts the server child and resolves once it listens. */
async function startServer(warehouse, dir) {
  const urlFile = join(dir, 'url');
  const stopFile = join(dir, 'stop');
  let failure;
  const running = runChild(SELF, 'floeServe', { warehouse, urlFile, stopFile }, { label: 'floe REST server', timeoutMs: 1_800_000 }).catch((e) => {
    failure = e;
  });
  const deadline = Date.now() + 120_000;
  while (!existsSync(urlFile)) {
    if (failure) throw failure;
    if (Date.now() > deadline) throw new Error('the REST server did not start within 120 s');
    await delay(10);
  }
  return {
    url: readFileSync(urlFile, 'utf8'),
    stop: async () => {
      writeFileSync(stopFile, '');
      await running;
    },
  };
}

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const rows = [];
  const folder = `file://${join(ctx.dir, 'floe-rest-wh')}`;
  const loads = ctx.quick ? 20 : 200;
  const commits = ctx.quick ? 10 : 50;
  const each = ctx.quick ? 3 : 10;
  const warmup = 3;
  await runChild(SELF, 'floePrepare', { warehouse: folder, history: 20, writers: WRITERS }, { label: 'floe REST prepare' });
  const lineDir = mkdtempSync(join(ctx.dir, 'rest-server-'));
  const server = await startServer(folder, lineDir);
  try {
    const through = { server: server.url, direct: folder };

    const load = {};
    for (const [kind, warehouse] of Object.entries(through)) {
      load[kind] = await attempt(() => runChild(SELF, 'floeLoadLatency', { warehouse, name: 'bench.rest_load', loads, warmup }, { label: `floe loadTable ${kind}` }));
    }
    for (const p of ['p50', 'p95']) {
      rows.push({
        case: `loadTable, 20 snapshots (n=${loads})`,
        metric: p,
        unit: 'ms',
        better: 'lower',
        floe: cellOf(load.server, (v) => v[p]),
        direct: cellOf(load.direct, (v) => v[p]),
      });
    }

    const latency = {};
    for (const [kind, warehouse] of Object.entries(through)) {
      latency[kind] = await attempt(() =>
        runChild(COMMIT_BENCH, 'floeCommitLatency', { warehouse, name: `rest_latency_${kind}`, commits, warmup, rows: ROWS }, { label: `floe commit latency ${kind}` }),
      );
    }
    for (const p of ['p50', 'p95']) {
      rows.push({
        case: `${ROWS}-row append (n=${commits})`,
        metric: p,
        unit: 'ms',
        better: 'lower',
        floe: cellOf(latency.server, (v) => v[p]),
        direct: cellOf(latency.direct, (v) => v[p]),
      });
    }

    for (const shared of [false, true]) {
      const rates = {};
      for (const [kind, warehouse] of Object.entries(through)) {
        const names = Array.from({ length: WRITERS }, (_, w) => (shared ? `bench.rest_shared_${kind}` : `bench.rest_${kind}_${w}`));
        rates[kind] = await attempt(async () => {
          const r = await race(WRITERS, each, (a) =>
            runChild(COMMIT_BENCH, 'floeWriter', { warehouse, name: names[a.index], commits: each, rows: ROWS, ...a }, { label: `floe ${kind} writer ${a.index}` }),
          );
          const { snapshots } = await runChild(SELF, 'floeCountSnapshots', { warehouse: folder, names: [...new Set(names)] }, { label: 'floe count' });
          return { ...r, snapshots };
        });
      }
      const detail = (v) => ({
        value: v.perSecond,
        detail: `${v.committed} committed, ${v.failed} failed, ${v.conflicts} conflicts retried; ${v.snapshots} snapshots${v.snapshots !== v.committed ? ' (MISMATCH!)' : ''}`,
      });
      rows.push({
        case: `${WRITERS} writers × ${each} appends, ${shared ? 'one table' : 'a table each'}`,
        metric: 'commits/s',
        unit: 'commits/s',
        better: 'higher',
        floe: cellOf(rates.server, detail),
        direct: cellOf(rates.direct, detail),
      });
    }
  } finally {
    await server.stop();
    rmSync(lineDir, { recursive: true, force: true });
  }
  return rows;
}
