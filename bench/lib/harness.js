/**
 * The orchestrator's side of the benchmarks: running measurements in child processes, the
 * result rows every workload returns, and printing them with ratios against the peers measured
 * in the same run.
 *
 * A row compares one figure across engines. A cell is a measured value, `{ na }` (this engine
 * does not do this job), `{ skipped }` (it could, but not in this run: no S3 server, no peers)
 * or `{ error }`. The ratio printed is always **Floe's cost ÷ the peer's cost** (for figures where
 * higher is better, such as commits/s, the inverse of the values), so above 1× Floe is slower or
 * uses more, below 1× it is faster or uses less.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `bench/` */
export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const ROOT_DIR = resolve(BENCH_DIR, '..');
const EXEC = join(BENCH_DIR, 'lib', 'exec.js');

/**
 * @typedef {{ value: number, detail?: string } | { na: string } | { skipped: string } | { error: string }} Cell
 * @typedef {object} Row
 * @property {string} case        what was done, on what data and store
 * @property {string} metric      e.g. `time`, `p50`, `peak RSS`
 * @property {string} unit        `ms`, `s`, `MB`, `commits/s`, `requests`, `rows/s`, `×`
 * @property {'lower' | 'higher'} better
 * @property {Cell} floe
 * @property {Cell} [duckdb]
 * @property {Cell} [lancedb]
 * @property {Cell} [direct]     Floe itself used another way (rest.bench.js: a folder opened directly)
 * @property {Cell} [limit]      the machine's limit for the same work: merely moving the same
 *                               bytes (`bench/lib/limits.js`), in the row's unit
 */

/** A failed child measurement. */
export class ChildError extends Error {}

/**
 * Runs `export name(args)` of `file` in a fresh `node` process; resolves to what it returned.
 * @param {string} file absolute path of the module
 * @param {string} name the exported function
 * @param {unknown} args JSON-able arguments
 * @param {{ nodeFlags?: string[], timeoutMs?: number, env?: Record<string,string>, label?: string }} [options]
 * @returns {Promise<any>}
 * @throws {ChildError} when the function threw, the process died, or it ran out of time
 */
export async function runChild(file, name, args, options = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'floe-bench-child-'));
  const resultFile = join(tmp, 'result.json');
  const timeoutMs = options.timeoutMs ?? 180_000;
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), EXEC, file, name, JSON.stringify(args), resultFile], {
    cwd: ROOT_DIR,
    env: { ...process.env, RUST_LOG: 'error', LANCE_LOG: 'error', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise((res) => child.on('close', (c, signal) => res(c ?? signal)));
  clearTimeout(timer);
  let result;
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
  } catch {
    result = undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const label = options.label ?? `${name}`;
  if (timedOut) throw new ChildError(`${label}: no result within ${Math.round(timeoutMs / 1000)} s`);
  if (!result) throw new ChildError(`${label}: child exited with ${code} and no result; output tail:\n${output.trim().split('\n').slice(-8).join('\n')}`);
  if (!result.ok) {
    if (process.env.FLOE_BENCH_VERBOSE) console.error(result.stack, '\n', output);
    throw new ChildError(`${label}: ${result.error}`);
  }
  return result.value;
}

/**
 * Runs a measurement and turns a failure into an error cell (the run goes on).
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<{ ok: true, value: T } | { ok: false, cell: Cell }>}
 */
export async function attempt(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (e && e.skip) return { ok: false, cell: { skipped: msg.replace(/^skipped: /, '') } };
    return { ok: false, cell: { error: msg.split('\n')[0].slice(0, 300) } };
  }
}

/**
 * A cell from an attempt and a picker.
 * @param {{ ok: true, value: any } | { ok: false, cell: Cell }} r
 * @param {(v: any) => number | Cell} pick
 * @returns {Cell}
 */
export function cellOf(r, pick) {
  if (!r.ok) return r.cell;
  const v = pick(r.value);
  return typeof v === 'number' ? { value: v } : v;
}

/**
 * Floe's cost ÷ the peer's cost, or undefined when either is not a measured value.
 * @param {Row} row
 * @param {Cell | undefined} peer
 * @returns {number | undefined}
 */
export function ratio(row, peer) {
  if (!peer || !('value' in peer) || !('value' in row.floe)) return undefined;
  const f = row.floe.value;
  const p = peer.value;
  if (!(f > 0) || !(p > 0)) return undefined;
  return row.better === 'lower' ? f / p : p / f;
}

function formatNumber(v) {
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/**
 * A cell as printed.
 * @param {Cell | undefined} cell
 * @param {string} unit
 */
export function formatCell(cell, unit) {
  if (!cell) return '—';
  if ('value' in cell) return `${formatNumber(cell.value)} ${unit}`;
  if ('na' in cell) return 'n/a';
  if ('skipped' in cell) return 'skipped';
  return 'ERROR';
}

function pad(s, n, right = false) {
  return right ? s.padStart(n) : s.padEnd(n);
}

/** The peers a workload compares Floe with, by row key and printed name (the default: DuckDB and LanceDB). */
export const DEFAULT_PEERS = [
  { key: 'duckdb', label: 'DuckDB' },
  { key: 'lancedb', label: 'LanceDB' },
];

/**
 * Prints one workload's rows as a table, then the notes (skips, errors, n/a reasons).
 * @param {string} title
 * @param {Row[]} rows
 * @param {(line: string) => void} [out]
 * @param {{ key: string, label: string }[]} [peers] the peer columns (a workload may compare Floe with another way of using Floe)
 * @param {string} [floeLabel] the heading of Floe's column
 */
export function printRows(title, rows, out = console.log, peers = DEFAULT_PEERS, floeLabel = 'Floe') {
  // The machine-limit columns appear only when a row measured one.
  const limits = rows.some((r) => r.limit) ? [{ key: 'limit', label: 'machine limit' }] : [];
  const cols = [...peers, ...limits];
  const header = ['case', 'metric', floeLabel, ...cols.map((p) => p.label), ...cols.map((p) => `vs ${p.label === 'machine limit' ? 'limit' : p.label}`)];
  const lines = rows.map((r) => {
    const ratios = cols.map((p) => ratio(r, r[p.key]));
    return [r.case, r.metric, formatCell(r.floe, r.unit), ...cols.map((p) => formatCell(r[p.key], r.unit)), ...ratios.map((x) => (x === undefined ? '' : `${x.toFixed(2)}×`))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  out('');
  out(`== ${title}`);
  out(header.map((h, i) => pad(h, widths[i], i >= 2)).join('  '));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) out(l.map((c, i) => pad(c, widths[i], i >= 2)).join('  '));
  const notes = new Set();
  for (const r of rows) {
    for (const [engine, cell] of [[floeLabel, r.floe], ...cols.map((p) => [p.label, r[p.key]])]) {
      if (!cell || 'value' in cell) {
        if (cell && 'detail' in cell && cell.detail) notes.add(`${engine}, ${r.case} ${r.metric}: ${cell.detail}`);
        continue;
      }
      if ('na' in cell) notes.add(`${engine} n/a: ${cell.na}`);
      else if ('skipped' in cell) notes.add(`${engine} skipped: ${cell.skipped}`);
      else notes.add(`${engine} ERROR in "${r.case}": ${cell.error}`);
    }
  }
  for (const n of notes) out(`  · ${n}`);
}
