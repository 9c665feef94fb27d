/**
 * The one check every filter entering the public API goes through (`toExpression`, and
 * `bindExpression` / `expressionToString` for callers that skip it): plain data of the right
 * shape is an expression, anything else is an INVALID_ARGUMENT naming the path of the first
 * offending value, and no tree deeper than MAX_EXPRESSION_DEPTH reaches a recursive walk.
 */
import { describe, expect, it } from 'vitest';
import { type FloeError, isFloeError } from '../../src/errors.js';
import {
  MAX_EXPRESSION_DEPTH,
  and,
  bindExpression,
  eq,
  exactNumber,
  expressionToString,
  isExpression,
  isIn,
  not,
  notStartsWith,
  or,
  parseFilter,
  startsWith,
  toExpression,
  type Expression,
} from '../../src/expr/index.js';
import type { Schema } from '../../src/spec/index.js';

const SCHEMA: Schema = {
  schemaId: 0,
  fields: [
    { id: 1, name: 'id', required: true, type: { type: 'long' } },
    { id: 2, name: 's', required: false, type: { type: 'string' } },
    { id: 3, name: 'd', required: false, type: { type: 'decimal', precision: 38, scale: 10 } },
    { id: 4, name: 'x', required: false, type: { type: 'double' } },
    { id: 5, name: 'i', required: false, type: { type: 'int' } },
  ],
};

function invalid(f: () => unknown): FloeError {
  try {
    f();
  } catch (e) {
    expect(isFloeError(e, 'INVALID_ARGUMENT')).toBe(true);
    return e as FloeError;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

/** `and`/`or` alternating `levels` deep: the builders flatten only same-kind nesting. */
function nested(levels: number): Expression {
  let e: Expression = eq('id', 1);
  for (let i = 1; i < levels; i++) e = i % 2 === 0 ? and(e, eq('s', 'a')) : or(e, eq('s', 'b'));
  return e;
}

describe('toExpression', () => {
  const what = 'filter of delete on table t';

  it('parses strings and passes valid expressions through, frozen', () => {
    expect(toExpression('id = 1', { what })).toEqual(eq('id', 1));
    const plain = { kind: 'or', children: [{ kind: 'literal', op: 'eq', column: 'id', value: 1 }, { kind: 'unary', op: 'isNull', column: 's' }] };
    const e = toExpression(plain, { what });
    expect(e).toEqual(plain);
    expect(Object.isFrozen(e)).toBe(true);
    // A later change to the caller's object does not change the checked copy.
    (plain.children[0] as { value: unknown }).value = {};
    expect(expressionToString(e)).toBe('id = 1 OR s IS NULL');
  });

  it.each([
    ['undefined', undefined, /filter of delete on table t is missing/],
    ['null', null, /is missing \(null\)/],
    ['a number', 1, /got a number/],
    ['a String object', new String('id = 1'), /String object/],
    ['an array', [], /kind/],
    ['a wrong kind', { kind: 'eq', column: 'id', value: 1 }, /at kind: not a filter expression/],
    ['an unknown op', { kind: 'literal', op: 'equals', column: 'id', value: 1 }, /at op: /],
    ['an empty column', { kind: 'unary', op: 'isNull', column: '' }, /at column: a column must not be empty/],
    ['an undefined value', { kind: 'literal', op: 'eq', column: 'id', value: undefined }, /at value: a literal is undefined/],
    ['a Date that is invalid', { kind: 'literal', op: 'eq', column: 'id', value: new Date(Number.NaN) }, /invalid Date/],
    ['a set value that is an object', { kind: 'set', op: 'in', column: 'id', values: [1, {}] }, /at values\[1\]: a literal must be/],
    ['a non-string prefix', { kind: 'literal', op: 'startsWith', column: 's', value: 5 }, /at value: startsWith needs a string prefix/],
    ['an or without children', { kind: 'or', children: [] }, /at children: an or needs at least one child/],
    ['a not without child', { kind: 'not' }, /at child/],
    ['an extra key', { kind: 'true', negate: true }, /negate/],
    ['a malformed exact number', { kind: 'literal', op: 'eq', column: 'd', value: { kind: 'number', text: '1.2.3' } }, /at value: a literal must be/],
  ])('refuses %s naming the argument and the path', (_name, input, message) => {
    const e = invalid(() => toExpression(input, { what }));
    expect(e.message).toContain(what);
    expect(e.message).toMatch(message);
  });

  it('names the position of a syntax error and the argument', () => {
    const e = invalid(() => toExpression('id = = 1', { what }));
    expect(e.message).toContain(what);
    expect(e.message).toContain('position 5');
  });

  it(`accepts ${MAX_EXPRESSION_DEPTH} levels and refuses one more (and cycles) before walking them`, () => {
    expect(isExpression(nested(MAX_EXPRESSION_DEPTH))).toBe(true);
    expect(toExpression(nested(MAX_EXPRESSION_DEPTH), { what })).toBeDefined();
    expect(invalid(() => toExpression(nested(MAX_EXPRESSION_DEPTH + 1), { what })).message).toContain(`deeper than ${MAX_EXPRESSION_DEPTH}`);
    expect(invalid(() => toExpression(nested(100_000), { what })).message).toContain(`${MAX_EXPRESSION_DEPTH}`);
    const loop: { kind: string; children: unknown[] } = { kind: 'and', children: [] };
    loop.children.push(loop, eq('id', 1));
    expect(invalid(() => toExpression(loop, { what })).message).toContain('cyclic');
  });
});

describe('every other way in is checked too', () => {
  it('bindExpression refuses what is not an expression (the ml and transaction paths call it directly)', () => {
    expect(invalid(() => bindExpression({} as Expression, SCHEMA)).message).toMatch(/kind/);
    expect(invalid(() => bindExpression(nested(5000), SCHEMA)).message).toContain(`${MAX_EXPRESSION_DEPTH}`);
    expect(bindExpression({ kind: 'literal', op: 'eq', column: 'id', value: 1 } as Expression, SCHEMA)).toBeDefined();
  });

  it('expressionToString refuses what is not an expression (it printed "undefined" before)', () => {
    expect(invalid(() => expressionToString({ kind: 'nope' } as unknown as Expression)).message).toMatch(/kind/);
  });

  it('isExpression checks the whole tree, not just the root kind', () => {
    expect(isExpression(and(eq('id', 1), startsWith('s', 'a')))).toBe(true);
    expect(isExpression({ kind: 'and', children: [{ kind: 'bogus' }] })).toBe(false);
    expect(isExpression({ kind: 'literal', op: 'eq', column: 'id', value: Number.NaN })).toBe(false);
    expect(isExpression(nested(MAX_EXPRESSION_DEPTH + 1))).toBe(false);
  });

  it('the builders refuse a value that is not an expression operand', () => {
    expect(invalid(() => not({} as Expression)).message).toContain('not a filter expression');
    expect(invalid(() => eq('id', {} as never)).message).toContain('id');
  });
});

describe('exact numbers', () => {
  it('parseFilter keeps a number a double cannot hold as its text, and the rest as numbers', () => {
    expect(parseFilter('d = 12345678901234567890.1234567890')).toEqual(eq('d', exactNumber('12345678901234567890.1234567890')));
    expect(parseFilter('d = -12345678901234567890.1234567890')).toEqual(eq('d', exactNumber('-12345678901234567890.1234567890')));
    expect(parseFilter('d = 0.1000000000000000000001')).toEqual(eq('d', exactNumber('0.1000000000000000000001')));
    expect(parseFilter('i = 9007199254740993.0')).toEqual(eq('i', exactNumber('9007199254740993.0')));
    expect(parseFilter('x = 0.1')).toEqual(eq('x', 0.1));
    expect(parseFilter('x = 1.50')).toEqual(eq('x', 1.5));
    expect(parseFilter('x = 1e21')).toEqual(eq('x', 1e21));
    expect(parseFilter('x = 0.000001')).toEqual(eq('x', 0.000001));
    expect(parseFilter('x = 9007199254740993')).toEqual(eq('x', 9007199254740993n));
  });

  it('print and parse back', () => {
    for (const text of ['d = 12345678901234567890.1234567890', 'd IN (-1.00000000000000000001, 2)', 'd < 1e400']) {
      expect(expressionToString(parseFilter(text))).toBe(text);
      expect(parseFilter(expressionToString(parseFilter(text)))).toEqual(parseFilter(text));
    }
  });

  it('bind from the written digits: exact for decimal and long, bracketed for int, nearest for double', () => {
    const bound = (text: string): string => JSON.stringify(bindExpression(parseFilter(text), SCHEMA), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    expect(bound('d = 12345678901234567890.1234567890')).toContain('"value":"123456789012345678901234567890n"');
    expect(bound('d = 12345678901234567890.12345678901')).toBe('{"kind":"false"}');
    expect(bound('id = 9007199254740993.0')).toContain('"value":"9007199254740993n"');
    expect(bound('id < 9007199254740992.5')).toContain('"op":"ltEq","ref"');
    expect(bound('id < 9007199254740992.5')).toContain('"value":"9007199254740992n"');
    expect(bound('i = 1.0000000000000000000001')).toBe('{"kind":"false"}');
    expect(bound('x = 0.1000000000000000000001')).toContain('"value":0.1');
    expect(String(invalid(() => bindExpression(parseFilter('s = 1.0000000000000000000001'), SCHEMA)))).toContain("quote the value: '1.0000000000000000000001'");
  });

  it('an exponent far out of range does not build a huge number', () => {
    const started = Date.now();
    expect(bindExpression(parseFilter('d < 1e999999999'), SCHEMA).kind).not.toBe('false');
    expect(bindExpression(parseFilter('d = 1e-999999999'), SCHEMA).kind).toBe('false');
    expect(bindExpression(parseFilter('id > 1e999999999'), SCHEMA).kind).toBe('false');
    expect(bindExpression(eq('d', '1e999999999'), SCHEMA).kind).toBe('false');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('exactNumber refuses text that is not a decimal number', () => {
    expect(invalid(() => exactNumber('12abc')).message).toContain('12abc');
    expect(invalid(() => exactNumber('')).message).toContain('not a decimal');
  });
});

describe('STARTS WITH', () => {
  it('parses as startsWith / notStartsWith, in any case, and prints back', () => {
    expect(parseFilter("s STARTS WITH 'ab'")).toEqual(startsWith('s', 'ab'));
    expect(parseFilter("s starts with 'a%_'")).toEqual(startsWith('s', 'a%_'));
    expect(parseFilter("s NOT STARTS WITH 'ab'")).toEqual(notStartsWith('s', 'ab'));
    expect(parseFilter("NOT s STARTS WITH 'ab' AND s LIKE 'a%'")).toEqual(and(not(startsWith('s', 'ab')), startsWith('s', 'a')));
    expect(expressionToString(parseFilter("s NOT STARTS WITH 'it''s'"))).toBe("s NOT STARTS WITH 'it''s'");
  });

  it('leaves columns named starts and with usable', () => {
    expect(parseFilter("starts STARTS WITH 'x' AND with = 1")).toEqual(and(startsWith('starts', 'x'), eq('with', 1)));
    expect(parseFilter('starts IN (1, 2)')).toEqual(isIn('starts', [1, 2]));
  });

  it('needs a quoted prefix', () => {
    expect(invalid(() => parseFilter('s STARTS WITH 5')).message).toContain('expected a quoted prefix after STARTS WITH');
    expect(invalid(() => parseFilter('s STARTS')).message).toContain('expected an operator after column s');
  });
});

describe('nesting depth of filter text', () => {
  it(`allows ${MAX_EXPRESSION_DEPTH} levels of NOT or parentheses and refuses more with a position`, () => {
    expect(parseFilter(`${'('.repeat(MAX_EXPRESSION_DEPTH)}id = 1${')'.repeat(MAX_EXPRESSION_DEPTH)}`)).toEqual(eq('id', 1));
    const e = invalid(() => parseFilter(`${'('.repeat(MAX_EXPRESSION_DEPTH + 1)}id = 1${')'.repeat(MAX_EXPRESSION_DEPTH + 1)}`));
    expect(e.message).toContain(`deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    expect(e.message).toContain(`position ${MAX_EXPRESSION_DEPTH}`);
    expect(invalid(() => parseFilter(`${'NOT '.repeat(100_000)}id = 1`)).message).toContain(`${MAX_EXPRESSION_DEPTH}`);
    expect(invalid(() => parseFilter(`${'(NOT '.repeat(200)}id = 1${')'.repeat(200)}`)).message).toContain(`${MAX_EXPRESSION_DEPTH}`);
  });
});
