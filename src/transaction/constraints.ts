/**
 * Data contracts: constraints declared on a table, stored in its properties so any engine's
 * commit carries them and `floe` enforces them on every append, overwrite and upsert.
 *
 * One property per constraint, so two writers setting different constraints never clash:
 *
 * | constraint | property | value |
 * |---|---|---|
 * | not null | `floe.constraint.not-null.<column>` | `true` |
 * | minimum / maximum | `floe.constraint.min.<column>` / `.max.<column>` | a number |
 * | allowed values | `floe.constraint.allowed.<column>` | JSON array of strings, numbers, booleans |
 * | regex | `floe.constraint.regex.<column>` | a JavaScript pattern, matched against the whole value |
 * | max null fraction | `floe.constraint.max-null-fraction.<column>` | a number in [0, 1] |
 * | unique key | `floe.constraint.unique` | comma-separated columns |
 * | rows per commit | `floe.constraint.min-rows` / `floe.constraint.max-rows` | an integer |
 *
 * Column names are everything after the kind (they may contain dots).
 *
 * @module
 */
import { InvalidArgumentError, ValidationError } from '../errors.js';
import { parseJson } from '../util/index.js';

/** The property prefix of every constraint. */
export const CONSTRAINT_PROPERTY_PREFIX = 'floe.constraint.';

/** A constraint on a table's data. */
export type Constraint =
  | { readonly kind: 'not-null'; readonly column: string }
  | { readonly kind: 'min'; readonly column: string; readonly value: number }
  | { readonly kind: 'max'; readonly column: string; readonly value: number }
  | { readonly kind: 'allowed'; readonly column: string; readonly values: readonly (string | number | boolean)[] }
  | { readonly kind: 'regex'; readonly column: string; readonly pattern: string }
  | { readonly kind: 'max-null-fraction'; readonly column: string; readonly value: number }
  | { readonly kind: 'unique'; readonly columns: readonly string[] }
  | { readonly kind: 'min-rows'; readonly value: number }
  | { readonly kind: 'max-rows'; readonly value: number };

/** The kinds of constraint. */
export type ConstraintKind = Constraint['kind'];

const COLUMN_KINDS = ['not-null', 'min', 'max', 'allowed', 'regex', 'max-null-fraction'] as const;
const TABLE_KINDS = ['unique', 'min-rows', 'max-rows'] as const;

/** A constraint's display name: `kind(column)`, `unique(a, b)` or `max-rows`. */
export function constraintName(c: Constraint): string {
  if (c.kind === 'unique') return `unique(${c.columns.join(', ')})`;
  if (c.kind === 'min-rows' || c.kind === 'max-rows') return c.kind;
  return `${c.kind}(${c.column})`;
}

/** The property key a constraint is stored under. */
export function constraintPropertyKey(c: Constraint): string {
  if (c.kind === 'unique' || c.kind === 'min-rows' || c.kind === 'max-rows') return `${CONSTRAINT_PROPERTY_PREFIX}${c.kind}`;
  return `${CONSTRAINT_PROPERTY_PREFIX}${c.kind}.${c.column}`;
}

function fail(key: string, value: string, why: string): never {
  throw new ValidationError(`table property ${key}=${JSON.stringify(value)} is not a valid constraint: ${why}`, { context: { property: key, value } });
}

function numberValue(key: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) fail(key, raw, 'expected a number');
  return n;
}

/** Parses one constraint property (key with its prefix). @throws ValidationError for a malformed one */
function constraintFromProperty(key: string, raw: string): Constraint {
  const rest = key.slice(CONSTRAINT_PROPERTY_PREFIX.length);
  const table = TABLE_KINDS.find((k) => rest === k);
  if (table === 'unique') {
    const columns = raw.split(',').map((s) => s.trim());
    if (columns.some((c) => c === '')) fail(key, raw, 'expected comma-separated column names');
    return { kind: 'unique', columns };
  }
  if (table === 'min-rows' || table === 'max-rows') {
    const n = numberValue(key, raw);
    if (!Number.isInteger(n) || n < 0) fail(key, raw, 'expected a non-negative integer');
    return { kind: table, value: n };
  }
  const kind = COLUMN_KINDS.find((k) => rest.startsWith(`${k}.`));
  if (!kind) fail(key, raw, `unknown kind; expected one of ${[...COLUMN_KINDS, ...TABLE_KINDS].join(', ')}`);
  const column = rest.slice(kind.length + 1);
  if (column === '') fail(key, raw, 'no column name');
  switch (kind) {
    case 'not-null':
      if (raw !== 'true') fail(key, raw, 'expected true');
      return { kind, column };
    case 'min':
    case 'max':
      return { kind, column, value: numberValue(key, raw) };
    case 'max-null-fraction': {
      const n = numberValue(key, raw);
      if (n < 0 || n > 1) fail(key, raw, 'expected a fraction in [0, 1]');
      return { kind, column, value: n };
    }
    case 'allowed': {
      let values: unknown;
      try {
        values = parseJson(raw);
      } catch {
        fail(key, raw, 'expected a JSON array');
      }
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        fail(key, raw, 'expected a JSON array of strings, numbers or booleans');
      }
      return { kind, column, values: values as (string | number | boolean)[] };
    }
    case 'regex':
      try {
        new RegExp(raw, 'u');
      } catch {
        fail(key, raw, 'not a valid regular expression');
      }
      return { kind, column, pattern: raw };
  }
}

/**
 * The constraints declared in a table's properties, in key order.
 * @throws ValidationError naming the property when one is malformed
 */
export function constraintsFromProperties(properties: Readonly<Record<string, string>>): Constraint[] {
  return Object.keys(properties)
    .filter((k) => k.startsWith(CONSTRAINT_PROPERTY_PREFIX))
    .sort()
    .map((k) => constraintFromProperty(k, properties[k]!));
}

/**
 * The properties that declare `constraints`.
 * @throws InvalidArgumentError for a constraint that would not parse back (bad number, regex, …)
 */
export function constraintsToProperties(constraints: readonly Constraint[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of constraints) {
    const key = constraintPropertyKey(c);
    let value: string;
    switch (c.kind) {
      case 'not-null':
        value = 'true';
        break;
      case 'allowed':
        value = JSON.stringify(c.values);
        break;
      case 'regex':
        value = c.pattern;
        break;
      case 'unique':
        value = c.columns.join(',');
        break;
      default:
        value = String(c.value);
    }
    try {
      constraintFromProperty(key, value);
    } catch (e) {
      throw new InvalidArgumentError(`invalid constraint ${constraintName(c)}: ${(e as Error).message}`, { cause: e, context: { constraint: constraintName(c) } });
    }
    out[key] = value;
  }
  return out;
}
