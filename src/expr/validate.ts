/**
 * The shape of a valid {@link Expression}, as a zod schema, and the one check every filter
 * entering the public API goes through.
 *
 * An expression is plain data, so a plain object of the right shape (`{ kind: 'literal', op:
 * 'eq', column: 'id', value: 1 }`) is as valid as one the builders return. Anything else — a
 * wrong `kind` or `op`, a missing column, a literal that is an object or NaN, an `and` without
 * children, an unknown key, a `String` object — is refused with the path of the first offending
 * value; it is never read as "match every row". Trees deeper than {@link MAX_EXPRESSION_DEPTH}
 * (and cyclic objects) are refused before anything walks them recursively.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import { parseArgument } from '../spec/index.js';
import type { ExactNumber, Expression, UserLiteral } from './expression.js';

/**
 * The deepest expression Floe accepts: levels of `and` / `or` / `not` above a predicate (and of
 * `NOT` and parentheses in filter text). Binding and evaluation recurse once per level; the
 * bound keeps them far from the stack's limit.
 */
export const MAX_EXPRESSION_DEPTH = 256;

/** What a valid filter looks like, for error messages. */
export const FILTER_HELP = `build a filter with eq(), and(), isIn(), … or write it as a string such as "id = 1 AND name STARTS WITH 'a'"`;

/** The text of an {@link ExactNumber}: an optional `-`, digits with an optional point, an optional exponent. */
export const EXACT_NUMBER_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** What is wrong with a literal, or undefined when it is a valid {@link UserLiteral}. */
export function literalProblem(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? 'a literal is NaN (use isNaN / IS NAN to filter on NaN values)' : undefined;
    case 'bigint':
    case 'string':
    case 'boolean':
      return undefined;
    case 'undefined':
      return 'a literal is undefined (use isNull / IS NULL to filter on null values)';
    case 'object': {
      if (v === null) return 'a literal is null (use isNull / IS NULL to filter on null values)';
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'a literal is an invalid Date' : undefined;
      if (v instanceof Uint8Array) return undefined;
      if (isExactNumber(v)) return undefined;
      return `a literal must be a number, bigint, string, boolean, Date, Uint8Array or exactNumber(text), got ${describeValue(v)}`;
    }
    default:
      return `a literal must be a number, bigint, string, boolean, Date, Uint8Array or exactNumber(text), got a ${typeof v}`;
  }
}

/** Whether a value is an {@link ExactNumber} (`{ kind: 'number', text }` with decimal text). */
export function isExactNumber(v: unknown): v is ExactNumber {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { kind?: unknown; text?: unknown };
  return o.kind === 'number' && typeof o.text === 'string' && EXACT_NUMBER_TEXT.test(o.text) && Object.keys(o).length === 2;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return `a ${typeof v}`;
  const name = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name && name !== 'Object' ? `a ${name} object` : 'an object';
}

const LiteralSchema = z
  .unknown()
  .superRefine((v, ctx) => {
    const problem = literalProblem(v);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  // The checked tree is frozen: copy the one literal kind that is a plain object of the caller's.
  .transform((v) => (isExactNumber(v) ? Object.freeze({ kind: 'number' as const, text: v.text }) : v)) as unknown as z.ZodType<UserLiteral>;

const ColumnSchema = z.string({ error: 'a column must be a string' }).min(1, 'a column must not be empty');

const LITERAL_OPS = ['eq', 'notEq', 'lt', 'ltEq', 'gt', 'gtEq', 'startsWith', 'notStartsWith'] as const;

const ExpressionSchema: z.ZodType<Expression> = z.lazy(() =>
  z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('true') }),
      z.strictObject({ kind: z.literal('false') }),
      z.strictObject({ kind: z.literal('and'), children: z.array(ExpressionSchema).min(1, 'an and needs at least one child') }),
      z.strictObject({ kind: z.literal('or'), children: z.array(ExpressionSchema).min(1, 'an or needs at least one child') }),
      z.strictObject({ kind: z.literal('not'), child: ExpressionSchema }),
      z.strictObject({ kind: z.literal('unary'), op: z.enum(['isNull', 'notNull', 'isNaN', 'notNaN']), column: ColumnSchema }),
      z
        .strictObject({ kind: z.literal('literal'), op: z.enum(LITERAL_OPS), column: ColumnSchema, value: LiteralSchema })
        .superRefine((p, ctx) => {
          if ((p.op === 'startsWith' || p.op === 'notStartsWith') && typeof p.value !== 'string') {
            ctx.addIssue({ code: 'custom', path: ['value'], message: `${p.op} needs a string prefix` });
          }
        }),
      z.strictObject({ kind: z.literal('set'), op: z.enum(['in', 'notIn']), column: ColumnSchema, values: z.array(LiteralSchema) }),
    ],
    { error: "not a filter expression: kind must be one of 'true', 'false', 'and', 'or', 'not', 'unary', 'literal', 'set'" },
  ),
) as z.ZodType<Expression>;

/**
 * The depth of `e`, counting from 1 at the root, or `Infinity` once it passes the limit (so a
 * cyclic object ends the walk too).
 */
function depthOf(e: unknown, level: number): number {
  if (level > MAX_EXPRESSION_DEPTH) return Number.POSITIVE_INFINITY;
  if (typeof e !== 'object' || e === null) return level;
  const node = e as { kind?: unknown; children?: unknown; child?: unknown };
  let deepest = level;
  if ((node.kind === 'and' || node.kind === 'or') && Array.isArray(node.children)) {
    for (const c of node.children as unknown[]) {
      deepest = Math.max(deepest, depthOf(c, level + 1));
      if (deepest > MAX_EXPRESSION_DEPTH) break;
    }
  } else if (node.kind === 'not') {
    deepest = depthOf(node.child, level + 1);
  }
  return deepest;
}

/**
 * Expressions already known to be valid, with their depth: those this module checked, and those
 * the builders made from valid operands (they check what the schema checks, one level at a
 * time), so a large builder-made filter (an upsert's key list) is not walked twice.
 */
const VALID_DEPTH = new WeakMap<object, number>();

/**
 * Records that a builder made a valid expression of this depth (at most the limit).
 * @param e the builder's result
 * @param depth its depth: 1 for a predicate or constant, 1 + the deepest operand otherwise
 */
export function markValid(e: object, depth: number): void {
  if (depth <= MAX_EXPRESSION_DEPTH) VALID_DEPTH.set(e, depth);
}

/** The depth of an expression known to be valid, or undefined when it has not been checked. */
export function validDepth(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null ? VALID_DEPTH.get(e) : undefined;
}

function deepFreeze<T>(e: T): T {
  if (typeof e === 'object' && e !== null && !ArrayBuffer.isView(e) && !(e instanceof Date)) {
    for (const v of Object.values(e)) deepFreeze(v);
    Object.freeze(e);
  }
  return e;
}

/**
 * Checks that `e` is a valid expression: the right shape at every level, at most
 * {@link MAX_EXPRESSION_DEPTH} deep. Returns a deeply frozen copy (or `e` itself when it already
 * is one), so a caller's later change to its object cannot change what was checked.
 * @param e anything
 * @param what the argument, as messages name it (`filter of delete on table ml.events`)
 * @throws InvalidArgumentError naming `what` and the path of the first offending value
 */
export function validateExpression(e: unknown, what: string): Expression {
  if (validDepth(e) !== undefined) return e as Expression;
  const depth = depthOf(e, 1);
  if (depth > MAX_EXPRESSION_DEPTH) {
    throw new InvalidArgumentError(`invalid ${what}: it nests deeper than ${MAX_EXPRESSION_DEPTH} levels (or is cyclic)`, {
      context: { argument: what, maxDepth: MAX_EXPRESSION_DEPTH },
      help: 'flatten it: and(a, b, c, …) and isIn(column, values) take any number of operands',
    });
  }
  const parsed = deepFreeze(parseArgument(ExpressionSchema, e, what, FILTER_HELP));
  markValid(parsed, depth);
  return parsed;
}

/** Whether `e` is a valid {@link Expression} (see {@link validateExpression}). */
export function isValidExpression(e: unknown): e is Expression {
  if (validDepth(e) !== undefined) return true;
  return depthOf(e, 1) <= MAX_EXPRESSION_DEPTH && ExpressionSchema.safeParse(e).success;
}
