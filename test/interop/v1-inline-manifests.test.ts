/**
 * Format v1 tables whose snapshots list `manifests` inline instead of a `manifest-list` (Iceberg
 * spec §Snapshots, v1 column: "A list of manifest file locations. Must be omitted if
 * manifest-list is present"). Each table is written by Floe in a memory store, then its current
 * metadata is rewritten the way an old v1 writer would have written it (format-version 1, no
 * sequence numbers, manifests inline) and the manifest lists are deleted, so only the inline
 * paths can lead to the data.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore, Table, Warehouse, prefixed, type ObjectStore } from 'floe';
import { decodeManifestList } from '../../src/manifest/index.js';
import { ManifestContent } from '../../src/spec/index.js';
import { parseJson, stringifyJson, type JsonValue } from '../../src/util/index.js';

type Json = Record<string, JsonValue>;

function rows(ids: readonly number[], cat: string): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()),
    cat: arrow.vectorFromArray(ids.map(() => cat), new arrow.Utf8()),
  });
}

/** The store key of a recorded location under the table root. */
function keyOf(location: string): string {
  return location.slice(location.indexOf('/metadata/') + 1);
}

/**
 * A Floe table partitioned by `cat` with one snapshot per batch, whose current metadata file is
 * then rewritten as format v1 with the manifests of the snapshots in `inline` listed inline.
 */
async function v1Table(batches: readonly (readonly [readonly number[], string])[], inline: (i: number) => boolean) {
  const store = new MemoryStore({ name: 'memory://v1-inline' });
  const wh = await Warehouse.open('memory://v1-inline', { store });
  await wh.createNamespace('ns');
  const t = await wh.createTable('ns.t', rows([], 'x').schema, { partitionBy: 'cat' });
  for (const [ids, cat] of batches) await t.append(rows(ids, cat));
  const root: ObjectStore = prefixed(store, 'ns/t');
  const path = t.metadataFile;
  const json = parseJson(new TextDecoder().decode((await root.get(path)).bytes)) as Json;
  json['format-version'] = 1;
  delete json['last-sequence-number'];
  const snapshots = json['snapshots'] as Json[];
  for (const [i, s] of snapshots.entries()) {
    delete s['sequence-number'];
    if (!inline(i)) continue;
    const list = String(s['manifest-list']);
    const manifests = decodeManifestList((await root.get(keyOf(list))).bytes, { path: list });
    s['manifests'] = manifests.map((m) => m.manifestPath);
    delete s['manifest-list'];
    await root.delete(keyOf(list));
  }
  await root.put(path, new TextEncoder().encode(stringifyJson(json)), { mode: { kind: 'overwrite' } });
  const load = () => Table.load('memory://v1-inline/ns/t', { store: root });
  return { root, load, snapshotIds: snapshots.map((s) => BigInt(String(s['snapshot-id']))) };
}

async function ids(t: Table, options: Parameters<Table['scan']>[0] = {}): Promise<number[]> {
  return [...(await t.scan(options).toArrow()).getChild('id')!].map(Number).sort((a, b) => a - b);
}

describe('v1 snapshots listing manifests inline', () => {
  it('read: every snapshot, with filters, through the inline manifests', async () => {
    const { load, snapshotIds } = await v1Table([[[0, 1], 'a'], [[2, 3], 'b']], () => true);
    const t = await load();
    expect(t.currentSnapshot()?.manifests).toHaveLength(2);
    expect(await ids(t)).toEqual([0, 1, 2, 3]);
    expect(await ids(t, { snapshotId: snapshotIds[0]! })).toEqual([0, 1]);
    expect(await ids(t, { filter: "cat = 'b' AND id > 2" })).toEqual([3]);
  });

  it('write: a Floe append carries the inline manifests into its manifest list, with counts and partition summaries from the manifests', async () => {
    const { root, load, snapshotIds } = await v1Table([[[0, 1], 'a'], [[2, 3], 'b']], () => true);
    const t = await load();
    const snap = await t.append(rows([4], 'c'));
    expect(t.metadata().formatVersion).toBe(2);
    const list = decodeManifestList((await root.get(keyOf(snap.manifestList))).bytes, { path: snap.manifestList });
    const carried = list.filter((m) => m.addedSnapshotId !== snap.snapshotId);
    expect(carried.map((m) => [m.addedSnapshotId, m.sequenceNumber, m.content, m.partitionSpecId, m.addedFilesCount, m.addedRowsCount, m.existingFilesCount, m.deletedFilesCount])).toEqual([
      [snapshotIds[1], 0n, ManifestContent.DATA, 0, 1, 2, 0, 0],
      [snapshotIds[1], 0n, ManifestContent.DATA, 0, 1, 2, 0, 0],
    ]);
    const bounds = carried.map((m) => new TextDecoder().decode(m.partitions![0]!.lowerBound)).sort();
    expect(bounds).toEqual(['a', 'b']);
    expect(await ids(await load())).toEqual([0, 1, 2, 3, 4]);
    expect(await ids(await load(), { snapshotId: snapshotIds[0]! })).toEqual([0, 1]);
  });

  it('expire: files a retained inline snapshot reaches are kept', async () => {
    // snapshot 0 lists its manifests inline and is tagged; the next snapshots have manifest lists
    const { load, snapshotIds } = await v1Table([[[0, 1], 'a']], () => true);
    const t = await load();
    await t.createTag('keep', snapshotIds[0]!);
    await t.append(rows([2, 3], 'b'));
    await t.delete('id < 2');
    const { expiredSnapshotIds } = await t.expireSnapshots({ olderThanMs: Date.now() + 60_000, retainLast: 1 });
    expect(expiredSnapshotIds).toHaveLength(1);
    expect(await ids(t)).toEqual([2, 3]);
    expect(await ids(await load(), { ref: 'keep' })).toEqual([0, 1]);
  });
});
