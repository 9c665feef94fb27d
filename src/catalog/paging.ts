/**
 * Paging of sorted name listings (the REST spec's `pageToken` / `pageSize`): the token is the
 * last name of the previous page, base64url-encoded so that clients treat it as opaque, and a
 * page holds the names after it. Stateless, so any server over the same warehouse continues a
 * listing another one started.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** Which page of a listing to return. */
export interface PageRequest {
  /** The previous page's `nextPageToken` (absent or empty: the first page). */
  readonly pageToken?: string | undefined;
  /** At most this many names (absent: all of them). */
  readonly pageSize?: number | undefined;
}

/** One page of names and the token of the next, if there are more. */
export interface Page<T> {
  /** The names on this page, in order. */
  readonly items: readonly T[];
  /** The token for the next page; undefined on the last page. */
  readonly nextPageToken: string | undefined;
}

/** The token that continues a listing after `lastKey`. */
export function pageTokenAfter(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

function keyOfToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (key.length === 0 || pageTokenAfter(key) !== token) {
    throw new InvalidArgumentError(`not a page token of this catalog: ${JSON.stringify(token.slice(0, 80))}`, { context: { pageToken: token.slice(0, 80) } });
  }
  return key;
}

/**
 * Cuts one page out of items sorted by `keyOf`.
 * @throws InvalidArgumentError for a token this catalog did not issue or a page size below 1
 */
export function pageOf<T>(sorted: readonly T[], keyOf: (item: T) => string, request: PageRequest = {}): Page<T> {
  const { pageToken, pageSize } = request;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1)) {
    throw new InvalidArgumentError(`page size must be a positive integer, not ${pageSize}`, { context: { pageSize: String(pageSize) } });
  }
  let start = 0;
  if (pageToken) {
    const after = keyOfToken(pageToken);
    while (start < sorted.length && keyOf(sorted[start]!) <= after) start++;
  }
  const end = pageSize === undefined ? sorted.length : Math.min(sorted.length, start + pageSize);
  const items = sorted.slice(start, end);
  return { items, nextPageToken: end < sorted.length && items.length > 0 ? pageTokenAfter(keyOf(items.at(-1)!)) : undefined };
}
