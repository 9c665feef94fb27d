/**
 * The error a call fails with, for tests of refusals: a rejected promise, or a function that
 * throws (synchronously or not). A call that succeeds fails the test.
 */
import type { FloeError } from 'floe';

/**
 * @param p the promise, or a function to call
 * @returns the error, typed as a FloeError for its `code`, `message` and `context`
 */
export async function failure(p: Promise<unknown> | (() => unknown)): Promise<FloeError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as FloeError;
  }
  throw new Error('expected a failure');
}
