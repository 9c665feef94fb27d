/**
 * `npm run demo` (`node dist/cli/demo.js`): it finishes well under a minute, prints the history,
 * the schema before and after, an old version next to the current one and where the files are,
 * leaves tables the CLI reads, and writes the same rows on every run (seeded data).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, floe, requireBuild, tempDir } from './support.js';

const root = tempDir('floe-demo-');

function demo(cwd: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  requireBuild();
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist', 'cli', 'demo.js'), ...args], { cwd, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('npm run demo', () => {
  it('builds the warehouse in ./warehouse, prints each part, and the CLI reads the result', async () => {
    const r = await demo(root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(60_000);
    for (const part of [
      'ml.events: click-stream events, partitioned by day(ts)',
      'ml.user_features: recomputed after each day',
      'History (floe history ml.user_features)',
      'Schema before and after',
      'Time travel: v1',
      'ml.item_embeddings: 2,000 × 384 embeddings as FixedSizeList<Float32>[384]',
      'read back as FixedSizeList[384]<Float32>',
      'Where the files are',
      'Try the CLI',
    ]) {
      expect(r.stdout).toContain(part);
    }
    expect(r.stdout).toMatch(/schema 0 \(v1, v2\)\s+schema 1 \(v3, current\)/);
    expect(r.stdout).toMatch(/avg_value\s+double\s+4\s+avg_order_value\s+double/);
    expect(r.stdout).toMatch(/ml\/events\/data\/ts_day=2026-01-05\/[0-9a-f-]+\.parquet/);
    expect(existsSync(path.join(root, 'warehouse', 'ml', 'events', 'metadata', 'version-hint.text'))).toBe(true);

    const tables = await floe(['tables', '--json'], { cwd: root });
    expect(JSON.parse(tables.stdout)).toEqual(['ml.events', 'ml.item_embeddings', 'ml.user_features']);
    const info = JSON.parse((await floe(['info', 'ml.item_embeddings', '--json'], { cwd: root })).stdout);
    expect(info).toMatchObject({ totalRecords: 2000, refs: ['main', 'v1'] });
    const history = JSON.parse((await floe(['history', 'ml.user_features', '--json'], { cwd: root })).stdout);
    expect(history.map((h: { operation: string }) => h.operation)).toEqual(['append', 'overwrite', 'overwrite']);
  });

  it('writes the same rows on every run (seeded), into any warehouse given', async () => {
    const other = path.join(root, 'second');
    const r = await demo(root, [other]);
    expect(r.code, r.stderr).toBe(0);
    for (const [table, order] of [
      ['ml.events', ['ts', 'user_id']],
      ['ml.user_features', ['user_id']],
      ['ml.item_embeddings', ['item_id']],
    ] as const) {
      const a = await floe(['--warehouse', path.join(root, 'warehouse'), 'scan', table, '--format', 'csv'], { cwd: root });
      const b = await floe(['--warehouse', other, 'scan', table, '--format', 'csv'], { cwd: root });
      expect(a.code).toBe(0);
      const sorted = (csv: string): string[] => csv.trimEnd().split('\n').sort();
      expect(sorted(b.stdout), `${table} differs between runs (ordered by ${order.join(', ')})`).toEqual(sorted(a.stdout));
      expect(a.stdout.length).toBeGreaterThan(1000);
    }
    // Running again over an existing warehouse starts from scratch.
    const again = await demo(root, [other]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(dropped ml.events from an earlier run)');
  });
});
