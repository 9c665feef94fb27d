/**
 * The `gc.enabled` table property (Iceberg's `TableProperties.GC_ENABLED`, default true). A
 * table whose files may belong to other tables — one made by Spark's `snapshot` procedure over
 * another table's files, or a catalog that shares files between branches, as Nessie does — sets
 * it to false, and then nothing may delete its files: Java's `RemoveSnapshots` and
 * `DeleteOrphanFilesSparkAction` refuse ("GC is disabled (deleting files may corrupt other
 * tables)").
 *
 * Java reads the value with `Boolean.parseBoolean`, so any text but `true` disables GC. Floe
 * accepts `true` and `false` in any case and refuses other text where the property is set and
 * where it is read, instead of guessing what a typo meant.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';

/** The property's key. */
export const GC_ENABLED_PROPERTY = 'gc.enabled';

const GcEnabledSchema = z
  .string()
  .refine((v) => /^(true|false)$/i.test(v))
  .transform((v) => v.toLowerCase() === 'true');

function parseGcEnabled(value: unknown, table: string): boolean {
  const parsed = GcEnabledSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidArgumentError(`table property ${GC_ENABLED_PROPERTY} of table ${table} cannot be ${JSON.stringify(value) ?? String(value)}: expected true or false`, {
    context: { table, property: GC_ENABLED_PROPERTY, value: String(value) },
  });
}

/**
 * Checks the `gc.enabled` entry of properties a caller sets (other keys are not looked at).
 * @param props the properties being set
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the property and its value
 */
export function checkGcEnabledProperty(props: Readonly<Record<string, unknown>>, table: string): void {
  if (GC_ENABLED_PROPERTY in props) parseGcEnabled(props[GC_ENABLED_PROPERTY], table);
}

/**
 * Refuses an action that deletes a table's files when its `gc.enabled` is false.
 * @param properties the table's properties
 * @param table the table, for messages
 * @param action what would delete files, as in "cannot <action> table t"
 * @throws InvalidArgumentError when `gc.enabled` is false or not a boolean (nothing is changed or deleted)
 */
export function requireGcEnabled(properties: Readonly<Record<string, string>>, table: string, action: string): void {
  const value = properties[GC_ENABLED_PROPERTY];
  if (value === undefined || parseGcEnabled(value, table)) return;
  throw new InvalidArgumentError(`cannot ${action} table ${table}: ${GC_ENABLED_PROPERTY} is false (its files may be shared with other tables)`, {
    context: { table, property: GC_ENABLED_PROPERTY },
    help: `set ${GC_ENABLED_PROPERTY}=true only if no other table references its files`,
  });
}
