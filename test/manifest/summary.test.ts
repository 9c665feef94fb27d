import { describe, expect, it } from 'vitest';
import { isFloeError } from '../../src/errors.js';
import { summarizePartitions } from '../../src/manifest/index.js';
import { literalToBytes } from '../../src/spec/bounds.js';
import type { PrimitiveType, StructType } from '../../src/spec/types.js';

const struct = (...types: PrimitiveType[]): StructType => ({
  type: 'struct',
  fields: types.map((type, i) => ({ id: 1000 + i, name: `p${i}`, required: false, type })),
});

describe('summarizePartitions', () => {
  it('bounds follow Iceberg order per type and skip nulls', () => {
    const t = struct({ type: 'int' }, { type: 'string' }, { type: 'decimal', precision: 3, scale: 2 }, { type: 'long' });
    const s = summarizePartitions(t, [
      [5, 'b', 456n, -(2n ** 62n)],
      [-3, 'a\u{1F600}', null, 2n ** 62n],
      [null, 'a\uFFFF', 123n, 0n],
    ]);
    expect(s).toEqual([
      { containsNull: true, containsNan: false, lowerBound: literalToBytes({ type: 'int' }, -3), upperBound: literalToBytes({ type: 'int' }, 5) },
      // code point order: U+FFFF < U+1F600 (UTF-16 code units would say otherwise)
      { containsNull: false, containsNan: false, lowerBound: literalToBytes({ type: 'string' }, 'a\uFFFF'), upperBound: literalToBytes({ type: 'string' }, 'b') },
      { containsNull: true, containsNan: false, lowerBound: Uint8Array.of(0x7b), upperBound: Uint8Array.of(0x01, 0xc8) },
      { containsNull: false, containsNan: false, lowerBound: literalToBytes({ type: 'long' }, -(2n ** 62n)), upperBound: literalToBytes({ type: 'long' }, 2n ** 62n) },
    ]);
  });

  it('NaN is flagged and never a bound; -0.0 precedes 0.0', () => {
    const t = struct({ type: 'double' }, { type: 'float' });
    const [d, f] = summarizePartitions(t, [
      [0, NaN],
      [-0, NaN],
      [NaN, null],
    ]);
    expect(d).toEqual({ containsNull: false, containsNan: true, lowerBound: literalToBytes({ type: 'double' }, -0), upperBound: literalToBytes({ type: 'double' }, 0) });
    expect(f).toEqual({ containsNull: true, containsNan: true });
  });

  it('no entries: no bounds; all null: contains_null only', () => {
    const t = struct({ type: 'date' });
    expect(summarizePartitions(t, [])).toEqual([{ containsNull: false, containsNan: false }]);
    expect(summarizePartitions(t, [[null]])).toEqual([{ containsNull: true, containsNan: false }]);
  });

  it('a tuple of the wrong arity is an InvalidArgumentError', () => {
    try {
      summarizePartitions(struct({ type: 'int' }), [[1, 2]]);
      expect.unreachable();
    } catch (e) {
      expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
