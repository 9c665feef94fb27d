/**
 * Model artifacts on memory, local-fs and S3: content-addressed immutable bytes (multipart on
 * S3 above the store's threshold), versions claimed once and never overwritten, `get`
 * verifying the digest, and a registry table row pointing at the training dataset's snapshot.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACT_REGISTRY_TABLE, isFloeError, sha256Hex } from 'floe';
import { cleanupBackends, featureBackends, prng } from './backends.js';

afterAll(cleanupBackends);

function bytesOf(seed: number, n: number): Uint8Array {
  const rand = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const x = Math.floor(rand() * 2 ** 32);
    out[i] = x & 255;
    if (i + 1 < n) out[i + 1] = (x >>> 8) & 255;
    if (i + 2 < n) out[i + 2] = (x >>> 16) & 255;
    if (i + 3 < n) out[i + 3] = x >>> 24;
  }
  return out;
}

describe.each(featureBackends)('artifacts on $label', (backend) => {
  it('stores, registers, verifies and never overwrites versions', async () => {
    const wh = await backend.open();
    await wh.createNamespace('models');
    const train = await wh.createTable('models.train', new arrow.Schema([new arrow.Field('x', new arrow.Float64(), false)]));
    await train.append(new arrow.Table({ x: arrow.makeVector(Float64Array.of(1, 2, 3)) }));
    const dataset = await train.dataset();

    const store = await wh.artifacts('models');
    // Above the S3 store's 16 MiB multipart threshold.
    const block = bytesOf(1, 65_536);
    const weights = new Uint8Array(17 * 1024 * 1024 + 3);
    for (let off = 0; off < weights.length; off += block.length) weights.set(block.subarray(0, Math.min(block.length, weights.length - off)), off);
    weights[weights.length - 1] = 7;
    const v1 = await store.put('ranker', '1', weights, { dataset: dataset.spec, metrics: { auc: 0.91 } });
    expect(v1.sha256).toBe(await sha256Hex(weights));
    expect(v1.sizeBytes).toBe(weights.byteLength);
    expect(v1.uri.endsWith(`/models/_artifacts/sha256/${v1.sha256}`)).toBe(true);
    const back = await store.get('ranker', '1');
    expect(back.byteLength).toBe(weights.byteLength);
    expect(Buffer.from(back).equals(Buffer.from(weights))).toBe(true);

    // Same bytes, new version: one object, two registry rows.
    const small = bytesOf(2, 1000);
    await store.put('ranker', '2', small);
    await store.put('ranker', '3', small);
    // A retried put of the same bytes is harmless; other bytes under a taken version are refused.
    await store.put('ranker', '2', small);
    const taken = await store.put('ranker', '2', bytesOf(3, 1000)).catch((e: unknown) => e);
    expect(isFloeError(taken, 'ALREADY_EXISTS')).toBe(true);
    expect(await store.get('ranker', '2')).toEqual(small);

    const reopened = await (await wh.artifacts('models')).list('ranker');
    expect(reopened.map((v) => v.version)).toEqual(['1', '2', '3']);
    expect(reopened[0]).toMatchObject({ metrics: { auc: 0.91 }, dataset: { tableUuid: train.uuid(), snapshotId: train.currentSnapshot()!.snapshotId.toString() } });
    expect(await wh.listTables('models')).toEqual([`models.${ARTIFACT_REGISTRY_TABLE}`, 'models.train']);

    // The registry commit records the training snapshot as its lineage input.
    const registry = await wh.loadTable(`models.${ARTIFACT_REGISTRY_TABLE}`);
    const g = await registry.lineage(registry.snapshots()[0]!.snapshotId, { warehouse: wh });
    expect(g.nodes[1]).toMatchObject({ tableUuid: train.uuid(), snapshotId: train.currentSnapshot()!.snapshotId, resolved: true });

    // Bytes that no longer match their digest: a clear error naming both digests.
    await wh.root.store.put(`models/_artifacts/sha256/${v1.sha256}`, bytesOf(9, 64));
    const bad = await store.get('ranker', '1').catch((e: unknown) => e);
    expect(isFloeError(bad, 'CORRUPT_FILE')).toBe(true);
    expect(String((bad as Error).message)).toContain(`expected sha256 ${v1.sha256}`);
    const missing = await store.get('ranker', '9').catch((e: unknown) => e);
    expect(isFloeError(missing, 'NOT_FOUND')).toBe(true);
  });
});
