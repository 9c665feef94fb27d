/**
 * The options a scan or a data-file reader takes, checked with zod before anything is planned:
 * a misspelt key (`snapshotID`), a wrong type (`columns: 'id'`, `snapshotId: {}`) or a value
 * out of range (`concurrency: NaN`, `limit: -1`) is an `InvalidArgumentError` naming the option,
 * never silently read as "the current snapshot", "all columns" or "no rows".
 *
 * The filter is checked separately by `toExpression` (its messages name positions and paths
 * inside the expression).
 *
 * @module
 */
import { z } from 'zod';
import { parseArgument } from '../spec/index.js';
import type { DataFileReaderOptions } from './file-reader.js';
import type { ScanOptions } from './scan.js';

/** @internal a snapshot id as users give it (shared with the changelog's options). */
export const SnapshotIdSchema = z.union([z.bigint(), z.number(), z.string()], {
  error: 'expected a snapshot id: a bigint, a safe integer or a decimal string',
});

/** @internal a list of column names (shared with the changelog's options). */
export const ColumnsSchema = z.array(z.string({ error: 'a column name must be a string' }), { error: 'expected an array of column names' });

const ScanOptionsSchema = z.strictObject({
  snapshotId: SnapshotIdSchema.optional(),
  asOf: z.union([z.date(), z.number(), z.string()], { error: 'expected a Date, ms since the epoch or an ISO-8601 string' }).optional(),
  ref: z.string({ error: 'expected a branch or tag name' }).min(1, 'a ref name must not be empty').optional(),
  columns: ColumnsSchema.optional(),
  filter: z.unknown().optional(),
  limit: z.number({ error: 'expected a non-negative integer' }).int('expected a non-negative integer').min(0, 'expected a non-negative integer').optional(),
  concurrency: z.number({ error: 'expected a positive integer' }).int('expected a positive integer').min(1, 'expected a positive integer').optional(),
  caseSensitive: z.boolean().optional(),
});

const FileReaderOptionsSchema = z.strictObject({
  schemaId: z.number().int().optional(),
  columns: ColumnsSchema.optional(),
  filter: z.unknown().optional(),
  cachedFiles: z.number({ error: 'expected a non-negative integer' }).int('expected a non-negative integer').min(0, 'expected a non-negative integer').optional(),
  snapshotId: SnapshotIdSchema.optional(),
});

/**
 * Checks a scan's options.
 * @param options what the caller passed
 * @param table the table's name, for messages
 * @throws InvalidArgumentError naming the offending option
 */
export function parseScanOptions(options: unknown, table: string): ScanOptions {
  return parseArgument(ScanOptionsSchema, options, `options of scan on table ${table}`) as ScanOptions;
}

/**
 * Checks a data-file reader's options (and the schema id `Table.fileReader` takes).
 * @param options what the caller passed
 * @param table the table's name, for messages
 * @throws InvalidArgumentError naming the offending option
 */
export function parseFileReaderOptions(options: unknown, table: string): DataFileReaderOptions & { readonly schemaId?: number } {
  return parseArgument(FileReaderOptionsSchema, options, `options of fileReader on table ${table}`) as DataFileReaderOptions & { readonly schemaId?: number };
}
