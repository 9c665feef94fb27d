import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnsupportedError } from '../../src/errors.js';
import {
  applyTransform,
  canTransform,
  compareLiterals,
  hashLiteral,
  literalFromString,
  parseTransform,
  partitionValueToHuman,
  partitionValueToPath,
  transformPreservesOrder,
  transformResultType,
  transformToString,
  type Literal,
  type PrimitiveType,
  type Transform,
} from '../../src/spec/index.js';

const SEED = 20261121;
const T = (type: PrimitiveType['type']): PrimitiveType => ({ type }) as PrimitiveType;
const DEC = (precision: number, scale: number): PrimitiveType => ({ type: 'decimal', precision, scale });
const lit = (type: PrimitiveType, text: string): Literal => literalFromString(type, text);

describe('Appendix B: 32-bit hash examples', () => {
  // spec format/spec.md, "Appendix B: 32-bit Hash Requirements", test values column
  const cases: [string, PrimitiveType, Literal, number][] = [
    ['int 34', T('int'), 34, 2017239379],
    ['long 34L', T('long'), 34n, 2017239379],
    ['decimal 14.20', DEC(4, 2), 1420n, -500754589],
    ['date 2017-11-16', T('date'), lit(T('date'), '2017-11-16'), -653330422],
    ['time 22:31:08', T('time'), lit(T('time'), '22:31:08'), -662762989],
    ['timestamp 2017-11-16T22:31:08', T('timestamp'), lit(T('timestamp'), '2017-11-16T22:31:08'), -2047944441],
    ['timestamp 2017-11-16T22:31:08.000001', T('timestamp'), lit(T('timestamp'), '2017-11-16T22:31:08.000001'), -1207196810],
    ['timestamptz 2017-11-16T14:31:08-08:00', T('timestamptz'), lit(T('timestamptz'), '2017-11-16T14:31:08-08:00'), -2047944441],
    ['timestamptz 2017-11-16T14:31:08.000001-08:00', T('timestamptz'), lit(T('timestamptz'), '2017-11-16T14:31:08.000001-08:00'), -1207196810],
    ['timestamp_ns 2017-11-16T22:31:08', T('timestamp_ns'), lit(T('timestamp_ns'), '2017-11-16T22:31:08'), -2047944441],
    ['timestamp_ns 2017-11-16T22:31:08.000001001', T('timestamp_ns'), lit(T('timestamp_ns'), '2017-11-16T22:31:08.000001001'), -1207196810],
    ['timestamptz_ns 2017-11-16T14:31:08.000001001-08:00', T('timestamptz_ns'), lit(T('timestamptz_ns'), '2017-11-16T14:31:08.000001001-08:00'), -1207196810],
    ['string iceberg', T('string'), 'iceberg', 1210000089],
    ['uuid f79c3e09-…', T('uuid'), 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 1488055340],
    ['fixed 00 01 02 03', { type: 'fixed', length: 4 }, Uint8Array.of(0, 1, 2, 3), -188683207],
    ['binary 00 01 02 03', T('binary'), Uint8Array.of(0, 1, 2, 3), -188683207],
  ];
  it.each(cases)('%s', (_name, type, value, hash) => {
    expect(hashLiteral(type, value)).toBe(hash);
  });

  it('"34" as a string hashes differently from 34 (spec §Schema Evolution example)', () => {
    expect(hashLiteral(T('string'), '34')).toBe(-427558391);
  });

  it('int and long hash identically for every int (promotion keeps buckets)', () => {
    fc.assert(
      fc.property(fc.integer(), (v) => hashLiteral(T('int'), v) === hashLiteral(T('long'), BigInt(v))),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('rejects types that are not bucketed', () => {
    expect(() => hashLiteral(T('double'), 1)).toThrow(InvalidArgumentError);
    expect(canTransform({ kind: 'bucket', numBuckets: 4 }, T('boolean'))).toBe(false);
    expect(canTransform({ kind: 'bucket', numBuckets: 4 }, T('float'))).toBe(false);
  });
});

describe('bucket[N]', () => {
  it('is (hash & Integer.MAX_VALUE) % N', () => {
    const b = (n: number): Transform => ({ kind: 'bucket', numBuckets: n });
    expect(applyTransform(b(16), T('int'), 34)).toBe(2017239379 % 16);
    // a negative hash loses its sign bit, not its sign
    expect(applyTransform(b(16), T('string'), '34')).toBe((-427558391 & 0x7fffffff) % 16);
    expect(applyTransform(b(100), T('decimal'), 1420n)).toBe((-500754589 & 0x7fffffff) % 100);
    expect(applyTransform(b(4), T('long'), null)).toBeNull();
  });

  it('always lands in [0, N)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: 1, max: 1000 }), (v, n) => {
        const r = applyTransform({ kind: 'bucket', numBuckets: n }, T('long'), v) as number;
        return Number.isInteger(r) && r >= 0 && r < n;
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('timestamp_ns buckets as its floor-divided microseconds', () => {
    const ns = -1_500n; // -1.5 µs → floor to -2 µs
    expect(applyTransform({ kind: 'bucket', numBuckets: 1000 }, T('timestamp_ns'), ns)).toBe(
      applyTransform({ kind: 'bucket', numBuckets: 1000 }, T('timestamp'), -2n),
    );
  });
});

describe('truncate[W] (spec §Truncate Transform Details)', () => {
  const tr = (w: number): Transform => ({ kind: 'truncate', width: w });
  it('int and long: W=10, 1 → 0, -1 → -10', () => {
    expect(applyTransform(tr(10), T('int'), 1)).toBe(0);
    expect(applyTransform(tr(10), T('int'), -1)).toBe(-10);
    expect(applyTransform(tr(10), T('int'), 10)).toBe(10);
    expect(applyTransform(tr(10), T('int'), -10)).toBe(-10);
    expect(applyTransform(tr(10), T('int'), -11)).toBe(-20);
    expect(applyTransform(tr(10), T('long'), 1n)).toBe(0n);
    expect(applyTransform(tr(10), T('long'), -1n)).toBe(-10n);
    // at the int64 edge Java's long arithmetic wraps; partition values must match Java's
    expect(applyTransform(tr(10), T('long'), -9223372036854775808n)).toBe(9223372036854775806n);
    expect(applyTransform(tr(10), T('int'), -2147483648)).toBe(2147483646);
  });
  it('decimal: W=50, s=2: 10.65 → 10.50 (and negatives floor)', () => {
    expect(applyTransform(tr(50), DEC(9, 2), 1065n)).toBe(1050n);
    expect(applyTransform(tr(50), DEC(9, 2), -1065n)).toBe(-1100n);
    expect(applyTransform(tr(10), DEC(9, 2), 1234n)).toBe(1230n);
  });
  it('string: L=3, iceberg → ice; by code points, never splitting a surrogate pair', () => {
    expect(applyTransform(tr(3), T('string'), 'iceberg')).toBe('ice');
    expect(applyTransform(tr(3), T('string'), 'ab')).toBe('ab');
    expect(applyTransform(tr(2), T('string'), '😀😁😂')).toBe('😀😁');
    expect(applyTransform(tr(3), T('string'), 'a😀bc')).toBe('a😀b');
  });
  it('binary: L=3, 01 02 03 04 05 → 01 02 03', () => {
    expect(applyTransform(tr(3), T('binary'), Uint8Array.of(1, 2, 3, 4, 5))).toEqual(Uint8Array.of(1, 2, 3));
  });
  it('never exceeds the value and preserves order (ints)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 1, max: 1000 }), (a, b, w) => {
        const ta = applyTransform(tr(w), T('int'), a) as number;
        const tb = applyTransform(tr(w), T('int'), b) as number;
        return ta <= a && a - ta < w && (a <= b ? ta <= tb : ta >= tb);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
  it('does not apply to other types', () => {
    expect(canTransform(tr(3), T('date'))).toBe(false);
    expect(canTransform(tr(3), { type: 'fixed', length: 4 })).toBe(false);
    expect(() => applyTransform(tr(3), T('double'), 1.5)).toThrow(InvalidArgumentError);
  });
});

describe('year, month, day, hour', () => {
  const date = (s: string): Literal => lit(T('date'), s);
  const ts = (s: string): Literal => lit(T('timestamp'), s);
  it('count units since 1970', () => {
    expect(applyTransform({ kind: 'year' }, T('date'), date('2017-11-16'))).toBe(47);
    expect(applyTransform({ kind: 'month' }, T('date'), date('2017-11-16'))).toBe(47 * 12 + 10);
    expect(applyTransform({ kind: 'day' }, T('date'), date('2017-11-16'))).toBe(17486);
    expect(applyTransform({ kind: 'year' }, T('timestamp'), ts('2017-11-16T22:31:08'))).toBe(47);
    expect(applyTransform({ kind: 'month' }, T('timestamptz'), lit(T('timestamptz'), '2017-11-16T22:31:08Z'))).toBe(574);
    expect(applyTransform({ kind: 'day' }, T('timestamp'), ts('2017-11-16T22:31:08'))).toBe(17486);
    expect(applyTransform({ kind: 'hour' }, T('timestamp'), ts('2017-11-16T22:31:08'))).toBe(17486 * 24 + 22);
    expect(applyTransform({ kind: 'hour' }, T('timestamp_ns'), lit(T('timestamp_ns'), '2017-11-16T22:31:08.123456789'))).toBe(17486 * 24 + 22);
  });
  it('floor before 1970', () => {
    expect(applyTransform({ kind: 'day' }, T('date'), date('1969-12-31'))).toBe(-1);
    expect(applyTransform({ kind: 'year' }, T('date'), date('1969-12-31'))).toBe(-1);
    expect(applyTransform({ kind: 'year' }, T('date'), date('1969-01-01'))).toBe(-1);
    expect(applyTransform({ kind: 'year' }, T('date'), date('1968-12-31'))).toBe(-2);
    expect(applyTransform({ kind: 'month' }, T('date'), date('1969-12-01'))).toBe(-1);
    expect(applyTransform({ kind: 'month' }, T('date'), date('1969-11-30'))).toBe(-2);
    expect(applyTransform({ kind: 'day' }, T('timestamp'), -1n)).toBe(-1);
    expect(applyTransform({ kind: 'hour' }, T('timestamp'), -1n)).toBe(-1);
    expect(applyTransform({ kind: 'day' }, T('timestamp'), ts('1969-12-31T00:00:00'))).toBe(-1);
    expect(applyTransform({ kind: 'day' }, T('timestamp'), ts('1969-12-30T23:59:59.999999'))).toBe(-2);
    expect(applyTransform({ kind: 'year' }, T('timestamp'), ts('1969-12-31T23:59:59.999999'))).toBe(-1);
    expect(applyTransform({ kind: 'month' }, T('timestamp'), ts('1900-01-01T00:00:00'))).toBe(-840);
    expect(applyTransform({ kind: 'day' }, T('timestamp_ns'), -1n)).toBe(-1);
  });
  it('day is the floor of micros / 86400e6 for any timestamp', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), (v) => {
        const d = BigInt(applyTransform({ kind: 'day' }, T('timestamp'), v) as number);
        return d * 86_400_000_000n <= v && v < (d + 1n) * 86_400_000_000n;
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
  it('hour only applies to timestamps', () => {
    expect(canTransform({ kind: 'hour' }, T('date'))).toBe(false);
    expect(canTransform({ kind: 'day' }, T('time'))).toBe(false);
    expect(canTransform({ kind: 'year' }, T('string'))).toBe(false);
  });
});

describe('identity and void', () => {
  it('identity returns the value, void returns null, null stays null', () => {
    expect(applyTransform({ kind: 'identity' }, T('string'), 'a')).toBe('a');
    expect(applyTransform({ kind: 'identity' }, T('double'), 1.5)).toBe(1.5);
    expect(applyTransform({ kind: 'void' }, T('string'), 'a')).toBeNull();
    expect(applyTransform({ kind: 'identity' }, T('string'), null)).toBeNull();
    expect(applyTransform({ kind: 'year' }, T('date'), null)).toBeNull();
  });
});

describe('names, result types, order', () => {
  it('parses and prints every transform', () => {
    for (const text of ['identity', 'bucket[16]', 'truncate[4]', 'year', 'month', 'day', 'hour', 'void']) {
      expect(transformToString(parseTransform(text))).toBe(text);
    }
    expect(parseTransform('BUCKET[8]')).toEqual({ kind: 'bucket', numBuckets: 8 });
  });
  it('rejects unknown transforms with UnsupportedError and bad parameters with InvalidArgumentError', () => {
    expect(() => parseTransform('zorder')).toThrow(UnsupportedError);
    expect(() => parseTransform('bucket[0]')).toThrow(InvalidArgumentError);
  });
  it('result types follow the spec (day → date)', () => {
    expect(transformResultType({ kind: 'bucket', numBuckets: 4 }, T('string'))).toEqual(T('int'));
    expect(transformResultType({ kind: 'year' }, T('timestamp'))).toEqual(T('int'));
    expect(transformResultType({ kind: 'month' }, T('date'))).toEqual(T('int'));
    expect(transformResultType({ kind: 'day' }, T('timestamptz'))).toEqual(T('date'));
    expect(transformResultType({ kind: 'hour' }, T('timestamp'))).toEqual(T('int'));
    expect(transformResultType({ kind: 'truncate', width: 4 }, DEC(9, 2))).toEqual(DEC(9, 2));
    expect(transformResultType({ kind: 'identity' }, T('uuid'))).toEqual(T('uuid'));
    expect(() => transformResultType({ kind: 'hour' }, T('date'))).toThrow(InvalidArgumentError);
  });
  it('order-preserving transforms are monotonic', () => {
    expect(transformPreservesOrder({ kind: 'bucket', numBuckets: 2 })).toBe(false);
    expect(transformPreservesOrder({ kind: 'void' })).toBe(false);
    for (const t of [{ kind: 'day' }, { kind: 'hour' }, { kind: 'month' }, { kind: 'year' }] as Transform[]) {
      expect(transformPreservesOrder(t)).toBe(true);
      fc.assert(
        fc.property(fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }), fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }), (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          return compareLiterals(T('int'), applyTransform(t, T('timestamp'), lo) as number, applyTransform(t, T('timestamp'), hi) as number) <= 0;
        }),
        { seed: SEED, numRuns: 200 },
      );
    }
  });
});

describe('partition values in paths (Java toHumanString + URL encoding)', () => {
  it('formats time transforms', () => {
    const int = T('int');
    expect(partitionValueToPath({ kind: 'year' }, int, 56)).toBe('2026');
    expect(partitionValueToPath({ kind: 'month' }, int, 56 * 12)).toBe('2026-01');
    expect(partitionValueToPath({ kind: 'month' }, int, -1)).toBe('1969-12');
    expect(partitionValueToPath({ kind: 'day' }, T('date'), lit(T('date'), '2026-01-05') as number)).toBe('2026-01-05');
    const hours = (lit(T('date'), '2026-01-05') as number) * 24 + 13;
    expect(partitionValueToPath({ kind: 'hour' }, int, hours)).toBe('2026-01-05-13');
    expect(partitionValueToPath({ kind: 'hour' }, int, -1)).toBe('1969-12-31-23');
  });
  it('formats identity values and escapes as URLEncoder does', () => {
    expect(partitionValueToPath({ kind: 'identity' }, T('string'), 'a b/c&d')).toBe('a+b%2Fc%26d');
    expect(partitionValueToPath({ kind: 'identity' }, T('string'), 'é')).toBe('%C3%A9');
    expect(partitionValueToPath({ kind: 'identity' }, T('string'), null)).toBe('null');
    expect(partitionValueToPath({ kind: 'identity' }, T('timestamp'), lit(T('timestamp'), '2017-11-16T22:31:08'))).toBe('2017-11-16T22%3A31%3A08');
    expect(partitionValueToHuman({ kind: 'identity' }, T('timestamptz'), lit(T('timestamptz'), '2017-11-16T22:31:08.1Z'))).toBe('2017-11-16T22:31:08.1+00:00');
    expect(partitionValueToHuman({ kind: 'identity' }, DEC(9, 2), 1420n)).toBe('14.20');
    expect(partitionValueToHuman({ kind: 'identity' }, T('binary'), Uint8Array.of(0, 1, 2, 3))).toBe('AAECAw==');
    expect(partitionValueToHuman({ kind: 'identity' }, T('double'), 1)).toBe('1.0');
    expect(partitionValueToHuman({ kind: 'identity' }, T('boolean'), true)).toBe('true');
    expect(partitionValueToHuman({ kind: 'bucket', numBuckets: 4 }, T('int'), 3)).toBe('3');
    expect(partitionValueToHuman({ kind: 'truncate', width: 4 }, T('string'), 'abcd')).toBe('abcd');
  });
});
