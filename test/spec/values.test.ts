import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ValidationError } from '../../src/errors.js';
import {
  compareLiterals,
  literalFromJson,
  literalFromString,
  literalsEqual,
  literalToDisplay,
  literalToJson,
  type Literal,
  type PrimitiveType,
} from '../../src/spec/index.js';
import { parseJson, stringifyJson } from '../../src/util/json.js';

const SEED = 7;
const T = (type: PrimitiveType['type']): PrimitiveType => ({ type }) as PrimitiveType;
const DEC = (precision: number, scale: number): PrimitiveType => ({ type: 'decimal', precision, scale });

describe('compareLiterals', () => {
  it('orders strings by code point (UTF-8 bytes), not UTF-16 units', () => {
    const S = T('string');
    // U+FF61 is one UTF-16 unit above the surrogates; 😀 (U+1F600) is a surrogate pair but a larger code point
    expect(compareLiterals(S, '\uFF61', '😀')).toBeLessThan(0);
    expect('\uFF61' < '😀').toBe(false); // what plain JS comparison would say
    expect(compareLiterals(S, 'a', 'b')).toBeLessThan(0);
    expect(compareLiterals(S, 'ab', 'a')).toBeGreaterThan(0);
    expect(compareLiterals(S, 'é', 'é')).toBe(0);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        const byBytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        return Math.sign(compareLiterals(S, a, b)) === byBytes;
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('orders floats -NaN < -Infinity < -1 < -0 < 0 < 1 < Infinity < NaN (spec §Sorting)', () => {
    const negNaN = new Float64Array(Uint8Array.of(0, 0, 0, 0, 0, 0, 0xf8, 0xff).buffer)[0] as number;
    const label = (x: number): string => {
      if (!Number.isNaN(x)) return Object.is(x, -0) ? '-0' : String(x);
      const signed = (new Uint8Array(new Float64Array([x]).buffer)[7] ?? 0) & 0x80;
      return signed ? '-NaN' : 'NaN';
    };
    const shuffled = [1, NaN, -0, Infinity, negNaN, 0, -Infinity, -1];
    const result = [...shuffled].sort((a, b) => compareLiterals(T('double'), a, b));
    expect(result.map(label)).toEqual(['-NaN', '-Infinity', '-1', '-0', '0', '1', 'Infinity', 'NaN']);
  });

  it('orders binary as unsigned bytes and uuids as their bytes', () => {
    expect(compareLiterals(T('binary'), Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBeLessThan(0);
    expect(compareLiterals(T('binary'), Uint8Array.of(1), Uint8Array.of(1, 0))).toBeLessThan(0);
    expect(compareLiterals(T('uuid'), '7fffffff-0000-0000-0000-000000000000', '80000000-0000-0000-0000-000000000000')).toBeLessThan(0);
    expect(compareLiterals(T('uuid'), 'F79C3E09-677C-4BBD-A479-3F349CB785E7', 'f79c3e09-677c-4bbd-a479-3f349cb785e7')).toBe(0);
  });

  it('compares integers held as number or bigint, and booleans false first', () => {
    expect(compareLiterals(T('long'), 5, 5n)).toBe(0);
    expect(compareLiterals(T('long'), 2n ** 62n, 1)).toBeGreaterThan(0);
    expect(compareLiterals(T('timestamp'), -1n, 0n)).toBeLessThan(0);
    expect(compareLiterals(T('boolean'), false, true)).toBeLessThan(0);
    expect(compareLiterals(DEC(9, 2), -150n, 100n)).toBeLessThan(0);
    expect(() => compareLiterals(T('string'), 'a', 1)).toThrow(InvalidArgumentError);
  });

  it('literalsEqual treats -0 and 0 as different partitions and NaNs as equal', () => {
    expect(literalsEqual(T('double'), -0, 0)).toBe(false);
    expect(literalsEqual(T('double'), NaN, NaN)).toBe(true);
    expect(literalsEqual(T('string'), 'a', 'a')).toBe(true);
  });
});

describe('JSON single-value serialization (spec Appendix D)', () => {
  const cases: [PrimitiveType, JsonText: string, Literal][] = [
    [T('boolean'), 'true', true],
    [T('int'), '34', 34],
    [T('long'), '34', 34n],
    [T('long'), '-9223372036854775808', -9223372036854775808n],
    [T('float'), '1.5', 1.5],
    [T('double'), '0.1', 0.1],
    [DEC(4, 2), '"14.20"', 1420n],
    [DEC(9, -20), '"2E+20"', 2n],
    [T('date'), '"2017-11-16"', 17486],
    [T('date'), '"1969-12-31"', -1],
    [T('time'), '"22:31:08.123456"', 81068123456n],
    [T('timestamp'), '"2017-11-16T22:31:08.123456"', 1510871468123456n],
    [T('timestamptz'), '"2017-11-16T22:31:08.123456+00:00"', 1510871468123456n],
    [T('timestamp_ns'), '"2017-11-16T22:31:08.123456789"', 1510871468123456789n],
    [T('timestamptz_ns'), '"2017-11-16T22:31:08.123456789+00:00"', 1510871468123456789n],
    [T('timestamp'), '"1969-12-31T23:59:59.999999"', -1n],
    [T('string'), '"iceberg"', 'iceberg'],
    [T('uuid'), '"f79c3e09-677c-4bbd-a479-3f349cb785e7"', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'],
    [{ type: 'fixed', length: 4 }, '"000102ff"', Uint8Array.of(0, 1, 2, 0xff)],
    [T('binary'), '"000102ff"', Uint8Array.of(0, 1, 2, 0xff)],
  ];
  it.each(cases)('%o %s', (type, text, value) => {
    expect(literalFromJson(type, parseJson(text))).toEqual(value);
    expect(stringifyJson(literalToJson(type, value))).toBe(text);
  });

  it('reads what lenient writers write', () => {
    expect(literalFromJson(T('timestamptz'), '2017-11-16T14:31:08-08:00')).toBe(1510871468000000n);
    expect(literalFromJson(T('timestamptz'), '2017-11-16T22:31:08Z')).toBe(1510871468000000n);
    expect(literalFromJson(DEC(9, 2), '14.2')).toBe(1420n);
    expect(literalFromJson(T('long'), 5)).toBe(5n);
    expect(literalFromJson(T('uuid'), 'F79C3E09-677C-4BBD-A479-3F349CB785E7')).toBe('f79c3e09-677c-4bbd-a479-3f349cb785e7');
    expect(literalFromJson(T('float'), 0.34234)).toBe(Math.fround(0.34234));
    expect(literalToJson(T('float'), Math.fround(0.34234))).toBe(0.34234);
  });

  it('rejects what is not a value of the type', () => {
    expect(() => literalFromJson(T('int'), 2 ** 31)).toThrow(ValidationError);
    expect(() => literalFromJson(T('int'), 1.5)).toThrow(ValidationError);
    expect(() => literalFromJson(DEC(9, 2), '1.505')).toThrow(ValidationError);
    expect(() => literalFromJson(DEC(3, 2), '14.20')).toThrow(ValidationError);
    expect(() => literalFromJson(T('date'), '2017-02-30')).toThrow(ValidationError);
    expect(() => literalFromJson(T('time'), '25:00:00')).toThrow(ValidationError);
    expect(() => literalFromJson({ type: 'fixed', length: 3 }, '0001')).toThrow(ValidationError);
    expect(() => literalFromJson(T('binary'), 'xyz')).toThrow(ValidationError);
    expect(() => literalFromJson(T('string'), 5)).toThrow(ValidationError);
    expect(() => literalFromJson(T('timestamp'), '2017-11-16T22:31:08.1234567')).toThrow(ValidationError);
  });

  it('round-trips random values of every type', () => {
    const arbs: [PrimitiveType, fc.Arbitrary<Literal>][] = [
      [T('long'), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
      // JSON has no -0: it reads back as 0
      [T('double'), fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x))],
      [T('float'), fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x))],
      [DEC(38, 10), fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n })],
      [T('date'), fc.integer({ min: -3_000_000, max: 2_900_000 })],
      [T('time'), fc.bigInt({ min: 0n, max: 86_399_999_999n })],
      [T('timestamp'), fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n })],
      [T('timestamptz_ns'), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
      [T('binary'), fc.uint8Array({ maxLength: 20 })],
    ];
    for (const [type, arb] of arbs) {
      fc.assert(
        fc.property(arb, (v) => compareLiterals(type, literalFromJson(type, parseJson(stringifyJson(literalToJson(type, v)))), v) === 0),
        { seed: SEED, numRuns: 300 },
      );
    }
  });
});

describe('literalFromString (user filter literals)', () => {
  it('reads dates and timestamps, bare dates as midnight UTC', () => {
    expect(literalFromString(T('date'), '2026-01-01')).toBe(20454);
    expect(literalFromString(T('timestamp'), '2026-01-01')).toBe(20454n * 86_400_000_000n);
    expect(literalFromString(T('timestamptz'), '2026-01-01')).toBe(20454n * 86_400_000_000n);
    expect(literalFromString(T('timestamptz'), '2026-01-01 01:00:00+01:00')).toBe(20454n * 86_400_000_000n);
    expect(literalFromString(T('timestamp'), '2026-01-01T00:00:01.5')).toBe(20454n * 86_400_000_000n + 1_500_000n);
    expect(literalFromString(T('timestamp_ns'), '1970-01-01T00:00:00.000000001')).toBe(1n);
    expect(literalFromString(T('time'), '13:45')).toBe((13n * 3600n + 45n * 60n) * 1_000_000n);
  });
  it('reads numbers, decimals, booleans, bytes', () => {
    expect(literalFromString(DEC(10, 2), '1.5')).toBe(150n);
    expect(literalFromString(DEC(10, 2), '-0.25')).toBe(-25n);
    expect(literalFromString(DEC(10, 2), '1e3')).toBe(100000n);
    expect(literalFromString(T('int'), '-42')).toBe(-42);
    expect(literalFromString(T('long'), '9223372036854775807')).toBe(9223372036854775807n);
    expect(literalFromString(T('double'), '1.5e-3')).toBe(0.0015);
    expect(literalFromString(T('double'), '-Infinity')).toBe(-Infinity);
    expect(literalFromString(T('float'), '0.1')).toBe(Math.fround(0.1));
    expect(literalFromString(T('boolean'), 'TRUE')).toBe(true);
    expect(literalFromString(T('binary'), '0xCAFE')).toEqual(Uint8Array.of(0xca, 0xfe));
    expect(literalFromString(T('string'), ' keep spaces ')).toBe(' keep spaces ');
  });
  it('says what it expected', () => {
    expect(() => literalFromString(T('int'), '1.5')).toThrow(InvalidArgumentError);
    expect(() => literalFromString(T('int'), '3000000000')).toThrow(/between/);
    expect(() => literalFromString(T('date'), 'yesterday')).toThrow(/YYYY-MM-DD/);
    expect(() => literalFromString(DEC(10, 2), '1.234')).toThrow(InvalidArgumentError);
    expect(() => literalFromString(T('uuid'), 'nope')).toThrow(InvalidArgumentError);
    expect(() => literalFromString(T('double'), '')).toThrow(InvalidArgumentError);
  });
});

describe('literalToDisplay', () => {
  it('prints values for people', () => {
    expect(literalToDisplay(T('date'), 20454)).toBe('2026-01-01');
    expect(literalToDisplay(T('timestamp'), 20454n * 86_400_000_000n)).toBe('2026-01-01T00:00:00');
    expect(literalToDisplay(T('timestamptz'), 1510871468123000n)).toBe('2017-11-16T22:31:08.123+00:00');
    expect(literalToDisplay(T('time'), 81068000000n)).toBe('22:31:08');
    expect(literalToDisplay(DEC(9, 2), -5n)).toBe('-0.05');
    expect(literalToDisplay(T('float'), Math.fround(0.1))).toBe('0.1');
    expect(literalToDisplay(T('long'), 2n ** 63n - 1n)).toBe('9223372036854775807');
    expect(literalToDisplay(T('binary'), Uint8Array.of(0xca, 0xfe))).toBe('cafe');
    expect(literalToDisplay(T('boolean'), false)).toBe('false');
    expect(literalToDisplay(T('string'), 5)).toBe('5'); // never throws
  });
});
