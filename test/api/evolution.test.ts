/**
 * Schema and partition evolution through the public API (spec §Schema Evolution, §Partition
 * Evolution): old files keep reading after widening, moves, nested adds and optionality
 * changes; a new partition spec applies to new files only; branches and rollbacks move refs.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';

async function table(partitionBy?: string) {
  const wh = await Warehouse.open(`memory://evo-${Math.random().toString(36).slice(2)}`);
  await wh.createNamespace('e');
  const schema = new arrow.Schema([
    new arrow.Field('id', new arrow.Int32(), false),
    new arrow.Field('ratio', new arrow.Float32(), true),
    new arrow.Field('info', new arrow.Struct([new arrow.Field('city', new arrow.Utf8(), true)]), true),
    new arrow.Field('cat', new arrow.Utf8(), true),
  ]);
  const t = await wh.createTable('e.t', schema, partitionBy ? { partitionBy } : {});
  return { wh, t };
}

function batch(ids: number[], cat = 'x'): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray(ids, new arrow.Int32()),
    ratio: arrow.vectorFromArray(ids.map((i) => i / 4), new arrow.Float32()),
    info: arrow.vectorFromArray(ids.map((i) => ({ city: `c${i}` })), new arrow.Struct([new arrow.Field('city', new arrow.Utf8(), true)])),
    cat: arrow.vectorFromArray(ids.map(() => cat), new arrow.Utf8()),
  });
}

describe('schema evolution, end to end', () => {
  it('widens int→long and float→double, adds a nested field, moves and relaxes columns; old files read on', async () => {
    const { t } = await table();
    const s1 = await t.append(batch([1, 2]));
    await t
      .updateSchema()
      .widenColumn('id', 'long')
      .widenColumn('ratio', 'double')
      .addColumn('info.zip', 'string')
      .moveFirst('cat')
      .makeOptional('id')
      .commit();
    expect(t.schema().fields.map((f) => f.name)).toEqual(['cat', 'id', 'ratio', 'info']);
    expect(t.schema().fields.find((f) => f.name === 'id')?.required).toBe(false);
    const big = 2n ** 40n;
    await t.append(
      new arrow.Table({
        cat: arrow.vectorFromArray(['y'], new arrow.Utf8()),
        id: arrow.vectorFromArray([big], new arrow.Int64()),
        ratio: arrow.vectorFromArray([0.125], new arrow.Float64()),
        info: arrow.vectorFromArray([{ city: 'z', zip: '1000' }], new arrow.Struct([new arrow.Field('city', new arrow.Utf8(), true), new arrow.Field('zip', new arrow.Utf8(), true)])),
      }),
    );
    const all = await t.scan().toArrow();
    expect(all.schema.fields.map((f) => f.name)).toEqual(['cat', 'id', 'ratio', 'info']);
    expect(String(all.getChild('id')!.type)).toBe('Int64');
    expect(String(all.getChild('ratio')!.type)).toBe('Float64');
    const rows = all.toArray().map((r) => [r.cat, r.id, r.ratio, r.info?.city, r.info?.zip]);
    expect(rows).toEqual(expect.arrayContaining([['x', 1n, 0.25, 'c1', null], ['x', 2n, 0.5, 'c2', null], ['y', big, 0.125, 'z', '1000']]));
    // the snapshot before the change keeps its shape
    const old = await t.scan({ snapshotId: s1.snapshotId }).toArrow();
    expect(old.schema.fields.map((f) => f.name)).toEqual(['id', 'ratio', 'info', 'cat']);
    expect(String(old.getChild('id')!.type)).toBe('Int32');
  });

  it('drops a column (its id is retired) and re-adding the name gives a fresh, empty column', async () => {
    const { t } = await table();
    await t.append(batch([1]));
    const idBefore = t.schema().fields.find((f) => f.name === 'cat')!.id;
    await t.updateSchema().dropColumn('cat').commit();
    await t.updateSchema().addColumn('cat', 'string').commit();
    const idAfter = t.schema().fields.find((f) => f.name === 'cat')!.id;
    expect(idAfter).toBeGreaterThan(idBefore);
    expect([...(await t.scan().toArrow()).getChild('cat')!]).toEqual([null]);
  });

  it('rejects illegal evolution with INVALID_ARGUMENT and changes nothing', async () => {
    const { t } = await table();
    const version = t.version;
    await expect(t.updateSchema().widenColumn('cat', 'long').commit()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(t.updateSchema().renameColumn('nope', 'x').commit()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(t.updateSchema().addColumn('must', 'int', { required: true }).commit()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await t.refresh()).version).toBe(version);
  });
});

describe('partition evolution, end to end', () => {
  it('a new spec partitions new files only; scans and filters span both specs', async () => {
    const { t } = await table();
    await t.append(batch([1, 2, 3], 'a'));
    await t.updateSpec().addField('cat').addField('bucket(2, id)').commit();
    expect(t.spec().specId).toBe(1);
    await t.append(batch([4, 5], 'b'));
    await t.append(batch([6], 'a'));
    const plan = await t.scan().planFiles();
    expect(new Set(plan.tasks.map((x) => x.specId))).toEqual(new Set([0, 1]));
    const a = await t.scan({ filter: "cat = 'a'" }).toArrow();
    expect([...a.getChild('id')!].sort()).toEqual([1, 2, 3, 6]);
    // the unpartitioned old file cannot be pruned by cat; the new 'b' files are
    const planA = await t.scan({ filter: "cat = 'a'" }).planFiles();
    expect(planA.tasks.every((x) => x.specId === 0 || x.file.partition[0] === 'a')).toBe(true);
  });
});

describe('refs', () => {
  it('writes to a branch without moving main, and rolls main back', async () => {
    const { t } = await table();
    const s1 = await t.append(batch([1]));
    await t.createBranch('dev');
    await t.append(batch([2]), { branch: 'dev' });
    expect(t.currentSnapshot()?.snapshotId).toBe(s1.snapshotId);
    expect((await t.scan({ ref: 'dev' }).toArrow()).numRows).toBe(2);
    expect((await t.scan().toArrow()).numRows).toBe(1);
    const s3 = await t.append(batch([3]));
    expect((await t.scan().toArrow()).numRows).toBe(2);
    await t.rollbackTo(s1.snapshotId);
    expect((await t.scan().toArrow()).numRows).toBe(1);
    expect(t.history().find((h) => h.snapshotId === s3.snapshotId)?.isCurrentAncestor).toBe(false);
    await t.removeRef('dev');
    expect(t.refs()['dev']).toBeUndefined();
  });
});
