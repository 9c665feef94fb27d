/**
 * Jittered exponential backoff: how long to wait before retry number `n`, a sleep that can be
 * cancelled, and a generic retry loop. Generic on purpose (no domain terms): the S3 backend uses
 * it for throttling and 5xx answers, the local-fs backend while waiting for a lock, and the
 * commit loop between attempts.
 *
 * "Full jitter" (a uniform draw between a floor and an exponentially growing ceiling) is what
 * keeps writers that collided once from colliding again in lockstep.
 *
 * @module
 */

/** The shape of a backoff schedule. */
export interface BackoffOptions {
  /** The ceiling of the first wait, ms. */
  readonly initialDelayMs: number;
  /** The largest wait, ms. */
  readonly maxDelayMs: number;
  /** Growth of the ceiling per retry; default 2. */
  readonly multiplier?: number;
}

/**
 * The wait before retry `retry` (1-based): a uniform draw in
 * `[ceiling / 2, ceiling]` where `ceiling = min(maxDelayMs, initialDelayMs × multiplier^(retry-1))`.
 * Keeping half the ceiling as a floor avoids the near-zero waits of pure full jitter that make
 * a hot loop of retries against a server that is already throttling.
 * @param retry the retry number, from 1
 * @param options the schedule
 * @param random a source of uniform numbers in [0, 1) (a seeded one in tests)
 * @returns whole milliseconds, never negative
 */
export function computeBackoffMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const multiplier = options.multiplier ?? 2;
  const exponent = Math.min(Math.max(retry - 1, 0), 40);
  const ceiling = Math.max(0, Math.min(options.maxDelayMs, options.initialDelayMs * multiplier ** exponent));
  const floor = ceiling / 2;
  return Math.floor(floor + random() * (ceiling - floor));
}

/**
 * Waits `ms` milliseconds, or until `signal` aborts.
 * @param ms how long
 * @param signal cancels the wait
 * @throws the signal's reason when it aborts
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Options of {@link retryWithBackoff}. */
export interface RetryOptions extends BackoffOptions {
  /** Attempts in total, the first included (at least 1). */
  readonly maxAttempts: number;
  /** Whether an error thrown by attempt `attempt` (1-based) is worth another attempt. */
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  /** Uniform [0, 1) source for the jitter; default `Math.random`. */
  readonly random?: () => number;
  /** How to wait; default {@link sleep}. Tests pass one that records the delays and returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each wait, e.g. to log or count retries. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, an error is not retryable, or the attempts run out; waits a
 * jittered, growing delay between attempts.
 * @param attempt the operation, given the attempt number (from 1)
 * @param options the schedule and the retry predicate
 * @returns what the first successful attempt returned
 * @throws the last error when it is not retryable or no attempts are left
 */
export async function retryWithBackoff<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (n >= maxAttempts || !options.shouldRetry(e, n)) throw e;
      const delayMs = computeBackoffMs(n, options, options.random);
      options.onRetry?.(e, n, delayMs);
      await wait(delayMs);
    }
  }
}
