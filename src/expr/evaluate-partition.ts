/**
 * Evaluation of a bound expression against single values: a partition tuple
 * (`evaluatePartition`) or one row given as a value lookup (`evaluateRow`), with the
 * three-valued semantics of `expression.ts` (a comparison with null is unknown; a row or
 * partition matches only when the expression is true).
 *
 * @module
 */
import { InternalError } from '../errors.js';
import type { Literal } from '../spec/index.js';
import type { BoundExpression, BoundPartitionExpression, BoundPredicate, BoundReference } from './bound.js';
import { compareValues, isNaNValue } from './compare.js';

/** Three-valued truth: false, true, unknown. */
export const FALSE = 0;
/** See {@link FALSE}. */
export const TRUE = 1;
/** See {@link FALSE}. */
export const UNKNOWN = 2;
/** A three-valued truth value. */
export type Truth = typeof FALSE | typeof TRUE | typeof UNKNOWN;

/**
 * Whether a partition tuple satisfies a projected filter (`projectInclusive`): false means no
 * row of a file with this partition can match.
 * @param projected the filter projected onto the partition spec
 * @param partitionTuple the file's partition values, in spec order (null for a null value)
 * @throws InternalError when a reference has no position in the tuple
 */
export function evaluatePartition(projected: BoundPartitionExpression, partitionTuple: readonly (Literal | null)[]): boolean {
  return (
    evaluateTruth(projected, (ref) => {
      const pos = ref.position;
      if (pos === undefined || pos < 0) {
        throw new InternalError(`partition filter reference ${ref.name} has no tuple position`, { context: { fieldId: ref.fieldId } });
      }
      return partitionTuple[pos] ?? null;
    }) === TRUE
  );
}

/**
 * Whether one row satisfies a bound filter.
 * @param bound the filter (`bindExpression`)
 * @param valueOf the row's value of a referenced column (null when null or absent)
 */
export function evaluateRow(bound: BoundExpression, valueOf: (ref: BoundReference) => Literal | null): boolean {
  return evaluateTruth(bound, valueOf) === TRUE;
}

/**
 * The three-valued truth of a bound expression for one set of values.
 * @param e the expression
 * @param valueOf the value of a reference
 */
export function evaluateTruth(e: BoundExpression, valueOf: (ref: BoundReference) => Literal | null): Truth {
  switch (e.kind) {
    case 'true':
      return TRUE;
    case 'false':
      return FALSE;
    case 'and': {
      let out: Truth = TRUE;
      for (const c of e.children) {
        const t = evaluateTruth(c, valueOf);
        if (t === FALSE) return FALSE;
        if (t === UNKNOWN) out = UNKNOWN;
      }
      return out;
    }
    case 'or': {
      let out: Truth = FALSE;
      for (const c of e.children) {
        const t = evaluateTruth(c, valueOf);
        if (t === TRUE) return TRUE;
        if (t === UNKNOWN) out = UNKNOWN;
      }
      return out;
    }
    default:
      return predicateTruth(e, valueOf(e.ref));
  }
}

/**
 * The three-valued truth of one predicate for one value.
 * @param p the predicate
 * @param v the value, null when null
 */
export function predicateTruth(p: BoundPredicate, v: Literal | null): Truth {
  if (p.kind === 'unary') {
    switch (p.op) {
      case 'isNull':
        return v === null ? TRUE : FALSE;
      case 'notNull':
        return v === null ? FALSE : TRUE;
      case 'isNaN':
        return isNaNValue(v) ? TRUE : FALSE;
      case 'notNaN':
        return isNaNValue(v) ? FALSE : TRUE;
    }
  }
  if (v === null) return UNKNOWN;
  const type = p.ref.type;
  if (p.kind === 'set') {
    // NaN equals nothing: it is never IN and always NOT IN.
    const found = !isNaNValue(v) && p.values.some((w) => compareValues(type, v, w) === 0);
    return (p.op === 'in') === found ? TRUE : FALSE;
  }
  const lit = p.value;
  switch (p.op) {
    case 'startsWith':
      return (v as string).startsWith(lit as string) ? TRUE : FALSE;
    case 'notStartsWith':
      return (v as string).startsWith(lit as string) ? FALSE : TRUE;
    case 'notEq':
      return isNaNValue(v) || compareValues(type, v, lit) !== 0 ? TRUE : FALSE;
    default: {
      if (isNaNValue(v)) return FALSE;
      const c = compareValues(type, v, lit);
      switch (p.op) {
        case 'eq':
          return c === 0 ? TRUE : FALSE;
        case 'lt':
          return c < 0 ? TRUE : FALSE;
        case 'ltEq':
          return c <= 0 ? TRUE : FALSE;
        case 'gt':
          return c > 0 ? TRUE : FALSE;
        case 'gtEq':
          return c >= 0 ? TRUE : FALSE;
      }
    }
  }
}
