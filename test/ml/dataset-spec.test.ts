/**
 * Re-opening a `DatasetSpec` (issue 6: "a DatasetSpec re-opened after 10 further commits and a
 * column rename yields the same rows"; "a spec whose files were removed fails with an error
 * naming them"), also after the pinned snapshot expired.
 */
import type * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Dataset, DataFileNotFoundError, and, decodeDatasetSpec, encodeDatasetSpec, gtEq, isFloeError, lt, Table } from 'floe';
import { collect, embeddingsTable, rows } from './fixtures.js';

/** Every value of every batch, row by row (vectors as plain arrays). */
function content(batches: readonly arrow.RecordBatch[]): unknown[][] {
  const out: unknown[][] = [];
  for (const b of batches) {
    for (let r = 0; r < b.numRows; r++) {
      out.push(b.schema.fields.map((_, c) => {
        const v = b.getChildAt(c)!.get(r) as unknown;
        return v !== null && typeof v === 'object' && 'toArray' in v ? Array.from((v as { toArray(): ArrayLike<number> }).toArray()) : v;
      }));
    }
  }
  return out;
}

describe('Dataset.fromSpec', () => {
  it('yields the same rows in the same order after 10 more commits and a column rename', async () => {
    const { table, random, nextId } = await embeddingsTable({ seed: 606, commits: 3, rowGroupRows: 30 });
    const ds = await table.dataset({ columns: ['emb', 'id', 'label'], filter: 'label < 3', seed: 11, batchSize: 25 });
    const json = encodeDatasetSpec(ds.spec);
    const before = {
      plain: content(await collect(ds.reader())),
      shard: content(await collect(ds.shard({ workers: 3, worker: 2 }).reader({ epoch: 4, shuffleBuffer: 50 }))),
    };
    expect(before.plain.length).toBeGreaterThan(0);
    expect(before.plain.every((r) => (r[2] as number) < 3)).toBe(true);

    let id = nextId;
    for (let c = 0; c < 10; c++) {
      if (c === 4) await table.updateSchema().renameColumn('label', 'class').commit();
      const n = 30 + c;
      const batch = rows(n, id, random);
      id += n;
      await table.append(c >= 4 ? renamed(batch) : batch);
    }
    await table.delete('id < 20');
    expect(table.schema().fields.map((f) => f.name)).toContain('class');

    // Through the JSON text and a fresh load of the table from the spec's location.
    const reopened = await Dataset.fromSpec(json);
    expect(reopened.spec).toEqual(ds.spec);
    expect(content(await collect(reopened.reader()))).toEqual(before.plain);
    expect(content(await collect(reopened.shard({ workers: 3, worker: 2 }).reader({ epoch: 4, shuffleBuffer: 50 })))).toEqual(before.shard);

    // After the pinned snapshot expired (its files kept): read from the spec's file list.
    await table.expireSnapshots({ olderThanMs: Date.now() + 60_000, retainLast: 1, cleanFiles: false });
    expect(table.snapshots().some((s) => s.snapshotId.toString() === ds.spec.snapshotId)).toBe(false);
    const afterExpiry = await Dataset.fromSpec(decodeDatasetSpec(json), { table });
    expect(content(await collect(afterExpiry.reader()))).toEqual(before.plain);
  });

  it('fails naming every file of the spec that was removed', async () => {
    const { table, random } = await embeddingsTable({ seed: 607, commits: 3 });
    const ds = await table.dataset({ columns: ['id'] });
    await table.overwrite(rows(10, 10_000, random));
    await table.expireSnapshots({ olderThanMs: Date.now() + 60_000, retainLast: 1 });
    const err = await Dataset.fromSpec(ds.spec, { table }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataFileNotFoundError);
    expect(isFloeError(err, 'DATA_FILE_NOT_FOUND')).toBe(true);
    for (const f of ds.spec.files) expect(String((err as Error).message)).toContain(f.path);
  });

  it('pins a tag or a time, and records an expression filter in filter syntax', async () => {
    const { table, random, nextId } = await embeddingsTable({ seed: 610, commits: 2 });
    const tagged = table.currentSnapshot()!;
    await table.createTag('train-v1', tagged.snapshotId);
    await table.append(rows(50, nextId, random));
    const byTag = await table.dataset({ ref: 'train-v1', filter: and(gtEq('id', 10), lt('label', 2)), columns: ['id'] });
    expect(byTag.spec.snapshotId).toBe(tagged.snapshotId.toString());
    expect(typeof byTag.spec.filter).toBe('string');
    const expected = (await collect(table.scan({ snapshotId: tagged.snapshotId, filter: 'id >= 10 AND label < 2', columns: ['id'] }).batches())).flatMap((b) => [...b.getChild('id')!]);
    const got = (await collect((await Dataset.fromSpec(byTag.spec, { table })).reader())).flatMap((b) => [...b.getChild('id')!]);
    expect(got).toEqual(expected);
    const byTime = await table.dataset({ asOf: tagged.timestampMs });
    expect(byTime.spec.snapshotId).toBe(tagged.snapshotId.toString());
  });

  it('rejects a malformed spec and a spec of another table', async () => {
    const { table } = await embeddingsTable({ seed: 608, commits: 1 });
    const { table: other } = await embeddingsTable({ seed: 609, commits: 1 });
    const ds = await table.dataset();
    expect(() => decodeDatasetSpec({ ...ds.spec, snapshotId: 12 })).toThrow(/snapshotId/);
    expect(() => decodeDatasetSpec('{')).toThrow(/not JSON/);
    await expect(Dataset.fromSpec(ds.spec, { table: other })).rejects.toThrow(/uuid/);
    expect(table).toBeInstanceOf(Table);
  });
});

function renamed(batch: arrow.Table): arrow.Table {
  const cols: Record<string, arrow.Vector> = {};
  for (const f of batch.schema.fields) cols[f.name === 'label' ? 'class' : f.name] = batch.getChild(f.name)!;
  return new (batch.constructor as typeof arrow.Table)(cols);
}
