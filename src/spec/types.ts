/**
 * Iceberg data types and schemas, the in-memory model (Iceberg spec §Schemas and Data Types).
 *
 * Every field, list element, map key and map value carries a field id; columns are resolved by
 * id, never by name. The JSON wire form (`"decimal(9,2)"`, `{"type":"struct",…}`) is decoded and
 * encoded in `schema.ts`.
 *
 * @module
 */
import type { Literal } from './values.js';

/** Iceberg primitive type names that take no parameters. */
export type SimplePrimitiveName =
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'timestamp_ns'
  | 'timestamptz_ns'
  | 'string'
  | 'uuid'
  | 'binary'
  | 'unknown';

/** A primitive type (spec §Primitive Types). */
export type PrimitiveType =
  | { readonly type: SimplePrimitiveName }
  | { readonly type: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly type: 'fixed'; readonly length: number };

/** A field of a struct (spec §Nested Types). */
export interface NestedField {
  /** The field id, unique within the table's schemas and never reused. */
  readonly id: number;
  /** The field name. */
  readonly name: string;
  /** Whether values are always present. */
  readonly required: boolean;
  /** The field's type. */
  readonly type: IcebergType;
  /** Documentation. */
  readonly doc?: string;
  /** The value for rows written before the field existed (spec §Default values). */
  readonly initialDefault?: Literal;
  /** The value writers use when they do not supply one. */
  readonly writeDefault?: Literal;
}

/** A struct: an ordered tuple of named fields. */
export interface StructType {
  readonly type: 'struct';
  /** The fields, in order. */
  readonly fields: readonly NestedField[];
}

/** A list of elements of one type; the element has its own field id. */
export interface ListType {
  readonly type: 'list';
  /** The element's field id. */
  readonly elementId: number;
  /** The element's type. */
  readonly element: IcebergType;
  /** Whether elements are never null. */
  readonly elementRequired: boolean;
}

/** A map; key and value have their own field ids. */
export interface MapType {
  readonly type: 'map';
  /** The key's field id. */
  readonly keyId: number;
  /** The key's type. */
  readonly key: IcebergType;
  /** The value's field id. */
  readonly valueId: number;
  /** The value's type. */
  readonly value: IcebergType;
  /** Whether values are never null. */
  readonly valueRequired: boolean;
}

/** Any Iceberg type. */
export type IcebergType = PrimitiveType | StructType | ListType | MapType;

/** A schema: a struct with an id and optional identifier fields (spec §Schemas). */
export interface Schema {
  /** The schema id, unique within the table. */
  readonly schemaId: number;
  /** The top-level fields. */
  readonly fields: readonly NestedField[];
  /** Field ids that together identify a row (used by upserts and equality deletes). */
  readonly identifierFieldIds?: readonly number[];
}
