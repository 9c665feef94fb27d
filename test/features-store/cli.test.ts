/**
 * `floe features list|describe|apply|diff|stats` over a YAML definitions file: versions, a
 * no-op re-apply, diffs, a broken view reported by describe, errors naming file and field,
 * and `--json` output that parses.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFloe } from '../cli/in-process.js';
import { tempDir, writeInput } from '../cli/support.js';

const root = tempDir();
const uri = `memory://cli-features-${process.pid}`;
const floe = (...args: string[]): ReturnType<typeof runFloe> => runFloe(['--warehouse', uri, ...args]);

const yamlV1 = `
views:
  - name: user_stats
    entities: [{ name: id, type: long }]
    source: { table: ml.users }
    eventTime: ts
    ttl: 30d
    features:
      - { name: n, type: long, description: purchases, owner: growth }
`;

function file(name: string, text: string): string {
  const p = path.join(root, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  expect((await floe('create', 'ml.users', '--schema', '{"id":"long","ts":"timestamptz","n":"int","country":"string"}')).code).toBe(0);
  const r = await floe('append', 'ml.users', writeInput(root, 'u.csv', 'id,ts,n,country\n1,2026-01-01T00:00:00Z,3,fr\n2,2026-01-02T00:00:00Z,,de\n'));
  expect(r.code, r.stderr).toBe(0);
});

describe('floe features', () => {
  it('applies, lists, describes, diffs and reports statistics', async () => {
    const v1 = file('v1.yaml', yamlV1);
    let r = await floe('features', 'apply', v1);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('user_stats: created version 1\n');
    r = await floe('features', 'apply', v1);
    expect(r.stdout).toBe('user_stats: unchanged (version 1)\n');
    const v2 = file('v2.json', JSON.stringify([{ name: 'user_stats', entities: [{ name: 'id', type: 'long' }], source: { table: 'ml.users' }, eventTime: 'ts', ttl: '7d', features: [{ name: 'n', type: 'long' }, { name: 'country', type: 'string' }] }]));
    r = await floe('--json', 'features', 'apply', v2);
    expect(JSON.parse(r.stdout)).toEqual([{ name: 'user_stats', version: 2, status: 'updated' }]);

    r = await floe('--json', 'features', 'list');
    expect((JSON.parse(r.stdout) as { name: string; version: number }[]).map((v) => [v.name, v.version])).toEqual([['user_stats', 2]]);
    r = await floe('features', 'describe', 'user_stats@1');
    expect(r.stdout).toContain('view user_stats version 1');
    expect(r.stdout).toContain('n long owner growth — purchases');
    expect(r.stdout).toContain('status      ok');
    r = await floe('--json', 'features', 'diff', 'user_stats', '1', '2');
    expect((JSON.parse(r.stdout) as { field: string }[]).map((c) => c.field)).toEqual(['features.country.name', 'features.country.type', 'features.n.description', 'features.n.owner', 'ttlMs']);

    r = await floe('--json', 'features', 'stats', 'user_stats');
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout) as { rowCount: number; features: Record<string, { nullCount: number; distinct: number }> }[];
    expect(stats).toHaveLength(1);
    expect(stats[0]!.rowCount).toBe(2);
    expect(stats[0]!.features.n).toMatchObject({ nullCount: 1, distinct: 1 });

    // A dropped column: describe reports the view as broken.
    expect((await floe('evolve', 'ml.users', 'drop-column', 'country')).code).toBe(0);
    r = await floe('features', 'describe', 'user_stats');
    expect(r.stdout).toContain('BROKEN');
    expect(r.stdout).toContain('features[1].type: column country is not in table ml.users');
  });

  it('names the file and field of a bad definition and registers nothing', async () => {
    const bad = file('bad.yaml', yamlV1.replace('type: long, description', 'type: lng, description').replace('user_stats', 'other'));
    let r = await floe('features', 'apply', bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${bad} (view other): field [0].features[0].type is not an Iceberg type: "lng"`);
    r = await floe('features', 'apply', file('broken.yaml', 'views: [ {'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/broken\.yaml: not YAML or JSON at line/);
    r = await floe('--json', 'features', 'list');
    expect((JSON.parse(r.stdout) as { name: string }[]).map((v) => v.name)).not.toContain('other');
  });
});
