/**
 * Inclusive projection (spec §Scan Planning, §Partition Transforms): turns a filter on rows
 * into a filter on partition tuples that is true for every partition that may hold a matching
 * row. A data row r with partition tuple T(r) satisfying the row filter always has T(r)
 * satisfying the projection, so pruning partitions with it never drops a matching row.
 *
 * Each leaf on a column is projected through every partition field sourced from that column
 * (the results are and-ed); a leaf without a projection becomes `true`. Per transform:
 *
 * | transform            | projected predicates                                                  |
 * |----------------------|-----------------------------------------------------------------------|
 * | identity             | every predicate, unchanged                                            |
 * | bucket[N]            | `eq`, `in` (bucket of each value)                                     |
 * | truncate[W] numbers  | `lt v` → `<= t(v-1)`, `<=` → `<= t(v)`, `gt v` → `>= t(v+1)`, `>=`, `eq`, `in` |
 * | truncate[W] strings  | `<`/`<=` → `<= t(v)`, `>`/`>=` → `>= t(v)`, `eq`, `in`, `startsWith`, `notStartsWith` (prefix ≤ W) |
 * | year/month/day/hour  | as truncate on numbers, one unit (day, µs, ns) around the boundary     |
 * | void                 | nothing                                                               |
 *
 * `isNull` / `notNull` project through every transform but void (a transform maps null, and only
 * null, to null); `isNaN` / `notNaN` only through identity.
 *
 * Dates and timestamps before 1970: the spec's transforms floor (1969-12-31 is day -1), but Java
 * writers before Iceberg 0.13 truncated toward zero and could record the partition one unit
 * higher. Like Java's `ProjectionUtil.fixInclusiveTimeProjection`, a negative projected boundary
 * of `<=` is widened by one and a negative `eq`/`in` value also admits its successor, so those
 * tables are still read completely (a small loss of pruning for pre-1970 data only).
 *
 * @module
 */
import { indexById, applyTransform, canTransform, transformResultType, type PartitionField, type PartitionSpec, type PrimitiveType, type Schema, type Literal } from '../spec/index.js';
import {
  boundAnd,
  boundFalse,
  boundLiteral,
  boundOr,
  boundSet,
  boundTrue,
  boundUnary,
  type BoundExpression,
  type BoundPartitionExpression,
  type BoundPredicate,
  type BoundReference,
} from './bound.js';
import { distinctLiterals } from './compare.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Projects a bound row filter onto a partition spec, inclusively.
 * @param bound the row filter (`bindExpression` against `schema`)
 * @param spec the partition spec of the files to prune
 * @param schema a schema holding the spec's source columns (the table schema)
 * @returns a filter over the spec's partition tuples (references carry their tuple `position`)
 */
export function projectInclusive(bound: BoundExpression, spec: PartitionSpec, schema: Schema): BoundPartitionExpression {
  const byId = indexById(schema);
  // Partition fields by source column, with their result references.
  const bySource = new Map<number, { field: PartitionField; ref: BoundReference }[]>();
  spec.fields.forEach((field, position) => {
    const source = byId.get(field.sourceId);
    if (source === undefined || !isPrimitiveType(source.type) || !canTransform(field.transform, source.type)) return;
    const ref: BoundReference = Object.freeze({
      fieldId: field.fieldId,
      name: field.name,
      type: transformResultType(field.transform, source.type),
      isOptional: true,
      position,
    });
    const list = bySource.get(field.sourceId) ?? [];
    list.push({ field, ref });
    bySource.set(field.sourceId, list);
  });
  const visit = (e: BoundExpression): BoundExpression => {
    switch (e.kind) {
      case 'true':
      case 'false':
        return e;
      case 'and':
        return boundAnd(...e.children.map(visit));
      case 'or':
        return boundOr(...e.children.map(visit));
      default: {
        const fields = bySource.get(e.ref.fieldId);
        if (fields === undefined) return boundTrue();
        return boundAnd(...fields.map(({ field, ref }) => projectSafely(e, field, ref)));
      }
    }
  };
  return visit(bound);
}

function isPrimitiveType(t: { type: string }): t is PrimitiveType {
  return t.type !== 'struct' && t.type !== 'list' && t.type !== 'map';
}

/** A projection that fails (a literal the transform rejects) projects to nothing: `true`. */
function projectSafely(p: BoundPredicate, field: PartitionField, ref: BoundReference): BoundExpression {
  try {
    return projectPredicate(p, field, ref) ?? boundTrue();
  } catch {
    return boundTrue();
  }
}

/**
 * Projects one predicate through one partition field.
 * @returns the projection, or undefined when the transform says nothing about the predicate
 */
function projectPredicate(p: BoundPredicate, field: PartitionField, ref: BoundReference): BoundExpression | undefined {
  const t = field.transform;
  const source = p.ref.type;
  if (t.kind === 'void') return undefined;
  if (p.kind === 'unary') {
    if (p.op === 'isNull' || p.op === 'notNull') return boundUnary(p.op, ref);
    return t.kind === 'identity' ? boundUnary(p.op, ref) : undefined;
  }
  if (t.kind === 'identity') {
    return p.kind === 'set' ? boundSet(p.op, ref, p.values) : boundLiteral(p.op, ref, p.value);
  }
  const apply = (v: Literal): Literal => applyTransform(t, source, v) as Literal;
  if (t.kind === 'bucket') {
    if (p.kind === 'set') return p.op === 'in' ? setOf(ref, p.values.map(apply)) : undefined;
    return p.op === 'eq' ? boundLiteral('eq', ref, apply(p.value)) : undefined;
  }
  if (t.kind === 'truncate' && (source.type === 'string' || source.type === 'binary')) {
    return projectTruncateArray(p, ref, apply, t.width);
  }
  // truncate on int/long/decimal, and year/month/day/hour: order-preserving on numbers.
  const temporal = t.kind !== 'truncate';
  // A day of a date is the date itself: no rounding, so nothing for old writers to get wrong.
  const fixNegative = temporal && !(t.kind === 'day' && source.type === 'date');
  const projected = projectOrdered(p, ref, source, apply);
  if (projected === undefined || !fixNegative) return projected;
  return fixInclusiveTimeProjection(projected);
}

function setOf(ref: BoundReference, values: readonly Literal[]): BoundExpression {
  return boundSet('in', ref, distinctLiterals(values));
}

/** `v - 1` or `v + 1` in the source type's units, or undefined past the type's range. */
function step(source: PrimitiveType, v: Literal, delta: 1 | -1): Literal | undefined {
  if (typeof v === 'number') {
    const r = v + delta;
    return r < INT_MIN || r > INT_MAX ? undefined : r;
  }
  if (typeof v === 'bigint') {
    const r = v + BigInt(delta);
    if (source.type === 'decimal') return r;
    return r < LONG_MIN || r > LONG_MAX ? undefined : r;
  }
  return undefined;
}

function projectOrdered(
  p: BoundPredicate,
  ref: BoundReference,
  source: PrimitiveType,
  apply: (v: Literal) => Literal,
): BoundExpression | undefined {
  // int truncation wraps at the int32 edges as Java's does; a wrapped result is not a floor.
  // int and long truncation wraps at the type's minimum as Java's does (truncate[10] of
  // -2^31 is 2^31 - 2): a wrapped result is not a floor, and rows that wrapped sit in the
  // partitions at the top of the range, which `<` / `<=` projections must keep.
  const isWrapping = (v: Literal, r: Literal): boolean =>
    (source.type === 'int' || source.type === 'long') && (r as number | bigint) > (v as number | bigint);
  const safe = (v: Literal): Literal | undefined => {
    const r = apply(v);
    return isWrapping(v, r) ? undefined : r;
  };
  const typeMin: Literal | undefined = source.type === 'int' ? INT_MIN : source.type === 'long' ? LONG_MIN : undefined;
  const wrappedMin = typeMin === undefined ? undefined : apply(typeMin);
  const atMost = (r: Literal): BoundExpression =>
    wrappedMin !== undefined && typeMin !== undefined && isWrapping(typeMin, wrappedMin)
      ? boundOr(boundLiteral('ltEq', ref, r), boundLiteral('gtEq', ref, wrappedMin))
      : boundLiteral('ltEq', ref, r);
  if (p.kind === 'unary') return undefined;
  if (p.kind === 'set') {
    if (p.op !== 'in') return undefined;
    const out: Literal[] = [];
    for (const v of p.values) {
      const r = safe(v);
      if (r === undefined) return undefined;
      out.push(r);
    }
    return setOf(ref, out);
  }
  const v = p.value;
  switch (p.op) {
    case 'lt': {
      // x < v ⇔ x <= v - 1 for integers; below the type's minimum no row matches.
      const prev = step(source, v, -1);
      if (prev === undefined) return boundFalse();
      const r = safe(prev);
      return r === undefined ? undefined : atMost(r);
    }
    case 'ltEq': {
      const r = safe(v);
      return r === undefined ? undefined : atMost(r);
    }
    case 'gt': {
      const next = step(source, v, 1);
      if (next === undefined) return boundFalse();
      const r = safe(next);
      return r === undefined ? undefined : boundLiteral('gtEq', ref, r);
    }
    case 'gtEq': {
      const r = safe(v);
      return r === undefined ? undefined : boundLiteral('gtEq', ref, r);
    }
    case 'eq': {
      const r = safe(v);
      return r === undefined ? undefined : boundLiteral('eq', ref, r);
    }
    default:
      return undefined;
  }
}

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function projectTruncateArray(
  p: BoundPredicate,
  ref: BoundReference,
  apply: (v: Literal) => Literal,
  width: number,
): BoundExpression | undefined {
  if (p.kind === 'unary') return undefined;
  if (p.kind === 'set') return p.op === 'in' ? setOf(ref, p.values.map(apply)) : undefined;
  const v = p.value;
  switch (p.op) {
    case 'lt':
    case 'ltEq':
      // x < v ⇒ t(x) <= t(v): truncation is monotone.
      return boundLiteral('ltEq', ref, apply(v));
    case 'gt':
    case 'gtEq':
      return boundLiteral('gtEq', ref, apply(v));
    case 'eq':
      return boundLiteral('eq', ref, apply(v));
    case 'startsWith': {
      const prefix = v as string;
      // t(x) is x's first W code points: a prefix no longer than W survives in t(x) whole; a
      // longer one pins t(x) to the prefix's own truncation.
      return codePointLength(prefix) <= width ? boundLiteral('startsWith', ref, prefix) : boundLiteral('eq', ref, apply(prefix));
    }
    case 'notStartsWith': {
      const prefix = v as string;
      // If t(x) started with the prefix, so would x (t(x) is a prefix of x).
      return codePointLength(prefix) <= width ? boundLiteral('notStartsWith', ref, prefix) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Widens a projection of a date/time transform for partitions written by pre-0.13 Java, which
 * truncated negative values toward zero (one unit above the spec's floor).
 */
function fixInclusiveTimeProjection(e: BoundExpression): BoundExpression {
  if (e.kind === 'literal') {
    const v = e.value as number;
    if (v >= 0) return e;
    if (e.op === 'ltEq') return boundLiteral('ltEq', e.ref, v + 1);
    if (e.op === 'eq') return boundSet('in', e.ref, [v, v + 1]);
    return e;
  }
  if (e.kind === 'set' && e.op === 'in') {
    const values = e.values as number[];
    const out = [...values];
    for (const v of values) if (v < 0 && !out.includes(v + 1)) out.push(v + 1);
    return boundSet('in', e.ref, out);
  }
  return e;
}
