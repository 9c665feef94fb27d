/**
 * Online feature serving (issue 15): `getOnlineFeatures` for 100 entities × 10 features, p50
 * and p99 over many requests, on the embedded store (LMDB in a local folder) and on Redis over
 * loopback (Debian's `redis-server`, started here on a free port with no persistence; FLOE_BENCH_REDIS_URL
 * points at another); and materialization throughput (source rows read and written per second,
 * a full materialization of one view from a memory warehouse). Goal: p99 ≤ 5 ms on Redis and
 * ≤ 1 ms embedded.
 *
 * Run alone with `npm run build && node bench/workloads/online-features.bench.js [--quick]`, or
 * as part of `npm run bench`.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../lib/datagen.js';
import { arrow, floe } from '../lib/floe.js';
import { attempt, cellOf, printRows } from '../lib/harness.js';

/** Printed title. */
export const title = 'online features: serving latency and materialization';
/** No peer engine: the figures stand against the goal. */
export const peers = [];

const SELF = fileURLToPath(import.meta.url);
const FEATURES = 10;
const BATCH = 100;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts redis-server on a free loopback port; returns its URL and a stop function. */
async function startRedis(dir) {
  if (process.env.FLOE_BENCH_REDIS_URL) return { url: process.env.FLOE_BENCH_REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.once('error', (e) => reject(new Error(`cannot start redis-server: ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    child.stdout.on('data', (b) => {
      out += b;
      if (out.includes('Ready to accept connections')) resolve();
    });
  });
  child.stdout.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function view() {
  return {
    name: 'bench_stats',
    entities: [{ name: 'user_id', type: 'long' }],
    source: { table: 'bench.stats' },
    eventTime: 'ts',
    ttlMs: 0,
    features: Array.from({ length: FEATURES }, (_, i) => ({ name: `f${i}`, type: i % 2 === 0 ? 'long' : 'double' })),
  };
}

/** A memory warehouse with `rows` rows over `entities` users, 10 features each. */
async function buildSource(rows, entities) {
  const wh = await floe.Warehouse.open(`memory://bench-online-${process.pid}`);
  await wh.createNamespace('bench');
  const next = prng(15);
  const cols = {
    user_id: arrow.makeVector(BigInt64Array.from({ length: rows }, (_, i) => BigInt(i % entities))),
    ts: arrow.vectorFromArray(Array.from({ length: rows }, (_, i) => 1_767_225_600_000 + i * 1000), new arrow.TimestampMicrosecond('UTC')),
  };
  for (let f = 0; f < FEATURES; f++) {
    cols[`f${f}`] = f % 2 === 0 ? arrow.makeVector(BigInt64Array.from({ length: rows }, () => BigInt(next() % 1_000_000))) : arrow.makeVector(Float64Array.from({ length: rows }, () => next() / 0x7fffffff));
  }
  const data = new arrow.Table(cols);
  const table = await wh.createTable('bench.stats', data.schema);
  await table.append(data);
  return wh;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Materializes into `store`, then times `requests` reads of 100 random entities × 10 features. */
async function measure(wh, store, entities, requests) {
  const v = view();
  const t0 = performance.now();
  const [report] = await floe.materialize({ warehouse: wh, store, views: [v], upTo: Date.UTC(2030, 0, 1) });
  const materializeMs = performance.now() - t0;
  const refs = v.features.map((f) => `bench_stats:${f.name}`);
  const next = prng(99);
  const pick = () => Array.from({ length: BATCH }, () => ({ user_id: BigInt(next() % entities) }));
  for (let i = 0; i < 50; i++) await floe.getOnlineFeatures({ store, views: [v], features: refs, entities: pick() });
  const times = [];
  for (let i = 0; i < requests; i++) {
    const ents = pick();
    const s = performance.now();
    const rows = await floe.getOnlineFeatures({ store, views: [v], features: refs, entities: ents });
    times.push(performance.now() - s);
    if (rows.length !== BATCH || rows[0][refs[0]] === null) throw new Error('served rows are missing values');
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), requests, rowsRead: report.rowsRead, keys: report.keysWritten, materializeMs };
}

/**
 * Runs the workload.
 * @param {{ dir: string, size: (n: number) => number }} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const rows = ctx.size(200_000);
  const entities = ctx.size(50_000);
  const requests = ctx.size(2000);
  const wh = await buildSource(rows, entities);
  const dir = mkdtempSync(join(ctx.dir, 'online-'));
  const embedded = await attempt(async () => {
    const store = await floe.openEmbeddedOnlineStore({ path: join(dir, 'lmdb') });
    try {
      return await measure(wh, store, entities, requests);
    } finally {
      await store.close();
    }
  });
  const redis = await attempt(async () => {
    const server = await startRedis(dir);
    try {
      const store = await floe.openRedisOnlineStore({ url: server.url, keyPrefix: `bench:${process.pid}:` });
      try {
        return await measure(wh, store, entities, requests);
      } finally {
        await store.close();
      }
    } finally {
      await server.stop();
    }
  });
  rmSync(dir, { recursive: true, force: true });
  const lat = (r, key) => cellOf(r, (v) => ({ value: v[key], detail: `${v.requests} requests of ${BATCH} entities × ${FEATURES} features` }));
  const thr = (r) => cellOf(r, (v) => ({ value: v.rowsRead / (v.materializeMs / 1000), detail: `${v.rowsRead} rows → ${v.keys} keys in ${Math.round(v.materializeMs)} ms (full, memory warehouse)` }));
  return [
    { case: `getOnlineFeatures ${BATCH} × ${FEATURES}, embedded (LMDB)`, metric: 'p50', unit: 'ms', better: 'lower', floe: lat(embedded, 'p50') },
    { case: `getOnlineFeatures ${BATCH} × ${FEATURES}, embedded (LMDB)`, metric: 'p99 (goal ≤ 1 ms)', unit: 'ms', better: 'lower', floe: lat(embedded, 'p99') },
    { case: `getOnlineFeatures ${BATCH} × ${FEATURES}, Redis (loopback)`, metric: 'p50', unit: 'ms', better: 'lower', floe: lat(redis, 'p50') },
    { case: `getOnlineFeatures ${BATCH} × ${FEATURES}, Redis (loopback)`, metric: 'p99 (goal ≤ 5 ms)', unit: 'ms', better: 'lower', floe: lat(redis, 'p99') },
    { case: `materialize ${rows / 1000}k rows, ${entities / 1000}k entities × ${FEATURES} features → embedded`, metric: 'throughput', unit: 'rows/s', better: 'higher', floe: thr(embedded) },
    { case: `materialize ${rows / 1000}k rows, ${entities / 1000}k entities × ${FEATURES} features → Redis`, metric: 'throughput', unit: 'rows/s', better: 'higher', floe: thr(redis) },
  ];
}

if (process.argv[1] === SELF) {
  const quick = process.argv.includes('--quick');
  const dir = mkdtempSync(join(os.tmpdir(), 'floe-bench-online-'));
  try {
    const rows = await run({ dir, size: (n) => (quick ? Math.max(1, Math.round(n / 10)) : n) });
    printRows(title, rows, console.log, peers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
