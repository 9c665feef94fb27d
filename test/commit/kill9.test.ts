/**
 * kill -9 of a writer process at seeded random points of its commits (50 trials on one local
 * table): after each, the table opens and reads, its history is linear, every file a snapshot
 * references exists, the rows are exactly those of the acknowledged-or-landed commits, and the
 * only leftovers are unreferenced files.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { TABLE_SCHEMA, ancestry } from '../conformance/commit.suite.js';
import { prng } from '../support/prng.js';

const run = promisify(execFile);
const WORKER = path.resolve(__dirname, '../support/kill-worker.mjs');
const DIST = path.resolve(__dirname, '../../dist/node.js');

const root = mkdtempSync(path.join(tmpdir(), 'floe-kill9-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('kill -9 of a writer mid-commit', () => {
  it('50 seeded trials: the table always opens, reads and stays consistent', { timeout: 300_000 }, async () => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first (npm test does)`);
    const wh = await Warehouse.open(pathToFileURL(root).href);
    await wh.createNamespace('k');
    await wh.createTable('k.t', TABLE_SCHEMA);
    const random = prng(20261121);
    let killed = 0;
    for (let trial = 0; trial < 50; trial++) {
      const killAt = 1 + Math.floor(random() * 40);
      const out = await run(process.execPath, [WORKER, JSON.stringify({ root, table: 'k.t', killAt, commits: 3, writer: trial })]).then(
        (r) => r.stdout,
        (e: { signal?: string; stderr?: string }) => {
          expect(e.signal, `trial ${trial} (killAt ${killAt}) failed without being killed: ${e.stderr}`).toBe('SIGKILL');
          killed += 1;
          return 'killed';
        },
      );
      expect(out === 'killed' || out.startsWith('survived')).toBe(true);
      // the table opens and reads after every trial
      const t = await (await Warehouse.open(pathToFileURL(root).href)).loadTable('k.t');
      const chain = ancestry(t);
      expect(chain.length).toBe(t.snapshots().length);
      const rows = (await t.scan().toArrow()).numRows;
      expect(rows).toBe(Number(t.currentSnapshot()?.summary['total-records'] ?? 0));
      expect(rows).toBe(2 * t.snapshots().length);
    }
    expect(killed).toBeGreaterThan(25);
    // every referenced file exists; what is left over is unreferenced
    const t = await (await Warehouse.open(pathToFileURL(root).href)).loadTable('k.t');
    const plan = await t.scan().planFiles();
    for (const task of plan.tasks) expect(existsSync(new URL(task.file.filePath))).toBe(true);
    console.log(`[kill -9] 50 trials, ${killed} writers killed mid-commit, ${t.snapshots().length} commits landed, table consistent`);
  });
});
