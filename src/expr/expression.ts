/**
 * Unbound filter expressions: an immutable AST over column *names*, built with the functions
 * below or by `parseFilter`. Binding (`bind.ts`) resolves names to field ids and converts the
 * user's literals to each column's Iceberg type.
 *
 * Semantics are SQL's three-valued logic: a comparison with a null value is unknown, `not` of
 * unknown is unknown, and a row matches only when the filter is true. `isNull`, `notNull`,
 * `isNaN` and `notNaN` are never unknown. NaN compares as IEEE 754 does: every ordering and
 * equality with NaN is false and `notEq` is true (use `isNaN` to find NaNs).
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { EXACT_NUMBER_TEXT, isValidExpression, literalProblem, markValid, validDepth, validateExpression } from './validate.js';

/**
 * A literal as a user writes it. Binding converts it to the column's type: numbers, bigints and
 * exact numbers to int/long/float/double/decimal (and to date as days, time/timestamp as
 * micros), strings to string/uuid/date/time/timestamp/decimal, `Date` to date/timestamp,
 * `Uint8Array` to binary/fixed.
 */
export type UserLiteral = number | bigint | string | boolean | Date | Uint8Array | ExactNumber;

/**
 * A number kept as the decimal text it was written as, so that binding converts the written
 * digits to the column's type instead of a rounded double: `parseFilter` gives one for a numeric
 * literal that a double cannot hold exactly (`d = 12345678901234567890.1234567890` on a
 * `decimal(38,10)` column). Build one with {@link exactNumber}.
 */
export interface ExactNumber {
  /** Tells an exact number from the other literals. */
  readonly kind: 'number';
  /** An optional `-`, digits with an optional point, an optional exponent (`-1.25e3`). */
  readonly text: string;
}

/**
 * A number kept exactly as written, for literals beyond a double's precision (a 38-digit
 * decimal, a long beyond 2^53 with a fraction or exponent).
 * @param text decimal text: an optional `-`, digits with an optional point, an optional exponent
 * @throws InvalidArgumentError when the text is not such a number
 */
export function exactNumber(text: string): ExactNumber {
  if (typeof text !== 'string' || !EXACT_NUMBER_TEXT.test(text)) {
    throw new InvalidArgumentError(`not a decimal number: ${JSON.stringify(text)}`, { help: "write digits with an optional point and exponent, e.g. '-12.50' or '1e-3'" });
  }
  return Object.freeze({ kind: 'number', text });
}

/** Predicates on a column alone. */
export type UnaryOp = 'isNull' | 'notNull' | 'isNaN' | 'notNaN';
/** Predicates comparing a column with one literal. */
export type LiteralOp = 'eq' | 'notEq' | 'lt' | 'ltEq' | 'gt' | 'gtEq' | 'startsWith' | 'notStartsWith';
/** Predicates comparing a column with a set of literals. */
export type SetOp = 'in' | 'notIn';

/** `true` for every row. */
export interface AlwaysTrue {
  readonly kind: 'true';
}
/** `false` for every row. */
export interface AlwaysFalse {
  readonly kind: 'false';
}
/** Conjunction of two or more expressions (never nested directly in another `and`). */
export interface And {
  readonly kind: 'and';
  readonly children: readonly Expression[];
}
/** Disjunction of two or more expressions (never nested directly in another `or`). */
export interface Or {
  readonly kind: 'or';
  readonly children: readonly Expression[];
}
/** Negation. */
export interface Not {
  readonly kind: 'not';
  readonly child: Expression;
}
/** `isNull(column)` and friends. */
export interface UnaryPredicate {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  /** Column name; nested fields are dotted (`address.city`). */
  readonly column: string;
}
/** `column op literal`. */
export interface LiteralPredicate {
  readonly kind: 'literal';
  readonly op: LiteralOp;
  /** Column name; nested fields are dotted (`address.city`). */
  readonly column: string;
  /** The literal, never null and never NaN. */
  readonly value: UserLiteral;
}
/** `column in (…)` / `column not in (…)`. */
export interface SetPredicate {
  readonly kind: 'set';
  readonly op: SetOp;
  /** Column name; nested fields are dotted (`address.city`). */
  readonly column: string;
  /** The literals, never null and never NaN. */
  readonly values: readonly UserLiteral[];
}

/** A leaf of an expression. */
export type Predicate = UnaryPredicate | LiteralPredicate | SetPredicate;
/** An unbound filter expression (see the module doc for its semantics). */
export type Expression = AlwaysTrue | AlwaysFalse | And | Or | Not | Predicate;

const ALWAYS_TRUE: AlwaysTrue = Object.freeze({ kind: 'true' });
const ALWAYS_FALSE: AlwaysFalse = Object.freeze({ kind: 'false' });
markValid(ALWAYS_TRUE, 1);
markValid(ALWAYS_FALSE, 1);

/** Records a builder's result as valid when every operand is (see `validate.ts`). */
function built<T extends Expression>(e: T, operands: readonly Expression[]): T {
  let deepest = 0;
  for (const o of operands) {
    const d = validDepth(o);
    if (d === undefined) return e;
    if (d > deepest) deepest = d;
  }
  markValid(e, deepest + 1);
  return e;
}

/** The expression that every row satisfies. */
export function alwaysTrue(): AlwaysTrue {
  return ALWAYS_TRUE;
}

/** The expression that no row satisfies. */
export function alwaysFalse(): AlwaysFalse {
  return ALWAYS_FALSE;
}

/**
 * Conjunction. Nested `and`s are flattened, `alwaysTrue` operands dropped, and any
 * `alwaysFalse` operand makes the whole `alwaysFalse`; no operands give `alwaysTrue`.
 * @param exprs the operands
 */
export function and(...exprs: Expression[]): Expression {
  const children: Expression[] = [];
  for (const e of exprs) {
    checkExpression(e);
    if (e.kind === 'false') return ALWAYS_FALSE;
    if (e.kind === 'true') continue;
    if (e.kind === 'and') children.push(...e.children);
    else children.push(e);
  }
  if (children.length === 0) return ALWAYS_TRUE;
  if (children.length === 1) return children[0] as Expression;
  return built(Object.freeze({ kind: 'and', children: Object.freeze(children) }), children);
}

/**
 * Disjunction. Nested `or`s are flattened, `alwaysFalse` operands dropped, and any `alwaysTrue`
 * operand makes the whole `alwaysTrue`; no operands give `alwaysFalse`.
 * @param exprs the operands
 */
export function or(...exprs: Expression[]): Expression {
  const children: Expression[] = [];
  for (const e of exprs) {
    checkExpression(e);
    if (e.kind === 'true') return ALWAYS_TRUE;
    if (e.kind === 'false') continue;
    if (e.kind === 'or') children.push(...e.children);
    else children.push(e);
  }
  if (children.length === 0) return ALWAYS_FALSE;
  if (children.length === 1) return children[0] as Expression;
  return built(Object.freeze({ kind: 'or', children: Object.freeze(children) }), children);
}

/**
 * Negation: `not(alwaysTrue())` is `alwaysFalse()`, `not(not(e))` is `e`. Other negations are
 * kept as written (pushing `not` into a comparison is not valid for NaN, see `bind.ts`).
 * @param e the operand
 */
export function not(e: Expression): Expression {
  checkExpression(e);
  if (e.kind === 'true') return ALWAYS_FALSE;
  if (e.kind === 'false') return ALWAYS_TRUE;
  if (e.kind === 'not') return e.child;
  return built(Object.freeze({ kind: 'not', child: e }), [e]);
}

/**
 * `column = value`.
 * @param column column name (dotted for nested fields)
 * @param value the literal
 * @throws InvalidArgumentError when the column is empty or the value is null, undefined or NaN
 */
export function eq(column: string, value: UserLiteral): LiteralPredicate {
  return literalPredicate('eq', column, value);
}

/**
 * `column != value` (null values do not match: use `or(notEq(c, v), isNull(c))` for them).
 * @param column column name (dotted for nested fields)
 * @param value the literal
 * @throws InvalidArgumentError when the column is empty or the value is null, undefined or NaN
 */
export function notEq(column: string, value: UserLiteral): LiteralPredicate {
  return literalPredicate('notEq', column, value);
}

/**
 * `column < value`.
 * @param column column name (dotted for nested fields)
 * @param value the literal
 * @throws InvalidArgumentError when the column is empty or the value is null, undefined or NaN
 */
export function lt(column: string, value: UserLiteral): LiteralPredicate {
  return literalPredicate('lt', column, value);
}

/**
 * `column <= value`.
 * @param column column name (dotted for nested fields)
 * @param value the literal
 * @throws InvalidArgumentError when the column is empty or the value is null, undefined or NaN
 */
export function ltEq(column: string, value: UserLiteral): LiteralPredicate {
  return literalPredicate('ltEq', column, value);
}

/**
 * `column > value`.
 * @param column column name (dotted for nested fields)
 * @param value the literal
 * @throws InvalidArgumentError when the column is empty or the value is null, undefined or NaN
 */
export function gt(column: string, value: UserLiteral): LiteralPredicate {
  return literalPredicate('gt', column, value);
}

/**
 * `column >= value`.
 * @param column column name (dotted for nested fields)
 * @param value the literal
 * @throws InvalidArgumentError when the column is empty or the value is null, undefined or NaN
 */
export function gtEq(column: string, value: UserLiteral): LiteralPredicate {
  return literalPredicate('gtEq', column, value);
}

/**
 * `lo <= column <= hi`, as `and(gtEq(column, lo), ltEq(column, hi))`.
 * @param column column name (dotted for nested fields)
 * @param lo inclusive lower bound
 * @param hi inclusive upper bound
 * @throws InvalidArgumentError when the column is empty or a bound is null, undefined or NaN
 */
export function between(column: string, lo: UserLiteral, hi: UserLiteral): Expression {
  return and(gtEq(column, lo), ltEq(column, hi));
}

/**
 * `column STARTS WITH 'prefix'` (`LIKE 'prefix%'`): string columns only.
 * @param column column name (dotted for nested fields)
 * @param prefix the prefix
 * @throws InvalidArgumentError when the column is empty or the prefix is not a string
 */
export function startsWith(column: string, prefix: string): LiteralPredicate {
  if (typeof prefix !== 'string') throw new InvalidArgumentError(`startsWith on ${column} needs a string prefix`);
  return literalPredicate('startsWith', column, prefix);
}

/**
 * `column NOT STARTS WITH 'prefix'` (`NOT LIKE 'prefix%'`): string columns only; null values do not match.
 * @param column column name (dotted for nested fields)
 * @param prefix the prefix
 * @throws InvalidArgumentError when the column is empty or the prefix is not a string
 */
export function notStartsWith(column: string, prefix: string): LiteralPredicate {
  if (typeof prefix !== 'string') throw new InvalidArgumentError(`notStartsWith on ${column} needs a string prefix`);
  return literalPredicate('notStartsWith', column, prefix);
}

/**
 * `column IN (values…)`. Named `isIn` because `in` is a reserved word in JavaScript; this is
 * the `in` predicate of ARCHITECTURE.md. An empty list gives a predicate that matches no row.
 * @param column column name (dotted for nested fields)
 * @param values the literals
 * @throws InvalidArgumentError when the column is empty or a value is null, undefined or NaN
 */
export function isIn(column: string, values: Iterable<UserLiteral>): SetPredicate {
  return setPredicate('in', column, values);
}

/**
 * `column NOT IN (values…)` (null values do not match).
 * @param column column name (dotted for nested fields)
 * @param values the literals
 * @throws InvalidArgumentError when the column is empty or a value is null, undefined or NaN
 */
export function notIn(column: string, values: Iterable<UserLiteral>): SetPredicate {
  return setPredicate('notIn', column, values);
}

/**
 * `column IS NULL`.
 * @param column column name (dotted for nested fields)
 * @throws InvalidArgumentError when the column is empty
 */
export function isNull(column: string): UnaryPredicate {
  return unaryPredicate('isNull', column);
}

/**
 * `column IS NOT NULL`.
 * @param column column name (dotted for nested fields)
 * @throws InvalidArgumentError when the column is empty
 */
export function notNull(column: string): UnaryPredicate {
  return unaryPredicate('notNull', column);
}

/**
 * `column IS NAN` (float and double columns; false for null values).
 * @param column column name (dotted for nested fields)
 * @throws InvalidArgumentError when the column is empty
 */
export function isNaN(column: string): UnaryPredicate {
  return unaryPredicate('isNaN', column);
}

/**
 * `column IS NOT NAN` (true for null values).
 * @param column column name (dotted for nested fields)
 * @throws InvalidArgumentError when the column is empty
 */
export function notNaN(column: string): UnaryPredicate {
  return unaryPredicate('notNaN', column);
}

/**
 * Whether a value is a valid {@link Expression}: a builder's result, or plain data of the same
 * shape at every level, at most `MAX_EXPRESSION_DEPTH` deep.
 * @param e anything
 */
export function isExpression(e: unknown): e is Expression {
  return isValidExpression(e);
}

// ---------------------------------------------------------------- printing

const OP_SYMBOL: Readonly<Record<'eq' | 'notEq' | 'lt' | 'ltEq' | 'gt' | 'gtEq', string>> = {
  eq: '=',
  notEq: '!=',
  lt: '<',
  ltEq: '<=',
  gt: '>',
  gtEq: '>=',
};

/**
 * Prints an expression in the filter syntax of `parseFilter`, fully parenthesised where
 * precedence needs it, so `parseFilter(expressionToString(e))` gives back `e` (a `Date` prints
 * as an ISO-8601 string literal and a `Uint8Array` as `X'…'` hex).
 * @param e the expression
 * @throws InvalidArgumentError when `e` is not a valid expression
 */
export function expressionToString(e: Expression): string {
  return print(validateExpression(e, 'filter expression'), 0);
}

// Precedence levels: 0 = or, 1 = and, 2 = not / predicate.
function print(e: Expression, context: number): string {
  switch (e.kind) {
    case 'true':
      return 'TRUE';
    case 'false':
      return 'FALSE';
    case 'and': {
      const s = e.children.map((c) => print(c, 1)).join(' AND ');
      return context > 1 ? `(${s})` : s;
    }
    case 'or': {
      const s = e.children.map((c) => print(c, 0)).join(' OR ');
      return context > 0 ? `(${s})` : s;
    }
    case 'not':
      return `NOT ${print(e.child, 2)}`;
    case 'unary': {
      const c = identifierToString(e.column);
      if (e.op === 'isNull') return `${c} IS NULL`;
      if (e.op === 'notNull') return `${c} IS NOT NULL`;
      if (e.op === 'isNaN') return `${c} IS NAN`;
      return `${c} IS NOT NAN`;
    }
    case 'literal': {
      const c = identifierToString(e.column);
      if (e.op === 'startsWith') return `${c} STARTS WITH ${literalToString(e.value)}`;
      if (e.op === 'notStartsWith') return `${c} NOT STARTS WITH ${literalToString(e.value)}`;
      return `${c} ${OP_SYMBOL[e.op]} ${literalToString(e.value)}`;
    }
    case 'set': {
      const c = identifierToString(e.column);
      const list = e.values.map(literalToString).join(', ');
      return `${c} ${e.op === 'in' ? 'IN' : 'NOT IN'} (${list})`;
    }
  }
}

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'like', 'between', 'true', 'false', 'nan']);

/**
 * Prints a column name as the filter syntax reads it: dotted parts that are plain identifiers
 * stay bare, others are double-quoted.
 * @param column the column name
 */
export function identifierToString(column: string): string {
  return column
    .split('.')
    .map((part) =>
      PLAIN_IDENTIFIER.test(part) && !KEYWORDS.has(part.toLowerCase()) ? part : `"${part.replaceAll('"', '""')}"`,
    )
    .join('.');
}

/**
 * Prints one literal in the filter syntax.
 * @param v the literal
 */
export function literalToString(v: UserLiteral): string {
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Object.is(v, -0)) return '-0.0';
    if (!Number.isFinite(v)) return `'${String(v)}'`;
    const s = String(v);
    // Integral numbers print with a decimal point when they would otherwise read back as bigint.
    return Number.isInteger(v) && !Number.isSafeInteger(v) && !s.includes('e') ? `${s}.0` : s;
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (!(v instanceof Uint8Array)) return v.text;
  let hex = '';
  for (const b of v) hex += b.toString(16).padStart(2, '0');
  return `X'${hex}'`;
}

// ---------------------------------------------------------------- construction helpers

function checkColumn(column: string): string {
  if (typeof column !== 'string' || column.length === 0) {
    throw new InvalidArgumentError(`a filter column must be a non-empty string, got ${String(column)}`);
  }
  return column;
}

function checkLiteral(column: string, v: UserLiteral): UserLiteral {
  const problem = literalProblem(v);
  if (problem !== undefined) throw new InvalidArgumentError(`${problem}, compared with ${column}`, { context: { column } });
  // The result is frozen and known valid: keep a copy of an exact number, not the caller's object.
  return typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array) ? exactNumber(v.text) : v;
}

// Operands are checked one level deep here; the whole tree is checked where it enters the
// public API (`toExpression`, `bindExpression`), which bounds its depth too.
function checkExpression(e: Expression): void {
  const kind = typeof e === 'object' && e !== null ? (e as { kind?: unknown }).kind : undefined;
  if (kind !== 'true' && kind !== 'false' && kind !== 'and' && kind !== 'or' && kind !== 'not' && kind !== 'unary' && kind !== 'literal' && kind !== 'set') {
    throw new InvalidArgumentError(`not a filter expression: ${String(e)}`);
  }
}

function literalPredicate(op: LiteralOp, column: string, value: UserLiteral): LiteralPredicate {
  checkColumn(column);
  return built(Object.freeze({ kind: 'literal', op, column, value: checkLiteral(column, value) }), []);
}

function setPredicate(op: SetOp, column: string, values: Iterable<UserLiteral>): SetPredicate {
  checkColumn(column);
  const list = Array.from(values, (v) => checkLiteral(column, v));
  return built(Object.freeze({ kind: 'set', op, column, values: Object.freeze(list) }), []);
}

function unaryPredicate(op: UnaryOp, column: string): UnaryPredicate {
  checkColumn(column);
  return built(Object.freeze({ kind: 'unary', op, column }), []);
}
