/**
 * A thin client reads a Floe table through server-side scan planning alone: it knows the REST
 * catalog's HTTP API (`fetch`) and Parquet (hyparquet, a reader Floe did not write) — no
 * manifests, no Avro — plans a filtered scan, reads the planned files, applies each file's
 * residual filter itself, and gets the rows Floe's own scan returns for that snapshot and
 * filter. Files are fetched from wherever the plan says they are (a folder, the S3 server, or,
 * for the in-process memory warehouse, its store).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageCatalog } from '../../../src/catalog/index.js';
import { cleanupBackends, featureBackends } from '../../features/backends.js';
import { rawS3Client } from '../../support/s3-endpoint.js';
import { type Served, serve } from './harness.js';
import { PLAN, setupEvents } from './planning-fixture.js';

afterAll(cleanupBackends);

type Row = Record<string, unknown>;
type Predicate = boolean | { type: string; term?: string; value?: unknown; values?: unknown[]; left?: Predicate; right?: Predicate; child?: Predicate };

/** The bytes of a planned file, from wherever its path says it is. */
async function fileBytes(s: Served, uri: string): Promise<Uint8Array> {
  if (uri.startsWith('file:')) return readFileSync(fileURLToPath(uri));
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (s3) {
    const r = await rawS3Client().send(new GetObjectCommand({ Bucket: s3[1], Key: s3[2] }));
    return r.Body!.transformToByteArray();
  }
  // memory:// lives in this process only: read it from the warehouse's own store.
  const root = (s.wh.catalog as StorageCatalog).root;
  return (await root.store.get(uri.slice(root.uri.length + 1))).bytes;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number(a) - Number(b);
}

/** A residual filter of the REST expression JSON, evaluated on one row (comparisons with null are false). */
function holds(p: Predicate, row: Row): boolean {
  if (typeof p === 'boolean') return p;
  if (p.type === 'and') return holds(p.left!, row) && holds(p.right!, row);
  if (p.type === 'or') return holds(p.left!, row) || holds(p.right!, row);
  if (p.type === 'not') return !holds(p.child!, row);
  const v = row[p.term!];
  if (p.type === 'is-null') return v === null || v === undefined;
  if (v === null || v === undefined) return false;
  if (p.type === 'in') return p.values!.some((x) => compare(v, x) === 0);
  const c = compare(v, p.value);
  const ops: Record<string, boolean> = { eq: c === 0, 'not-eq': c !== 0, lt: c < 0, 'lt-eq': c <= 0, gt: c > 0, 'gt-eq': c >= 0 };
  if (!(p.type in ops)) throw new Error(`this thin client cannot evaluate ${p.type}`);
  return ops[p.type]!;
}

describe.each(featureBackends)('a thin client reads through server-side planning: $label', (backend) => {
  it('reads the planned files with hyparquet, applies the residuals, and gets the rows of Floe’s scan', async () => {
    const s = await serve(backend);
    try {
      // Snappy: the codec hyparquet reads without add-ons (Floe's default is zstd).
      const { t } = await setupEvents(s, 'events', { 'write.parquet.compression-codec': 'snappy' });
      await t.delete('id = 13'); // copy-on-write: the file is rewritten, so the plan has no delete files
      const filter = { type: 'and', left: { type: 'gt-eq', term: 'score', value: 4 }, right: { type: 'or', left: { type: 'eq', term: 'city', value: 'ams' }, right: { type: 'lt', term: 'id', value: 20 } } };
      const response = await s.fetch(`${s.server.url}${PLAN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filter }) });
      expect(response.status).toBe(200);
      const plan = JSON.parse(await response.text());
      expect(plan.status).toBe('completed');
      expect(plan['delete-files'] ?? []).toEqual([]);
      const got: string[] = [];
      let unfiltered = 0;
      for (const task of plan['file-scan-tasks']) {
        const bytes = await fileBytes(s, task['data-file']['file-path']);
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        const rows: Row[] = await parquetReadObjects({ file: { byteLength: buffer.byteLength, slice: (a: number, b?: number) => buffer.slice(a, b) }, columns: ['id', 'city', 'score'] });
        unfiltered += rows.length;
        for (const r of rows) if (holds(task['residual-filter'], r)) got.push(`${r['id']}|${r['city']}|${r['score']}`);
      }
      const ours = await t.scan({ snapshotId: t.currentSnapshot()!.snapshotId, filter: "score >= 4 AND (city = 'ams' OR id < 20)", columns: ['id', 'city', 'score'] }).toArrow();
      const want = ours.toArray().map((r) => `${r['id']}|${r['city']}|${r['score']}`);
      expect(got.sort()).toEqual(want.sort());
      expect(want.length).toBeGreaterThan(5);
      // The residuals did work: the files held rows the filter drops.
      expect(unfiltered).toBeGreaterThan(want.length);
      expect(got.some((r) => r.startsWith('13|'))).toBe(false);
      s.expectConforming(1);
    } finally {
      await s.close();
    }
  });
});
