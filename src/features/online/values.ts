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

/** An entity value as callers may send it. */
export const EntityValueSchema = z.union([z.bigint(), z.number(), z.string(), z.boolean()]);

/**
 * The value of join key `name` normalized to its declared type.
 * @throws InvalidArgumentError when the value cannot be of that type (1.5 for a long key)
 */
export function normalizeKeyValue(view: FeatureViewDefinition, name: string, type: string, value: unknown, where: string): OnlineValue {
  const bad = (): never => {
    throw new InvalidArgumentError(`${where}: entity ${name} of view ${view.name} is ${type}, got ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`, { context: { view: view.name, entity: name } });
  };
  if (value === null || value === undefined) return bad();
  switch (type) {
    case 'long':
    case 'int': {
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return type === 'long' ? BigInt(value) : Number(value);
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return type === 'long' ? BigInt(value) : Number(value);
      return bad();
    }
    case 'string':
    case 'uuid':
      return typeof value === 'string' ? value : bad();
    case 'boolean':
      return typeof value === 'boolean' ? value : bad();
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return toMs(value) ?? bad();
    default:
      throw new UnsupportedError(`${where}: entity ${name} of view ${view.name} has type ${type}; online keys may be long, int, string, uuid, boolean, date or timestamp`, { context: { view: view.name, entity: name } });
  }
}

/** The entity key of a row (source row or request), in the view's join-key order. */
export function entityKeyOf(view: FeatureViewDefinition, row: Readonly<Record<string, unknown>>, where: string): EntityKey {
  return view.entities.map((e) => normalizeKeyValue(view, e.name, e.type, row[e.name], where));
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
