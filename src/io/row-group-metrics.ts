/**
 * Row-group metrics from Parquet column statistics, in the shape of a data file's metrics, so
 * that the inclusive metrics evaluator (`expr/`) can skip row groups as it skips files.
 *
 * Only statistics whose meaning is certain become bounds, because a wrong bound drops rows:
 * - only `min_value`/`max_value` (the deprecated `min`/`max` have no defined order);
 * - only top-level columns found by field id;
 * - only signed INT32 read as Iceberg int or date (converted type none, INT_32 or DATE) and
 *   signed INT64 read as long (none or INT_64) or as timestamp/timestamptz with
 *   `TIMESTAMP_MICROS`: their plain encoding is Iceberg's single-value binary form (spec
 *   Appendix D), little-endian, 4 and 8 bytes.
 * Floats (NaN handling differs between writers), strings and binary (writers may truncate max
 * values), decimals and everything else get no bounds: such row groups are never skipped.
 *
 * @module
 */
import type { DataFile, PrimitiveType, Schema } from '../spec/index.js';
import type { Footer } from './parquet-footer.js';

const INT32 = 1;
const INT64 = 2;
const CONVERTED_DATE = 6;
const CONVERTED_TIMESTAMP_MICROS = 10;
const CONVERTED_INT_32 = 17;
const CONVERTED_INT_64 = 18;

/** Metrics of one row group, as a data file's metric maps (field id → value). */
export type RowGroupMetrics = Pick<DataFile, 'recordCount' | 'valueCounts' | 'nullValueCounts' | 'lowerBounds' | 'upperBounds'>;

function boundable(type: PrimitiveType, physical: number | undefined, converted: number | undefined, unsigned: boolean): boolean {
  if (unsigned) return false;
  switch (type.type) {
    case 'int':
      return physical === INT32 && (converted === undefined || converted === CONVERTED_INT_32);
    case 'date':
      return physical === INT32 && converted === CONVERTED_DATE;
    case 'long':
      return physical === INT64 && (converted === undefined || converted === CONVERTED_INT_64);
    case 'timestamp':
    case 'timestamptz':
      return physical === INT64 && converted === CONVERTED_TIMESTAMP_MICROS;
    default:
      return false;
  }
}

/**
 * Metrics of every row group of a file, for the columns of `schema` whose statistics are exact.
 * @param footer the file's decoded footer (`readParquetFooter`)
 * @param schema the read schema (columns are matched by field id)
 */
export function rowGroupMetrics(footer: Footer, schema: Schema): RowGroupMetrics[] {
  const types = new Map<number, PrimitiveType>();
  for (const f of schema.fields) if (f.type.type !== 'struct' && f.type.type !== 'list' && f.type.type !== 'map') types.set(f.id, f.type);
  const usable: { index: number; fieldId: number; width: number }[] = [];
  footer.leaves.forEach((leaf, index) => {
    if (!leaf.topLevel || leaf.fieldId === undefined) return;
    const type = types.get(leaf.fieldId);
    if (!type || !boundable(type, leaf.physicalType, leaf.convertedType, leaf.unsigned)) return;
    usable.push({ index, fieldId: leaf.fieldId, width: leaf.physicalType === INT32 ? 4 : 8 });
  });
  return footer.rowGroups.map((g) => {
    const valueCounts = new Map<number, number>();
    const nullValueCounts = new Map<number, number>();
    const lowerBounds = new Map<number, Uint8Array>();
    const upperBounds = new Map<number, Uint8Array>();
    for (const u of usable) {
      const stats = g.columns[u.index];
      if (!stats) continue;
      valueCounts.set(u.fieldId, g.numRows);
      if (stats.nullCount !== undefined) nullValueCounts.set(u.fieldId, stats.nullCount);
      if (stats.minValue?.length === u.width && stats.maxValue?.length === u.width) {
        lowerBounds.set(u.fieldId, stats.minValue);
        upperBounds.set(u.fieldId, stats.maxValue);
      }
    }
    return { recordCount: g.numRows, valueCounts, nullValueCounts, lowerBounds, upperBounds };
  });
}
