/**
 * CPU profiles of Floe's side of a benchmark case, to find where the time goes:
 *
 *     node bench/profile.js <case> [--top N]      (after `npm run build`)
 *
 * Prepares the data untimed, runs the case's Floe child under `node --cpu-prof`, and prints, for
 * the main thread and for each worker thread of the Parquet pool, the functions with the most
 * self time and the modules (files/packages) they belong to. The `.cpuprofile` files are kept
 * (paths printed) for Chrome DevTools or speedscope.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BENCH_DIR, runChild } from './lib/harness.js';

const SELF = fileURLToPath(import.meta.url);

/**
 * Child: builds a table of `snapshots` one-row appends on the memory store (not profiled), then
 * profiles only `repeats` plans of the current snapshot (through `node:inspector`), writing the
 * profile to `profDir`.
 */
export async function profPlanSnapshots(args) {
  const { arrow, floe } = await import('./lib/floe.js');
  const { Session } = await import('node:inspector/promises');
  const wh = await floe.Warehouse.open('memory://profile');
  await wh.createNamespace('bench');
  const rows = (i) => arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(i)]), part: Int32Array.from([i]) });
  const table = await wh.createTable('bench.snapshots', rows(0).schema);
  for (let i = 0; i < args.snapshots; i++) await table.append(rows(i));
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  const times = [];
  for (let i = 0; i < args.repeats; i++) {
    const t0 = performance.now();
    const t = await floe.Table.load(table.uri);
    await t.scan().planFiles();
    times.push(performance.now() - t0);
  }
  const { profile } = await session.post('Profiler.stop');
  mkdirSync(args.profDir, { recursive: true });
  writeFileSync(join(args.profDir, 'plan.cpuprofile'), JSON.stringify(profile));
  return { times };
}

const W = (name) => join(BENCH_DIR, 'workloads', `${name}.bench.js`);

const CASES = {
  'append-events': { prepare: [], run: ['append', 'floeAppend', (d) => ({ warehouse: `file://${d}/wh`, name: 'events', kind: 'events', rows: 1_000_000 })] },
  'append-embeddings': { prepare: [], run: ['append', 'floeAppend', (d) => ({ warehouse: `file://${d}/wh`, name: 'emb', kind: 'embeddings', rows: 200_000 })] },
  'append-partitioned': { prepare: [], run: ['append', 'floeAppend', (d) => ({ warehouse: `file://${d}/wh`, name: 'events', kind: 'events', rows: 1_000_000, partitionBy: 'category' })] },
  'scan-events': {
    prepare: [['append', 'floeAppend', (d) => ({ warehouse: `file://${d}/wh`, name: 'events', kind: 'events', rows: 1_000_000 })]],
    run: ['scan', 'floeScan', (d) => ({ uri: `file://${d}/wh/bench/events`, repeats: 3 })],
  },
  'scan-embeddings': {
    prepare: [['append', 'floeAppend', (d) => ({ warehouse: `file://${d}/wh`, name: 'emb', kind: 'embeddings', rows: 200_000 })]],
    run: ['scan', 'floeScan', (d) => ({ uri: `file://${d}/wh/bench/emb`, repeats: 3 })],
  },
  'scan-stats': {
    prepare: [['append', 'floeAppend', (d) => ({ warehouse: `file://${d}/wh`, name: 'events', kind: 'events', rows: 1_000_000 })]],
    run: ['scan', 'floeScan', (d) => ({ uri: `file://${d}/wh/bench/events`, repeats: 3, filter: 'id >= 990000' })],
  },
  'scan-partition': {
    prepare: [['append', 'floeAppend', (d) => ({ warehouse: `file://${d}/wh`, name: 'cat', kind: 'events', rows: 1_000_000, partitionBy: 'category' })]],
    run: ['scan', 'floeScan', (d) => ({ uri: `file://${d}/wh/bench/cat`, repeats: 10, filter: 'category = 42' })],
  },
  'commit-local': { prepare: [], run: ['commit', 'floeCommitLatency', (d) => ({ warehouse: `file://${d}/wh`, name: 'small', commits: 100, warmup: 3, rows: 10 })] },
  'plan-snapshots': { prepare: [], run: ['planning', 'floePlanSnapshots', () => ({ sizes: [1000] })] },
  'plan-1000-snapshots': { prepare: [], self: true, run: [null, 'profPlanSnapshots', (d) => ({ snapshots: 1000, repeats: 5, profDir: join(d, 'prof') })] },
  'plan-files': { prepare: [], run: ['planning', 'floePlanFiles', () => ({ sizes: [10_000] })] },
  training: {
    prepare: [['training', 'floeBuild', (d) => ({ dir: join(d, 'train'), rows: 200_000 })]],
    run: ['training', 'floeTrain', (d) => ({ uri: pathToFileURL(join(d, 'train', 'bench', 'training')).href, workers: 4, repeats: 3 })],
  },
  'nearest-cold': {
    prepare: [['training', 'floeBuild', (d) => ({ dir: join(d, 'train'), rows: 200_000 })]],
    run: ['training', 'floeNearest', (d) => ({ uri: pathToFileURL(join(d, 'train', 'bench', 'training')).href, queries: seededQueries(3, 128), k: 10 })],
  },
  // The child builds the 1M-row table before the timed upsert: the profile holds both.
  upsert: { prepare: [], run: ['upsert', 'floeUpsert', (d) => ({ warehouse: `file://${d}/wh`, name: 'upsert', files: 10, rowsPerFile: 100_000, upsertRows: 10_000, upsertStart: 995_000 })] },
  // A whole `floe append` process of 1M rows (the CLI itself runs under --cpu-prof).
  'ingest-csv': { prepare: [['ingest', 'writeInput', (d) => ({ path: join(d, 'events.csv'), rows: 1_000_000, format: 'csv' })]], cli: (d) => ingestArgs(d, 'events.csv') },
  'ingest-jsonl': { prepare: [['ingest', 'writeInput', (d) => ({ path: join(d, 'events.jsonl'), rows: 1_000_000, format: 'jsonl' })]], cli: (d) => ingestArgs(d, 'events.jsonl') },
  stream: {
    prepare: [['memory', 'floeBuild', (d) => ({ warehouse: `file://${d}/wh`, name: 'stream', appends: 10, rowsPerAppend: 500_000 })]],
    run: ['memory', 'floeStream', (d) => ({ uri: `file://${d}/wh/bench/stream` })],
  },
};

function seededQueries(count, dim) {
  let x = 424242;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, () => Array.from({ length: dim }, () => next() * 2 - 1));
}

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** `floe create` (not profiled), then the arguments of the profiled `floe append`. */
function ingestArgs(d, file) {
  const wh = `file://${d}/wh`;
  const schema = JSON.stringify({ id: 'long', value: 'double', name: 'string', category: 'int', ts: 'timestamp' });
  const created = spawnSync(process.execPath, [CLI, '-w', wh, 'create', 'bench.ingest', '--schema', schema], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`floe create failed: ${created.stderr}`);
  return [CLI, '-w', wh, 'append', 'bench.ingest', join(d, file)];
}

function summarize(profile, top) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i];
    self.set(id, (self.get(id) ?? 0) + (timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const modules = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const url = f.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'node_modules/').replace(/.*\/(dist|bench)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'}  ${url ? `${url}:${f.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const mod = url ? (url.startsWith('node_modules/') ? url.split('/').slice(0, url.split('/')[1].startsWith('@') ? 3 : 2).join('/') : url) : f.functionName;
    modules.set(mod, (modules.get(mod) ?? 0) + us);
  }
  const print = (title, map) => {
    console.log(`\n${title}`);
    for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
    }
  };
  console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
  print('self time by function', fns);
  print('self time by module', modules);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();

async function main() {
const name = process.argv[2];
const topIdx = process.argv.indexOf('--top');
const top = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 25;
const c = CASES[name];
if (!c) {
  console.error(`usage: node bench/profile.js <case> [--top N]\ncases: ${Object.keys(CASES).join(', ')}`);
  process.exit(2);
}
const dir = mkdtempSync(join(os.tmpdir(), 'floe-profile-'));
for (const [w, fn, args] of c.prepare) await runChild(W(w), fn, args(dir), { timeoutMs: 600_000 });
const profDir = join(dir, 'prof');
if (c.cli) {
  const flags = ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...flags, ...c.cli(dir)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`floe failed: ${r.stderr}`);
  console.log(`result: the floe process took ${Math.round(performance.now() - t0)} ms`);
} else {
const [w, fn, args] = c.run;
const result = c.self
  ? await runChild(SELF, fn, args(dir), { timeoutMs: 600_000 })
  : await runChild(W(w), fn, args(dir), { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'], timeoutMs: 600_000 });
console.log(`result: ${JSON.stringify(result).slice(0, 300)}`);
}
// Node writes one profile per thread (`CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`):
// the main thread first, then each worker of the Parquet pool, where encode and decode run.
const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => threadOf(a) - threadOf(b));
for (const f of files) {
  const file = join(profDir, f);
  console.log(`\n=== thread ${threadOf(f)} (${threadOf(f) === 0 ? 'main' : 'worker'}) profile: ${file}`);
  summarize(JSON.parse(readFileSync(file, 'utf8')), top);
}
}

function threadOf(file) {
  return Number(file.split('.')[4] ?? 0);
}
