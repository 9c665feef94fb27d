/**
 * `floe constraints` and `floe lineage`, run in-process (`runCli`) on a memory warehouse.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Warehouse, lineageSummary } from 'floe';
import { runCli } from '../../src/cli/program.js';
import { capture } from '../cli/in-process.js';

async function run(uri: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await runCli(['node', 'floe', '--warehouse', uri, ...args], c.streams);
  return { code, out: c.out(), err: c.err() };
}

const rows = (ids: number[]): arrow.Table => new arrow.Table({ id: arrow.makeVector(BigInt64Array.from(ids.map(BigInt))), score: arrow.makeVector(Float64Array.from(ids, (i) => i / 10)) });

describe('floe constraints and floe lineage', () => {
  it('sets, lists and clears constraints; bad input exits 1', async () => {
    const uri = `memory://cli-features-${process.pid}-1`;
    const wh = await Warehouse.open(uri);
    await wh.createNamespace('ml');
    await wh.createTable('ml.t', rows([1]).schema);
    expect((await run(uri, ['constraints', 'ml.t'])).out).toBe('table ml.t has no constraints\n');
    const set = await run(uri, ['constraints', 'ml.t', '--set', '[{"kind":"not-null","column":"id"},{"kind":"max","column":"score","value":1},{"kind":"unique","columns":["id"]}]']);
    expect(set.code).toBe(0);
    expect(set.out).toMatch(/max\s+score\s+1/);
    expect(set.out).toMatch(/unique\s+id/);
    const json = await run(uri, ['--json', 'constraints', 'ml.t']);
    expect(JSON.parse(json.out)).toHaveLength(3);
    const t = await wh.loadTable('ml.t');
    await expect(t.append(rows([20]))).rejects.toMatchObject({ code: 'CONSTRAINT_VIOLATION' });
    expect((await run(uri, ['constraints', 'ml.t', '--set', '{not json'])).code).toBe(1);
    expect((await run(uri, ['constraints', 'ml.t', '--set', '[{"kind":"max","column":"nope","value":1}]'])).code).toBe(1);
    expect((await run(uri, ['constraints', 'ml.t', '--clear'])).out).toBe('table ml.t has no constraints\n');
  });

  it('prints the upstream graph with jobs, and a missing input as not found', async () => {
    const uri = `memory://cli-features-${process.pid}-2`;
    const wh = await Warehouse.open(uri);
    await wh.createNamespace('ml');
    const a = await wh.createTable('ml.raw', rows([1]).schema);
    const b = await wh.createTable('ml.features', rows([1]).schema);
    await a.append(rows([1, 2]));
    await b.append(rows([1]), { summary: lineageSummary({ inputs: [a, { tableUuid: '00000000-0000-4000-8000-000000000000', snapshotId: 7n, name: 'ml.gone' }], job: { name: 'build', runId: 'r1', codeVersion: 'abc' } }) });
    const r = await run(uri, ['lineage', 'ml.features']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ml\.features @ \d+ append at .* by build \(run r1, code abc\)$/);
    expect(lines[1]).toMatch(/^ {2}← ml\.raw @ \d+ append at /);
    expect(lines[2]).toBe('  ← ml.gone @ 7 (not found)');
    const json = await run(uri, ['--json', 'lineage', 'ml.features']);
    expect(JSON.parse(json.out).nodes).toHaveLength(3);
    expect((await run(uri, ['lineage', 'ml.features', '--snapshot', '123'])).code).toBe(1);
  });
});
