/**
 * Sort orders (Iceberg spec §Sorting).
 *
 * @module
 */
import type { Transform } from './partition.js';

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
