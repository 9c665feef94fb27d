/**
 * LanceDB's side of the benchmarks (`@lancedb/lancedb` with its own apache-arrow 18), run in
 * child processes by `bench/lib/exec.js`. Each export does the same job as a Floe measurement on
 * the same seeded rows (`bench/lib/datagen.js`) and returns plain figures.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import * as lancedb from '@lancedb/lancedb';
import { embeddingsTable, eventsTable } from '../lib/arrow-build.js';
import { changeIds, embeddingColumns, eventColumns, folderBytes } from '../lib/datagen.js';
import { memorySampler, percentile, startLine, timed } from '../lib/measure.js';

function makeTable(kind, rows, start = 0) {
  return kind === 'events' ? eventsTable(arrow, eventColumns(rows, { start })) : embeddingsTable(arrow, embeddingColumns(rows, { start }));
}

function connect(args) {
  if (args.s3) {
    return lancedb.connect(`s3://${args.s3.bucket}/${args.prefix}`, {
      storageOptions: {
        aws_endpoint: args.s3.endpoint,
        aws_region: args.s3.region,
        aws_access_key_id: args.s3.accessKeyId,
        aws_secret_access_key: args.s3.secretAccessKey,
        allow_http: 'true',
        aws_virtual_hosted_style_request: 'false',
      },
    });
  }
  return lancedb.connect(args.dir);
}

/** The installed version. */
export async function version() {
  // The package's `exports` hide its package.json; read the file itself.
  const { readFileSync } = await import('node:fs');
  return JSON.parse(readFileSync(new URL('./node_modules/@lancedb/lancedb/package.json', import.meta.url), 'utf8')).version;
}

/** Creates table `name` from `rows` seeded rows, `repeats` times (timed: the create with its data). */
export async function append(args) {
  const data = makeTable(args.kind, args.rows);
  const db = await connect(args);
  const times = [];
  let table;
  for (let i = 0; i < (args.repeats ?? 1); i++) {
    // Repeats go to their own table, dropped after (an overwrite would keep the old version's files).
    const name = i === 0 ? args.name : `${args.name}_r${i}`;
    const t0 = performance.now();
    const created = await db.createTable(name, data, { mode: 'overwrite' });
    times.push(performance.now() - t0);
    if (i === 0) table = created;
    else await db.dropTable(name);
  }
  return { times, ms: Math.min(...times), rows: await table.countRows(), version: await table.version() };
}

/** Builds a table by `commits` appends of `rowsPerCommit` rows (version k holds k commits). */
export async function buildHistory(args) {
  const db = await connect(args);
  const times = [];
  let table;
  for (let i = 0; i < args.commits; i++) {
    const data = makeTable(args.kind ?? 'events', args.rowsPerCommit, i * args.rowsPerCommit);
    const t0 = performance.now();
    if (i === 0) table = await db.createTable(args.name, data, { mode: 'overwrite' });
    else await table.add(data);
    times.push(performance.now() - t0);
  }
  return { times, version: await table.version() };
}

/** Opens the table and reads it (optionally filtered / at a version) to one Arrow table, `repeats` times. */
export async function scan(args) {
  const times = [];
  let rows = 0;
  for (let i = 0; i < (args.repeats ?? 1); i++) {
    const t0 = performance.now();
    const db = await connect(args);
    const table = await db.openTable(args.name);
    if (args.version !== undefined) await table.checkout(args.version);
    let q = table.query();
    if (args.where) q = q.where(args.where);
    const out = await q.toArrow();
    times.push(performance.now() - t0);
    rows = out.numRows;
  }
  return { times, rows };
}

/** `commits` sequential appends of `rows` rows to a fresh table; per-commit latencies. */
export async function commitLatency(args) {
  const db = await connect(args);
  const table = await db.createTable(args.name, makeTable('events', args.rows), { mode: 'overwrite' });
  const times = [];
  for (let i = 0; i < args.warmup + args.commits; i++) {
    const data = makeTable('events', args.rows, (i + 1) * args.rows);
    const t0 = performance.now();
    await table.add(data);
    if (i >= args.warmup) times.push(performance.now() - t0);
  }
  return { times, p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Creates the table concurrent writers append to. */
export async function createForWriters(args) {
  const db = await connect(args);
  await db.createTable(args.name, makeTable('events', args.rows), { mode: 'overwrite' });
  return {};
}

/** One of N concurrent writers (a process each): waits at the start line, then appends. */
export async function writer(args) {
  const db = await connect(args);
  const table = await db.openTable(args.name);
  const data = [];
  for (let i = 0; i < args.commits; i++) data.push(makeTable('events', args.rows, (args.index * 1000 + i) * args.rows));
  await startLine(args.ready, args.go);
  const start = performance.timeOrigin + performance.now();
  let failed = 0;
  for (const d of data) {
    try {
      await table.add(d);
    } catch {
      failed++;
    }
  }
  return { start, end: performance.timeOrigin + performance.now(), failed };
}

/** Streams the table batch by batch, sampling memory; run under a heap limit. */
export async function stream(args) {
  const db = await connect(args);
  const table = await db.openTable(args.name);
  const mem = memorySampler();
  const t0 = performance.now();
  let rows = 0;
  for await (const batch of table.query()) {
    rows += batch.numRows;
    mem.sample();
  }
  const ms = performance.now() - t0;
  return { ms, rows, ...mem.stop() };
}

/** A table of `files` adds of `rowsPerFile` events rows with sorted ids (the upsert and random-change workloads). */
async function eventFiles(args) {
  const db = await connect(args);
  let table;
  for (let i = 0; i < args.files; i++) {
    const data = makeTable('events', args.rowsPerFile, i * args.rowsPerFile);
    if (i === 0) table = await db.createTable(args.name, data, { mode: 'overwrite' });
    else await table.add(data);
  }
  return table;
}

/**
 * The upsert workload: a table of `files` adds of `rowsPerFile` rows, then one `mergeInsert` on
 * `id` of `upsertRows` rows starting at id `upsertStart` (matched rows updated, others inserted).
 */
export async function upsert(args) {
  const table = await eventFiles(args);
  const changes = makeTable('events', args.upsertRows, args.upsertStart);
  const t0 = performance.now();
  await table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(changes);
  const ms = performance.now() - t0;
  return { ms, rows: await table.countRows() };
}

/**
 * The random-key change workload (bench/workloads/mor.bench.js): a table of `files` adds of
 * `rowsPerFile` rows, then `delete('id IN (…)')` of `changeRows` random ids, or a `mergeInsert` on
 * `id` of rows with half random existing ids and half new ones (the same ids as Floe's).
 */
export async function randomChange(args) {
  const table = await eventFiles(args);
  const ids = changeIds(args);
  const before = folderBytes(args.dir);
  const t0 = performance.now();
  if (args.op === 'delete') await table.delete(`id IN (${[...ids].join(',')})`);
  else await table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(eventsTable(arrow, eventColumns(ids.length, { ids, seed: 7 })));
  const ms = performance.now() - t0;
  return { ms, rows: await table.countRows(), written: folderBytes(args.dir) - before };
}
