/**
 * The clock commits read their timestamps from. Tests substitute a fixed or skewed clock to
 * prove that commit timestamps stay monotonic per table even when a writer's clock is behind.
 *
 * @module
 */

/** A source of wall-clock time in ms since the epoch. */
export interface Clock {
  /** The current time, ms since the epoch. */
  nowMs(): number;
}

/** The system clock. */
export const systemClock: Clock = { nowMs: () => Date.now() };
