/**
 * Turning what a scan gives (Arrow row values) and what a caller sends (entity rows) into the
 * typed values the online store keeps: entity keys normalized by the view's declared join-key
 * types (so `{ user_id: 1 }` and a `long` column's `1n` are the same key), event times in ms.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, UnsupportedError } from '../../errors.js';
import type { FeatureViewDefinition } from '../view.js';
import type { EntityKey, OnlineValue } from './online-store.js';

/** A zod failure as an InvalidArgumentError naming the call and the option at fault. */
export function parseArgs<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const option = issue.path.length === 0 ? '$' : z.core.toDotPath(issue.path);
  throw new InvalidArgumentError(`${what}: option ${option} is invalid: ${issue.message}`, { context: { option } });
}

const ENTITY_VALUE_TYPES = new Set(['bigint', 'number', 'string', 'boolean']);

/**
 * Request rows as callers may send them: an array of plain objects whose values are bigints,
 * numbers, strings or booleans. Checked in place (a zod `check`, no transform), so serving does
 * not copy every row of every request; each bad row or value is an issue at its path
 * (`entities.3.user_id`).
 */
export const EntityRowsSchema = z
  .custom<readonly Readonly<Record<string, unknown>>[]>((v) => Array.isArray(v), { error: 'must be an array of entity rows' })
  .check((ctx) => {
    const rows = ctx.value;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (!z.core.util.isPlainObject(row)) {
        ctx.issues.push({ code: 'custom', input: row, path: [i], message: `must be an object of entity values, got ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}` });
        continue;
      }
      // for…in with an own-key guard: Object.keys would allocate an array per row.
      for (const name in row) {
        if (!Object.hasOwn(row, name)) continue;
        const type = typeof row[name];
        if (!ENTITY_VALUE_TYPES.has(type)) ctx.issues.push({ code: 'custom', input: row[name], path: [i, name], message: `must be a bigint, number, string or boolean, got ${row[name] === null ? 'null' : type}` });
      }
    }
  });

/**
 * The value of join key `name` normalized to its declared type.
 * @throws InvalidArgumentError when the value cannot be of that type (1.5 for a long key)
 */
export function normalizeKeyValue(view: FeatureViewDefinition, name: string, type: string, value: unknown, where: Where): OnlineValue {
  // badKeyValue is a module function, not a closure made per call: this runs for every key of
  // every request.
  if (value === null || value === undefined) return badKeyValue(view, name, type, value, where);
  switch (type) {
    case 'long':
    case 'int': {
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return type === 'long' ? BigInt(value) : Number(value);
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return type === 'long' ? BigInt(value) : Number(value);
      return badKeyValue(view, name, type, value, where);
    }
    case 'string':
    case 'uuid':
      return typeof value === 'string' ? value : badKeyValue(view, name, type, value, where);
    case 'boolean':
      return typeof value === 'boolean' ? value : badKeyValue(view, name, type, value, where);
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return toMs(value) ?? badKeyValue(view, name, type, value, where);
    default:
      throw new UnsupportedError(`${whereText(where)}: entity ${name} of view ${view.name} has type ${type}; online keys may be long, int, string, uuid, boolean, date or timestamp`, { context: { view: view.name, entity: name } });
  }
}

function badKeyValue(view: FeatureViewDefinition, name: string, type: string, value: unknown, where: Where): never {
  throw new InvalidArgumentError(`${whereText(where)}: entity ${name} of view ${view.name} is ${type}, got ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`, { context: { view: view.name, entity: name } });
}

/**
 * Where a value came from, for error messages: the text, or a function giving it (so a hot loop
 * builds no message text until one is needed).
 */
export type Where = string | (() => string);

function whereText(where: Where): string {
  return typeof where === 'string' ? where : where();
}

/** The entity key of a row (source row or request), in the view's join-key order. */
export function entityKeyOf(view: FeatureViewDefinition, row: Readonly<Record<string, unknown>>, where: Where): EntityKey {
  const entities = view.entities;
  const key = new Array<OnlineValue>(entities.length);
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i]!;
    key[i] = normalizeKeyValue(view, e.name, e.type, row[e.name], where);
  }
  return key;
}

/** ms since the epoch of a date/timestamp/long value as Arrow gives it, or undefined. */
export function toMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return undefined;
}

/**
 * A feature value from Arrow as the online store keeps it.
 * @throws UnsupportedError for nested or decimal values (not served online yet)
 */
export function featureValueOf(view: FeatureViewDefinition, feature: string, v: unknown): OnlineValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return v;
  if (v instanceof Date) return v.getTime();
  throw new UnsupportedError(`feature ${view.name}:${feature} holds a value the online store cannot serve (nested or decimal); online features may be numbers, strings, booleans, binary, dates and timestamps`, { context: { view: view.name, feature } });
}
