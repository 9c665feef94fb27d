/**
 * Bound expressions: predicates resolved to field ids and primitive types, with literals in the
 * Literal convention of `spec/values.ts`. `bindExpression` produces them; the evaluators and the
 * partition projection consume them.
 *
 * A bound expression never contains `not`: binding pushes negations down to the leaves before
 * it folds constants (see `bind.ts`), which is exact under the three-valued semantics, so every
 * consumer handles only `and`, `or` and leaves. Because folding may have turned an unknown into
 * false (`x = 5.5` on an int is false, though unknown for a null x), a bound expression must not
 * be negated afterwards: bind `not(e)` instead. To select the rows a filter does *not* keep
 * (a delete's survivors), invert `rowMask`, which is 1 only where the filter is true.
 *
 * The same shape describes expressions over partition tuples (`projectInclusive`): there each
 * reference names a partition field and carries its tuple `position`.
 *
 * @module
 */
import type { Literal, PrimitiveType } from '../spec/index.js';
import { identifierToString, type LiteralOp, type SetOp, type UnaryOp } from './expression.js';

/** A column (or partition field) a bound predicate reads. */
export interface BoundReference {
  /** The field id (a partition field id in partition expressions). */
  readonly fieldId: number;
  /** The full dotted name as the schema (or partition spec) spells it. */
  readonly name: string;
  /** The primitive type of the values. */
  readonly type: PrimitiveType;
  /** Whether the value may be null (the field, or a struct that encloses it, is optional). */
  readonly isOptional: boolean;
  /** The index into the partition tuple; set only in partition expressions. */
  readonly position?: number;
}

/** `true` for every row. */
export interface BoundTrue {
  readonly kind: 'true';
}
/** `false` for every row. */
export interface BoundFalse {
  readonly kind: 'false';
}
/** Conjunction of two or more bound expressions. */
export interface BoundAnd {
  readonly kind: 'and';
  readonly children: readonly BoundExpression[];
}
/** Disjunction of two or more bound expressions. */
export interface BoundOr {
  readonly kind: 'or';
  readonly children: readonly BoundExpression[];
}
/** `isNull(ref)` and friends. */
export interface BoundUnaryPredicate {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly ref: BoundReference;
}
/** `ref op value`, the value already of `ref.type` (never NaN). */
export interface BoundLiteralPredicate {
  readonly kind: 'literal';
  readonly op: LiteralOp;
  readonly ref: BoundReference;
  readonly value: Literal;
}
/** `ref in (values)`, two or more distinct values of `ref.type` (never NaN). */
export interface BoundSetPredicate {
  readonly kind: 'set';
  readonly op: SetOp;
  readonly ref: BoundReference;
  readonly values: readonly Literal[];
}

/** A bound leaf. */
export type BoundPredicate = BoundUnaryPredicate | BoundLiteralPredicate | BoundSetPredicate;
/** A bound expression (no `not`: see the module doc). */
export type BoundExpression = BoundTrue | BoundFalse | BoundAnd | BoundOr | BoundPredicate;
/**
 * A bound expression over a partition tuple: every reference is a partition field with its
 * `position` in the tuple and the transform's result type.
 */
export type BoundPartitionExpression = BoundExpression;

const TRUE: BoundTrue = Object.freeze({ kind: 'true' });
const FALSE: BoundFalse = Object.freeze({ kind: 'false' });

/** The bound expression every row satisfies. */
export function boundTrue(): BoundTrue {
  return TRUE;
}

/** The bound expression no row satisfies. */
export function boundFalse(): BoundFalse {
  return FALSE;
}

/**
 * Conjunction with constant folding and flattening.
 * @param exprs the operands
 */
export function boundAnd(...exprs: BoundExpression[]): BoundExpression {
  const children: BoundExpression[] = [];
  for (const e of exprs) {
    if (e.kind === 'false') return FALSE;
    if (e.kind === 'true') continue;
    if (e.kind === 'and') children.push(...e.children);
    else children.push(e);
  }
  if (children.length === 0) return TRUE;
  if (children.length === 1) return children[0] as BoundExpression;
  return Object.freeze({ kind: 'and', children: Object.freeze(children) });
}

/**
 * Disjunction with constant folding and flattening.
 * @param exprs the operands
 */
export function boundOr(...exprs: BoundExpression[]): BoundExpression {
  const children: BoundExpression[] = [];
  for (const e of exprs) {
    if (e.kind === 'true') return TRUE;
    if (e.kind === 'false') continue;
    if (e.kind === 'or') children.push(...e.children);
    else children.push(e);
  }
  if (children.length === 0) return FALSE;
  if (children.length === 1) return children[0] as BoundExpression;
  return Object.freeze({ kind: 'or', children: Object.freeze(children) });
}

/**
 * A bound unary predicate.
 * @param op the operation
 * @param ref the reference
 */
export function boundUnary(op: UnaryOp, ref: BoundReference): BoundUnaryPredicate {
  return Object.freeze({ kind: 'unary', op, ref });
}

/**
 * A bound comparison with one literal.
 * @param op the operation
 * @param ref the reference
 * @param value a value of `ref.type`, not NaN
 */
export function boundLiteral(op: LiteralOp, ref: BoundReference, value: Literal): BoundLiteralPredicate {
  return Object.freeze({ kind: 'literal', op, ref, value });
}

/**
 * A bound set predicate; a set of one value becomes `eq` / `notEq`, an empty `in` is false and
 * an empty `notIn` is `notNull` (SQL: `x NOT IN ()` holds for every non-null x).
 * @param op the operation
 * @param ref the reference
 * @param values distinct values of `ref.type`, none NaN
 */
export function boundSet(op: SetOp, ref: BoundReference, values: readonly Literal[]): BoundExpression {
  if (values.length === 0) return op === 'in' ? FALSE : boundUnary('notNull', ref);
  if (values.length === 1) return boundLiteral(op === 'in' ? 'eq' : 'notEq', ref, values[0] as Literal);
  return Object.freeze({ kind: 'set', op, ref, values: Object.freeze([...values]) });
}

/**
 * The field ids a bound expression reads (partition field ids for partition expressions).
 * @param e the bound expression
 */
export function referencedFieldIds(e: BoundExpression): Set<number> {
  const ids = new Set<number>();
  const visit = (x: BoundExpression): void => {
    if (x.kind === 'and' || x.kind === 'or') x.children.forEach(visit);
    else if (x.kind === 'unary' || x.kind === 'literal' || x.kind === 'set') ids.add(x.ref.fieldId);
  };
  visit(e);
  return ids;
}

/**
 * Prints a bound expression for people (logs, `explain`), in the filter syntax with the
 * literals in their Iceberg form (`ts >= 1767225600000000`).
 * @param e the bound expression
 */
export function boundExpressionToString(e: BoundExpression): string {
  return printBound(e, 0);
}

const SYMBOL: Readonly<Record<string, string>> = { eq: '=', notEq: '!=', lt: '<', ltEq: '<=', gt: '>', gtEq: '>=' };

function printValue(v: Literal): string {
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  if (v instanceof Uint8Array) return `X'${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}'`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

function printBound(e: BoundExpression, context: number): string {
  switch (e.kind) {
    case 'true':
      return 'TRUE';
    case 'false':
      return 'FALSE';
    case 'and': {
      const s = e.children.map((c) => printBound(c, 1)).join(' AND ');
      return context > 1 ? `(${s})` : s;
    }
    case 'or': {
      const s = e.children.map((c) => printBound(c, 0)).join(' OR ');
      return context > 0 ? `(${s})` : s;
    }
    case 'unary': {
      const c = identifierToString(e.ref.name);
      const word = { isNull: 'IS NULL', notNull: 'IS NOT NULL', isNaN: 'IS NAN', notNaN: 'IS NOT NAN' }[e.op];
      return `${c} ${word}`;
    }
    case 'literal': {
      const c = identifierToString(e.ref.name);
      if (e.op === 'startsWith' || e.op === 'notStartsWith') {
        return `${c} ${e.op === 'startsWith' ? 'STARTS WITH' : 'NOT STARTS WITH'} ${printValue(e.value)}`;
      }
      return `${c} ${SYMBOL[e.op] ?? e.op} ${printValue(e.value)}`;
    }
    case 'set':
      return `${identifierToString(e.ref.name)} ${e.op === 'in' ? 'IN' : 'NOT IN'} (${e.values.map(printValue).join(', ')})`;
  }
}
