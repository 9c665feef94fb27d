/**
 * How row-level changes are written (Iceberg's table properties `write.delete.mode`,
 * `write.update.mode`, `write.merge.mode`; Java `TableProperties`, default `copy-on-write`):
 * `copy-on-write` rewrites the data files holding changed rows, `merge-on-read` leaves them and
 * writes position delete files (spec §Position Delete Files) that readers apply.
 *
 * Floe's actions map to them as Spark's do to SQL: `delete` → `write.delete.mode`,
 * `overwrite(data, { filter })` (replacing rows) → `write.update.mode`, `upsert` (a MERGE by key)
 * → `write.merge.mode`. Values are checked where they are set and again where they are read (a
 * table another engine wrote may hold anything): any other value is an `InvalidArgumentError`,
 * never read as the default.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';

/** The two ways of writing row-level changes. */
export type WriteMode = 'copy-on-write' | 'merge-on-read';

/** The row-level actions and the property each reads its mode from. */
export const WRITE_MODE_PROPERTIES = {
  delete: 'write.delete.mode',
  update: 'write.update.mode',
  merge: 'write.merge.mode',
} as const;

/** A row-level action kind (see {@link WRITE_MODE_PROPERTIES}). */
export type RowLevelAction = keyof typeof WRITE_MODE_PROPERTIES;

const WriteModeSchema = z.enum(['copy-on-write', 'merge-on-read']);

function checkValue(key: string, value: unknown, table: string): WriteMode {
  const parsed = WriteModeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidArgumentError(
    `table property ${key} of table ${table} cannot be ${JSON.stringify(value) ?? String(value)}: expected copy-on-write or merge-on-read`,
    { context: { table, property: key, value: String(value) } },
  );
}

/**
 * Checks the `write.{delete,update,merge}.mode` entries of properties a caller sets (other keys
 * are not looked at).
 * @param props the properties being set
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the property and its value
 */
export function checkWriteModeProperties(props: Readonly<Record<string, unknown>>, table: string): void {
  for (const key of Object.values(WRITE_MODE_PROPERTIES)) if (key in props) checkValue(key, props[key], table);
}

/**
 * The mode an action writes with, from the table's properties (default `copy-on-write`).
 * @param properties the table's properties
 * @param action the action
 * @param table the table, for messages
 * @throws InvalidArgumentError when the property holds another value (nothing is written)
 */
export function writeModeOf(properties: Readonly<Record<string, string>>, action: RowLevelAction, table: string): WriteMode {
  const key = WRITE_MODE_PROPERTIES[action];
  const value = properties[key];
  return value === undefined ? 'copy-on-write' : checkValue(key, value, table);
}
