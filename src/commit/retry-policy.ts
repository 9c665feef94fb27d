/**
 * The commit retry budget, from table properties (spec/commit-protocol.md §C6). Names are
 * Iceberg's (`commit.retry.*`); Floe's defaults are more patient than Java's (4 retries) because
 * Floe is meant for many concurrent feature jobs on one table.
 *
 * Each value is a non-negative integer in decimal (Java Iceberg reads them with
 * `PropertyUtil.propertyAsInt`, which fails on anything else). Floe refuses a malformed value
 * where it is set ({@link checkRetryProperties}) and, for one another writer stored, where it is
 * read ({@link retryPolicyFromProperties}): a typo never silently becomes the default.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, ValidationError } from '../errors.js';
import { computeBackoffMs } from '../util/index.js';

/** How often and how long a commit retries after conflicts. */
export interface RetryPolicy {
  /** Retries after the first attempt (`commit.retry.num-retries`). */
  readonly numRetries: number;
  /** First backoff, ms (`commit.retry.min-wait-ms`). */
  readonly minWaitMs: number;
  /** Largest backoff, ms (`commit.retry.max-wait-ms`). */
  readonly maxWaitMs: number;
  /** Total time budget, ms (`commit.retry.total-timeout-ms`). */
  readonly totalTimeoutMs: number;
}

/** Floe's defaults. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  numRetries: 32,
  minWaitMs: 10,
  maxWaitMs: 2_000,
  totalTimeoutMs: 10 * 60_000,
};

/** The retry properties and the policy field each sets. */
const RETRY_PROPERTIES = {
  'commit.retry.num-retries': 'numRetries',
  'commit.retry.min-wait-ms': 'minWaitMs',
  'commit.retry.max-wait-ms': 'maxWaitMs',
  'commit.retry.total-timeout-ms': 'totalTimeoutMs',
} as const satisfies Record<string, keyof RetryPolicy>;

// At most 15 digits: every value stays an exact safe integer.
const RetryValueSchema = z
  .string({ error: 'expected a string holding a non-negative integer, such as "4"' })
  .regex(/^\d{1,15}$/, 'expected a non-negative integer, such as "4"');

/** What is wrong with a retry property's value, or undefined when it is valid. */
function retryValueProblem(value: unknown): string | undefined {
  const r = RetryValueSchema.safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message ?? 'invalid';
}

/**
 * Checks the `commit.retry.*` entries of properties a caller sets (other keys are not looked at).
 * @param props the properties being set
 * @param table the table, for messages
 * @throws InvalidArgumentError naming the property and its value
 */
export function checkRetryProperties(props: Readonly<Record<string, unknown>>, table: string): void {
  for (const key of Object.keys(RETRY_PROPERTIES)) {
    if (!(key in props)) continue;
    const problem = retryValueProblem(props[key]);
    if (problem !== undefined) {
      throw new InvalidArgumentError(`table property ${key} of table ${table} cannot be ${JSON.stringify(props[key]) ?? String(props[key])}: ${problem}`, {
        context: { table, property: key },
      });
    }
  }
}

/**
 * Reads the policy from table properties, falling back to {@link DEFAULT_RETRY_POLICY} per key.
 * @param props the table's properties
 * @param table the table, for messages
 * @throws ValidationError when a stored value is malformed (another writer set it): it names the
 *   property, and the help says how to fix it
 */
export function retryPolicyFromProperties(props: Readonly<Record<string, string>>, table = 'table'): RetryPolicy {
  const policy: Record<keyof RetryPolicy, number> = { ...DEFAULT_RETRY_POLICY };
  for (const [key, field] of Object.entries(RETRY_PROPERTIES)) {
    const raw = props[key];
    if (raw === undefined) continue;
    const problem = retryValueProblem(raw);
    if (problem !== undefined) {
      throw new ValidationError(`table property ${key} of table ${table} is ${JSON.stringify(raw)}: ${problem}`, {
        context: { table, property: key },
        help: `set a valid value with setProperties({ '${key}': '${DEFAULT_RETRY_POLICY[field]}' }), or remove it`,
      });
    }
    policy[field] = Number(raw);
  }
  return policy;
}

/**
 * The wait before retry `retry` (1-based): the shared jittered exponential schedule of
 * `util/backoff.ts`, from `minWaitMs` up to `maxWaitMs`, so that writers that collided once do
 * not collide again in lockstep.
 * @param retry the retry number, from 1
 * @param policy the budget
 * @param random a source of uniform [0, 1) numbers
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  return computeBackoffMs(retry, { initialDelayMs: policy.minWaitMs, maxDelayMs: policy.maxWaitMs }, random);
}
