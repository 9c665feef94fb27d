/**
 * Byte-range rules shared by every backend (spec/storage.md §S3): `[start, end)`, `end` clamped
 * to the object's size, an empty range (`start === end`) allowed up to the end, and a non-empty range
 * that starts at or beyond the end of the object refused, as S3 refuses it with 416.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { ByteRange } from './object-store.js';

/**
 * Checks the shape of a range before any IO.
 * @param path the object, for the message
 * @param range the requested range
 * @throws InvalidArgumentError when `start` or `end` is not a non-negative safe integer or `end < start`
 */
export function checkRange(path: string, range: ByteRange): void {
  const { start, end } = range;
  const ok =
    Number.isSafeInteger(start) && start >= 0 && (end === undefined || (Number.isSafeInteger(end) && end >= start));
  if (!ok) {
    throw new InvalidArgumentError(`invalid byte range [${start}, ${end ?? ''}) for ${path}`, {
      context: { path, start: String(start), end: String(end) },
    });
  }
}

/**
 * Resolves a range against an object's size.
 * @param path the object, for the message
 * @param range the requested range
 * @param sizeBytes the object's size
 * @returns `[start, end)` within the object
 * @throws InvalidArgumentError for a malformed range or a non-empty one that starts at or beyond the end
 */
export function resolveRange(path: string, range: ByteRange, sizeBytes: number): [number, number] {
  checkRange(path, range);
  const { start } = range;
  if (range.end === start) {
    if (start > sizeBytes) throw rangeBeyondEnd(path, start, sizeBytes);
    return [start, start];
  }
  if (start >= sizeBytes) throw rangeBeyondEnd(path, start, sizeBytes);
  return [start, Math.min(range.end ?? sizeBytes, sizeBytes)];
}

/**
 * The error for a range that starts at or past the end of an object.
 * @param path the object
 * @param start the range's first byte
 * @param sizeBytes the object's size, if known
 */
export function rangeBeyondEnd(path: string, start: number, sizeBytes?: number): InvalidArgumentError {
  const size = sizeBytes === undefined ? '' : ` (size ${sizeBytes})`;
  return new InvalidArgumentError(`byte range starts at ${start}, beyond the end of ${path}${size}`, {
    context: { path, start, ...(sizeBytes === undefined ? {} : { sizeBytes }) },
  });
}
