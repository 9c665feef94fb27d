/**
 * Server-side scan planning (`/plan`, `/plan/{plan-id}`, `/tasks`) on memory, a local folder and
 * the real S3 server, every response validated against rest-catalog-open-api.yaml: the files
 * planned are those Floe's own planning keeps (pruned, by snapshot, with typed partitions, stats
 * and residuals), delete files of a table Iceberg Java wrote, plan tasks for large plans,
 * forged plan tasks refused before anything is read, malformed filters refused, and
 * incremental append scans.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageCatalog } from '../../../src/catalog/index.js';
import { parseJson, stringifyJson } from '../../../src/util/index.js';
import { cleanupBackends, featureBackends } from '../../features/backends.js';
import { serve } from './harness.js';
import { PLAN, TASKS, floePaths, pathsOf, pathsOfTasks, setupEvents } from './planning-fixture.js';

afterAll(cleanupBackends);

const BUNNIES = path.resolve(__dirname, '../../fixtures/iceberg/java_bunnies');

function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((n) => (statSync(path.join(dir, rel, n)).isDirectory() ? filesUnder(dir, path.join(rel, n)) : [path.join(rel, n)]));
}

/** What a plan task holds (an implementation detail of this server, opened here to forge one). */
function token(t: string): Record<string, unknown> {
  return parseJson(Buffer.from(t, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function forge(t: Record<string, unknown>): string {
  return Buffer.from(stringifyJson(t), 'utf8').toString('base64url');
}

describe.each(featureBackends)('REST scan planning: $label', (backend) => {
  it('plans a partitioned table with a filter: the files Floe keeps, pruned, with typed partitions, requested stats and residuals', async () => {
    const s = await serve(backend);
    try {
      const { t } = await setupEvents(s);
      expect(await floePaths(t)).toHaveLength(18);
      const filter = { type: 'and', left: { type: 'eq', term: 'city', value: 'ams' }, right: { type: 'gt', term: 'id', value: 5 } };
      const r = await s.call('POST', PLAN, { filter, 'stats-fields': ['id'], select: ['id', 'city'] });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('completed');
      expect(typeof r.body['plan-id']).toBe('string');
      expect(r.body['plan-tasks']).toBeUndefined();
      const want = await floePaths(t, { filter: "city = 'ams' AND id > 5" });
      expect(pathsOf(r.body)).toEqual(want);
      expect(want.length).toBe(6);
      const planned = new Map((await t.scan().planFiles()).tasks.map((x) => [x.file.filePath, x.file]));
      for (const task of r.body['file-scan-tasks']) {
        const f = task['data-file'];
        expect(f).toMatchObject({ content: 'data', 'file-format': 'parquet', 'spec-id': 0, 'record-count': planned.get(f['file-path'])!.recordCount });
        expect(f.partition[0]).toBe('ams');
        expect(['2026-01-01', '2026-01-02']).toContain(f.partition[1]);
        // Stats only for the field asked for (id is field 1), bounds as typed values.
        for (const m of ['value-counts', 'null-value-counts', 'lower-bounds', 'upper-bounds']) expect(f[m].keys, m).toEqual([1]);
        expect(f['lower-bounds'].values[0]).toBeLessThanOrEqual(f['upper-bounds'].values[0]);
        // The partition decides `city = 'ams'`; `id > 5` is left to the reader.
        expect(task['residual-filter']).toEqual({ type: 'gt', term: 'id', value: 5 });
        expect(task['delete-file-references']).toBeUndefined();
      }
      // A filter the partition decides whole leaves `true`; no stats-fields means no stats.
      const day = await s.call('POST', PLAN, { filter: { type: 'lt', term: 'ts', value: '2026-01-02T00:00:00+00:00' } });
      expect(pathsOf(day.body)).toEqual(await floePaths(t, { filter: "ts < '2026-01-02T00:00:00Z'" }));
      expect(day.body['file-scan-tasks']).toHaveLength(9);
      for (const task of day.body['file-scan-tasks']) {
        expect(task['residual-filter']).toBe(true);
        expect(task['data-file']['lower-bounds']).toBeUndefined();
      }
      const all = await s.call('POST', PLAN);
      expect(pathsOf(all.body)).toEqual(await floePaths(t));
      expect(all.body['file-scan-tasks'][0]['residual-filter']).toBeUndefined();
      s.expectConforming(3);
    } finally {
      await s.close();
    }
  });

  it('plans an older snapshot by snapshot-id, resolving names in the table schema or, with use-snapshot-schema, the snapshot’s', async () => {
    const s = await serve(backend);
    try {
      const { t, snaps } = await setupEvents(s);
      const first = await s.call('POST', PLAN, { 'snapshot-id': snaps[0] });
      expect(pathsOf(first.body)).toEqual(await floePaths(t, { snapshotId: snaps[0]! }));
      expect(first.body['file-scan-tasks']).toHaveLength(6);
      await t.updateSchema().renameColumn('score', 'points').commit();
      const want = await floePaths(t, { snapshotId: snaps[0]!, filter: 'score > 3' });
      expect(want.length).toBeLessThan(6);
      const byOldName = await s.call('POST', PLAN, { 'snapshot-id': snaps[0], filter: { type: 'gt', term: 'score', value: 3 }, 'use-snapshot-schema': true });
      expect(pathsOf(byOldName.body)).toEqual(want);
      expect(byOldName.body['file-scan-tasks'][0]['residual-filter']).toEqual({ type: 'gt', term: 'score', value: 3 });
      const byNewName = await s.call('POST', PLAN, { 'snapshot-id': snaps[0], filter: { type: 'gt', term: 'points', value: 3 } });
      expect(pathsOf(byNewName.body)).toEqual(want);
      const refused = [
        await s.call('POST', PLAN, { 'snapshot-id': snaps[0], filter: { type: 'gt', term: 'score', value: 3 } }),
        await s.call('POST', PLAN, { filter: { type: 'eq', term: 'CITY', value: 'ams' } }),
        await s.call('POST', PLAN, { select: ['id', 'nope'] }),
        await s.call('POST', PLAN, { 'stats-fields': ['nope'] }),
        await s.call('POST', PLAN, { 'snapshot-id': 12345 }),
      ];
      expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
      expect(refused[2]!.body.error.message).toContain('select');
      const insensitive = await s.call('POST', PLAN, { filter: { type: 'eq', term: 'CITY', value: 'ams' }, 'case-sensitive': false });
      expect(pathsOf(insensitive.body)).toEqual(await floePaths(t, { filter: "city = 'ams'" }));
      // A table without snapshots plans nothing.
      await s.wh.createTable('ml.empty', t.arrowSchema());
      const empty = await s.call('POST', '/v1/floe/namespaces/ml/tables/empty/plan', { filter: { type: 'eq', term: 'city', value: 'ams' } });
      expect([empty.status, empty.body.status, empty.body['file-scan-tasks']]).toEqual([200, 'completed', []]);
      s.expectConforming(9);
    } finally {
      await s.close();
    }
  });

  it('lists the delete files of a table Iceberg Java wrote, each data file pointing at those that apply to it', async () => {
    const s = await serve(backend);
    try {
      const root = (s.wh.catalog as StorageCatalog).root;
      // Copied into the table's default folder (a table registers only from its namespace's folder,
      // and a folder holding a v1.metadata.json already reads as the table of its name, spec/catalog.md
      // §K1, §K3): the registration binds the name to the Java table's newest metadata file.
      await s.wh.createNamespace('ext');
      for (const rel of filesUnder(BUNNIES)) await root.store.put(`ext/bunnies/${rel.split(path.sep).join('/')}`, readFileSync(path.join(BUNNIES, rel)));
      const reg = await s.call('POST', '/v1/floe/namespaces/ext/register', { name: 'bunnies', 'metadata-location': `${root.uri}/ext/bunnies/metadata/v5.metadata.json`, overwrite: true });
      expect(reg.status).toBe(200);
      const r = await s.call('POST', '/v1/floe/namespaces/ext/tables/bunnies/plan', {});
      expect(r.status).toBe(200);
      // What the fixture's independent reader planned (test/fixtures/iceberg/README.md).
      const golden = JSON.parse(readFileSync(path.join(BUNNIES, 'expected.json'), 'utf8')).versions[4].scanPlan;
      expect(pathsOf(r.body)).toEqual(golden.dataFiles.map((f: { path: string }) => f.path).sort());
      const deletes: { content: string; 'file-path': string; 'equality-ids'?: number[] }[] = r.body['delete-files'];
      expect(deletes.map((d) => d['file-path']).sort()).toEqual(golden.deleteFiles.map((f: { path: string }) => f.path).sort());
      expect(deletes.find((d) => d.content === 'equality-deletes')!['equality-ids']).toEqual([1]);
      expect(deletes.filter((d) => d.content === 'position-deletes')).toHaveLength(1);
      // The same pairing as Floe's own planning (position: same partition, seq ≤; equality: seq <).
      const floe = await (await s.wh.loadTable('ext.bunnies')).scan().planFiles();
      const want = Object.fromEntries(floe.tasks.map((x) => [x.file.filePath, x.deletes.map((d) => d.file.filePath).sort()]));
      const got = Object.fromEntries(r.body['file-scan-tasks'].map((x: { 'data-file': { 'file-path': string }; 'delete-file-references'?: number[] }) => [x['data-file']['file-path'], (x['delete-file-references'] ?? []).map((i) => deletes[i]!['file-path']).sort()]));
      expect(got).toEqual(want);
      expect(Object.values(got).map((d) => d.length).sort()).toEqual([0, 2]);
      s.expectConforming(2);
    } finally {
      await s.close();
    }
  });

  it('answers a large plan with plan tasks that together hold every planned file once; the plan id answers again', async () => {
    const s = await serve(backend, { planFilesPerTask: 4 });
    try {
      const { t, snaps } = await setupEvents(s);
      const r = await s.call('POST', PLAN, { 'stats-fields': ['score'] });
      expect(r.body.status).toBe('completed');
      expect(r.body['file-scan-tasks']).toBeUndefined();
      const tasks: string[] = r.body['plan-tasks'];
      expect(tasks.length).toBeGreaterThan(1);
      const fetched = await pathsOfTasks(s, TASKS, tasks);
      expect(fetched.paths).toEqual(await floePaths(t));
      expect(fetched.largest).toBeLessThanOrEqual(4);
      // With a filter, the tasks cover only what pruning keeps.
      const pruned = await s.call('POST', PLAN, { filter: { type: 'eq', term: 'city', value: 'ber' } });
      expect((await pathsOfTasks(s, TASKS, pruned.body['plan-tasks'] ?? [])).paths.concat(pathsOf(pruned.body)).sort()).toEqual(await floePaths(t, { filter: "city = 'ber'" }));
      // Incremental plans are split the same way.
      const inc = await s.call('POST', PLAN, { 'start-snapshot-id': snaps[0], 'end-snapshot-id': snaps[2] });
      const before = new Set(await floePaths(t, { snapshotId: snaps[0]! }));
      expect((await pathsOfTasks(s, TASKS, inc.body['plan-tasks'])).paths).toEqual((await floePaths(t)).filter((p) => !before.has(p)));
      // The plan id answers the same plan again; cancelling holds nothing, so it still does.
      const planId = encodeURIComponent(r.body['plan-id']);
      const again = await s.call('GET', `${PLAN}/${planId}`);
      expect(again.body).toEqual({ status: 'completed', 'plan-tasks': tasks });
      expect((await s.call('DELETE', `${PLAN}/${planId}`)).status).toBe(204);
      expect((await s.call('GET', `${PLAN}/${planId}`)).body.status).toBe('completed');
      const unknown = await s.call('GET', `${PLAN}/bm90LWEtcGxhbg`);
      expect([unknown.status, unknown.body.error.type]).toEqual([404, 'NoSuchPlanIdException']);
      expect((await s.call('DELETE', `${PLAN}/bm90LWEtcGxhbg`)).status).toBe(404);
      s.expectConforming(10);
    } finally {
      await s.close();
    }
  });

  it('refuses a forged plan task (another table’s manifest, another table’s task, garbage) with 400, reading no manifest', async () => {
    const s = await serve(backend, { planFilesPerTask: 1, instrument: true });
    try {
      const { t } = await setupEvents(s);
      await setupEvents(s, 'other');
      const mine: string[] = (await s.call('POST', PLAN)).body['plan-tasks'];
      const theirs: string[] = (await s.call('POST', '/v1/floe/namespaces/ml/tables/other/plan')).body['plan-tasks'];
      const foreignManifest = token(theirs[0]!)['m'] as string[];
      const before = t.currentSnapshot()!.snapshotId;
      s.io!.reset();
      const forged = await s.call('POST', TASKS, { 'plan-task': forge({ ...token(mine[0]!), m: foreignManifest }) });
      expect(forged.status).toBe(400);
      expect(forged.body.error.message).toContain('does not list');
      const reads = s.io!.snapshot().events.filter((e) => e.op === 'get').map((e) => e.path);
      expect(reads.filter((p) => /-m\d+\.avro$/.test(p))).toEqual([]);
      const refusals = [
        await s.call('POST', TASKS, { 'plan-task': theirs[0] }),
        await s.call('POST', TASKS, { 'plan-task': 'not-a-plan-task' }),
        await s.call('POST', TASKS, { 'plan-task': forge({ ...token(mine[0]!), m: [...(token(mine[0]!)['m'] as string[]), ...(token(mine[1]!)['m'] as string[])] }) }),
        await s.call('POST', TASKS, { 'plan-task': forge({ ...token(mine[0]!), s: 42 }) }),
      ];
      expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400]);
      expect(refusals[0]!.body.error.message).toContain('another table');
      expect(s.io!.snapshot().events.filter((e) => e.op === 'get' && /-m\d+\.avro$/.test(e.path))).toEqual([]);
      expect(s.io!.snapshot().calls.put).toBe(0);
      const table = await s.wh.loadTable('ml.events');
      expect(table.currentSnapshot()!.snapshotId).toBe(before);
      expect((await table.scan().toArrow()).numRows).toBe(36);
      s.expectConforming(7);
    } finally {
      await s.close();
    }
  });

  it('refuses malformed filters with 400 (unsupported terms with 406) naming what is wrong', async () => {
    const s = await serve(backend);
    try {
      await setupEvents(s);
      const cases: [unknown, number, string][] = [
        [{ filter: { type: 'starts-with', term: 'city', value: 5 } }, 400, 'filter'],
        [{ filter: { type: 'and', left: true, right: { type: 'eq', term: 'nope', value: 1 } } }, 400, 'nope'],
        [{ filter: { type: 'lt', term: 'id', value: 'abc' } }, 400, 'id'],
        [{ filter: { type: 'eqq', term: 'id', value: 1 } }, 400, 'filter'],
        [{ filter: { type: 'eq', term: 'id', value: 1, vaule: 2 } }, 400, '/requestBody/filter'],
        [{ filter: { type: 'eq', term: { type: 'transform', transform: 'day', term: 'ts' }, value: 1 } }, 406, 'transforms'],
        [{ 'snapshot-id': 1, 'start-snapshot-id': 1, 'end-snapshot-id': 2 }, 400, 'not both'],
        ['{"filter": ', 400, 'JSON'],
      ];
      for (const [body, status, word] of cases) {
        const r = await s.call('POST', PLAN, body);
        expect([r.status, r.body.error.message], JSON.stringify(body)).toEqual([status, expect.stringContaining(word)]);
      }
      s.expectConforming(cases.length);
    } finally {
      await s.close();
    }
  });

  it('plans an incremental append scan: exactly the files appended in (start, end]; refuses ranges it cannot read exactly', async () => {
    const s = await serve(backend);
    try {
      const { t, snaps } = await setupEvents(s);
      const at = async (id: bigint): Promise<Set<string>> => new Set(await floePaths(t, { snapshotId: id }));
      const [s0, s1, s2] = [await at(snaps[0]!), await at(snaps[1]!), await at(snaps[2]!)];
      const two = await s.call('POST', PLAN, { 'start-snapshot-id': snaps[0], 'end-snapshot-id': snaps[2] });
      expect(pathsOf(two.body)).toEqual([...s2].filter((p) => !s0.has(p)).sort());
      expect(two.body['file-scan-tasks']).toHaveLength(12);
      const one = await s.call('POST', PLAN, { 'start-snapshot-id': snaps[1], 'end-snapshot-id': snaps[2] });
      expect(pathsOf(one.body)).toEqual([...s2].filter((p) => !s1.has(p)).sort());
      const none = await s.call('POST', PLAN, { 'start-snapshot-id': snaps[2], 'end-snapshot-id': snaps[2] });
      expect(pathsOf(none.body)).toEqual([]);
      const filtered = await s.call('POST', PLAN, { 'start-snapshot-id': snaps[1], 'end-snapshot-id': snaps[2], filter: { type: 'eq', term: 'city', value: 'cph' } });
      expect(pathsOf(filtered.body)).toEqual(pathsOf(one.body).filter((p) => p.includes('city=cph')));
      await t.delete('id < 3');
      const head = t.currentSnapshot()!.snapshotId;
      const refusals = [
        await s.call('POST', PLAN, { 'start-snapshot-id': snaps[2], 'end-snapshot-id': head }),
        await s.call('POST', PLAN, { 'start-snapshot-id': snaps[2], 'end-snapshot-id': snaps[0] }),
        await s.call('POST', PLAN, { 'start-snapshot-id': snaps[0] }),
      ];
      expect(refusals.map((r) => r.status)).toEqual([400, 400, 400]);
      expect(refusals[0]!.body.error.message).toContain('appends only');
      expect(refusals[1]!.body.error.message).toContain('not an ancestor');
      s.expectConforming(7);
    } finally {
      await s.close();
    }
  });
});
