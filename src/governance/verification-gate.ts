/**
 * A bound on concurrent secret verifications. Each one is an scrypt hash (secrets.ts: 128 MiB of
 * memory and a fraction of a second of CPU) that anyone can ask for, unauthenticated, through the
 * token endpoint; unbounded, a burst of token requests exhausts the server's memory. At most
 * `concurrency` run at once, at most `queue` more wait; beyond that a verification is refused at
 * once with {@link OverloadedError} (the token endpoint answers 503 with `Retry-After`). The
 * queue is p-limit's.
 *
 * @module
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { z } from 'zod';
import { InvalidArgumentError, OverloadedError } from '../errors.js';

/** How many secret verifications run at once, and how many more may wait. */
export interface VerificationLimits {
  /** Verifications running at once (at least 1). */
  readonly concurrency: number;
  /** Verifications waiting for a turn (0: none wait). */
  readonly queue: number;
}

/** Two at a time (256 MiB of scrypt memory at most), sixteen waiting. */
export const DEFAULT_VERIFICATION_LIMITS: VerificationLimits = { concurrency: 2, queue: 16 };

const LimitsSchema = z.strictObject({ concurrency: z.number().int().min(1).max(1024), queue: z.number().int().min(0).max(1_000_000) });

/** Seconds a refused client is told to wait (`Retry-After`): about one verification's time. */
export const RETRY_AFTER_SECONDS = 1;

/** Runs secret verifications within {@link VerificationLimits}. */
export class VerificationGate {
  private readonly limit: LimitFunction;
  /** The limits it enforces. */
  readonly limits: VerificationLimits;

  /**
   * @param limits concurrency and queue length (default {@link DEFAULT_VERIFICATION_LIMITS})
   * @throws InvalidArgumentError for a concurrency below 1 or a negative queue
   */
  constructor(limits: VerificationLimits = DEFAULT_VERIFICATION_LIMITS) {
    const r = LimitsSchema.safeParse(limits);
    if (!r.success) throw new InvalidArgumentError(`verification limits must be { concurrency ≥ 1, queue ≥ 0 } (integers), not ${JSON.stringify(limits)?.slice(0, 100)}`);
    this.limits = r.data;
    this.limit = pLimit(r.data.concurrency);
  }

  /** Verifications running now. */
  get active(): number {
    return this.limit.activeCount;
  }

  /** Verifications waiting now. */
  get queued(): number {
    return this.limit.pendingCount;
  }

  /**
   * Runs a verification when a turn is free.
   * @throws OverloadedError (at once) when `concurrency` run and `queue` wait already
   */
  run<T>(verification: () => Promise<T>): Promise<T> {
    // Counted and enqueued in one synchronous step: no other request can slip in between.
    if (this.limit.activeCount + this.limit.pendingCount >= this.limits.concurrency + this.limits.queue) {
      return Promise.reject(
        new OverloadedError(`the server is verifying as many client secrets as it takes at once (${this.limits.concurrency} running, ${this.limits.queue} waiting)`, {
          context: { retryAfterSeconds: RETRY_AFTER_SECONDS },
          help: `retry after ${RETRY_AFTER_SECONDS} s`,
        }),
      );
    }
    return this.limit(verification);
  }
}
