/**
 * Example: reproducible, sharded, shuffled training reads of an embeddings-and-label table.
 *
 * It writes a small table (a 16-d `emb` vector column, an `int` label), pins its current snapshot
 * as a dataset, reads it through 4 shards (as 4 training workers would, each on its own) over 2
 * epochs, and prints a checksum per shard and per epoch. Then it re-opens the dataset from its
 * JSON spec, after more commits, and reads again: the checksums are the same, because a dataset
 * spec names its rows exactly. Run it after `npm run build` with any TypeScript runner, e.g.
 * `npx tsx examples/train.ts [warehouse-uri]` (default: an in-memory warehouse).
 */
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import { Dataset, Warehouse, numericColumn, vectorColumn } from 'floe';

const DIM = 16;
const WORKERS = 4;
const EPOCHS = 2;

/** Deterministic rows: ids from `first`, embeddings and labels from a seeded generator. */
function makeRows(n: number, first: number, seed: number): arrow.Table {
  let s = seed >>> 0;
  const random = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const id = new BigInt64Array(n);
  const label = new Int32Array(n);
  const emb = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) {
    id[i] = BigInt(first + i);
    label[i] = Math.floor(random() * 10);
    for (let d = 0; d < DIM; d++) emb[i * DIM + d] = random() * 2 - 1;
  }
  const embType = new arrow.FixedSizeList(DIM, new arrow.Field('element', new arrow.Float32(), false));
  return new arrow.Table({
    id: arrow.makeVector(id),
    label: arrow.makeVector(label),
    emb: arrow.makeVector(arrow.makeData({ type: embType, length: n, nullCount: 0, child: arrow.makeData({ type: new arrow.Float32(), length: n * DIM, data: emb }) })),
  });
}

/** An order-sensitive FNV-1a checksum over labels and embedding bits, fed batch by batch. */
class Checksum {
  private h = 0x811c9dc5;
  rows = 0;
  add(batch: arrow.RecordBatch): void {
    // Zero-copy views: `emb` is one Float32Array of rows × DIM, `label` an Int32Array.
    const v = vectorColumn(batch, 'emb').values;
    const emb = new Uint32Array(v.buffer, v.byteOffset, v.length);
    const labels = numericColumn(batch, 'label').values as Int32Array;
    for (let r = 0; r < batch.numRows; r++) {
      this.h = Math.imul(this.h ^ labels[r]!, 0x01000193) >>> 0;
      for (let d = 0; d < DIM; d++) this.h = Math.imul(this.h ^ emb[r * DIM + d]!, 0x01000193) >>> 0;
    }
    this.rows += batch.numRows;
  }
  hex(): string {
    return this.h.toString(16).padStart(8, '0');
  }
}

/** What one epoch read: per-shard checksums and row counts, and one checksum over all shards in worker order. */
export interface EpochResult {
  readonly epoch: number;
  readonly shards: readonly { readonly worker: number; readonly rows: number; readonly checksum: string }[];
  readonly checksum: string;
}

/** Reads every epoch through every shard (here one after another; in training, each worker reads its own shard). */
async function readEpochs(dataset: Dataset, log: (line: string) => void): Promise<EpochResult[]> {
  const out: EpochResult[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const all = new Checksum();
    const shards = [];
    for (let worker = 0; worker < WORKERS; worker++) {
      const sum = new Checksum();
      for await (const batch of dataset.shard({ workers: WORKERS, worker }).reader({ epoch, shuffleBuffer: 2048 })) {
        sum.add(batch);
        all.add(batch);
      }
      shards.push({ worker, rows: sum.rows, checksum: sum.hex() });
    }
    const result = { epoch, shards, checksum: all.hex() };
    log(`epoch ${epoch}: ${shards.map((s) => `worker ${s.worker} ${s.rows} rows ${s.checksum}`).join(' | ')} | epoch checksum ${result.checksum}`);
    out.push(result);
  }
  return out;
}

/**
 * Runs the example.
 * @param warehouseUri where to write the table (default a fresh in-memory warehouse)
 * @param log where lines go (default stdout)
 * @returns the first and the re-opened reads' results
 */
export async function main(warehouseUri = `memory://train-example-${process.pid}`, log: (line: string) => void = console.log): Promise<{ first: EpochResult[]; reopened: EpochResult[] }> {
  const wh = await Warehouse.open(warehouseUri);
  await wh.createNamespace('ml');
  const table = await wh.createTable('ml.embeddings', makeRows(1, 0, 0).schema, { properties: { 'write.parquet.row-group-limit': '1000' } });
  for (let c = 0; c < 6; c++) await table.append(makeRows(3000, c * 3000, 17 + c));

  const dataset = await table.dataset({ columns: ['id', 'label', 'emb'], seed: 2026, batchSize: 512 });
  const specJson = JSON.stringify(dataset.spec);
  log(`dataset: snapshot ${dataset.spec.snapshotId}, ${dataset.spec.files.length} files, ${dataset.recordCount} rows, spec ${specJson.length} bytes of JSON`);
  const first = await readEpochs(dataset, log);

  // Months later: the table moved on (more rows, a renamed column); the spec still names the same rows.
  await table.append(makeRows(5000, 18_000, 99));
  await table.updateSchema().renameColumn('label', 'class').commit();
  const reopened = await readEpochs(await Dataset.fromSpec(specJson, { table }), log);
  const same = first.every((e, i) => e.checksum === reopened[i]!.checksum);
  const differ = first[0]!.checksum !== first[1]!.checksum;
  log(`re-opened from its spec after more commits: ${same ? 'identical' : 'DIFFERENT'} checksums; epochs ${differ ? 'differ' : 'do not differ'} (a new order each epoch)`);
  return { first, reopened };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2]);
}
