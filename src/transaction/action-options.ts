/**
 * The option objects of the table's write and maintenance actions, checked with zod before
 * anything is written: a misspelt key (`{ filtr: … }` on an overwrite would otherwise replace
 * every row), a wrong type or an out-of-range value is an `InvalidArgumentError` naming the
 * option, and nothing is committed.
 *
 * Filters inside these options are checked by `toExpression` (expr/); `commit.retry.*`
 * property values by `checkRetryProperties` (commit/).
 *
 * @module
 */
import { z } from 'zod';
import { checkRetryProperties } from '../commit/index.js';
import { InvalidArgumentError } from '../errors.js';
import { parseArgument } from '../spec/index.js';
import type { ExpireOptions } from './expire.js';
import { checkGcEnabledProperty } from '../spec/index.js';
import { checkWriteModeProperties } from './write-mode.js';

const StringMapSchema = z.record(z.string(), z.string({ error: 'expected a string value' }));

const WRITE_OPTIONS = {
  branch: z.string({ error: 'expected a branch name' }).min(1, 'a branch name must not be empty').optional(),
  summary: StringMapSchema.optional(),
};

/** A table to quarantine rows into: anything with the `Table` methods the contract uses. */
const QuarantineSchema = z.custom<object>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { append?: unknown }).append === 'function' && typeof (v as { uuid?: unknown }).uuid === 'function',
  'expected a Table',
);

const CONTRACT_OPTIONS = {
  onViolation: z.enum(['fail', 'quarantine']).optional(),
  quarantine: QuarantineSchema.optional(),
};

const DeleteOptionsSchema = z.strictObject(WRITE_OPTIONS);
const AppendOptionsSchema = z.strictObject({ ...WRITE_OPTIONS, ...CONTRACT_OPTIONS });
const OverwriteOptionsSchema = z.strictObject({ ...WRITE_OPTIONS, ...CONTRACT_OPTIONS, filter: z.unknown().optional() });

const KeyColumnSchema = z.string({ error: 'expected a column name' }).min(1, 'a column name must not be empty');
const UpsertOptionsSchema = z.strictObject({
  ...WRITE_OPTIONS,
  ...CONTRACT_OPTIONS,
  on: z
    .union([KeyColumnSchema, z.array(KeyColumnSchema).min(1, 'expected at least one key column')], {
      error: 'expected a key column name or a non-empty array of them',
    })
    .transform((on) => (typeof on === 'string' ? [on] : on))
    .refine((on) => new Set(on).size === on.length, 'a key column is named twice'),
});

const ExpireOptionsSchema = z.strictObject({
  olderThanMs: z.number({ error: 'expected ms since the epoch (a finite number)' }).optional(),
  retainLast: z.number({ error: 'expected a positive integer' }).int('expected a positive integer').min(1, 'expected a positive integer').optional(),
  cleanFiles: z.boolean().optional(),
  dryRun: z.boolean({ error: 'expected true or false' }).optional(),
});

/**
 * Checks the options of `delete`.
 * @param options what the caller passed
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the offending option
 */
export function parseDeleteOptions<T>(options: T, table: string): T {
  return parseArgument(DeleteOptionsSchema, options, `options of delete on table ${table}`) as T;
}

/**
 * Checks the options of `append`.
 * @param options what the caller passed
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the offending option
 */
export function parseAppendOptions<T>(options: T, table: string): T {
  return parseArgument(AppendOptionsSchema, options, `options of append on table ${table}`) as T;
}

/**
 * Checks the options of `overwrite` (its filter is checked separately, by `toExpression`).
 * @param options what the caller passed
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the offending option
 */
export function parseOverwriteOptions<T>(options: T, table: string): T {
  return parseArgument(OverwriteOptionsSchema, options, `options of overwrite on table ${table}`) as T;
}

/**
 * Checks the options of `upsert`; `on` comes back as a non-empty list of distinct names.
 * @param options what the caller passed
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the offending option
 */
export function parseUpsertOptions<T extends { readonly on: string | readonly string[] }>(options: T, table: string): Omit<T, 'on'> & { readonly on: readonly string[] } {
  return parseArgument(UpsertOptionsSchema, options, `options of upsert on table ${table}`) as unknown as Omit<T, 'on'> & { readonly on: readonly string[] };
}

/**
 * Checks the options of `expireSnapshots`.
 * @param options what the caller passed
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the offending option
 */
export function parseExpireOptions(options: unknown, table: string): ExpireOptions {
  return parseArgument(ExpireOptionsSchema, options, `options of expireSnapshots on table ${table}`) as ExpireOptions;
}

/**
 * Checks table properties a caller sets (string keys and values; valid `commit.retry.*`,
 * `write.{delete,update,merge}.mode` and `gc.enabled` values)
 * and the keys it removes.
 * @param updates the properties set
 * @param removals the keys removed
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the offending property
 */
export function checkPropertyChanges(updates: unknown, removals: unknown, table: string): void {
  const props = parseArgument(StringMapSchema, updates, `properties set on table ${table}`);
  parseArgument(z.array(z.string({ error: 'expected a property name' })), removals, `properties removed from table ${table}`);
  checkRetryProperties(props, table);
  checkWriteModeProperties(props, table);
  checkGcEnabledProperty(props, table);
  const both = Object.keys(props).filter((k) => (removals as string[]).includes(k));
  if (both.length > 0) throw new InvalidArgumentError(`property ${both[0]} of table ${table} is both set and removed`, { context: { table, property: both[0]! } });
}
