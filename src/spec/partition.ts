/**
 * Partition specs and transforms (Iceberg spec §Partitioning, §Partition Transforms).
 *
 * @module
 */

/** A partition transform (spec §Partition Transforms). Its string form is `identity`, `bucket[16]`, `truncate[4]`, `day`, … */
export type Transform =
  | { readonly kind: 'identity' }
  | { readonly kind: 'bucket'; readonly numBuckets: number }
  | { readonly kind: 'truncate'; readonly width: number }
  | { readonly kind: 'year' }
  | { readonly kind: 'month' }
  | { readonly kind: 'day' }
  | { readonly kind: 'hour' }
  | { readonly kind: 'void' };

/** One field of a partition spec. */
export interface PartitionField {
  /** The source column's field id. */
  readonly sourceId: number;
  /** The partition field's id (1000 and up, unique across the table's specs). */
  readonly fieldId: number;
  /** The partition field's name. */
  readonly name: string;
  /** How the source value becomes the partition value. */
  readonly transform: Transform;
}

/** A partition spec: how rows map to partition tuples. An unpartitioned table has one with no fields. */
export interface PartitionSpec {
  /** The spec id, unique within the table. */
  readonly specId: number;
  /** The fields, in tuple order. */
  readonly fields: readonly PartitionField[];
}
