import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys, groupByDelimiter, joinPath, validatePath, validatePrefix } from '../../src/store/index.js';

describe('paths', () => {
  it.each(['a', 'a/b', 'metadata/v1.metadata.json', '.hidden', 'a/..b', 'a b/%41', '🙀/😀.parquet'])('accepts %j', (p) => {
    expect(validatePath(p)).toBe(p);
  });

  it.each(['', '/a', 'a/', 'a//b', '.', '..', 'a/./b', 'a/../b', '../a', 'a\0b'])('refuses %j with INVALID_ARGUMENT', (p) => {
    expect(() => validatePath(p)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('prefixes may end in a partial segment or a slash, but hold no bad complete segment', () => {
    for (const p of ['', 'a', 'a/', 'a/b', 'data/part-', '..x', 'a/..']) expect(validatePrefix(p)).toBe(p);
    for (const p of ['/a', '../', 'a//b', 'a/../b', './x']) {
      expect(() => validatePrefix(p)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('joins with single slashes', () => {
    expect(joinPath('wh/', '/ns/', 't', '', 'metadata/v1.json')).toBe('wh/ns/t/metadata/v1.json');
  });

  it('compareKeys is UTF-8 byte order (S3 listing order), property-checked with a fixed seed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { seed: 20260101, numRuns: 2000 },
    );
    expect(compareKeys('a/\u{FF5E}', 'a/😀')).toBeLessThan(0); // UTF-16 order says the opposite
  });

  it('groups a sorted listing one level below a prefix', () => {
    const meta = (path: string) => ({ path, sizeBytes: 0, lastModifiedMs: 0 });
    const r = groupByDelimiter('t/', ['t/a', 't/d/x', 't/d/y', 't/e/z'].map(meta));
    expect(r.objects.map((o) => o.path)).toEqual(['t/a']);
    expect(r.prefixes).toEqual(['t/d/', 't/e/']);
  });
});
