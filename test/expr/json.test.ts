/**
 * The REST spec's expression JSON ↔ unbound expressions (src/expr/json.ts): every predicate kind
 * in both the Java form (`term`/`value`) and the spec's newer one (`child`, `left`/`right`,
 * reference objects), typed literals decoded exactly, malformed JSON refused naming its path,
 * unsupported terms refused as such, and bound residuals written with typed values.
 */
import { describe, expect, it } from 'vitest';
import {
  and,
  bindExpression,
  boundExpressionToJson,
  eq,
  expressionFromJson,
  expressionToJson,
  gt,
  gtEq,
  isIn,
  isNaN,
  isNull,
  lt,
  ltEq,
  not,
  notEq,
  notIn,
  notNaN,
  notNull,
  notStartsWith,
  or,
  startsWith,
} from '../../src/expr/index.js';
import { isFloeError } from '../../src/errors.js';
import type { Schema } from '../../src/spec/index.js';
import { parseJson, stringifyJson } from '../../src/util/index.js';

const SCHEMA: Schema = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'long' } },
    { id: 2, name: 'city', required: false, type: { type: 'string' } },
    { id: 3, name: 'amount', required: false, type: { type: 'decimal', precision: 38, scale: 10 } },
    { id: 4, name: 'day', required: false, type: { type: 'date' } },
    { id: 5, name: 'ts', required: false, type: { type: 'timestamptz' } },
    { id: 6, name: 'blob', required: false, type: { type: 'binary' } },
    { id: 7, name: 'x', required: false, type: { type: 'double' } },
    { id: 8, name: 'addr', required: false, type: { type: 'struct', fields: [{ id: 9, name: 'zip', required: false, type: { type: 'string' } }] } },
  ],
};

function refusal(json: unknown): { code: string; message: string } {
  try {
    expressionFromJson(parseJson(JSON.stringify(json)));
  } catch (e) {
    if (isFloeError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(json)}`);
}

describe('expressionFromJson', () => {
  it('reads every predicate kind in the form Java writes', () => {
    const cases: [unknown, ReturnType<typeof and>][] = [
      [true, and()],
      [{ type: 'false' }, or()],
      [{ type: 'literal', value: true }, and()],
      [{ type: 'is-null', term: 'city' }, isNull('city')],
      [{ type: 'not-null', term: 'city' }, notNull('city')],
      [{ type: 'is-nan', term: 'x' }, isNaN('x')],
      [{ type: 'not-nan', term: 'x' }, notNaN('x')],
      [{ type: 'lt', term: 'id', value: 5 }, lt('id', 5)],
      [{ type: 'lt-eq', term: 'id', value: 5 }, ltEq('id', 5)],
      [{ type: 'gt', term: 'id', value: 5 }, gt('id', 5)],
      [{ type: 'gt-eq', term: 'id', value: 5 }, gtEq('id', 5)],
      [{ type: 'eq', term: 'city', value: 'ams' }, eq('city', 'ams')],
      [{ type: 'not-eq', term: 'city', value: 'ams' }, notEq('city', 'ams')],
      [{ type: 'starts-with', term: 'city', value: 'a' }, startsWith('city', 'a')],
      [{ type: 'not-starts-with', term: 'city', value: 'a' }, notStartsWith('city', 'a')],
      [{ type: 'in', term: 'id', values: [1, 2] }, isIn('id', [1, 2])],
      [{ type: 'not-in', term: 'id', values: [] }, notIn('id', [])],
      [{ type: 'not', child: { type: 'is-null', term: 'city' } }, not(isNull('city'))],
      [{ type: 'and', left: { type: 'eq', term: 'id', value: 1 }, right: { type: 'or', left: { type: 'is-null', term: 'city' }, right: false } }, and(eq('id', 1), isNull('city'))],
      [{ type: 'eq', term: { type: 'reference', term: 'addr.zip' }, value: '1011' }, eq('addr.zip', '1011')],
    ];
    for (const [json, expected] of cases) expect(expressionFromJson(json), JSON.stringify(json)).toEqual(expected);
  });

  it("reads the spec's newer form: child, left/right, named references, literal objects, mirrored comparisons", () => {
    const ref = { type: 'reference', name: 'id' };
    expect(expressionFromJson({ type: 'is-null', child: { type: 'reference', name: 'city' } })).toEqual(isNull('city'));
    expect(expressionFromJson({ type: 'lt', left: ref, right: 5 })).toEqual(lt('id', 5));
    expect(expressionFromJson({ type: 'lt', left: 5, right: ref })).toEqual(gt('id', 5));
    expect(expressionFromJson({ type: 'gt-eq', left: { type: 'literal', value: 5 }, right: ref })).toEqual(ltEq('id', 5));
    expect(expressionFromJson({ type: 'in', child: ref, values: [{ type: 'literal', value: 1 }, 2] })).toEqual(isIn('id', [1, 2]));
    // In a ValueExpression a bare string is a literal, so a column must be a reference object.
    expect(refusal({ type: 'eq', left: 'city', right: 'ams' }).code).toBe('UNSUPPORTED');
  });

  it('keeps longs beyond 2^53 exact and decodes typed literals in their JSON single-value form', () => {
    const big = expressionFromJson(parseJson('{"type":"eq","term":"id","value":9007199254740993}'));
    expect(big).toEqual(eq('id', 9007199254740993n));
    const typed = expressionFromJson({
      type: 'and',
      left: { type: 'eq', term: 'amount', value: { type: 'literal', value: '12345678901234567890.1234567890', 'data-type': 'decimal(38,10)' } },
      right: { type: 'in', term: 'blob', values: { type: 'literals', values: ['00FF', '7a'], 'data-type': 'binary' } },
    });
    const bound = bindExpression(typed, SCHEMA);
    expect(bound).toMatchObject({ kind: 'and', children: [{ op: 'eq', value: 123456789012345678901234567890n }, { op: 'in', values: [Uint8Array.of(0, 255), Uint8Array.of(0x7a)] }] });
    const dates = bindExpression(expressionFromJson({ type: 'and', left: { type: 'eq', term: 'day', value: '2007-12-03' }, right: { type: 'lt', term: 'ts', value: { type: 'literal', value: '2007-12-03T10:15:30.123456+00:00', 'data-type': 'timestamptz' } } }), SCHEMA);
    expect(dates).toMatchObject({ children: [{ value: 13850 }, { value: 1196676930123456n }] });
    expect(refusal({ type: 'eq', term: 'amount', value: { type: 'literal', value: '1.5', 'data-type': 'decimal(38' } }).message).toContain('filter.value.data-type');
    expect(refusal({ type: 'eq', term: 'day', value: { type: 'literal', value: '2007-13-03', 'data-type': 'date' } }).message).toContain('filter.value');
  });

  it('refuses malformed JSON with InvalidArgumentError naming the path, never reading it as "every row"', () => {
    const cases: [unknown, string][] = [
      [null, 'filter:'],
      [[], 'filter:'],
      [{}, 'filter.type'],
      [{ type: 'eqq', term: 'id', value: 1 }, 'filter.type'],
      [{ type: 'eq', term: 'id' }, 'filter:'],
      [{ type: 'eq', term: 'id', value: 1, vaule: 2 }, 'vaule'],
      [{ type: 'and', left: true, right: { type: 'lt', term: 'id', value: null } }, 'filter.right.value'],
      [{ type: 'or', left: { type: 'in', term: 'id', values: [1, { a: 1 }] }, right: true }, 'filter.left.values[1]'],
      [{ type: 'not', child: { type: 'starts-with', term: 'city', value: 5 } }, 'filter.child'],
      [{ type: 'is-null', term: '' }, 'filter.term'],
      [{ type: 'is-null', term: 'a', child: { type: 'reference', name: 'a' } }, 'filter:'],
      [{ type: 'eq', term: { type: 'reference', term: 'a', name: 'b' }, value: 1 }, 'filter.term'],
      [{ type: 'reference', name: 'a' }, 'filter.type'],
    ];
    for (const [json, path] of cases) {
      const r = refusal(json);
      expect(r.code, JSON.stringify(json)).toBe('INVALID_ARGUMENT');
      expect(r.message, JSON.stringify(json)).toContain(path);
    }
    let deep: unknown = true;
    for (let i = 0; i < 300; i++) deep = { type: 'not', child: deep };
    expect(refusal(deep).message).toContain('deeper than');
  });

  it('refuses transforms, function applications and references by field id as unsupported', () => {
    expect(refusal({ type: 'eq', term: { type: 'transform', transform: 'day', term: 'ts' }, value: 1 }).code).toBe('UNSUPPORTED');
    expect(refusal({ type: 'eq', left: { type: 'apply', function: 'day', arguments: [] }, right: 1 }).code).toBe('UNSUPPORTED');
    expect(refusal({ type: 'is-null', child: { type: 'reference', id: 3 } }).code).toBe('UNSUPPORTED');
    expect(refusal({ type: 'eq', left: { type: 'reference', name: 'a' }, right: { type: 'reference', name: 'b' } }).code).toBe('UNSUPPORTED');
  });
});

describe('expressionToJson / boundExpressionToJson', () => {
  it('writes what expressionFromJson reads back to the same expression', () => {
    const exprs = [
      and(eq('id', 9007199254740993n), or(isNull('city'), startsWith('city', "it's")), notIn('id', [1, 2, 3])),
      not(and(gt('x', 1.5), notNaN('x'))),
      or(ltEq('addr.zip', '1011'), notEq('id', -4), isIn('city', ['a', 'b'])),
      and(),
      or(),
    ];
    for (const e of exprs) expect(expressionFromJson(parseJson(stringifyJson(expressionToJson(e))))).toEqual(e);
    // Java's form: left-deep binary and/or, plain column names.
    expect(expressionToJson(and(eq('id', 1), eq('id', 2), eq('id', 3)))).toEqual({
      type: 'and',
      left: { type: 'and', left: { type: 'eq', term: 'id', value: 1 }, right: { type: 'eq', term: 'id', value: 2 } },
      right: { type: 'eq', term: 'id', value: 3 },
    });
    // Dates and bytes are written so that binding reads back the same values.
    const e = and(lt('ts', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6))), eq('blob', Uint8Array.of(1, 171)));
    expect(expressionToJson(e)).toMatchObject({ left: { value: '2026-01-02T03:04:05.006000+00:00' }, right: { value: '01AB' } });
    expect(bindExpression(expressionFromJson(expressionToJson(e)), SCHEMA)).toEqual(bindExpression(e, SCHEMA));
  });

  it('writes bound values in their column type: decimals exact, dates and timestamps as ISO strings, binary as hex', () => {
    const bound = bindExpression(
      and(eq('amount', '12345678901234567890.1234567890'), gtEq('day', '2007-12-03'), lt('ts', '2007-12-03T10:15:30.123456Z'), isIn('blob', [Uint8Array.of(0xab), Uint8Array.of(1)]), gt('id', 9007199254740993n)),
      SCHEMA,
    );
    expect(boundExpressionToJson(bound)).toEqual({
      type: 'and',
      left: {
        type: 'and',
        left: {
          type: 'and',
          left: { type: 'and', left: { type: 'eq', term: 'amount', value: '12345678901234567890.1234567890' }, right: { type: 'gt-eq', term: 'day', value: '2007-12-03' } },
          right: { type: 'lt', term: 'ts', value: '2007-12-03T10:15:30.123456+00:00' },
        },
        right: { type: 'in', term: 'blob', values: ['AB', '01'] },
      },
      right: { type: 'gt', term: 'id', value: 9007199254740993n },
    });
    expect(bindExpression(expressionFromJson(boundExpressionToJson(bound)), SCHEMA)).toEqual(bound);
  });
});
