/**
 * The commit conformance suite (spec/commit-protocol.md), run on every backend: concurrent
 * writers lose nothing and duplicate nothing, history stays linear, creates have one winner, and
 * readers only ever see whole snapshots. `describeCommitConformance(backend)` is called by one
 * test file per backend; local-fs and S3 run their writers as separate OS processes.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type Snapshot, type Table, Warehouse, type WarehouseOptions, isFloeError } from 'floe';

const run = promisify(execFile);
const WORKER = path.resolve(__dirname, '../support/commit-worker.mjs');
const DIST = path.resolve(__dirname, '../../dist/node.js');

/** A backend the suite runs on. */
export interface CommitBackend {
  /** Label in test names, e.g. `local-fs`. */
  readonly label: string;
  /** A fresh, empty warehouse URI with its options. */
  open(): Promise<{ uri: string; options: WarehouseOptions; env?: Record<string, string> }>;
  /** Whether writers run as separate OS processes (needs a store shared across processes). */
  readonly multiProcess: boolean;
}

export const TABLE_SCHEMA = new arrow.Schema([
  new arrow.Field('writer', new arrow.Int32(), false),
  new arrow.Field('seq', new arrow.Int32(), false),
  new arrow.Field('cat', new arrow.Utf8(), true),
]);

/** Rows `(writer, seq)` for one commit, in category `cat`. */
export function rows(writer: number, from: number, count: number, cat = 'w'): arrow.Table {
  return new arrow.Table({
    writer: arrow.vectorFromArray(Array.from({ length: count }, () => writer), new arrow.Int32()),
    seq: arrow.vectorFromArray(Array.from({ length: count }, (_, r) => from + r), new arrow.Int32()),
    cat: arrow.vectorFromArray(Array.from({ length: count }, () => cat), new arrow.Utf8()),
  });
}

/** The ancestry of the current snapshot, newest first. */
export function ancestry(table: Table): Snapshot[] {
  const out: Snapshot[] = [];
  let cur = table.currentSnapshot();
  while (cur) {
    out.push(cur);
    const parent = cur.parentSnapshotId;
    cur = parent === undefined ? undefined : table.snapshots().find((s) => s.snapshotId === parent);
  }
  return out;
}

/**
 * What the append race must leave (spec/commit-protocol.md §C3–§C4): W×N snapshots in one linear
 * chain with sequence numbers 1..W×N, every acknowledged snapshot reachable, every row
 * `(writer, seq)` present exactly once. Returns the problems found (none when the commit point
 * held), so that a test can also show the check failing against a broken store.
 */
export async function checkAppendHistory(table: Table, acknowledged: readonly string[], W: number, N: number, R: number): Promise<string[]> {
  const problems: string[] = [];
  const history = ancestry(table);
  if (table.snapshots().length !== W * N) problems.push(`${table.snapshots().length} snapshots, expected ${W * N}`);
  if (history.length !== W * N) problems.push(`the current snapshot has ${history.length} ancestors, expected ${W * N}`);
  const seqs = history.map((s) => s.sequenceNumber);
  if (seqs.some((q, i) => q !== BigInt(history.length - i))) problems.push('sequence numbers are not contiguous');
  const reachable = new Set(history.map((s) => s.snapshotId.toString()));
  const lost = acknowledged.filter((id) => !reachable.has(id));
  if (lost.length > 0) problems.push(`${lost.length} acknowledged snapshots are not in the history (lost commits)`);
  if (new Set(acknowledged).size !== acknowledged.length) problems.push('a snapshot id was acknowledged twice');
  const data = await table.scan().toArrow();
  const counts = new Map<string, number>();
  const writers = data.getChild('writer')!;
  const seqCol = data.getChild('seq')!;
  for (let i = 0; i < data.numRows; i++) {
    const k = `${writers.get(i)}:${seqCol.get(i)}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let missing = 0;
  for (let w = 0; w < W; w++) for (let q = 0; q < N * R; q++) if (!counts.has(`${w}:${q}`)) missing += 1;
  const duplicated = [...counts.values()].filter((c) => c > 1).length;
  if (missing > 0) problems.push(`${missing} appended rows are missing`);
  if (duplicated > 0) problems.push(`${duplicated} rows appear more than once`);
  return problems;
}

export interface WriterReport {
  writer: number;
  acknowledged: string[];
  attempts: number;
  conflicts: number;
}

/** Runs one writer in this process: N appends of R rows through its own table handle. */
export async function inProcessWriter(wh: Warehouse, name: string, writer: number, commits: number, rowsPerCommit: number): Promise<WriterReport> {
  const table = await wh.loadTable(name);
  const acknowledged: string[] = [];
  let attempts = 0;
  let conflicts = 0;
  for (let i = 0; i < commits; i++) {
    const snap = await table.append(rows(writer, i * rowsPerCommit, rowsPerCommit));
    attempts += table.lastCommitStats()!.attempts;
    conflicts += table.lastCommitStats()!.conflicts;
    acknowledged.push(snap.snapshotId.toString());
  }
  return { writer, acknowledged, attempts, conflicts };
}

async function processWriter(uri: string, name: string, writer: number, commits: number, rowsPerCommit: number, env: Record<string, string>): Promise<WriterReport> {
  const { stdout } = await run(process.execPath, [WORKER, JSON.stringify({ warehouse: uri, table: name, writer, commits, rowsPerCommit })], {
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as WriterReport;
}

/** Registers the suite for one backend. */
export function describeCommitConformance(backend: CommitBackend): void {
  describe(`commit conformance: ${backend.label}`, () => {
    it(`W=8 writers × N=25 appends${backend.multiProcess ? ' (8 OS processes)' : ''}: 200 snapshots, linear history, every row once`, { timeout: 300_000 }, async () => {
      if (backend.multiProcess && !existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first (npm test does)`);
      const W = 8;
      const N = 25;
      const R = 2;
      const { uri, options, env } = await backend.open();
      const wh = await Warehouse.open(uri, options);
      await wh.createNamespace('c');
      await wh.createTable('c.appends', TABLE_SCHEMA, { properties: { 'commit.retry.num-retries': '1000', 'commit.retry.max-wait-ms': '200' } });
      const started = Date.now();
      const reports = await Promise.all(
        Array.from({ length: W }, (_, w) =>
          backend.multiProcess ? processWriter(uri, 'c.appends', w, N, R, env ?? {}) : inProcessWriter(wh, 'c.appends', w, N, R),
        ),
      );
      const elapsedMs = Date.now() - started;
      const table = await wh.loadTable('c.appends');
      const problems = await checkAppendHistory(table, reports.flatMap((r) => r.acknowledged), W, N, R);
      expect(problems).toEqual([]);
      const attempts = reports.reduce((a, r) => a + r.attempts, 0);
      const conflicts = reports.reduce((a, r) => a + r.conflicts, 0);
      console.log(
        `[commit suite ${backend.label}] writers=${W} commits=${W * N} attempts=${attempts} retries=${attempts - W * N} conflicts=${conflicts} ` +
          `elapsed=${elapsedMs}ms (${((W * N) / (elapsedMs / 1000)).toFixed(1)} commits/s)`,
      );
    });

    it('concurrent createTable of one name: exactly one winner, the others TableAlreadyExistsError', async () => {
      const { uri, options } = await backend.open();
      const wh = await Warehouse.open(uri, options);
      await wh.createNamespace('c');
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => wh.createTable('c.race', TABLE_SCHEMA)));
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
      for (const r of results) if (r.status === 'rejected') expect(isFloeError(r.reason, 'TABLE_ALREADY_EXISTS')).toBe(true);
    });

    it('readers scanning while a writer commits see exactly one whole snapshot each time', async () => {
      const { uri, options } = await backend.open();
      const wh = await Warehouse.open(uri, options);
      await wh.createNamespace('c');
      const writer = await wh.createTable('c.readers', TABLE_SCHEMA);
      let done = false;
      const writing = (async () => {
        for (let i = 0; i < 15; i++) await writer.append(rows(0, i * 10, 10));
        done = true;
      })();
      let scans = 0;
      while (!done || scans < 3) {
        const reader = await wh.loadTable('c.readers');
        const snap = reader.currentSnapshot();
        const n = (await reader.scan().toArrow()).numRows;
        expect(n).toBe(Number(snap?.summary['total-records'] ?? 0));
        expect(n % 10).toBe(0);
        scans += 1;
        if (done && scans >= 3) break;
      }
      await writing;
    });
  });
}
