/**
 * Binding: resolves an unbound {@link Expression}'s column names against a schema and converts
 * its literals to each column's type, producing a {@link BoundExpression}.
 *
 * - Names are full dotted paths through structs (`address.city`); a field inside a list or a
 *   map cannot be filtered on. Matching is case-sensitive unless `caseSensitive: false`.
 * - An unknown column is an `InvalidArgumentError` (code `INVALID_ARGUMENT`) naming it and
 *   listing the schema's closest names.
 * - Literals are converted by `convertLiteral`; one the type cannot hold exactly rewrites the
 *   predicate to an equivalent one (`intCol < 5.5` → `intCol <= 5`, `intCol > 1e10` → false,
 *   `intCol != 5.5` → `intCol IS NOT NULL`), never silently changing which rows match.
 * - `not` is pushed to the leaves *before* anything folds (De Morgan; `not(x < v)` is
 *   `x >= v OR isNaN(x)` for floating-point columns, since NaN fails both), which is exact
 *   under three-valued logic; folding first would be wrong (`x = 5.5` folds to false, yet
 *   `NOT (x = 5.5)` must not match a null x). `isNull` on a field that can never be null is
 *   false, `isNaN` on a non-floating-point column is false, and constants fold.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { type IcebergType, type NestedField, type PrimitiveType, type Schema, type Literal } from '../spec/index.js';
import {
  boundAnd,
  boundFalse,
  boundLiteral,
  boundOr,
  boundSet,
  boundTrue,
  boundUnary,
  type BoundExpression,
  type BoundReference,
} from './bound.js';
import { distinctLiterals } from './compare.js';
import { convertLiteral, typeName, type Converted } from './convert-literal.js';
import type { Expression, LiteralOp, LiteralPredicate, SetPredicate, UnaryOp, UnaryPredicate } from './expression.js';
import { validateExpression } from './validate.js';

/** Options of {@link bindExpression}. */
export interface BindOptions {
  /** Whether column names must match the schema's case exactly. Default `true` (as Iceberg). */
  readonly caseSensitive?: boolean;
}

/** One entry of a schema's name index. */
interface IndexedField {
  readonly name: string;
  readonly field: NestedField;
  /** The field or an enclosing struct is optional. */
  readonly isOptional: boolean;
  /** Under a list element or map key/value: not addressable by a row filter. */
  readonly inCollection: boolean;
}

const INDEX_CACHE = new WeakMap<Schema, Map<string, IndexedField>>();

function indexSchema(schema: Schema): Map<string, IndexedField> {
  let index = INDEX_CACHE.get(schema);
  if (index !== undefined) return index;
  const out = new Map<string, IndexedField>();
  const visitType = (type: IcebergType, prefix: string, isOptional: boolean, inCollection: boolean): void => {
    if (type.type === 'struct') {
      for (const f of type.fields) visitField(f, prefix, isOptional, inCollection);
    } else if (type.type === 'list') {
      visitField({ id: type.elementId, name: 'element', required: type.elementRequired, type: type.element }, prefix, true, true);
    } else if (type.type === 'map') {
      visitField({ id: type.keyId, name: 'key', required: true, type: type.key }, prefix, true, true);
      visitField({ id: type.valueId, name: 'value', required: type.valueRequired, type: type.value }, prefix, true, true);
    }
  };
  const visitField = (f: NestedField, prefix: string, parentOptional: boolean, inCollection: boolean): void => {
    const name = prefix === '' ? f.name : `${prefix}.${f.name}`;
    const isOptional = parentOptional || !f.required;
    if (!out.has(name)) out.set(name, { name, field: f, isOptional, inCollection });
    visitType(f.type, name, isOptional, inCollection);
  };
  for (const f of schema.fields) visitField(f, '', false, false);
  index = out;
  INDEX_CACHE.set(schema, index);
  return index;
}

function isPrimitive(t: IcebergType): t is PrimitiveType {
  return t.type !== 'struct' && t.type !== 'list' && t.type !== 'map';
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

function closeNames(index: Map<string, IndexedField>, column: string): string[] {
  const lower = column.toLowerCase();
  const scored: [string, number][] = [];
  for (const entry of index.values()) {
    if (entry.inCollection) continue;
    const candidate = entry.name.toLowerCase();
    const d = candidate === lower ? 0 : editDistance(lower, candidate);
    const limit = Math.max(2, Math.floor(lower.length / 3));
    if (d <= limit || candidate.endsWith(`.${lower}`)) scored.push([entry.name, d]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return scored.slice(0, 5).map(([n]) => n);
}

function resolve(schema: Schema, column: string, caseSensitive: boolean): BoundReference {
  const index = indexSchema(schema);
  let entry = index.get(column);
  if (entry === undefined && !caseSensitive) {
    const lower = column.toLowerCase();
    const matches = [...index.values()].filter((e) => e.name.toLowerCase() === lower);
    if (matches.length > 1) {
      throw new InvalidArgumentError(
        `column ${column} is ambiguous without case sensitivity: it matches ${matches.map((m) => m.name).join(', ')}`,
        { context: { column, schemaId: schema.schemaId } },
      );
    }
    entry = matches[0];
  }
  if (entry === undefined) {
    const close = closeNames(index, column);
    const top = schema.fields.map((f) => f.name);
    const help =
      close.length > 0
        ? `did you mean ${close.join(', ')}?`
        : `the columns are ${top.slice(0, 12).join(', ')}${top.length > 12 ? ', …' : ''}`;
    throw new InvalidArgumentError(`unknown column in filter: ${column}`, {
      context: { column, schemaId: schema.schemaId },
      help,
    });
  }
  if (entry.inCollection) {
    throw new InvalidArgumentError(`cannot filter on ${entry.name}: it is inside a list or a map`, {
      context: { column, fieldId: entry.field.id },
    });
  }
  const type = entry.field.type;
  if (!isPrimitive(type)) {
    const first = type.type === 'struct' ? type.fields[0] : undefined;
    throw new InvalidArgumentError(`cannot filter on ${entry.name}: it is a ${type.type}, not a primitive column`, {
      context: { column, fieldId: entry.field.id },
      ...(first === undefined ? {} : { help: `filter on one of its fields, e.g. ${entry.name}.${first.name}` }),
    });
  }
  return Object.freeze({ fieldId: entry.field.id, name: entry.name, type, isOptional: entry.isOptional });
}

/**
 * Binds an expression to a schema.
 * @param e the unbound expression (from the builders or `parseFilter`)
 * @param schema the schema whose field ids the result refers to
 * @param options case sensitivity of column names
 * @throws InvalidArgumentError (`INVALID_ARGUMENT`) for a value that is not a valid expression
 *   (wrong shape, or nested deeper than `MAX_EXPRESSION_DEPTH`), an unknown, ambiguous,
 *   nested-in-a-collection or non-primitive column, a literal that cannot be read as the
 *   column's type, or `startsWith` on a non-string column
 */
export function bindExpression(e: Expression, schema: Schema, options: BindOptions = {}): BoundExpression {
  // Every filter reaches the scan and write paths through here, whoever built it: checking it
  // here means no caller can hand a malformed tree to the recursive walk below.
  const checked = validateExpression(e, 'filter');
  const caseSensitive = options.caseSensitive ?? true;
  // `negated` carries the parity of the enclosing `not`s down to the leaves.
  const bind = (x: Expression, negated: boolean): BoundExpression => {
    switch (x.kind) {
      case 'true':
        return negated ? boundFalse() : boundTrue();
      case 'false':
        return negated ? boundTrue() : boundFalse();
      case 'and':
      case 'or': {
        const children = x.children.map((c) => bind(c, negated));
        return (x.kind === 'and') !== negated ? boundAnd(...children) : boundOr(...children);
      }
      case 'not':
        return bind(x.child, !negated);
      case 'unary': {
        const ref = resolve(schema, x.column, caseSensitive);
        return bindUnary(negated ? { ...x, op: NEGATED_UNARY[x.op] } : x, ref);
      }
      case 'literal': {
        const ref = resolve(schema, x.column, caseSensitive);
        if (!negated) return bindLiteral(x, ref);
        const p = bindLiteral({ ...x, op: NEGATED_LITERAL[x.op] }, ref);
        // NaN fails every ordering, so NOT (x < v) also holds for NaN: x >= v OR isNaN(x).
        return isOrdering(x.op) && isFloating(ref.type) ? boundOr(p, boundUnary('isNaN', ref)) : p;
      }
      case 'set': {
        const ref = resolve(schema, x.column, caseSensitive);
        return bindSet(negated ? { ...x, op: x.op === 'in' ? 'notIn' : 'in' } : x, ref);
      }
    }
  };
  return bind(checked, false);
}

const NEGATED_UNARY: Readonly<Record<UnaryOp, UnaryOp>> = { isNull: 'notNull', notNull: 'isNull', isNaN: 'notNaN', notNaN: 'isNaN' };

const NEGATED_LITERAL: Readonly<Record<LiteralOp, LiteralOp>> = {
  eq: 'notEq',
  notEq: 'eq',
  lt: 'gtEq',
  ltEq: 'gt',
  gt: 'ltEq',
  gtEq: 'lt',
  startsWith: 'notStartsWith',
  notStartsWith: 'startsWith',
};

function isOrdering(op: LiteralOp): boolean {
  return op === 'lt' || op === 'ltEq' || op === 'gt' || op === 'gtEq';
}

function isFloating(type: PrimitiveType): boolean {
  return type.type === 'float' || type.type === 'double';
}

function bindUnary(p: UnaryPredicate, ref: BoundReference): BoundExpression {
  switch (p.op) {
    case 'isNull':
      return ref.isOptional ? boundUnary('isNull', ref) : boundFalse();
    case 'notNull':
      return ref.isOptional ? boundUnary('notNull', ref) : boundTrue();
    case 'isNaN':
      return isFloating(ref.type) ? boundUnary('isNaN', ref) : boundFalse();
    case 'notNaN':
      return isFloating(ref.type) ? boundUnary('notNaN', ref) : boundTrue();
  }
}

/** `x IS NOT NULL`, or true when x is never null. */
function notNullOf(ref: BoundReference): BoundExpression {
  return ref.isOptional ? boundUnary('notNull', ref) : boundTrue();
}

function bindLiteral(p: LiteralPredicate, ref: BoundReference): BoundExpression {
  if (p.op === 'startsWith' || p.op === 'notStartsWith') {
    if (ref.type.type !== 'string' || typeof p.value !== 'string') {
      throw new InvalidArgumentError(
        `${p.op} needs a string column and a string prefix; column ${ref.name} is ${typeName(ref.type)}`,
        { context: { column: ref.name, type: typeName(ref.type) } },
      );
    }
    return boundLiteral(p.op, ref, p.value);
  }
  const c: Converted = convertLiteral(ref.name, ref.type, p.value);
  if (c.exact) {
    return boundLiteral(p.op, ref, c.value);
  }
  // The literal lies strictly between two representable values (or outside the range).
  switch (p.op) {
    case 'eq':
      return boundFalse();
    case 'notEq':
      return notNullOf(ref);
    case 'lt':
    case 'ltEq':
      return c.floor === undefined ? boundFalse() : boundLiteral('ltEq', ref, c.floor);
    case 'gt':
    case 'gtEq':
      return c.ceil === undefined ? boundFalse() : boundLiteral('gtEq', ref, c.ceil);
  }
}

function bindSet(p: SetPredicate, ref: BoundReference): BoundExpression {
  const values: Literal[] = [];
  for (const v of p.values) {
    const c = convertLiteral(ref.name, ref.type, v);
    // A value the type cannot hold matches no row: drop it from IN and NOT IN alike.
    if (!c.exact) continue;
    values.push(c.value);
  }
  return boundSet(p.op, ref, distinctLiterals(values));
}
