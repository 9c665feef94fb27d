/**
 * Commits under load through the REST catalog server: 8 writers × 25 appends through
 * `Warehouse.open(serverUrl)` to one table (in this process on memory, and as 8 writer processes
 * on the S3 server); on the S3 server also the server killed (`kill -9`) and restarted twice
 * mid-run, and two servers on one warehouse; on a local folder, 8 processes each on its own
 * table. Each run must leave what the commit conformance suite asks of direct writers
 * (test/conformance/commit.suite.ts): one snapshot per acknowledged append, a linear history,
 * every row exactly once. Each prints a figures line. *
 * No sleeps decide anything: writers start together from a start line (ready/go files), and the
 * server is killed once the table's `v<K+1>.metadata.json` exists (K commits landed), observed by
 * polling the storage.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Warehouse, type WarehouseOptions } from 'floe';
import { startRestCatalogServer } from '../../../src/catalog/rest/server/index.js';
import { openLocation } from '../../../src/store/index.js';
import { TABLE_SCHEMA, type WriterReport, checkAppendHistory, inProcessWriter } from '../../conformance/commit.suite.js';
import { createTestBucket, s3Label, s3ProcessSettings } from '../../support/s3-endpoint.js';

// The servers here authenticate every request, as in production; writers (in this process and
// in their own) are its admin through FLOE_CATALOG_CREDENTIAL, which child processes inherit.
const ADMIN = { clientId: 'floe-test-admin', clientSecret: 'test-admin-secret-not-for-production' };
process.env['FLOE_ADMIN_CLIENT_ID'] = ADMIN.clientId;
process.env['FLOE_ADMIN_CLIENT_SECRET'] = ADMIN.clientSecret;
process.env['FLOE_CATALOG_CREDENTIAL'] = `${ADMIN.clientId}:${ADMIN.clientSecret}`;

const run = promisify(execFile);
const WORKER = path.resolve(__dirname, '../../support/commit-worker.mjs');
const SERVER = path.resolve(__dirname, '../../support/rest-server.mjs');
const DIST = path.resolve(__dirname, '../../../dist/node.js');

const W = 8;
/** Appends per writer in the in-process run and the one-table run of writer processes. */
const N = 25;
/**
 * Appends per writer in the distinct-tables, kill -9 and two-server runs: 8 processes on one
 * version chain conflict on most attempts, so 8 × 10 commits already means hundreds of retries,
 * kills and reloads; more only lengthens CI.
 */
const N_SMALL = 10;
const R = 2;
/** Patient enough for 8 writers on one version chain (each conflict costs one retry). */
const RETRY_PROPERTIES = { 'commit.retry.num-retries': '1000', 'commit.retry.max-wait-ms': '200' };

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh warehouse on storage, and how processes reach it. */
interface Storage {
  readonly uri: string;
  readonly options: WarehouseOptions;
  readonly env: Record<string, string>;
}

interface Backend {
  readonly label: string;
  open(): Promise<Storage>;
}

const localFs: Backend = {
  label: 'local-fs',
  open: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'floe-rest-load-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return { uri: pathToFileURL(dir).href, options: {}, env: {} };
  },
};

const s3: Backend = {
  label: s3Label(),
  open: async () => {
    const { s3: options, env } = s3ProcessSettings();
    const bucket = await createTestBucket();
    cleanups.push(() => bucket.cleanup());
    return { uri: `s3://${bucket.bucket}/wh`, options: { s3: options }, env };
  },
};

/** A server process. */
interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
}

/** Starts test/support/rest-server.mjs over `storage` and waits for the URL it prints. */
function startServer(storage: Storage, port = 0): Promise<ServerProcess> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [SERVER, JSON.stringify({ warehouse: storage.uri, port })], {
    env: { ...process.env, ...storage.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => void child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0]!;
      if (out.includes('\n')) {
        const { url, port: listening } = JSON.parse(line) as { url: string; port: number };
        resolve({ url, port: listening, child });
      }
    });
    child.on('close', (code, signal) => reject(new Error(`the server exited (${code ?? signal}) before listening: ${err}`)));
  });
}

/**
 * Starts the server again on `port`, the one its writers know. Right after a kill the port can be
 * briefly held (by a client connection that the kernel gave it as an ephemeral port): the start
 * is retried on `EADDRINUSE` only.
 */
async function restartServer(storage: Storage, port: number): Promise<ServerProcess> {
  for (let tries = 1; ; tries++) {
    try {
      return await startServer(storage, port);
    } catch (e) {
      if (tries >= 20 || !String(e).includes('EADDRINUSE')) throw e;
      await delay(250);
    }
  }
}

/** SIGKILLs a server process and waits until it is gone. */
async function killServer(server: ServerProcess): Promise<void> {
  const gone = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGKILL');
  await gone;
}

/** A writer's report (commit-worker.mjs adds the unknown outcomes its commits settled). */
interface LoadReport extends WriterReport {
  readonly unknownOutcomes?: number;
}

interface Race {
  readonly reports: LoadReport[];
  readonly elapsedMs: number;
}

/**
 * Runs one writer process per entry of `writers` (URL and table each), released together from a
 * start line; `during` runs once all have started (e.g. to kill the server).
 */
async function raceWriters(
  writers: readonly { url: string; table: string; writer: number }[],
  commits: number,
  env: Record<string, string>,
  during?: (stopped: () => boolean) => Promise<void>,
): Promise<Race> {
  const line = mkdtempSync(path.join(tmpdir(), 'floe-rest-line-'));
  cleanups.push(() => rmSync(line, { recursive: true, force: true }));
  const go = path.join(line, 'go');
  let failure: unknown;
  let settled = 0;
  const running = writers.map((w, i) =>
    run(process.execPath, [WORKER, JSON.stringify({ warehouse: w.url, table: w.table, writer: w.writer, commits, rowsPerCommit: R, ready: path.join(line, `ready-${i}`), go })], {
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    })
      .then(
        ({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadReport,
        (e: unknown) => {
          failure ??= e;
          throw e;
        },
      )
      .finally(() => (settled += 1)),
  );
  running.forEach((p) => p.catch(() => undefined));
  while (readdirSync(line).filter((f) => f.startsWith('ready-')).length < writers.length) {
    if (failure) throw failure;
    await delay(10);
  }
  const started = Date.now();
  writeFileSync(go, '');
  // A writer that fails stops `during` too, so that its error is what the test reports.
  if (during) await Promise.race([during(() => failure !== undefined || settled === writers.length), Promise.all(running)]);
  const reports = await Promise.all(running);
  return { reports, elapsedMs: Date.now() - started };
}

/** The figures line of a run. */
function figures(label: string, race: Race, extra = ''): string {
  const attempts = race.reports.reduce((a, r) => a + r.attempts, 0);
  const conflicts = race.reports.reduce((a, r) => a + r.conflicts, 0);
  const unknown = race.reports.reduce((a, r) => a + (r.unknownOutcomes ?? 0), 0);
  const commits = race.reports.reduce((a, r) => a + r.acknowledged.length, 0);
  return (
    `[rest commit load ${label}] writers=${race.reports.length} commits=${commits} attempts=${attempts} retries=${attempts - commits} conflicts=${conflicts} ` +
    `unknown-outcomes=${unknown}${extra} elapsed=${race.elapsedMs}ms (${(commits / (race.elapsedMs / 1000)).toFixed(1)} commits/s)`
  );
}

/**
 * Creates namespace `c` and tables `names` through the catalog at `url`; the client returned
 * reads the tables' files with this test's own storage settings.
 */
async function createTables(url: string, names: readonly string[], options: WarehouseOptions = {}): Promise<Warehouse> {
  const wh = await Warehouse.open(url, options);
  await wh.createNamespace('c');
  for (const name of names) await wh.createTable(name, TABLE_SCHEMA, { properties: RETRY_PROPERTIES });
  return wh;
}

/** Waits until table `name` has had `k` commits after its creation (its `v<k+1>` exists). */
async function waitForCommits(wh: Warehouse, storage: Storage, name: string, k: number, stopped: () => boolean): Promise<void> {
  const table = await wh.loadTable(name);
  const { store } = openLocation(table.uri, storage.options.s3 ? { s3: storage.options.s3 } : {});
  for (;;) {
    if (await store.head(`metadata/v${k + 1}.metadata.json`).then(() => true, () => false)) return;
    if (stopped()) throw new Error(`the writers stopped before ${name} reached ${k} commits`);
    await delay(20);
  }
}

describe('REST catalog server under commit load (memory: server and writers in this process)', () => {
  it(`W=${W} writers × N=${N} appends to one table through the server: ${W * N} snapshots, linear history, every row once`, { timeout: 300_000 }, async () => {
    const wh = await Warehouse.open(`memory://rest-load-${process.pid}`);
    const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN });
    cleanups.push(() => server.close());
    const client = await createTables(server.url, ['c.appends']);
    const started = Date.now();
    const reports = await Promise.all(Array.from({ length: W }, async (_, w) => inProcessWriter(await Warehouse.open(server.url), 'c.appends', w, N, R)));
    const race = { reports, elapsedMs: Date.now() - started };
    expect(await checkAppendHistory(await client.loadTable('c.appends'), reports.flatMap((r) => r.acknowledged), W, N, R)).toEqual([]);
    console.log(figures('memory, one table', race));
  });
});

// The figure, 8 writer processes × 25 commits through one server to one table, and the
// server's faults run against the real S3 server; the local folder has the distinct-tables run
// (one folder per table). Every run here starts 8 + 1 Node processes on what may be 2 cores.
const PROCESS_RUNS: readonly { readonly backend: Backend; readonly runs: readonly ('one' | 'distinct' | 'kill' | 'two')[] }[] = [
  { backend: s3, runs: ['one', 'kill', 'two'] },
  { backend: localFs, runs: ['distinct'] },
];

for (const { backend, runs } of PROCESS_RUNS) {
  describe(`REST catalog server under commit load: ${backend.label} (server and ${W} writers as OS processes)`, () => {
    if (runs.includes('one')) it(`W=${W} writers × N=${N} appends to one table: ${W * N} snapshots, linear history, every row once`, { timeout: 600_000 }, async () => {
      const storage = await backend.open();
      const server = await startServer(storage);
      const client = await createTables(server.url, ['c.appends'], storage.options);
      const race = await raceWriters(Array.from({ length: W }, (_, w) => ({ url: server.url, table: 'c.appends', writer: w })), N, storage.env);
      expect(await checkAppendHistory(await client.loadTable('c.appends'), race.reports.flatMap((r) => r.acknowledged), W, N, R)).toEqual([]);
      console.log(figures(`${backend.label}, one table`, race));
      await killServer(server);
    });

    if (runs.includes('distinct')) it(`W=${W} writers × N=${N_SMALL} appends, each to its own table: ${N_SMALL} snapshots each, every row once`, { timeout: 600_000 }, async () => {
      const storage = await backend.open();
      const server = await startServer(storage);
      const names = Array.from({ length: W }, (_, w) => `c.t${w}`);
      const client = await createTables(server.url, names, storage.options);
      const race = await raceWriters(names.map((table) => ({ url: server.url, table, writer: 0 })), N_SMALL, storage.env);
      for (const [w, name] of names.entries()) {
        expect(await checkAppendHistory(await client.loadTable(name), race.reports[w]!.acknowledged, 1, N_SMALL, R), name).toEqual([]);
      }
      console.log(figures(`${backend.label}, ${W} tables`, race));
      await killServer(server);
    });

    if (runs.includes('kill')) it(`the server killed (kill -9) and restarted on its port twice mid-run, W=${W} × N=${N_SMALL}: linear history, every row once`, { timeout: 600_000 }, async () => {
      const storage = await backend.open();
      let server = await startServer(storage);
      const client = await createTables(server.url, ['c.appends'], storage.options);
      const direct = await Warehouse.open(storage.uri, storage.options);
      const kills: number[] = [];
      const race = await raceWriters(
        Array.from({ length: W }, (_, w) => ({ url: server.url, table: 'c.appends', writer: w })),
        N_SMALL,
        storage.env,
        async (stopped) => {
          for (const k of [Math.round((W * N_SMALL) / 3), Math.round((2 * W * N_SMALL) / 3)]) {
            await waitForCommits(direct, storage, 'c.appends', k, stopped);
            await killServer(server);
            kills.push(k);
            server = await restartServer(storage, server.port);
          }
        },
      );
      expect(kills).toHaveLength(2);
      expect(await checkAppendHistory(await client.loadTable('c.appends'), race.reports.flatMap((r) => r.acknowledged), W, N_SMALL, R)).toEqual([]);
      console.log(figures(`${backend.label}, kill -9 + restart`, race, ` restarts=${kills.length} (after commits ${kills.join(', ')})`));
      await killServer(server);
    });

    if (runs.includes('two')) it(`two servers on one warehouse, ${W / 2} writers on each, one table, W=${W} × N=${N_SMALL}: linear history, every row once`, { timeout: 600_000 }, async () => {
      const storage = await backend.open();
      const a = await startServer(storage);
      const b = await startServer(storage);
      const client = await createTables(a.url, ['c.appends'], storage.options);
      const race = await raceWriters(Array.from({ length: W }, (_, w) => ({ url: w % 2 === 0 ? a.url : b.url, table: 'c.appends', writer: w })), N_SMALL, storage.env);
      const acknowledged = race.reports.flatMap((r) => r.acknowledged);
      expect(await checkAppendHistory(await (await Warehouse.open(b.url, storage.options)).loadTable('c.appends'), acknowledged, W, N_SMALL, R)).toEqual([]);
      expect(await checkAppendHistory(await client.loadTable('c.appends'), acknowledged, W, N_SMALL, R)).toEqual([]);
      console.log(figures(`${backend.label}, two servers`, race));
      await killServer(a);
      await killServer(b);
    });
  });
}
