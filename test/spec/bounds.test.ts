import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ValidationError } from '../../src/errors.js';
import {
  compareLiterals,
  literalFromBytes,
  literalFromString,
  literalToBytes,
  truncateLowerBound,
  truncateUpperBound,
  type Literal,
  type PrimitiveType,
} from '../../src/spec/index.js';

const SEED = 424242;
const T = (type: PrimitiveType['type']): PrimitiveType => ({ type }) as PrimitiveType;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

describe('Appendix D golden bytes', () => {
  const cases: [string, PrimitiveType, Literal, string][] = [
    ['boolean false', T('boolean'), false, '00'],
    ['boolean true', T('boolean'), true, '01'],
    ['int 34', T('int'), 34, '22000000'],
    ['int -1', T('int'), -1, 'ffffffff'],
    ['long 34', T('long'), 34n, '2200000000000000'],
    ['long min', T('long'), -(2n ** 63n), '0000000000000080'],
    ['float 1.0', T('float'), 1, '0000803f'],
    ['double 1.0', T('double'), 1, '000000000000f03f'],
    ['double -0.0', T('double'), -0, '0000000000000080'],
    ['date 2017-11-16', T('date'), 17486, '4e440000'],
    ['time 22:31:08', T('time'), 81068000000n, '008307e012000000'],
    ['timestamp 2017-11-16T22:31:08', T('timestamp'), 1510871468000000n, '00c3262d215e0500'],
    ['timestamptz 2017-11-16T22:31:08Z', T('timestamptz'), 1510871468000000n, '00c3262d215e0500'],
    ['timestamp_ns 1ns', T('timestamp_ns'), 1n, '0100000000000000'],
    ['string iceberg', T('string'), 'iceberg', '69636562657267'],
    ['string empty', T('string'), '', ''],
    ['string é😀', T('string'), 'é😀', 'c3a9f09f9880'],
    ['uuid', T('uuid'), 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 'f79c3e09677c4bbda4793f349cb785e7'],
    ['fixed[4]', { type: 'fixed', length: 4 }, Uint8Array.of(0, 1, 2, 3), '00010203'],
    ['binary', T('binary'), Uint8Array.of(0xff, 0), 'ff00'],
    ['decimal 14.20', { type: 'decimal', precision: 4, scale: 2 }, 1420n, '058c'],
    ['decimal 0', { type: 'decimal', precision: 9, scale: 2 }, 0n, '00'],
    ['decimal -1', { type: 'decimal', precision: 9, scale: 2 }, -1n, 'ff'],
    ['decimal 127', { type: 'decimal', precision: 9, scale: 0 }, 127n, '7f'],
    ['decimal 128 (needs a sign byte)', { type: 'decimal', precision: 9, scale: 0 }, 128n, '0080'],
    ['decimal -128', { type: 'decimal', precision: 9, scale: 0 }, -128n, '80'],
    ['decimal -129', { type: 'decimal', precision: 9, scale: 0 }, -129n, 'ff7f'],
  ];
  it('the temporal golden values are the spec example instants', () => {
    expect(literalFromString(T('time'), '22:31:08')).toBe(81068000000n);
    expect(literalFromString(T('timestamp'), '2017-11-16T22:31:08')).toBe(1510871468000000n);
  });
  it.each(cases)('%s', (_name, type, value, expected) => {
    expect(hex(literalToBytes(type, value))).toBe(expected);
    const back = literalFromBytes(type, bytes(expected));
    expect(compareLiterals(type, back, value)).toBe(0);
  });
});

describe('round trips for every type', () => {
  const arbitraries: [PrimitiveType, fc.Arbitrary<Literal>][] = [
    [T('boolean'), fc.boolean()],
    [T('int'), fc.integer()],
    [T('long'), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
    [T('float'), fc.float({ noNaN: true })],
    [T('double'), fc.double({ noNaN: true })],
    [{ type: 'decimal', precision: 38, scale: 4 }, fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n })],
    [T('date'), fc.integer({ min: -1_000_000, max: 1_000_000 })],
    [T('time'), fc.bigInt({ min: 0n, max: 86_400_000_000n - 1n })],
    [T('timestamp'), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n })],
    [T('timestamptz'), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n })],
    [T('timestamp_ns'), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
    [T('timestamptz_ns'), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
    [T('string'), fc.string({ unit: 'grapheme' })],
    [T('uuid'), fc.uuid()],
    [{ type: 'fixed', length: 7 }, fc.uint8Array({ minLength: 7, maxLength: 7 })],
    [T('binary'), fc.uint8Array({ maxLength: 40 })],
  ];
  it.each(arbitraries.map(([t, a]) => [t.type, t, a] as const))('%s', (_name, type, arb) => {
    fc.assert(
      fc.property(arb, (v) => {
        const back = literalFromBytes(type, literalToBytes(type, v));
        return type.type === 'double' || type.type === 'float' ? Object.is(back, v) : compareLiterals(type, back, v) === 0;
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('NaN survives', () => {
    expect(literalFromBytes(T('double'), literalToBytes(T('double'), NaN))).toBeNaN();
  });
});

describe('bounds written before a type promotion (spec §Schema Evolution bounds table)', () => {
  it('reads 4-byte long bounds as int, 4-byte double bounds as float, 4-byte timestamp bounds as date', () => {
    expect(literalFromBytes(T('long'), literalToBytes(T('int'), -5))).toBe(-5n);
    expect(literalFromBytes(T('double'), literalToBytes(T('float'), 1.5))).toBe(1.5);
    expect(literalFromBytes(T('timestamp'), literalToBytes(T('date'), 1))).toBe(86_400_000_000n);
    expect(literalFromBytes(T('timestamp_ns'), literalToBytes(T('date'), -1))).toBe(-86_400_000_000_000n);
  });
  it('reads narrower decimal bounds at the wider precision', () => {
    const narrow = literalToBytes({ type: 'decimal', precision: 4, scale: 2 }, 1420n);
    expect(literalFromBytes({ type: 'decimal', precision: 20, scale: 2 }, narrow)).toBe(1420n);
  });
});

describe('bad bytes and bad values', () => {
  it('rejects lengths that fit no type and invalid UTF-8', () => {
    expect(() => literalFromBytes(T('int'), Uint8Array.of(1, 2))).toThrow(ValidationError);
    expect(() => literalFromBytes(T('long'), Uint8Array.of(1, 2, 3))).toThrow(ValidationError);
    expect(() => literalFromBytes(T('uuid'), new Uint8Array(15))).toThrow(ValidationError);
    expect(() => literalFromBytes({ type: 'fixed', length: 3 }, new Uint8Array(4))).toThrow(ValidationError);
    expect(() => literalFromBytes(T('string'), Uint8Array.of(0xc3))).toThrow(ValidationError);
  });
  it('rejects values of the wrong JS type', () => {
    expect(() => literalToBytes(T('string'), 5)).toThrow(InvalidArgumentError);
    expect(() => literalToBytes(T('int'), 2 ** 40)).toThrow(InvalidArgumentError);
    expect(() => literalToBytes(T('binary'), 'ab')).toThrow(InvalidArgumentError);
  });
});

describe('truncated bounds', () => {
  const S = T('string');
  const B = T('binary');
  it('lower bounds are prefixes by code point', () => {
    expect(truncateLowerBound(S, 'abcdef', 3)).toBe('abc');
    expect(truncateLowerBound(S, '😀😀😀😀', 2)).toBe('😀😀');
    expect(truncateLowerBound(S, 'short')).toBe('short');
    expect(truncateLowerBound(S, 'x'.repeat(40))).toBe('x'.repeat(16));
    expect(truncateLowerBound(B, Uint8Array.of(1, 2, 3), 2)).toEqual(Uint8Array.of(1, 2));
    expect(truncateLowerBound(T('long'), 5n, 1)).toBe(5n);
  });
  it('upper bounds increment the last code point that can be incremented', () => {
    expect(truncateUpperBound(S, 'abcdef', 3)).toBe('abd');
    expect(truncateUpperBound(S, 'abc', 3)).toBe('abc');
    expect(truncateUpperBound(S, 'ab\u{10FFFF}x', 3)).toBe('ac');
    expect(truncateUpperBound(S, '\u{10FFFF}\u{10FFFF}x', 2)).toBeNull();
    // U+D7FF + 1 would be a surrogate: the next code point is U+E000
    expect(truncateUpperBound(S, 'a\uD7FFz', 2)).toBe('a\uE000');
    expect(truncateUpperBound(S, 'a😀z', 2)).toBe('a😁');
  });
  it('binary upper bounds increment the last byte below 0xff', () => {
    expect(truncateUpperBound(B, Uint8Array.of(1, 2, 3, 4), 2)).toEqual(Uint8Array.of(1, 3));
    expect(truncateUpperBound(B, Uint8Array.of(1, 0xff, 3), 2)).toEqual(Uint8Array.of(2));
    expect(truncateUpperBound(B, Uint8Array.of(0xff, 0xff, 3), 2)).toBeNull();
    expect(truncateUpperBound(B, Uint8Array.of(0xff), 2)).toEqual(Uint8Array.of(0xff));
  });
  it('truncated bounds still bound the value (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (v, w) => {
        const lo = truncateLowerBound(S, v, w);
        const hi = truncateUpperBound(S, v, w);
        return compareLiterals(S, lo, v) <= 0 && (hi === null || compareLiterals(S, hi, v) >= 0);
      }),
      { seed: SEED, numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (v, w) => {
        const lo = truncateLowerBound(B, v, w);
        const hi = truncateUpperBound(B, v, w);
        return compareLiterals(B, lo, v) <= 0 && (hi === null || compareLiterals(B, hi, v) >= 0);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
