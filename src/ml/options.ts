/**
 * Checking the options of the ml entry points (`asOfJoin`, `nearest`, readers and their cursors)
 * with zod schemas, so that a value of the wrong type, out of range or misspelt is refused
 * before anything is read, never taken as a default. A zod failure becomes an
 * {@link InvalidArgumentError} whose `context.option` is the path of the first bad option
 * (`on[1]`, `cursor.dataset.seed`); no ZodError leaves this module.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import type { Expression } from '../expr/index.js';

/**
 * `value` parsed by `schema`.
 * @param what the call whose options these are, for the message (`as-of join`)
 * @param prefix a path to prepend to the option's path (`cursor` when checking a cursor)
 * @throws InvalidArgumentError naming the first bad option and what is wrong with it
 */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, what: string, prefix: readonly PropertyKey[] = []): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = deepest(parsed.error.issues[0]!);
  // An unknown option is reported at its own name (zod puts the issue at the enclosing object).
  const path = issue.code === 'unrecognized_keys' ? [...prefix, ...issue.path, issue.keys[0]!] : [...prefix, ...issue.path];
  const option = path.length === 0 ? '$' : z.core.toDotPath(path);
  const message = issue.code === 'unrecognized_keys' ? `${what}: unknown option ${option}` : `${what}: option ${option} is invalid: ${issue.message}`;
  throw new InvalidArgumentError(message, { context: { option } });
}

type Issue = z.core.$ZodIssue;

/**
 * For a union every branch of which failed: the branch issue found deepest inside the value
 * (`on: ['id', '']` fails at `on[1]`, which names the bad element), else the union's own issue.
 */
function deepest(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  let best: Issue | undefined;
  for (const sub of issue.errors.flat()) {
    const d = deepest(sub);
    if (d.path.length > 0 && (best === undefined || d.path.length > best.path.length)) best = d;
  }
  return best === undefined ? issue : { ...best, path: [...issue.path, ...best.path] };
}

/** A non-empty string (a column name). */
export const NameSchema = z.string().min(1, 'must be a non-empty string');

/** A snapshot id as users give it (bigint, integer or decimal string; the scan checks its value). */
export const SnapshotIdSchema = z.union([z.bigint(), z.number().int(), z.string()], { error: 'must be a snapshot id: a bigint, an integer or a decimal string' });

/** A shuffle seed: a uint32. */
export const SeedSchema = z.number().int().min(0).max(0xffffffff);

/** A row filter: `parseFilter` text or an expression (its content is checked where it is bound to a schema). */
export const FilterSchema = z.union([z.string(), z.custom<Expression>((v) => typeof v === 'object' && v !== null)], { error: 'must be a filter string or an expression' });

/** The fields of a `SnapshotSelector` (the scan checks the values: an existing snapshot, ref or time; at most one). */
export const SnapshotSelectorShape = {
  snapshotId: SnapshotIdSchema.optional(),
  asOf: z.union([z.date(), z.number(), z.string()], { error: 'must be a Date, ms since the epoch or an ISO-8601 string' }).optional(),
  ref: z.string().min(1, 'must be a non-empty string').optional(),
};

/** A non-negative safe integer. */
export const CountSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A positive safe integer. */
export const PositiveSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
