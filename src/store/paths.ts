/**
 * Object paths (spec/storage.md §S2): `/`-separated keys relative to a store's root, with no
 * leading `/`, no empty segments and no `.` or `..` segments. The rules are checked once, at
 * every store's entry, so that `a//b`, `/a` and `a/../b` can never name three different objects
 * on one backend and one object on another, and so that no key can climb out of a local-fs root.
 *
 * Also: UTF-8 byte order (the order S3 lists keys in) and delimiter grouping, shared by the
 * backends that list from memory.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { ListResult, ObjectMeta } from './object-store.js';

function badSegment(segment: string): boolean {
  return segment === '' || segment === '.' || segment === '..';
}

/**
 * Checks an object path.
 * @param path the key
 * @returns the same path
 * @throws InvalidArgumentError when the path is empty, starts with `/`, has an empty, `.` or `..`
 *   segment, or holds a NUL character
 */
export function validatePath(path: string): string {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidArgumentError('an object path must be a non-empty string', { context: { path: String(path) } });
  }
  if (path.includes('\0')) {
    throw new InvalidArgumentError(`object path holds a NUL character: ${JSON.stringify(path)}`, { context: { path } });
  }
  if (path.startsWith('/')) {
    throw new InvalidArgumentError(`object path must not start with '/': ${path}`, {
      context: { path },
      help: 'paths are relative to the store root',
    });
  }
  const segments = path.split('/');
  const bad = segments.find(badSegment);
  if (bad !== undefined) {
    throw new InvalidArgumentError(`object path has an empty, '.' or '..' segment: ${path}`, { context: { path, segment: bad } });
  }
  return path;
}

/**
 * Checks a listing prefix: empty, or whole valid segments followed by an optional partial last
 * segment (`data/` and `data/par` are both prefixes of `data/part-1.parquet`).
 * @param prefix the prefix
 * @returns the same prefix
 * @throws InvalidArgumentError when a complete segment is empty, `.` or `..`, or the prefix starts with `/`
 */
export function validatePrefix(prefix: string): string {
  if (typeof prefix !== 'string') {
    throw new InvalidArgumentError('a listing prefix must be a string', { context: { prefix: String(prefix) } });
  }
  if (prefix === '') return prefix;
  if (prefix.startsWith('/') || prefix.includes('\0')) {
    throw new InvalidArgumentError(`listing prefix must not start with '/' or hold NUL: ${prefix}`, { context: { prefix } });
  }
  const segments = prefix.split('/');
  segments.pop(); // the partial last segment (possibly '') only filters names: it can name nothing itself
  const bad = segments.find(badSegment);
  if (bad !== undefined) {
    throw new InvalidArgumentError(`listing prefix has an empty, '.' or '..' segment: ${prefix}`, {
      context: { prefix, segment: bad },
    });
  }
  return prefix;
}

/**
 * Joins path pieces with single `/`s, dropping empty pieces and stray slashes at the joins.
 * @param parts pieces such as a prefix and a key
 */
export function joinPath(...parts: readonly string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
}

/**
 * Compares two keys by their UTF-8 bytes: S3's listing order, which differs from JavaScript's
 * UTF-16 string order for characters outside the Basic Multilingual Plane.
 * @param a a key
 * @param b another key
 * @returns negative, zero or positive
 */
export function compareKeys(a: string, b: string): number {
  // Code point order is UTF-8 byte order. UTF-16 code unit order agrees with it except where a
  // surrogate (a character above U+FFFF) meets a unit in U+E000..U+FFFF, so compare code units
  // until the first difference and look at code points only there.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    // Back up to the start of a surrogate pair whose high half both strings share.
    const j = i > 0 && isHighSurrogate(a.charCodeAt(i - 1)) ? i - 1 : i;
    return (a.codePointAt(j) as number) - (b.codePointAt(j) as number);
  }
  return a.length - b.length;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/**
 * Groups a sorted listing one level below `prefix`, as S3's `Delimiter=/` does: keys with no
 * further `/` after the prefix are objects, the others collapse into their common prefix.
 * @param prefix the listing prefix
 * @param metas every object under `prefix`, in key order
 */
export function groupByDelimiter(prefix: string, metas: Iterable<ObjectMeta>): ListResult {
  const objects: ObjectMeta[] = [];
  const prefixes: string[] = [];
  for (const meta of metas) {
    const rest = meta.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      objects.push(meta);
    } else {
      const common = prefix + rest.slice(0, slash + 1);
      if (prefixes[prefixes.length - 1] !== common) prefixes.push(common);
    }
  }
  return { objects, prefixes };
}
