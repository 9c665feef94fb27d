/**
 * Filter expressions as the Iceberg REST spec writes them in JSON (rest-catalog-open-api.yaml
 * `Predicate`, `Term`, `Literal`; apache/iceberg `core/.../expressions/ExpressionParser.java`),
 * read into Floe's unbound {@link Expression} and written back.
 *
 * Read (every form the spec or Java's parser admits for an unbound filter):
 *
 * | JSON | expression |
 * |---|---|
 * | `true`, `false`, `{"type":"true"}`, `{"type":"literal","value":false}` | `alwaysTrue()` / `alwaysFalse()` |
 * | `{"type":"and"\|"or","left":…,"right":…}`, `{"type":"not","child":…}` | `and` / `or` / `not` |
 * | `{"type":"is-null"\|"not-null"\|"is-nan"\|"not-nan","term"\|"child":…}` | unary predicates |
 * | `{"type":"lt"\|…\|"not-starts-with","term":…,"value":…}` or `"left"`/`"right"` | comparisons |
 * | `{"type":"in"\|"not-in","term"\|"child":…,"values":[…]}` | set predicates |
 *
 * A column is `"name"` (in `term`), `{"type":"reference","term":"name"}` (Java) or
 * `{"type":"reference","name":"name"}` (the spec's `NamedReference`). References by field id,
 * transforms and function applications are refused with `UnsupportedError`: a filter names
 * columns. Literals are bare JSON values (longs beyond 2^53 arrive exact, as the lossless parser
 * reads them) converted to the column's type when the filter is bound, or typed objects
 * (`{"type":"literal","value":"12.50","data-type":"decimal(9,2)"}`) decoded with the spec's
 * JSON single-value serialization (spec Appendix D): decimals as exact strings, dates and
 * timestamps as ISO strings, binary and fixed as hex.
 *
 * Written: the form every released Java client reads — booleans for the constants, `term` as a
 * plain column name, `value` / `values`, `and` / `or` nested left-deep.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';
import { type Literal, type PrimitiveType, bytesToHex, literalFromJson, literalToJson, primitiveTypeFromString } from '../spec/index.js';
import type { JsonValue } from '../util/index.js';
import type { BoundExpression } from './bound.js';
import { MAX_EXPRESSION_DEPTH } from './validate.js';
import {
  type Expression,
  type LiteralOp,
  type SetOp,
  type UnaryOp,
  type UserLiteral,
  alwaysFalse,
  alwaysTrue,
  and,
  eq,
  gt,
  gtEq,
  isIn,
  isNaN,
  isNull,
  lt,
  ltEq,
  not,
  notEq,
  notIn,
  notNaN,
  notNull,
  notStartsWith,
  or,
  startsWith,
} from './expression.js';

/** How deep a filter may nest: as deep as any other filter (validate.ts). */
const MAX_DEPTH = MAX_EXPRESSION_DEPTH;

const UNARY: Readonly<Record<string, UnaryOp>> = { 'is-null': 'isNull', 'not-null': 'notNull', 'is-nan': 'isNaN', 'not-nan': 'notNaN' };
const COMPARISON: Readonly<Record<string, LiteralOp>> = {
  lt: 'lt',
  'lt-eq': 'ltEq',
  gt: 'gt',
  'gt-eq': 'gtEq',
  eq: 'eq',
  'not-eq': 'notEq',
  'starts-with': 'startsWith',
  'not-starts-with': 'notStartsWith',
};
const SET: Readonly<Record<string, SetOp>> = { in: 'in', 'not-in': 'notIn' };
const UNARY_NAME = invert(UNARY);
const COMPARISON_NAME = invert(COMPARISON);
const SET_NAME = invert(SET);
/** `literal op column` read as `column mirror(op) literal`. */
const MIRROR: Readonly<Partial<Record<LiteralOp, LiteralOp>>> = { lt: 'gt', ltEq: 'gtEq', gt: 'lt', gtEq: 'ltEq', eq: 'eq', notEq: 'notEq' };

function invert<V extends string>(m: Readonly<Record<string, V>>): Readonly<Record<V, string>> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<V, string>;
}

const Head = z.object({ type: z.string() });
const Constant = z.strictObject({ type: z.enum(['true', 'false']) });
const ConstantLiteral = z.strictObject({ type: z.literal('literal'), value: z.boolean() });
const AndOr = z.strictObject({ type: z.enum(['and', 'or']), left: z.unknown(), right: z.unknown() });
const Not = z.strictObject({ type: z.literal('not'), child: z.unknown() });
const Unary = z.strictObject({ type: z.string(), term: z.unknown().optional(), child: z.unknown().optional() });
const Comparison = z.strictObject({
  type: z.string(),
  term: z.unknown().optional(),
  value: z.unknown().optional(),
  left: z.unknown().optional(),
  right: z.unknown().optional(),
});
const SetShape = z.strictObject({ type: z.string(), term: z.unknown().optional(), child: z.unknown().optional(), values: z.unknown() });
const Reference = z.strictObject({ type: z.literal('reference'), term: z.string().min(1).optional(), name: z.string().min(1).optional(), id: z.number().int().optional() });
const TypedLiteral = z.strictObject({ type: z.literal('literal'), value: z.unknown(), 'data-type': z.string().optional() });
const TypedLiterals = z.strictObject({ type: z.literal('literals'), values: z.array(z.unknown()), 'data-type': z.string() });

function invalid(path: string, message: string, help?: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid filter at ${path}: ${message}`, { context: { path }, ...(help === undefined ? {} : { help }) });
}

function describe(json: unknown): string {
  if (json === null) return 'null';
  if (Array.isArray(json)) return 'an array';
  if (typeof json === 'object') return 'an object';
  return `${typeof json} ${JSON.stringify(typeof json === 'bigint' ? json.toString() : json)}`.slice(0, 80);
}

/** Parses `json` with a zod schema, or throws naming the first offending field under `path`. */
function shape<T>(schema: z.ZodType<T>, json: unknown, path: string, what: string): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length > 0 ? `${path}.${issue.path.join('.')}` : path;
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw invalid(at, `not a valid ${what}: ${issue.message}${keys}`);
}

/** Runs a builder, naming `path` in the errors it throws. */
function at<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw invalid(path, e.message);
    throw e;
  }
}

/**
 * Reads a filter in the REST spec's expression JSON.
 * @param json the parsed JSON (from the lossless parser, so longs beyond 2^53 are bigints)
 * @param path how to name the value in errors (default `filter`)
 * @throws InvalidArgumentError naming the JSON path of a malformed part (unknown type, missing or
 *   extra field, null or non-scalar literal, literal that does not fit its `data-type`, too deep)
 * @throws UnsupportedError for references by field id, transforms and function applications
 */
export function expressionFromJson(json: unknown, path = 'filter'): Expression {
  return readExpression(json, path, 0);
}

function readExpression(json: unknown, path: string, depth: number): Expression {
  if (depth > MAX_DEPTH) throw invalid(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (typeof json === 'boolean') return json ? alwaysTrue() : alwaysFalse();
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(path, `expected a boolean or an expression object, got ${describe(json)}`);
  const type = shape(Head, json, path, 'expression').type;
  if (type === 'true' || type === 'false') return shape(Constant, json, path, 'constant').type === 'true' ? alwaysTrue() : alwaysFalse();
  if (type === 'literal') return shape(ConstantLiteral, json, path, 'constant').value ? alwaysTrue() : alwaysFalse();
  if (type === 'and' || type === 'or') {
    const e = shape(AndOr, json, path, `${type} expression`);
    const left = readExpression(e.left, `${path}.left`, depth + 1);
    const right = readExpression(e.right, `${path}.right`, depth + 1);
    return type === 'and' ? and(left, right) : or(left, right);
  }
  if (type === 'not') return not(readExpression(shape(Not, json, path, 'not expression').child, `${path}.child`, depth + 1));
  const unary = UNARY[type];
  if (unary !== undefined) {
    const e = shape(Unary, json, path, `${type} predicate`);
    const column = operandColumn(e, 'child', path);
    return at(path, () => ({ isNull, notNull, isNaN, notNaN })[unary](column));
  }
  const comparison = COMPARISON[type];
  if (comparison !== undefined) return readComparison(comparison, shape(Comparison, json, path, `${type} predicate`), path);
  const set = SET[type];
  if (set !== undefined) {
    const e = shape(SetShape, json, path, `${type} predicate`);
    const column = operandColumn(e, 'child', path);
    const values = readLiterals(e.values, `${path}.values`);
    return at(path, () => (set === 'in' ? isIn(column, values) : notIn(column, values)));
  }
  if (type === 'apply' || type === 'transform' || type === 'reference') throw invalid(`${path}.type`, `a ${type} is a term, not a predicate`);
  throw invalid(`${path}.type`, `unknown expression type ${JSON.stringify(type)}`, `expected one of: true, false, and, or, not, ${[...Object.keys(UNARY), ...Object.keys(COMPARISON), ...Object.keys(SET)].join(', ')}`);
}

/** The column of a unary or set predicate: `term` (a Term) or `child` (a ValueExpression), exactly one. */
function operandColumn(e: { readonly term?: unknown; readonly child?: unknown }, key: 'child', path: string): string {
  if ((e.term === undefined) === (e[key] === undefined)) throw invalid(path, `give exactly one of term and ${key}`);
  if (e.term !== undefined) return readTerm(e.term, `${path}.term`);
  const operand = readOperand(e[key], `${path}.${key}`);
  if (operand.kind !== 'column') throw new UnsupportedError(`filter at ${path}.${key}: the operand must be a column reference, not a literal`, { context: { path: `${path}.${key}` } });
  return operand.column;
}

function readComparison(op: LiteralOp, e: z.infer<typeof Comparison>, path: string): Expression {
  const legacy = e.term !== undefined || e.value !== undefined;
  const modern = e.left !== undefined || e.right !== undefined;
  if (legacy === modern || (legacy && (e.term === undefined || e.value === undefined)) || (modern && (e.left === undefined || e.right === undefined))) {
    throw invalid(path, 'give term and value, or left and right');
  }
  let column: string;
  let value: UserLiteral;
  let effective = op;
  if (legacy) {
    column = readTerm(e.term, `${path}.term`);
    value = readLiteral(e.value, `${path}.value`);
  } else {
    const left = readOperand(e.left, `${path}.left`);
    const right = readOperand(e.right, `${path}.right`);
    if (left.kind === 'column' && right.kind === 'literal') {
      column = left.column;
      value = right.value;
    } else if (left.kind === 'literal' && right.kind === 'column' && MIRROR[op] !== undefined) {
      column = right.column;
      value = left.value;
      effective = MIRROR[op]!;
    } else {
      throw new UnsupportedError(`filter at ${path}: only a column compared with a literal is supported`, { context: { path } });
    }
  }
  const v = value;
  const c = column;
  return at(path, () => {
    switch (effective) {
      case 'startsWith':
      case 'notStartsWith':
        if (typeof v !== 'string') throw new InvalidArgumentError(`${effective === 'startsWith' ? 'starts-with' : 'not-starts-with'} needs a string, got ${describe(v)}`);
        return effective === 'startsWith' ? startsWith(c, v) : notStartsWith(c, v);
      default:
        return { eq, notEq, lt, ltEq, gt, gtEq }[effective](c, v);
    }
  });
}

type Operand = { readonly kind: 'column'; readonly column: string } | { readonly kind: 'literal'; readonly value: UserLiteral };

/** A ValueExpression: a reference object, a function application, or a literal (a bare string is a literal here). */
function readOperand(json: unknown, path: string): Operand {
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const type = (json as { type?: unknown }).type;
    if (type === 'reference' || type === 'apply' || type === 'transform') return { kind: 'column', column: readTerm(json, path) };
  }
  return { kind: 'literal', value: readLiteral(json, path) };
}

/** A Term: a column name, a reference object, or (refused) a transform. */
function readTerm(json: unknown, path: string): string {
  if (typeof json === 'string') {
    if (json.length === 0) throw invalid(path, 'a column name must not be empty');
    return json;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid(path, `expected a column name or a reference object, got ${describe(json)}`);
  const type = shape(Head, json, path, 'term').type;
  if (type === 'transform' || type === 'apply') {
    throw new UnsupportedError(`filter at ${path}: ${type === 'apply' ? 'function applications' : 'transforms'} in filters are not supported`, {
      context: { path },
      help: 'filter on the source column instead',
    });
  }
  if (type !== 'reference') throw invalid(`${path}.type`, `expected "reference", got ${JSON.stringify(type)}`);
  const ref = shape(Reference, json, path, 'reference');
  if (ref.id !== undefined && ref.term === undefined && ref.name === undefined) {
    throw new UnsupportedError(`filter at ${path}: references by field id are not supported`, { context: { path }, help: 'name the column: {"type":"reference","name":"…"}' });
  }
  const names = [ref.term, ref.name, ref.id].filter((x) => x !== undefined);
  if (names.length !== 1) throw invalid(path, 'a reference gives exactly one of term and name');
  return (ref.term ?? ref.name)!;
}

/** One literal: a bare JSON scalar, or `{"type":"literal","value":…,"data-type"?:…}`. */
function readLiteral(json: unknown, path: string): UserLiteral {
  if (typeof json === 'boolean' || typeof json === 'string' || typeof json === 'bigint') return json;
  if (typeof json === 'number') {
    if (!Number.isFinite(json)) throw invalid(path, `not a finite number: ${json}`);
    return json;
  }
  if (json === null) throw invalid(path, 'a literal is null', 'use is-null / not-null to filter on null values');
  if (typeof json === 'object' && !Array.isArray(json) && (json as { type?: unknown }).type === 'literal') {
    const lit = shape(TypedLiteral, json, path, 'literal');
    if (lit['data-type'] === undefined) {
      if (typeof lit.value === 'object' && lit.value !== null) throw invalid(`${path}.value`, `expected a JSON scalar, got ${describe(lit.value)}`);
      return readLiteral(lit.value, `${path}.value`);
    }
    return typedLiteral(lit.value, primitiveTypeAt(lit['data-type'], `${path}.data-type`), `${path}.value`);
  }
  throw invalid(path, `expected a literal (boolean, number or string), got ${describe(json)}`);
}

/** The values of a set predicate: an array of literals, or `{"type":"literals","values":[…],"data-type":…}`. */
function readLiterals(json: unknown, path: string): UserLiteral[] {
  if (Array.isArray(json)) return json.map((v, i) => readLiteral(v, `${path}[${i}]`));
  if (typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'literals') {
    const lits = shape(TypedLiterals, json, path, 'literals');
    const type = primitiveTypeAt(lits['data-type'], `${path}.data-type`);
    return lits.values.map((v, i) => typedLiteral(v, type, `${path}.values[${i}]`));
  }
  throw invalid(path, `expected an array of literals, got ${describe(json)}`);
}

function primitiveTypeAt(text: string, path: string): PrimitiveType {
  const type = primitiveTypeFromString(text);
  if (type === undefined) throw invalid(path, `not a primitive type: ${JSON.stringify(text.slice(0, 64))}`);
  return type;
}

/**
 * A literal of an explicit type, decoded from its JSON single-value form and handed to binding
 * in a form that converts back exactly: decimals, dates, times, timestamps and uuids as their
 * canonical strings, longs as bigints, binary and fixed as bytes.
 */
function typedLiteral(json: unknown, type: PrimitiveType, path: string): UserLiteral {
  if (json === null) throw invalid(path, 'a literal is null', 'use is-null / not-null to filter on null values');
  let v: Literal;
  try {
    v = literalFromJson(type, json as JsonValue);
  } catch (e) {
    throw invalid(path, e instanceof Error ? e.message : String(e));
  }
  switch (type.type) {
    case 'boolean':
    case 'int':
    case 'float':
    case 'double':
    case 'long':
    case 'string':
    case 'fixed':
    case 'binary':
      return v;
    default:
      return literalToJson(type, v) as string;
  }
}

// ---------------------------------------------------------------- writing

function predicateJson(type: string, column: string, rest: Record<string, JsonValue>): JsonValue {
  return { type, term: column, ...rest };
}

function joinJson(type: 'and' | 'or', children: readonly JsonValue[]): JsonValue {
  return children.slice(1).reduce<JsonValue>((left, right) => ({ type, left, right }), children[0]!);
}

/** A user literal in JSON: scalars as they are, a `Date` as a timestamptz string, bytes as hex. */
function userLiteralJson(v: UserLiteral): JsonValue {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return literalToJson({ type: 'timestamptz' }, BigInt(v.getTime()) * 1000n);
  if (v instanceof Uint8Array) return bytesToHex(v).toUpperCase();
  // A number a double cannot hold: an integer as an exact bigint, anything else as its digits
  // (the spec's decimal values are strings).
  if (typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'number') {
    const text = (v as { text: string }).text;
    return /^-?\d+$/.test(text) ? BigInt(text) : text;
  }
  throw new InvalidArgumentError(`cannot write the literal ${String(v)} as JSON`);
}

/**
 * A value in the REST spec's `PrimitiveTypeValue` form: the JSON single-value serialization
 * (spec Appendix D) with binary and fixed in upper-case hex, as rest-catalog-open-api.yaml
 * `BinaryTypeValue` asks, and float infinities as the strings `Infinity` / `-Infinity` (JSON
 * has no number for them; Floe's reader accepts both).
 * @param type the value's type
 * @param v the value, in the Literal convention of `spec/values.ts`
 * @throws InvalidArgumentError when the value does not have the type's JS representation
 */
export function literalToRestJson(type: PrimitiveType, v: Literal): JsonValue {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const json = literalToJson(type, v);
  return type.type === 'binary' || type.type === 'fixed' ? (json as string).toUpperCase() : json;
}

/**
 * Writes an unbound expression in the REST spec's expression JSON (the form Java's
 * `ExpressionParser` writes and reads).
 * @param e the expression
 * @throws InvalidArgumentError for a literal with no JSON form
 */
export function expressionToJson(e: Expression): JsonValue {
  switch (e.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
    case 'or':
      return joinJson(e.kind, e.children.map(expressionToJson));
    case 'not':
      return { type: 'not', child: expressionToJson(e.child) };
    case 'unary':
      return predicateJson(UNARY_NAME[e.op], e.column, {});
    case 'literal':
      return predicateJson(COMPARISON_NAME[e.op], e.column, { value: userLiteralJson(e.value) });
    case 'set':
      return predicateJson(SET_NAME[e.op], e.column, { values: e.values.map(userLiteralJson) });
  }
}

/**
 * Writes a bound expression (a residual filter) in the REST spec's expression JSON: columns by
 * their full names, values in their column's JSON single-value form (spec Appendix D).
 * @param e the bound expression
 */
export function boundExpressionToJson(e: BoundExpression): JsonValue {
  switch (e.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
    case 'or':
      return joinJson(e.kind, e.children.map(boundExpressionToJson));
    case 'unary':
      return predicateJson(UNARY_NAME[e.op], e.ref.name, {});
    case 'literal':
      return predicateJson(COMPARISON_NAME[e.op], e.ref.name, { value: literalToRestJson(e.ref.type, e.value) });
    case 'set':
      return predicateJson(SET_NAME[e.op], e.ref.name, { values: e.values.map((v) => literalToRestJson(e.ref.type, v)) });
  }
}
