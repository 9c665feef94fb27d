/**
 * Commits: the latency (p50/p95) of a small append (10 rows) on local-fs and on the S3 server,
 * and the commit rate of 1, 4 and 8 concurrent writers (separate processes, released together
 * from a start line once all have loaded; each appends 10-row batches).
 *
 * - Floe: `table.append(10 rows)`: Parquet file, manifest, manifest list, then the commit point
 *   (`put v<N+1>.metadata.json` if absent); conflicts retried by the commit loop.
 * - LanceDB: `table.add(10 rows)` (data file + manifest; its own conflict resolution and retry).
 *   On S3 through LanceDB's own S3 client against the same server.
 * - DuckDB: an autocommitted `INSERT` of 10 rows into a DuckDB database file (its own durable
 *   table: WAL append + fsync), local only; no concurrent writers (one process owns a database
 *   file). Not Iceberg or Parquet, but the same job: durably add 10 rows to a table.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { attempt, cellOf, runChild } from '../lib/harness.js';
import { percentile, startLine } from '../lib/measure.js';

/** Printed title. */
export const title = 'commits: small-append latency and concurrent writers';

const SELF = fileURLToPath(import.meta.url);
const ROWS = 10;

/** Floe child: `commits` sequential 10-row appends to a new table; per-commit latency. */
export async function floeCommitLatency(args) {
  const { makeTable, openWarehouse, ensureBucket } = await import('../lib/floe.js');
  if (args.s3) await ensureBucket(args.s3);
  const wh = await openWarehouse(args.warehouse, args.s3);
  const first = makeTable('events', args.rows);
  const table = await wh.createTable(`bench.${args.name}`, first.schema);
  const times = [];
  for (let i = 0; i < args.warmup + args.commits; i++) {
    const data = makeTable('events', args.rows, i * args.rows);
    const t0 = performance.now();
    await table.append(data);
    if (i >= args.warmup) times.push(performance.now() - t0);
  }
  return { times, p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Floe child: creates the table the writers share. */
export async function floeCreateShared(args) {
  const { makeTable, openWarehouse, ensureBucket } = await import('../lib/floe.js');
  if (args.s3) await ensureBucket(args.s3);
  const wh = await openWarehouse(args.warehouse, args.s3);
  const table = await wh.createTable(`bench.${args.name}`, makeTable('events', 1).schema, {
    // Patient enough for 8 writers on one version chain (each conflict costs one retry).
    properties: { 'commit.retry.num-retries': '100', 'commit.retry.total-timeout-ms': '120000' },
  });
  return { uri: table.uri };
}

/**
 * Floe child: one writer; loads the table (`uri`, or `name` in `warehouse`, which may be a REST
 * catalog's URL: rest.bench.js), waits at the start line, appends `commits` times.
 */
export async function floeWriter(args) {
  const { floe, makeTable, s3Options } = await import('../lib/floe.js');
  const opts = s3Options(args.s3);
  const table = args.warehouse
    ? await (await floe.Warehouse.open(args.warehouse, opts ? { s3: opts } : {})).loadTable(args.name)
    : await floe.Table.load(args.uri, opts ? { s3: opts } : {});
  const data = [];
  for (let i = 0; i < args.commits; i++) data.push(makeTable('events', args.rows, (args.index * 1000 + i) * args.rows));
  await startLine(args.ready, args.go);
  const start = performance.timeOrigin + performance.now();
  let attempts = 0;
  let conflicts = 0;
  let failed = 0;
  for (const d of data) {
    try {
      await table.append(d);
      const s = table.lastCommitStats();
      attempts += s?.attempts ?? 1;
      conflicts += s?.conflicts ?? 0;
    } catch {
      failed++;
    }
  }
  return { start, end: performance.timeOrigin + performance.now(), attempts, conflicts, failed };
}

/** Floe child: counts the table's snapshots (every acknowledged commit must be there). */
export async function floeCountSnapshots(args) {
  const { floe, s3Options } = await import('../lib/floe.js');
  const opts = s3Options(args.s3);
  const table = await floe.Table.load(args.uri, opts ? { s3: opts } : {});
  return { snapshots: table.snapshots().length };
}

/**
 * Starts `n` writer processes, releases them together, and returns the commit rate (also used
 * by rest.bench.js).
 * @param {number} n
 * @param {number} commitsEach
 * @param {(args: {index: number, ready: string, go: string}) => Promise<any>} spawnWriter
 */
export async function race(n, commitsEach, spawnWriter) {
  const lineDir = mkdtempSync(join(process.env.TMPDIR ?? '/tmp', 'floe-bench-line-'));
  const go = join(lineDir, 'go');
  try {
    let failure;
    const writers = Array.from({ length: n }, (_, index) =>
      spawnWriter({ index, ready: join(lineDir, `ready-${index}`), go }).catch((e) => {
        failure ??= e;
        throw e;
      }),
    );
    writers.forEach((p) => p.catch(() => undefined));
    const deadline = Date.now() + 120_000;
    while (readdirSync(lineDir).filter((f) => f.startsWith('ready-')).length < n) {
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`only some of ${n} writers got ready`);
      await delay(5);
    }
    writeFileSync(go, '');
    const results = await Promise.all(writers);
    const start = Math.min(...results.map((r) => r.start));
    const end = Math.max(...results.map((r) => r.end));
    const failed = results.reduce((a, r) => a + r.failed, 0);
    const committed = n * commitsEach - failed;
    return {
      perSecond: committed / ((end - start) / 1000),
      committed,
      failed,
      attempts: results.reduce((a, r) => a + (r.attempts ?? 0), 0),
      conflicts: results.reduce((a, r) => a + (r.conflicts ?? 0), 0),
    };
  } finally {
    rmSync(lineDir, { recursive: true, force: true });
  }
}

/** A commit writes 4 objects before its point: data file, manifest, manifest list, metadata. */
const COMMIT_OBJECTS = 4;
const COMMIT_OBJECT_BYTES = 4096;

/** Limit child, local-fs: 4 small files written one after another, each fsynced and renamed. */
export async function limitLocal(args) {
  const { smallWritesLimit } = await import('../lib/limits.js');
  return smallWritesLimit({ count: COMMIT_OBJECTS, bytes: COMMIT_OBJECT_BYTES, dir: args.dir });
}

/** Limit child, S3: 4 PUTs of 4 KiB one after another (plain, unconditional), median of 20. */
export async function limitS3(args) {
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { ensureBucket } = await import('../lib/floe.js');
  await ensureBucket(args.s3);
  const client = new S3Client({ endpoint: args.s3.endpoint, region: args.s3.region, forcePathStyle: true, credentials: { accessKeyId: args.s3.accessKeyId, secretAccessKey: args.s3.secretAccessKey } });
  const body = new Uint8Array(COMMIT_OBJECT_BYTES).fill(7);
  const times = [];
  for (let i = 0; i < 23; i++) {
    const t0 = performance.now();
    for (let f = 0; f < COMMIT_OBJECTS; f++) await client.send(new PutObjectCommand({ Bucket: args.s3.bucket, Key: `${args.prefix}/limit-${i}-${f}`, Body: body }));
    if (i >= 3) times.push(performance.now() - t0);
  }
  client.destroy();
  return { ms: percentile(times, 50), times };
}

/**
 * Limit child for the concurrent writers: the commit point alone. Each of `n` processes extends
 * one chain of keys `v1, v2, …` with conditional creates (S3: `PUT` with `If-None-Match: *`;
 * local-fs: temp file + fsync + link + folder fsync, as the store's create) until it has won
 * `commits` of them, moving to the next key after each put, won or lost. No data, manifest or
 * metadata is read or written: the rate the server allows one table's version chain to grow.
 */
export async function limitChainWriter(args) {
  const body = new Uint8Array(COMMIT_OBJECT_BYTES).fill(7);
  let create;
  let close = () => undefined;
  if (args.s3) {
    const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const client = new S3Client({ endpoint: args.s3.endpoint, region: args.s3.region, forcePathStyle: true, credentials: { accessKeyId: args.s3.accessKeyId, secretAccessKey: args.s3.secretAccessKey } });
    close = () => client.destroy();
    create = async (v) => {
      try {
        await client.send(new PutObjectCommand({ Bucket: args.s3.bucket, Key: `${args.prefix}/v${v}`, Body: body, IfNoneMatch: '*' }));
        return true;
      } catch (e) {
        if (e?.$metadata?.httpStatusCode === 412 || e?.$metadata?.httpStatusCode === 409) return false;
        throw e;
      }
    };
  } else {
    const { open, link, rm } = await import('node:fs/promises');
    create = async (v) => {
      const temp = join(args.dir, `.tmp-${args.index}-${v}`);
      const handle = await open(temp, 'wx');
      await handle.writeFile(body);
      await handle.sync();
      await handle.close();
      try {
        await link(temp, join(args.dir, `v${v}`));
      } catch (e) {
        if (e?.code === 'EEXIST') return false;
        throw e;
      } finally {
        await rm(temp, { force: true });
      }
      const dir = await open(args.dir, 'r');
      await dir.sync();
      await dir.close();
      return true;
    };
  }
  await startLine(args.ready, args.go);
  const start = performance.timeOrigin + performance.now();
  let won = 0;
  let lost = 0;
  for (let v = 1; won < args.commits; v++) {
    if (await create(v)) won++;
    else lost++;
  }
  close();
  return { start, end: performance.timeOrigin + performance.now(), failed: 0, conflicts: lost };
}

/**
 * Runs the workload.
 * @param {any} ctx see bench/run.js
 * @returns {Promise<import('../lib/harness.js').Row[]>}
 */
export async function run(ctx) {
  const rows = [];
  const commits = ctx.quick ? 20 : 100;
  const warmup = 3;
  const localWh = `file://${join(ctx.dir, 'floe-wh')}`;
  const s3Wh = ctx.s3 ? `s3://${ctx.s3.bucket}/run-${Date.now()}` : undefined;
  const s3Skip = { ok: false, cell: { skipped: ctx.s3Reason ?? 'no S3 server' } };
  mkdirSync(join(ctx.dir, 'duckdb'), { recursive: true });

  // Latency of one small append.
  const latency = [
    {
      label: `${ROWS}-row append, local-fs (n=${commits})`,
      floe: () => runChild(SELF, 'floeCommitLatency', { warehouse: localWh, name: 'small_appends', commits, warmup, rows: ROWS }, { label: 'floe commit latency' }),
      duckdb: () => ctx.peer('duckdb', 'commitLatency', { dbFile: join(ctx.dir, 'duckdb', 'commits.duckdb'), commits, warmup, rows: ROWS }),
      lancedb: () => ctx.peer('lancedb', 'commitLatency', { dir: join(ctx.dir, 'lance'), name: 'small_appends', commits, warmup, rows: ROWS }),
      limit: () => runChild(SELF, 'limitLocal', { dir: ctx.dir }, { label: 'local write limit' }),
      limitNote: `${COMMIT_OBJECTS} files of ${COMMIT_OBJECT_BYTES / 1024} KiB written one after another, each fsynced and renamed`,
    },
    {
      label: `${ROWS}-row append, S3 (n=${Math.round(commits / 2)})`,
      s3: true,
      floe: () => runChild(SELF, 'floeCommitLatency', { warehouse: s3Wh, s3: ctx.s3, name: 'small_appends', commits: Math.round(commits / 2), warmup, rows: ROWS }, { label: 'floe S3 commit latency' }),
      lancedb: () => ctx.peer('lancedb', 'commitLatency', { s3: ctx.s3, prefix: `lance-${Date.now()}`, name: 'small_appends', commits: Math.round(commits / 2), warmup, rows: ROWS }),
      limit: () => runChild(SELF, 'limitS3', { s3: ctx.s3, prefix: `limit-${Date.now()}` }, { label: 'S3 put limit' }),
      limitNote: `${COMMIT_OBJECTS} PUTs of ${COMMIT_OBJECT_BYTES / 1024} KiB one after another (median of 20)`,
    },
  ];
  for (const c of latency) {
    const floe = c.s3 && !ctx.s3 ? s3Skip : await attempt(c.floe);
    const duck = c.duckdb ? await attempt(c.duckdb) : { ok: false, cell: { na: 'a DuckDB database file is local only' } };
    const lance = c.s3 && !ctx.s3 ? s3Skip : await attempt(c.lancedb);
    const lim = c.s3 && !ctx.s3 ? s3Skip : await attempt(c.limit);
    for (const p of ['p50', 'p95']) {
      rows.push({ case: c.label, metric: p, unit: 'ms', better: 'lower', floe: cellOf(floe, (v) => v[p]), duckdb: cellOf(duck, (v) => v[p]), lancedb: cellOf(lance, (v) => v[p]), limit: cellOf(lim, (v) => ({ value: v.ms, detail: c.limitNote })) });
    }
  }

  // Concurrent writers.
  const stores = [{ label: 'local-fs', warehouse: localWh }, ...(ctx.s3 ? [{ label: 'S3', warehouse: s3Wh, s3: ctx.s3 }] : [])];
  for (const store of stores) {
    for (const n of [1, 4, 8]) {
      const each = ctx.quick ? 4 : n === 1 ? 30 : 10;
      const name = `writers_${n}`;
      const floe = await attempt(async () => {
        const { uri } = await runChild(SELF, 'floeCreateShared', { warehouse: store.warehouse, s3: store.s3, name }, { label: 'floe create shared' });
        const r = await race(n, each, (a) => runChild(SELF, 'floeWriter', { uri, s3: store.s3, commits: each, rows: ROWS, ...a }, { label: `floe writer ${a.index}` }));
        const { snapshots } = await runChild(SELF, 'floeCountSnapshots', { uri, s3: store.s3 }, { label: 'floe count' });
        return { ...r, snapshots };
      });
      const lanceBase = store.s3 ? { s3: store.s3, prefix: `lance-writers-${Date.now()}` } : { dir: join(ctx.dir, 'lance') };
      const lance = await attempt(async () => {
        await ctx.peer('lancedb', 'createForWriters', { ...lanceBase, name, rows: ROWS });
        return race(n, each, (a) => ctx.peer('lancedb', 'writer', { ...lanceBase, name, commits: each, rows: ROWS, ...a }));
      });
      const chain = await attempt(async () => {
        const dir = join(ctx.dir, `chain-${store.label}-${n}`);
        if (!store.s3) mkdirSync(dir, { recursive: true });
        const where = store.s3 ? { s3: store.s3, prefix: `chain-${n}-${Date.now()}` } : { dir };
        if (store.s3) {
          const { ensureBucket } = await import('../lib/floe.js');
          await ensureBucket(store.s3);
        }
        return race(n, each, (a) => runChild(SELF, 'limitChainWriter', { ...where, commits: each, ...a }, { label: `chain writer ${a.index}` }));
      });
      rows.push({
        case: `${n} writer${n > 1 ? 's' : ''} × ${each} appends, ${store.label}`,
        metric: 'commits/s',
        unit: 'commits/s',
        better: 'higher',
        floe: cellOf(floe, (v) => ({
          value: v.perSecond,
          detail: `${v.committed} committed, ${v.failed} failed, ${v.conflicts} conflicts retried; table has ${v.snapshots} snapshots${v.snapshots !== v.committed ? ' (MISMATCH!)' : ''}`,
        })),
        duckdb: { na: 'one process owns a DuckDB database file' },
        lancedb: cellOf(lance, (v) => ({ value: v.perSecond, detail: `${v.committed} committed, ${v.failed} failed` })),
        limit: cellOf(chain, (v) => ({ value: v.perSecond, detail: `the commit point alone: ${n} process${n > 1 ? 'es' : ''} extending one chain of conditional creates, ${v.conflicts} lost` })),
      });
    }
  }
  return rows;
}
