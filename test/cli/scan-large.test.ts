/**
 * `floe scan` of a large table: the aligned table for people prints the first `--max-rows`
 * rows and says how many more there are (it once built one argument list from every row and
 * overflowed the stack at ~150k rows), and a reader that closes the pipe early (`| head`) ends
 * the run quietly with exit 0.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/node.js';
import { formatTable } from '../../src/cli/format-table.js';
import { rowCountFromPlan } from '../../src/cli/scan-output.js';
import { BIN, requireBuild, tempDir } from './support.js';
import { runFloe } from './in-process.js';

const ROWS = 200_000;
const root = tempDir('floe-scan-large-');
const dir = path.join(root, 'wh');

function rows(first: number, count: number): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: count }, (_, i) => BigInt(first + i))),
    name: arrow.vectorFromArray(Array.from({ length: count }, (_, i) => `name-${first + i}`), new arrow.Utf8()),
  });
}

beforeAll(async () => {
  const wh = await Warehouse.open(dir);
  await wh.createNamespace('ml');
  const t = await wh.createTable('ml.big', new arrow.Schema([new arrow.Field('id', new arrow.Int64(), false), new arrow.Field('name', new arrow.Utf8(), true)]));
  // Two commits, so the count spans several data files.
  await t.append(rows(0, ROWS / 2));
  await t.append(rows(ROWS / 2, ROWS / 2));
});

/** The lines of the aligned table between the rule and the footer. */
function bodyLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  return lines.slice(2, -1);
}

describe('floe scan (table format) of a large table', () => {
  it('prints the first 40 rows and how many more, without overflowing the stack', async () => {
    const r = await runFloe(['--warehouse', dir, 'scan', 'ml.big']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(bodyLines(r.stdout)).toHaveLength(40);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('… 199,960 more rows (200,000 in all; --max-rows N shows more, --format csv or jsonl all)');
  });

  it('counts the rows a filter keeps, and --max-rows sets how many are shown', async () => {
    const r = await runFloe(['--warehouse', dir, 'scan', 'ml.big', '--filter', 'id >= 50000', '--max-rows', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(bodyLines(r.stdout)).toHaveLength(3);
    expect(r.stdout).toContain('… 149,997 more rows (150,000 in all;');
  });

  it('--limit still limits the scan; a result that fits prints its row count', async () => {
    const limited = await runFloe(['--warehouse', dir, 'scan', 'ml.big', '--limit', '10', '--max-rows', '4']);
    expect(limited.code, limited.stderr).toBe(0);
    expect(bodyLines(limited.stdout)).toHaveLength(4);
    expect(limited.stdout).toContain('… 6 more rows (10 in all;');
    const fits = await runFloe(['--warehouse', dir, 'scan', 'ml.big', '--filter', 'id < 5']);
    expect(fits.code, fits.stderr).toBe(0);
    expect(bodyLines(fits.stdout)).toHaveLength(5);
    expect(fits.stdout.trimEnd().split('\n').at(-1)).toBe('(5 rows)');
  });

  it('refuses a bad --max-rows, and --max-rows with a format that is not a table', async () => {
    for (const [args, message] of [
      [['--max-rows', '0'], '--max-rows must be a positive integer'],
      [['--max-rows', 'x'], '--max-rows must be a positive integer'],
      [['--max-rows', '5', '--format', 'csv'], '--max-rows applies to --format table only'],
    ] as const) {
      const r = await runFloe(['--warehouse', dir, 'scan', 'ml.big', ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
  });

  it('takes the count from the plan only where record counts are exact: no filter, no delete files', () => {
    const file = (recordCount: number, deletes: unknown[] = []): { file: { recordCount: number }; deletes: unknown[] } => ({ file: { recordCount }, deletes });
    expect(rowCountFromPlan([file(100), file(50)], { filtered: false })).toBe(150);
    expect(rowCountFromPlan([file(100), file(50)], { filtered: false, limit: 120 })).toBe(120);
    expect(rowCountFromPlan([file(100), file(50)], { filtered: true })).toBeUndefined();
    expect(rowCountFromPlan([file(100), file(50, [{}])], { filtered: false })).toBeUndefined();
  });

  it('formatTable aligns 200,000 rows without building an argument list from them', () => {
    const cells = Array.from({ length: ROWS }, (_, i) => [String(i), i === ROWS - 1 ? 'the longest cell' : 'x']);
    const text = formatTable(['id', 'name'], cells);
    expect(text.split('\n')[1]).toBe(`${'─'.repeat(6)}  ${'─'.repeat(16)}`);
  });
});

/** Runs the real binary and closes its stdout after the first chunk, as `| head -1` does. */
function firstChunkThenClose(args: readonly string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  requireBuild();
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env['FLOE_WAREHOUSE'];
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    let stderr = '';
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString('utf8');
      child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, first, stderr }));
  });
}

describe('floe scan | head', () => {
  it.each([['table'], ['csv']])('--format %s ends quietly with exit 0 when the reader stops early', async (format) => {
    const r = await firstChunkThenClose(['--warehouse', dir, 'scan', 'ml.big', '--format', format]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.first.length).toBeGreaterThan(0);
  });
});
