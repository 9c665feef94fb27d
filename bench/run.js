/**
 * `npm run bench`: Floe's benchmarks against DuckDB and LanceDB, measured in the same run on the
 * same seeded data, every measurement in a fresh child process (see bench/README.md).
 *
 *     node bench/run.js [--quick] [--only append,scan,...] [--keep] [--no-peers]
 *
 * 1. installs the peers into `bench/peers/node_modules` when missing (`npm ci --omit=optional`,
 *    falling back to `npm install --no-save` of the same locked versions);
 * 2. finds an S3 server: `FLOE_S3_ENDPOINT` if set, else the project's RGW launcher
 *    (`docker/rgw/start.sh --lease <pid>`, released at the end); without one the S3 rows say
 *    "skipped: no S3 server";
 * 3. runs the workloads in order (later ones reuse the tables earlier ones wrote), printing each
 *    one's table with ratios as soon as it is done;
 * 4. writes everything to `bench/results/<timestamp>.json`.
 *
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, ROOT_DIR, attempt, printRows, runChild } from './lib/harness.js';

const WORKLOADS = ['append', 'scan', 'time-travel', 'commit', 'rest', 'planning', 'memory', 'training', 'upsert', 'mor', 'ingest', 'maintenance', 'online-features'];

function parseArgs(argv) {
  const opts = { quick: false, only: WORKLOADS, keep: false, peers: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--no-peers') opts.peers = false;
    else if (a === '--only') opts.only = String(argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) opts.only = a.slice(7).split(',').filter(Boolean);
    else {
      console.error(`unknown argument ${a}\nusage: node bench/run.js [--quick] [--only ${WORKLOADS.join(',')}] [--keep] [--no-peers]`);
      process.exit(2);
    }
  }
  for (const w of opts.only) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}; known: ${WORKLOADS.join(', ')}`);
  return opts;
}

function ensurePeers(enabled) {
  if (!enabled) return { ok: false, reason: 'peers disabled (--no-peers)' };
  const peers = join(BENCH_DIR, 'peers');
  if (!existsSync(join(peers, 'node_modules', '@lancedb', 'lancedb')) || !existsSync(join(peers, 'node_modules', '@duckdb', 'node-api'))) {
    // `npm ci` refuses a lock that lacks optional entries, and a lock made where a registry
    // (mirror) serves only some platforms' native builds lacks the others'; `npm install
    // --no-save` then installs the same locked versions without touching the lock.
    const common = ['--omit=optional', '--no-audit', '--no-fund', '--prefix', peers];
    console.log('installing peers: npm ci --omit=optional --prefix bench/peers …');
    let r = spawnSync('npm', ['ci', ...common], { stdio: 'ignore', timeout: 300_000 });
    if (r.status !== 0) {
      console.log('npm ci refused; installing the locked versions with npm install --no-save …');
      r = spawnSync('npm', ['install', '--no-save', ...common], { stdio: 'inherit', timeout: 300_000 });
    }
    if (r.status !== 0) return { ok: false, reason: `installing bench/peers failed (exit ${r.status ?? r.signal})` };
  }
  return { ok: true };
}

function resolveS3() {
  const bucket = process.env.FLOE_BENCH_S3_BUCKET ?? 'floe-bench';
  const fromEnv = (env, source) => ({
    endpoint: env.FLOE_S3_ENDPOINT,
    accessKeyId: env.FLOE_S3_ACCESS_KEY ?? '',
    secretAccessKey: env.FLOE_S3_SECRET_KEY ?? '',
    region: env.FLOE_S3_REGION ?? 'us-east-1',
    bucket,
    source,
  });
  if (process.env.FLOE_S3_ENDPOINT) return { s3: fromEnv(process.env, 'FLOE_S3_ENDPOINT'), lease: false };
  try {
    const out = execFileSync('bash', [join(ROOT_DIR, 'docker', 'rgw', 'start.sh'), '--lease', String(process.pid)], {
      encoding: 'utf8',
      timeout: 240_000,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const env = {};
    for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
    if (!env.FLOE_S3_ENDPOINT) return { s3: null, reason: 'no S3 server (the RGW launcher printed no endpoint)', lease: true };
    return { s3: fromEnv(env, 'docker/rgw/start.sh (Ceph RADOS Gateway)'), lease: true };
  } catch (e) {
    return { s3: null, reason: `no S3 server (FLOE_S3_ENDPOINT unset; docker/rgw/start.sh failed: ${String(e.message).split('\n')[0]})`, lease: false };
  }
}

function gitSha() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // Other processes compete for the same cores; the figures are only as quiet as the machine.
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
  };
  console.log(`Floe benchmarks (${opts.quick ? 'quick: 1/10 sizes' : 'full sizes'}) at ${gitSha()}`);
  console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, node ${machine.node}, load average ${machine.loadAverage1m}`);

  const peers = ensurePeers(opts.peers);
  const versions = { floe: gitSha() };
  if (peers.ok) {
    for (const engine of ['duckdb', 'lancedb']) {
      const r = await attempt(() => runChild(join(BENCH_DIR, 'peers', `${engine}.js`), 'version', {}, { timeoutMs: 60_000, label: `${engine} version` }));
      versions[engine] = r.ok ? r.value : `unavailable: ${r.cell.error}`;
      if (!r.ok) {
        peers.ok = false;
        peers.reason = `${engine} does not load: ${r.cell.error}`;
      }
    }
  }
  console.log(peers.ok ? `peers: DuckDB ${versions.duckdb}, LanceDB ${versions.lancedb} (bench/peers)` : `peers: skipped: ${peers.reason}`);

  const needsS3 = opts.only.includes('commit');
  const s3r = needsS3 ? resolveS3() : { s3: null, reason: 'not needed by the selected workloads', lease: false };
  console.log(s3r.s3 ? `S3: ${s3r.s3.endpoint} (from ${s3r.s3.source}), bucket ${s3r.s3.bucket}` : `S3: skipped: ${s3r.reason}`);

  const dir = process.env.FLOE_BENCH_DIR ? (mkdirSync(process.env.FLOE_BENCH_DIR, { recursive: true }), process.env.FLOE_BENCH_DIR) : mkdtempSync(join(os.tmpdir(), 'floe-bench-'));
  console.log(`scratch: ${dir}${opts.keep ? ' (kept)' : ''}`);

  const ctx = {
    dir,
    quick: opts.quick,
    /** Full-size figure, or a tenth of it with --quick. */
    size: (n) => (opts.quick ? Math.max(1, Math.round(n / 10)) : n),
    s3: s3r.s3,
    s3Reason: s3r.s3 ? undefined : s3r.reason,
    peers,
    /** Tables earlier workloads wrote, for later ones. */
    tables: {},
    /** Runs a peer's export in a child; a skip cell when peers are unavailable. */
    peer: (engine, fn, args, options = {}) => {
      if (!peers.ok) return Promise.reject(Object.assign(new Error(`skipped: ${peers.reason}`), { skip: true }));
      return runChild(join(BENCH_DIR, 'peers', `${engine}.js`), fn, args, { label: `${engine} ${fn}`, ...options });
    },
  };

  const results = [];
  let failed = false;
  try {
    for (const name of opts.only) {
      const t0 = Date.now();
      const mod = await import(`./workloads/${name}.bench.js`);
      let rows;
      try {
        rows = await mod.run(ctx);
      } catch (e) {
        failed = true;
        console.error(`workload ${name} failed: ${e instanceof Error ? e.stack : e}`);
        continue;
      }
      const seconds = (Date.now() - t0) / 1000;
      printRows(`${mod.title} (${seconds.toFixed(1)} s)`, rows, console.log, mod.peers, mod.floeLabel);
      results.push({ workload: name, title: mod.title, seconds, rows });
    }
  } finally {
    if (s3r.lease) spawnSync('bash', [join(ROOT_DIR, 'docker', 'rgw', 'stop.sh'), '--lease', String(process.pid)], { stdio: 'ignore', timeout: 120_000 });
    if (!opts.keep && !process.env.FLOE_BENCH_DIR) rmSync(dir, { recursive: true, force: true });
  }

  const totalSeconds = (Date.now() - started) / 1000;
  console.log(`\nratio = Floe's cost ÷ the peer's (time, memory, bytes; inverse for commits/s): above 1× Floe is slower or uses more.`);
  console.log(`total: ${totalSeconds.toFixed(1)} s (load average now ${os.loadavg()[0].toFixed(2)})`);
  const outDir = join(BENCH_DIR, 'results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
  const outFile = join(outDir, `${stamp}${opts.quick ? '-quick' : ''}.json`);
  writeFileSync(outFile, `${JSON.stringify({ startedAt: new Date(started).toISOString(), quick: opts.quick, totalSeconds, machine, versions, s3: s3r.s3 ? { endpoint: s3r.s3.endpoint, source: s3r.s3.source } : { skipped: s3r.reason }, peers: peers.ok ? 'ok' : peers.reason, workloads: results }, null, 2)}\n`);
  console.log(`results: ${outFile}`);
  if (failed) process.exitCode = 1;
}

await main();
