/**
 * The row lineage metadata columns (spec §Reserved Field IDs, §Row Lineage): `_row_id` and
 * `_last_updated_sequence_number`, with the reserved field ids a v3 table's scans select them by
 * and data files store them under when a writer moves rows between files.
 *
 * @module
 */
import type { NestedField } from './types.js';

/** `_row_id` (spec §Reserved Field IDs): a row's unique id in a v3 table. */
export const ROW_ID_FIELD: NestedField = { id: 2147483540, name: '_row_id', required: false, type: { type: 'long' } };

/** `_last_updated_sequence_number` (spec §Reserved Field IDs): the sequence number that last changed the row. */
export const LAST_UPDATED_SEQUENCE_NUMBER_FIELD: NestedField = { id: 2147483539, name: '_last_updated_sequence_number', required: false, type: { type: 'long' } };

/** Both row lineage fields, `_row_id` first. */
export const ROW_LINEAGE_FIELDS: readonly NestedField[] = [ROW_ID_FIELD, LAST_UPDATED_SEQUENCE_NUMBER_FIELD];

/**
 * The row lineage field a column name names, if any.
 * @param name the column name as asked
 * @param caseSensitive whether to match case
 */
export function rowLineageField(name: string, caseSensitive = true): NestedField | undefined {
  return ROW_LINEAGE_FIELDS.find((f) => (caseSensitive ? f.name === name : f.name.toLowerCase() === name.toLowerCase()));
}
