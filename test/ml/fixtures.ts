/**
 * Seeded data for the ml tests: an embeddings-and-label table in a memory warehouse, written in
 * several commits with small row groups so sharding and shuffling have units to move.
 */
import * as arrow from 'apache-arrow';
import { Warehouse, type Table } from 'floe';
import { prng } from '../support/prng.js';

export { prng } from '../support/prng.js';

/** The embedding dimension of the fixture table. */
export const DIM = 8;

/** `n` rows: `id` (unique from `firstId`), `label`, `emb` (DIM floats), `weight`. */
export function rows(n: number, firstId: number, random: () => number): arrow.Table {
  const id = new BigInt64Array(n);
  const label = new Int32Array(n);
  const weight = new Float64Array(n);
  const emb = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    id[i] = BigInt(firstId + i);
    label[i] = Math.floor(random() * 5);
    weight[i] = random();
    for (let d = 0; d < DIM; d++) emb[i * DIM + d] = random() * 2 - 1;
  }
  const embType = new arrow.FixedSizeList(DIM, new arrow.Field('element', new arrow.Float32(), false));
  return new arrow.Table({
    id: arrow.makeVector(id),
    label: arrow.makeVector(label),
    weight: arrow.makeVector(weight),
    emb: arrow.makeVector(arrow.makeData({ type: embType, length: n, nullCount: 0, child: arrow.makeData({ type: new arrow.Float32(), length: n * DIM, data: emb }) })),
  });
}

let tables = 0;

/**
 * A fresh table with `commits` appends of sizes drawn from [40, 160) rows and row groups of
 * `rowGroupRows` rows.
 */
export async function embeddingsTable(options: { seed: number; commits: number; rowGroupRows?: number }): Promise<{ table: Table; random: () => number; nextId: number }> {
  const wh = await Warehouse.open(`memory://ml-test-${++tables}`);
  await wh.createNamespace('ml');
  const first = rows(1, 0, () => 0);
  const table = await wh.createTable('ml.embeddings', first.schema, {
    properties: { 'write.parquet.row-group-limit': String(options.rowGroupRows ?? 32) },
  });
  const random = prng(options.seed);
  let nextId = 0;
  for (let c = 0; c < options.commits; c++) {
    const n = 40 + Math.floor(random() * 120);
    await table.append(rows(n, nextId, random));
    nextId += n;
  }
  return { table, random, nextId };
}

/** The `id`s of batches, in order. */
export function ids(batches: readonly arrow.RecordBatch[]): number[] {
  const out: number[] = [];
  for (const b of batches) for (const v of b.getChild('id') ?? []) out.push(Number(v));
  return out;
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
