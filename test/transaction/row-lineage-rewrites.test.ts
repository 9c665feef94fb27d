/**
 * Row lineage survives rewrites of a v3 table (spec §Row Lineage, "When an existing row is moved
 * to a different data file"), on memory, a local folder and S3: rows a copy-on-write delete or
 * overwrite copies, and rows compaction moves, keep their `_row_id` and
 * `_last_updated_sequence_number`; a row an upsert updates keeps its `_row_id` and takes the
 * upsert's sequence number; new rows get new ids above the old `next-row-id`. The rewritten files
 * store the lineage columns under their reserved field ids, as hyparquet (an independent reader)
 * shows.
 */
import { decompress } from 'fzstd';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { type Table, type Warehouse } from 'floe';
import { readLocated } from '../../src/scan/index.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';

afterAll(cleanupBackends);

const SCHEMA = { id: 'long not null', s: 'string' } as const;

function rows(first: number, count: number, tag = 'a'): { id: number; s: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: first + i, s: `${tag}${first + i}` }));
}

/** `id → [row id, last updated sequence number]`. */
async function lineage(t: Table): Promise<Map<number, [bigint, bigint]>> {
  const out = new Map<number, [bigint, bigint]>();
  for (const r of await t.scan({ columns: ['id', '_row_id', '_last_updated_sequence_number'] }).toArrow()) {
    out.set(Number(r!.id), [r!._row_id as bigint, r!._last_updated_sequence_number as bigint]);
  }
  return out;
}

function expectUniqueIds(m: Map<number, [bigint, bigint]>): void {
  const ids = [...m.values()].map(([r]) => r);
  expect(ids.every((r) => r !== null)).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
}

describe.each(featureBackends)('row lineage through rewrites ($label)', (backend) => {
  let wh: Warehouse;

  it('copy-on-write delete, overwrite, upsert and compaction keep lineage; files store it', async () => {
    wh = await backend.open();
    await wh.createNamespace('rw');
    const t = await wh.createTable('rw.t', SCHEMA, { formatVersion: 3 });
    await t.append(rows(0, 20));
    await t.append(rows(20, 20));
    const start = await lineage(t);
    for (let id = 0; id < 40; id++) expect(start.get(id)).toEqual([BigInt(id), id < 20 ? 1n : 2n]);

    // Delete rewrites the first file: the 19 rows it copies keep their ids and sequence numbers.
    await t.delete('id = 5');
    let now = await lineage(t);
    expect(now.has(5)).toBe(false);
    for (const [id, v] of now) expect(v).toEqual(start.get(id));

    // Overwrite: copied rows keep theirs; new rows get ids from next-row-id on, and its sequence number.
    const nextBefore = t.metadata().nextRowId!;
    const ow = await t.overwrite(rows(100, 3, 'o'), { filter: 'id < 3' });
    now = await lineage(t);
    for (const [id, v] of now) {
      if (id >= 100) {
        expect(v[0]).toBeGreaterThanOrEqual(nextBefore);
        expect(v[1]).toBe(ow.sequenceNumber);
      } else expect(v).toEqual(start.get(id));
    }
    expectUniqueIds(now);

    // Upsert: updated keys keep their row id and take the upsert's sequence number; a new key is new.
    const nextBeforeUpsert = t.metadata().nextRowId!;
    const up = await t.upsert([...rows(10, 2, 'u'), ...rows(500, 1, 'u')], { on: ['id'] });
    now = await lineage(t);
    expect(now.get(10)).toEqual([10n, up.sequenceNumber]);
    expect(now.get(11)).toEqual([11n, up.sequenceNumber]);
    expect(now.get(500)![0]).toBeGreaterThanOrEqual(nextBeforeUpsert);
    expect(now.get(500)![1]).toBe(up.sequenceNumber);
    for (const id of [12, 13, 25, 39]) expect(now.get(id)).toEqual(start.get(id));
    expectUniqueIds(now);

    // Compaction moves every row; none changes.
    const beforeCompaction = now;
    const result = await t.rewriteDataFiles({ minInputFiles: 2 });
    expect(result.rewrittenDataFiles).toBeGreaterThan(1);
    now = await lineage(t);
    expect(now).toEqual(beforeCompaction);

    // The compacted file stores both columns under their reserved field ids (read by hyparquet).
    const plan = await t.scan().planFiles();
    expect(plan.tasks).toHaveLength(1);
    const bytes = await readLocated(t.context().locator, plan.tasks[0]!.file.filePath, t.name);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(buffer);
    const ids = Object.fromEntries(meta.schema.filter((e) => e.field_id !== undefined).map((e) => [e.name, e.field_id]));
    expect(ids).toMatchObject({ _row_id: 2147483540, _last_updated_sequence_number: 2147483539 });
    const stored = await parquetReadObjects({
      file: buffer,
      columns: ['id', '_row_id', '_last_updated_sequence_number'],
      compressors: { ZSTD: (input: Uint8Array, outputLength: number) => decompress(input, new Uint8Array(outputLength)) },
    });
    expect(stored).toHaveLength(now.size);
    for (const r of stored) expect([r['_row_id'], r['_last_updated_sequence_number']]).toEqual(now.get(Number(r['id'])));
  });

  it('a merge-on-read upsert (deletion vectors) keeps the row ids of the rows it updates', async () => {
    wh ??= await backend.open();
    await wh.createNamespace('mor').catch(() => undefined);
    const t = await wh.createTable('mor.t', SCHEMA, { formatVersion: 3, properties: { 'write.merge.mode': 'merge-on-read' } });
    await t.append(rows(0, 20));
    await t.append(rows(20, 20));
    const start = await lineage(t);
    const nextBefore = t.metadata().nextRowId!;
    const up = await t.upsert([...rows(3, 2, 'u'), ...rows(25, 1, 'u'), ...rows(900, 2, 'u')], { on: ['id'] });
    expect(up.summary['added-dvs']).toBe('2');
    expect(up.summary['deleted-data-files']).toBeUndefined();
    const now = await lineage(t);
    expect(now.size).toBe(42);
    for (const id of [3, 4, 25]) expect(now.get(id)).toEqual([start.get(id)![0], up.sequenceNumber]);
    for (const id of [900, 901]) {
      expect(now.get(id)![0]).toBeGreaterThanOrEqual(nextBefore);
      expect(now.get(id)![1]).toBe(up.sequenceNumber);
    }
    for (const [id, v] of now) if (![3, 4, 25, 900, 901].includes(id)) expect(v).toEqual(start.get(id));
    expectUniqueIds(now);
  });
});
