/**
 * Sort orders (Iceberg spec §Sorting): the model and the JSON wire form (spec Appendix C "Sort
 * Orders").
 *
 * @module
 */
import { z } from 'zod';
import type { JsonValue } from '../util/index.js';
import type { Transform } from './partition.js';
import { TransformSchema } from './partition.js';
import { transformToString } from './transform.js';
import { errorFromZod } from './zod-issues.js';

/** One field of a sort order. */
export interface SortField {
  /** The source column's field id. */
  readonly sourceId: number;
  /** The transform applied before sorting. */
  readonly transform: Transform;
  /** Ascending or descending. */
  readonly direction: 'asc' | 'desc';
  /** Where nulls go. */
  readonly nullOrder: 'nulls-first' | 'nulls-last';
}

/** A sort order; order id 0 is reserved for "unsorted". */
export interface SortOrder {
  /** The order id. */
  readonly orderId: number;
  /** The fields, most significant first. */
  readonly fields: readonly SortField[];
}

/** The id reserved for the unsorted order (spec §Sorting). */
export const UNSORTED_ORDER_ID = 0;

/** The unsorted order: id 0, no fields. */
export const UNSORTED_ORDER: SortOrder = { orderId: UNSORTED_ORDER_ID, fields: [] };

/** Wire form of a sort field. */
export interface SortFieldJson {
  transform: string;
  'source-id': number;
  direction: 'asc' | 'desc';
  'null-order': 'nulls-first' | 'nulls-last';
}

/** Wire form of a sort order. */
export interface SortOrderJson {
  'order-id': number;
  fields: SortFieldJson[];
}

/** zod schema of a sort field; converts to {@link SortField}. */
export const SortFieldSchema = z
  .object({
    transform: TransformSchema,
    'source-id': z.number().int(),
    direction: z.enum(['asc', 'desc']),
    'null-order': z.enum(['nulls-first', 'nulls-last']),
  })
  .transform((f): SortField => ({ sourceId: f['source-id'], transform: f.transform, direction: f.direction, nullOrder: f['null-order'] }));

/** zod schema of a sort order (spec Appendix C); converts to {@link SortOrder}. */
export const SortOrderSchema = z
  .object({ 'order-id': z.number().int(), fields: z.array(SortFieldSchema) })
  .transform((o): SortOrder => ({ orderId: o['order-id'], fields: o.fields }));

/**
 * Decodes a sort order from its JSON wire form.
 * @param json `{"order-id":1,"fields":[…]}`
 * @param file the file it came from, for error context
 * @throws ValidationError naming the JSON path; UnsupportedError for an unknown transform
 */
export function decodeSortOrder(json: JsonValue, file?: string): SortOrder {
  const r = SortOrderSchema.safeParse(json);
  if (r.success) return r.data;
  throw errorFromZod(r.error, { file, what: 'sort order' });
}

/**
 * Encodes a sort order, keys in Java's order (`transform`, `source-id`, `direction`, `null-order`).
 * @param order the sort order
 */
export function encodeSortOrder(order: SortOrder): JsonValue {
  return {
    'order-id': order.orderId,
    fields: order.fields.map((f) => ({
      transform: transformToString(f.transform),
      'source-id': f.sourceId,
      direction: f.direction,
      'null-order': f.nullOrder,
    })),
  };
}

/**
 * Whether a sort order is the unsorted order (no fields).
 * @param order the sort order
 */
export function isUnsorted(order: SortOrder): boolean {
  return order.fields.length === 0;
}
