/**
 * Strict projection (spec §Scan Planning): turns a filter on rows into a filter on partition
 * tuples that is true only for partitions in which *every* row satisfies the row filter. A
 * delete or overwrite by filter can drop such files whole instead of rewriting them.
 *
 * Each leaf is projected through every partition field of its column; the results are or-ed
 * (one field that proves the leaf is enough). A leaf without a strict projection is `false`.
 * Per transform:
 *
 * | transform            | strict predicates                                                        |
 * |----------------------|--------------------------------------------------------------------------|
 * | identity             | every predicate, unchanged                                               |
 * | bucket[N]            | `notEq`, `notIn` (a different bucket proves a different value)           |
 * | truncate[W] numbers  | `< v` → `< t(v)`, `<= v` → `< t(v+1)`, `> v` → `> t(v)`, `>= v` → `> t(v-1)`, `notEq`, `notIn` |
 * | truncate[W] strings  | `<`/`<=` → `< t(v)`, `>`/`>=` → `> t(v)`, `notEq`, `notIn`, `startsWith` (prefix ≤ W), `notStartsWith` |
 * | year/month/day/hour  | as truncate on numbers, and only partitions ≥ 1 (see below)               |
 * | void                 | nothing                                                                  |
 *
 * Before 1970, Java writers before Iceberg 0.13 recorded date/time partitions one unit too high
 * (truncation toward zero), so a partition value p ≤ 0 may also hold rows of unit p - 1. A strict
 * projection must never claim such a partition, so date/time projections are restricted to
 * partition values ≥ 1 (day of a date is exact and is not restricted).
 *
 * @module
 */
import {
  applyTransform,
  canTransform,
  indexById,
  transformResultType,
  type Literal,
  type PartitionField,
  type PartitionSpec,
  type PrimitiveType,
  type Schema,
} from '../spec/index.js';
import {
  boundAnd,
  boundFalse,
  boundLiteral,
  boundOr,
  boundSet,
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
 * Projects a bound row filter onto a partition spec, strictly.
 * @param bound the row filter (`bindExpression` against `schema`)
 * @param spec the partition spec of the files
 * @param schema a schema holding the spec's source columns
 * @returns a filter over partition tuples, true only where every row of the partition matches
 */
export function projectStrict(bound: BoundExpression, spec: PartitionSpec, schema: Schema): BoundPartitionExpression {
  const byId = indexById(schema);
  const bySource = new Map<number, { field: PartitionField; ref: BoundReference }[]>();
  spec.fields.forEach((field, position) => {
    const source = byId.get(field.sourceId);
    if (source === undefined) return;
    const type = source.type;
    if (type.type === 'struct' || type.type === 'list' || type.type === 'map' || !canTransform(field.transform, type)) return;
    const ref: BoundReference = Object.freeze({
      fieldId: field.fieldId,
      name: field.name,
      type: transformResultType(field.transform, type),
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
        const fields = bySource.get(e.ref.fieldId) ?? [];
        return boundOr(...fields.map(({ field, ref }) => projectSafely(e, field, ref)));
      }
    }
  };
  return visit(bound);
}

function projectSafely(p: BoundPredicate, field: PartitionField, ref: BoundReference): BoundExpression {
  try {
    return projectPredicate(p, field, ref) ?? boundFalse();
  } catch {
    return boundFalse();
  }
}

function projectPredicate(p: BoundPredicate, field: PartitionField, ref: BoundReference): BoundExpression | undefined {
  const t = field.transform;
  const source = p.ref.type;
  if (t.kind === 'void') return undefined;
  if (p.kind === 'unary') {
    if (p.op === 'isNull' || p.op === 'notNull') return boundUnary(p.op, ref);
    return t.kind === 'identity' ? boundUnary(p.op, ref) : undefined;
  }
  if (t.kind === 'identity') return p.kind === 'set' ? boundSet(p.op, ref, p.values) : boundLiteral(p.op, ref, p.value);
  const apply = (v: Literal): Literal => applyTransform(t, source, v) as Literal;
  if (t.kind === 'bucket') {
    if (p.kind === 'set') return p.op === 'notIn' ? boundSet('notIn', ref, distinct(p.values.map(apply))) : undefined;
    return p.op === 'notEq' ? boundLiteral('notEq', ref, apply(p.value)) : undefined;
  }
  if (t.kind === 'truncate' && (source.type === 'string' || source.type === 'binary')) return projectArray(p, ref, apply, t.width);
  const projected = projectOrdered(p, ref, source, apply);
  const temporal = t.kind !== 'truncate';
  if (projected === undefined || !temporal || (t.kind === 'day' && source.type === 'date')) return projected;
  // Keep clear of partitions an old writer may have filled with rows of the unit below.
  return boundAnd(projected, boundLiteral('gtEq', ref, 1));
}

function distinct(values: readonly Literal[]): Literal[] {
  return distinctLiterals(values);
}

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
  if (p.kind === 'unary') return undefined;
  // int/long truncation wraps at the type's minimum (as Java's): such values prove nothing.
  const safe = (v: Literal): Literal | undefined => {
    const r = apply(v);
    return (source.type === 'int' || source.type === 'long') && (r as number | bigint) > (v as number | bigint) ? undefined : r;
  };
  // Values near the type's minimum wrap to a partition near the top of the range (truncate[10]
  // of -2^31 is 2^31 - 2): partitions from there up may hold values far below anything.
  const typeMin: Literal | undefined = source.type === 'int' ? INT_MIN : source.type === 'long' ? LONG_MIN : undefined;
  const wrappedMin = typeMin === undefined ? undefined : apply(typeMin);
  const wraps = typeMin !== undefined && wrappedMin !== undefined && (wrappedMin as number | bigint) > (typeMin as number | bigint);
  if (p.kind === 'set') {
    if (p.op !== 'notIn') return undefined;
    const out: Literal[] = [];
    for (const v of p.values) {
      const r = safe(v);
      if (r === undefined) return undefined;
      out.push(r);
    }
    return boundSet('notIn', ref, distinct(out));
  }
  const v = p.value;
  const lessThan = (bound: Literal | undefined): BoundExpression | undefined => {
    if (bound === undefined) return undefined;
    const r = safe(bound);
    return r === undefined ? undefined : boundLiteral('lt', ref, r);
  };
  const greaterThan = (bound: Literal | undefined): BoundExpression | undefined => {
    if (bound === undefined) return undefined;
    const r = safe(bound);
    if (r === undefined) return undefined;
    const gt = boundLiteral('gt', ref, r);
    return wraps && wrappedMin !== undefined ? boundAnd(gt, boundLiteral('lt', ref, wrappedMin)) : gt;
  };
  switch (p.op) {
    case 'lt':
      // t < T(v): every x in the partition is at most T(v) - 1 < v.
      return lessThan(v);
    case 'ltEq':
      return lessThan(step(source, v, 1));
    case 'gt':
      // t > T(v): every x is at least t ≥ T(v) + W > v.
      return greaterThan(v);
    case 'gtEq':
      return greaterThan(step(source, v, -1));
    case 'notEq': {
      const r = safe(v);
      return r === undefined ? undefined : boundLiteral('notEq', ref, r);
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

function projectArray(p: BoundPredicate, ref: BoundReference, apply: (v: Literal) => Literal, width: number): BoundExpression | undefined {
  if (p.kind === 'unary') return undefined;
  if (p.kind === 'set') return p.op === 'notIn' ? boundSet('notIn', ref, distinct(p.values.map(apply))) : undefined;
  const v = p.value;
  switch (p.op) {
    case 'lt':
    case 'ltEq':
      // t < T(v): x starts with t, which is below T(v) at its first difference (or x = t, shorter than W).
      return boundLiteral('lt', ref, apply(v));
    case 'gt':
    case 'gtEq':
      // t > T(v) with T(v) not a prefix of t: x > v. When T(v) is a proper prefix of t, T(v) is
      // shorter than W, so T(v) = v and x, which starts with t, is longer than v: x > v.
      return boundLiteral('gt', ref, apply(v));
    case 'notEq':
      return boundLiteral('notEq', ref, apply(v));
    case 'startsWith': {
      const prefix = v as string;
      return codePointLength(prefix) <= width ? boundLiteral('startsWith', ref, prefix) : undefined;
    }
    case 'notStartsWith':
      // t does not start with T(prefix) ⇒ x (which starts with t, or equals it) does not start with the prefix.
      return boundLiteral('notStartsWith', ref, apply(v));
    default:
      return undefined;
  }
}
