/**
 * Reading the row lineage metadata columns of a v3 table (spec §Row Lineage, "Row lineage
 * assignment"): a row's `_row_id` is the value its data file stores when that is not null, else
 * the file's `first_row_id` plus the row's position in the file; its
 * `_last_updated_sequence_number` likewise, else the file's data sequence number. A file without
 * a `first_row_id` (written before its table became v3, and not yet given one) reads both as null.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { LAST_UPDATED_SEQUENCE_NUMBER_FIELD, ROW_ID_FIELD, type Schema } from '../spec/index.js';
import type { FileScanTask } from './plan.js';

/** Whether a read schema selects a row lineage column (only then is there anything to fill). */
export function readsRowLineage(readSchema: Schema): boolean {
  return readSchema.fields.some((f) => f.id === ROW_ID_FIELD.id || f.id === LAST_UPDATED_SEQUENCE_NUMBER_FIELD.id);
}

/**
 * Fills the row lineage columns of one resolved batch (columns named as the read schema names
 * them) by inheritance, before any row is dropped, so positions are the rows' positions in the file.
 * @param batch a batch of the read schema, as resolved from the file (stored values, or nulls)
 * @param readSchema the read schema
 * @param task the file being read (its `first_row_id` and data sequence number)
 * @param firstRow the position in the file of the batch's first row
 */
export function fillRowLineage(batch: arrow.RecordBatch, readSchema: Schema, task: FileScanTask, firstRow: number): arrow.RecordBatch {
  const first = task.file.firstRowId;
  const fills: [number, (i: number) => bigint][] = [];
  readSchema.fields.forEach((f, index) => {
    if (f.id === ROW_ID_FIELD.id) fills.push([index, (i) => first! + BigInt(firstRow + i)]);
    else if (f.id === LAST_UPDATED_SEQUENCE_NUMBER_FIELD.id) fills.push([index, () => task.dataSequenceNumber]);
  });
  if (fills.length === 0) return batch;
  const children = [...batch.data.children];
  for (const [index, inherited] of fills) {
    const stored = batch.getChildAt(index);
    const n = batch.numRows;
    const values = new BigInt64Array(n);
    const valid = new Uint8Array(Math.ceil(n / 8));
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      // spec: with a null first_row_id both columns read null, whatever the file stores
      const v = first === undefined ? null : ((stored?.get(i) as bigint | null | undefined) ?? inherited(i));
      if (v === null) nulls += 1;
      else {
        values[i] = v;
        valid[i >> 3]! |= 1 << (i & 7);
      }
    }
    children[index] = arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: nulls, data: values, nullBitmap: nulls === 0 ? undefined : valid });
  }
  const data = arrow.makeData({ type: new arrow.Struct(batch.schema.fields), length: batch.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(batch.schema, data);
}
