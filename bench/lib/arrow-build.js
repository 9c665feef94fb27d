/**
 * Wraps `datagen.js` columns in Arrow tables without copying, for whichever apache-arrow the
 * caller imported (Floe's 21 or LanceDB's 18): the module is passed in, never imported here, so
 * the two never meet in one process.
 *
 * @module
 */
import { EMBEDDING_DIM } from './datagen.js';

/**
 * Slices of `cols` as an Arrow table of record batches of at most `batchRows` rows.
 * @param {any} arrow the caller's `apache-arrow` namespace
 * @param {import('./datagen.js').EventColumns} cols
 * @param {number} [batchRows]
 * @returns {any} an `arrow.Table`
 */
export function eventsTable(arrow, cols, batchRows = 65536) {
  const { Field, Schema, RecordBatch, Table, Int64, Float64, Utf8, Int32, TimestampMicrosecond, Struct, makeData } = arrow;
  const fields = [
    new Field('id', new Int64(), false),
    new Field('value', new Float64(), false),
    new Field('name', new Utf8(), false),
    new Field('category', new Int32(), false),
    new Field('ts', new TimestampMicrosecond(), false),
  ];
  const schema = new Schema(fields);
  const batches = [];
  for (let start = 0; start < cols.length; start += batchRows) {
    const n = Math.min(batchRows, cols.length - start);
    const end = start + n;
    const offsets = cols.name.offsets.subarray(start, end + 1);
    const base = offsets[0];
    const rebased = base === 0 ? offsets : offsets.map((o) => o - base);
    const children = [
      makeData({ type: fields[0].type, length: n, nullCount: 0, data: cols.id.subarray(start, end) }),
      makeData({ type: fields[1].type, length: n, nullCount: 0, data: cols.value.subarray(start, end) }),
      makeData({ type: fields[2].type, length: n, nullCount: 0, valueOffsets: rebased, data: cols.name.data.subarray(base, offsets[n]) }),
      makeData({ type: fields[3].type, length: n, nullCount: 0, data: cols.category.subarray(start, end) }),
      makeData({ type: fields[4].type, length: n, nullCount: 0, data: cols.ts.subarray(start, end) }),
    ];
    const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
    batches.push(new RecordBatch(schema, struct));
  }
  return new Table(schema, batches);
}

/**
 * The embeddings columns as an Arrow table: `id int64`, `embedding FixedSizeList<128, float32>`.
 * @param {any} arrow the caller's `apache-arrow` namespace
 * @param {import('./datagen.js').EmbeddingColumns} cols
 * @param {number} [batchRows]
 * @returns {any} an `arrow.Table`
 */
export function embeddingsTable(arrow, cols, batchRows = 16384) {
  const { Field, Schema, RecordBatch, Table, Int64, Float32, FixedSizeList, Struct, makeData } = arrow;
  const item = new Field('item', new Float32(), true);
  const fields = [new Field('id', new Int64(), false), new Field('embedding', new FixedSizeList(EMBEDDING_DIM, item), false)];
  const schema = new Schema(fields);
  const batches = [];
  for (let start = 0; start < cols.length; start += batchRows) {
    const n = Math.min(batchRows, cols.length - start);
    const end = start + n;
    const values = makeData({ type: item.type, length: n * EMBEDDING_DIM, nullCount: 0, data: cols.embedding.subarray(start * EMBEDDING_DIM, end * EMBEDDING_DIM) });
    const children = [
      makeData({ type: fields[0].type, length: n, nullCount: 0, data: cols.id.subarray(start, end) }),
      makeData({ type: fields[1].type, length: n, nullCount: 0, child: values }),
    ];
    const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
    batches.push(new RecordBatch(schema, struct));
  }
  return new Table(schema, batches);
}

/**
 * Bytes of an Arrow table's buffers (what "the table is N MB" means in the memory workload).
 * @param {any} table
 * @returns {number}
 */
export function arrowBytes(table) {
  let n = 0;
  const visit = (d) => {
    for (const b of [d.values, d.valueOffsets, d.nullBitmap, d.typeIds]) if (ArrayBuffer.isView(b)) n += b.byteLength;
    for (const c of d.children) visit(c);
  };
  for (const batch of table.batches) visit(batch.data);
  return n;
}
