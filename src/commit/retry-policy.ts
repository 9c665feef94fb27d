/**
 * The commit retry budget, from table properties (spec/commit-protocol.md §C6). Names are
 * Iceberg's (`commit.retry.*`); Floe's defaults are more patient than Java's (4 retries) because
 * Floe is meant for many concurrent feature jobs on one table.
 *
 * @module
 */
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

function intProperty(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const raw = props[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

/** Reads the policy from table properties, falling back to {@link DEFAULT_RETRY_POLICY} per key. */
export function retryPolicyFromProperties(props: Readonly<Record<string, string>>): RetryPolicy {
  return {
    numRetries: intProperty(props, 'commit.retry.num-retries', DEFAULT_RETRY_POLICY.numRetries),
    minWaitMs: intProperty(props, 'commit.retry.min-wait-ms', DEFAULT_RETRY_POLICY.minWaitMs),
    maxWaitMs: intProperty(props, 'commit.retry.max-wait-ms', DEFAULT_RETRY_POLICY.maxWaitMs),
    totalTimeoutMs: intProperty(props, 'commit.retry.total-timeout-ms', DEFAULT_RETRY_POLICY.totalTimeoutMs),
  };
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
