/**
 * The filter string syntax: `x > 5 AND cat IN ('a','b') AND ts >= '2026-01-01'`.
 *
 * ```
 * expr      := or
 * or        := and ( OR and )*
 * and       := unary ( AND unary )*
 * unary     := NOT unary | primary
 * primary   := '(' expr ')' | TRUE | FALSE | predicate
 * predicate := column cmp literal | literal cmp column
 *            | column [NOT] IN '(' literal (',' literal)* ')'
 *            | column [NOT] BETWEEN literal AND literal
 *            | column [NOT] LIKE 'pattern'
 *            | column [NOT] STARTS WITH 'prefix'
 *            | column IS [NOT] NULL | column IS [NOT] NAN
 * cmp       := '=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>='
 * column    := part ('.' part)*        part := identifier | "double quoted" | `back quoted`
 * literal   := ['-'] number | 'single quoted' ('' escapes ') | TRUE | FALSE | X'hex'
 * ```
 *
 * Keywords are case-insensitive; precedence is NOT > AND > OR. STARTS and WITH are keywords only
 * after a column, so columns may still be named so. Numbers keep their exact value: a number a
 * double holds exactly (`5`, `1.5`, `1e3`, `0.1` as the double nearest it) is a `number`, an
 * integer beyond 2^53 a `bigint`, and any other (`12345678901234567890.1234567890`) an
 * {@link ExactNumber} that binding converts from its digits, so a `decimal(38,10)` or `long`
 * column compares with exactly what was written. LIKE takes a prefix pattern `'abc%'`
 * (startsWith) or a pattern without wildcards (equality); `\%`, `\_` and `\\` escape the
 * wildcards. NULL is allowed only after IS. NOT and parentheses nest at most
 * {@link MAX_EXPRESSION_DEPTH} deep.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import {
  alwaysFalse,
  alwaysTrue,
  and,
  eq,
  exactNumber,
  gt,
  gtEq,
  isIn,
  isNaN as isNaNPredicate,
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
  type ExactNumber,
  type Expression,
  type UserLiteral,
} from './expression.js';
import { MAX_EXPRESSION_DEPTH } from './validate.js';

type TokenKind = 'ident' | 'qident' | 'keyword' | 'number' | 'string' | 'hex' | 'op' | 'punct' | 'end';

interface Token {
  readonly kind: TokenKind;
  /** Identifier text (unquoted), keyword in lower case, operator or punctuation symbol, literal text. */
  readonly text: string;
  /** Offset of the token's first character in the filter text. */
  readonly pos: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'like', 'between', 'true', 'false', 'nan']);

/**
 * Parses a filter string into an {@link Expression}.
 * @param text the filter, e.g. `x > 5 AND cat IN ('a','b')`
 * @throws InvalidArgumentError naming the position, with a caret under the offending token
 */
export function parseFilter(text: string): Expression {
  if (typeof text !== 'string') throw new InvalidArgumentError(`a filter must be a string, got ${typeof text}`);
  const parser = new Parser(text, tokenize(text));
  const e = parser.parseExpression();
  parser.expectEnd();
  return e;
}

function syntaxError(text: string, pos: number, message: string): InvalidArgumentError {
  // Show a window of the filter around the position so long filters stay readable.
  const start = Math.max(0, pos - 40);
  const end = Math.min(text.length, pos + 40);
  const excerpt = (start > 0 ? '…' : '') + text.slice(start, end).replaceAll(/[\r\n\t]/g, ' ') + (end < text.length ? '…' : '');
  const caret = ' '.repeat(pos - start + (start > 0 ? 1 : 0)) + '^';
  return new InvalidArgumentError(`invalid filter at position ${pos}: ${message}\n  ${excerpt}\n  ${caret}`, {
    context: { filter: text, position: pos },
  });
}

// ---------------------------------------------------------------- tokenizer

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      // Hex binary literal X'0a0b'.
      if ((c === 'x' || c === 'X') && text[i + 1] === "'") {
        const [body, next] = readQuoted(text, i + 1, "'");
        if (!/^([0-9A-Fa-f]{2})*$/.test(body)) throw syntaxError(text, start, `invalid hex literal X'${body}'`);
        tokens.push({ kind: 'hex', text: body, pos: start });
        i = next;
        continue;
      }
      while (i < n && /[A-Za-z0-9_$]/.test(text[i] as string)) i++;
      const word = text.slice(start, i);
      const lower = word.toLowerCase();
      tokens.push(KEYWORDS.has(lower) ? { kind: 'keyword', text: lower, pos: start } : { kind: 'ident', text: word, pos: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i));
      const body = (m as RegExpExecArray)[0];
      i += body.length;
      if (i < n && /[A-Za-z_]/.test(text[i] as string)) throw syntaxError(text, i, `unexpected character '${text[i]}' after number ${body}`);
      tokens.push({ kind: 'number', text: body, pos: start });
      continue;
    }
    if (c === "'") {
      const [body, next] = readQuoted(text, i, "'");
      tokens.push({ kind: 'string', text: body, pos: start });
      i = next;
      continue;
    }
    if (c === '"' || c === '`') {
      const [body, next] = readQuoted(text, i, c);
      if (body.length === 0) throw syntaxError(text, start, 'empty quoted identifier');
      tokens.push({ kind: 'qident', text: body, pos: start });
      i = next;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '<>' || two === '==') {
      tokens.push({ kind: 'op', text: two, pos: start });
      i += 2;
      continue;
    }
    if (c === '<' || c === '>' || c === '=') {
      tokens.push({ kind: 'op', text: c, pos: start });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '.' || c === '-') {
      tokens.push({ kind: 'punct', text: c, pos: start });
      i++;
      continue;
    }
    throw syntaxError(text, i, `unexpected character '${c}'`);
  }
  tokens.push({ kind: 'end', text: '', pos: n });
  return tokens;
}

/** Reads a quoted run starting at `text[start] === quote`; a doubled quote stands for itself. */
function readQuoted(text: string, start: number, quote: string): [string, number] {
  let out = '';
  let i = start + 1;
  for (;;) {
    const j = text.indexOf(quote, i);
    if (j < 0) throw syntaxError(text, start, `unterminated ${quote === "'" ? 'string' : 'quoted identifier'}`);
    out += text.slice(i, j);
    if (text[j + 1] === quote) {
      out += quote;
      i = j + 2;
      continue;
    }
    return [out, j + 1];
  }
}

// ---------------------------------------------------------------- parser

type CmpOp = 'eq' | 'notEq' | 'lt' | 'ltEq' | 'gt' | 'gtEq';

const CMP: Readonly<Record<string, CmpOp>> = {
  '=': 'eq',
  '==': 'eq',
  '!=': 'notEq',
  '<>': 'notEq',
  '<': 'lt',
  '<=': 'ltEq',
  '>': 'gt',
  '>=': 'gtEq',
};

// `5 < x` is `x > 5`.
const FLIPPED: Readonly<Record<CmpOp, CmpOp>> = { eq: 'eq', notEq: 'notEq', lt: 'gt', ltEq: 'gtEq', gt: 'lt', gtEq: 'ltEq' };

const BUILD: Readonly<Record<CmpOp, (c: string, v: UserLiteral) => Expression>> = { eq, notEq, lt, ltEq, gt, gtEq };

class Parser {
  private i = 0;
  /** Open NOTs and parentheses around the current position. */
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  private peek(offset = 0): Token {
    return (this.tokens[this.i + offset] ?? this.tokens[this.tokens.length - 1]) as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'keyword' && t.text === word;
  }

  /** A contextual keyword: an identifier spelled `word` in any case (STARTS, WITH). */
  private isWord(word: string, offset: number): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i++;
    return true;
  }

  private expectKeyword(word: string, what: string): void {
    if (!this.acceptKeyword(word)) throw this.error(this.peek(), `expected ${word.toUpperCase()} ${what}`);
  }

  private acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) return false;
    this.i++;
    return true;
  }

  private expectPunct(p: string, what: string): void {
    if (!this.acceptPunct(p)) throw this.error(this.peek(), `expected '${p}' ${what}`);
  }

  private error(t: Token, message: string): InvalidArgumentError {
    return syntaxError(this.text, t.pos, `${message}, found ${describe(t)}`);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'end') throw this.error(t, 'expected AND, OR or the end of the filter');
  }

  parseExpression(): Expression {
    const parts = [this.parseAnd()];
    while (this.acceptKeyword('or')) parts.push(this.parseAnd());
    return parts.length === 1 ? (parts[0] as Expression) : or(...parts);
  }

  private parseAnd(): Expression {
    const parts = [this.parseUnary()];
    while (this.acceptKeyword('and')) parts.push(this.parseUnary());
    return parts.length === 1 ? (parts[0] as Expression) : and(...parts);
  }

  /** Enters one more level of NOT or parentheses, refusing to recurse past the limit. */
  private nest<T>(at: Token, parse: () => T): T {
    if (this.depth >= MAX_EXPRESSION_DEPTH) {
      throw syntaxError(this.text, at.pos, `NOT and parentheses nest deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parseUnary(): Expression {
    const t = this.peek();
    if (this.acceptKeyword('not')) return this.nest(t, () => not(this.parseUnary()));
    return this.parsePrimary();
  }

  private parsePrimary(): Expression {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '(') {
      this.i++;
      return this.nest(t, () => {
        const e = this.parseExpression();
        this.expectPunct(')', 'to close the group');
        return e;
      });
    }
    // TRUE / FALSE alone are constant expressions; `TRUE = flag` is a comparison.
    if (t.kind === 'keyword' && (t.text === 'true' || t.text === 'false') && this.peek(1).kind !== 'op') {
      this.i++;
      return t.text === 'true' ? alwaysTrue() : alwaysFalse();
    }
    if (t.kind === 'ident' || t.kind === 'qident') return this.parsePredicate(this.parseColumn());
    if (this.startsLiteral()) {
      // `5 < x`: a literal on the left of a comparison.
      const value = this.parseLiteral('a literal');
      const opTok = this.next();
      const op = opTok.kind === 'op' ? CMP[opTok.text] : undefined;
      if (op === undefined) throw this.error(opTok, 'expected a comparison operator after the literal');
      const column = this.parseColumn();
      return BUILD[FLIPPED[op]](column, value);
    }
    throw this.error(t, 'expected a column, NOT, TRUE, FALSE or (');
  }

  private startsLiteral(): boolean {
    const t = this.peek();
    return (
      t.kind === 'number' || t.kind === 'string' || t.kind === 'hex' ||
      (t.kind === 'punct' && t.text === '-') ||
      (t.kind === 'keyword' && (t.text === 'true' || t.text === 'false'))
    );
  }

  private parseColumn(): string {
    const first = this.next();
    if (first.kind !== 'ident' && first.kind !== 'qident') throw this.error(first, 'expected a column name');
    const parts = [first.text];
    // `a.b.c`: keywords are valid name parts after a dot (`t.in`), spelled as written.
    for (;;) {
      const dot = this.peek();
      const part = this.peek(1);
      if (!(dot.kind === 'punct' && dot.text === '.')) break;
      if (part.kind !== 'ident' && part.kind !== 'qident' && part.kind !== 'keyword') {
        throw this.error(part, 'expected a name part after .');
      }
      this.i += 2;
      parts.push(part.kind === 'keyword' ? this.text.slice(part.pos, part.pos + part.text.length) : part.text);
    }
    return parts.join('.');
  }

  private parsePredicate(column: string): Expression {
    const t = this.peek();
    if (t.kind === 'op') {
      this.i++;
      const op = CMP[t.text] as CmpOp;
      if (this.isKeyword('null')) {
        throw syntaxError(this.text, this.peek().pos, `comparison with NULL is never true; use ${column} IS ${op === 'notEq' ? 'NOT ' : ''}NULL`);
      }
      return BUILD[op](column, this.parseLiteral(`after ${t.text}`));
    }
    if (this.acceptKeyword('is')) {
      const negated = this.acceptKeyword('not');
      if (this.acceptKeyword('null')) return negated ? notNull(column) : isNull(column);
      if (this.acceptKeyword('nan')) return negated ? notNaN(column) : isNaNPredicate(column);
      throw this.error(this.peek(), `expected NULL or NAN after IS${negated ? ' NOT' : ''}`);
    }
    const negated = this.acceptKeyword('not');
    if (this.isWord('starts', 0) && this.isWord('with', 1)) {
      this.i += 2;
      const p = this.next();
      if (p.kind !== 'string') throw this.error(p, 'expected a quoted prefix after STARTS WITH');
      return negated ? notStartsWith(column, p.text) : startsWith(column, p.text);
    }
    if (this.acceptKeyword('in')) {
      this.expectPunct('(', 'after IN');
      const values = [this.parseLiteral('in the IN list')];
      while (this.acceptPunct(',')) values.push(this.parseLiteral('in the IN list'));
      this.expectPunct(')', 'to close the IN list');
      return negated ? notIn(column, values) : isIn(column, values);
    }
    if (this.acceptKeyword('between')) {
      const lo = this.parseLiteral('after BETWEEN');
      this.expectKeyword('and', 'between the BETWEEN bounds');
      const hi = this.parseLiteral('after BETWEEN … AND');
      const range = and(gtEq(column, lo), ltEq(column, hi));
      return negated ? not(range) : range;
    }
    if (this.acceptKeyword('like')) {
      const p = this.next();
      if (p.kind !== 'string') throw this.error(p, 'expected a quoted pattern after LIKE');
      const { prefix, isPrefix } = likePrefix(this.text, p);
      if (isPrefix) return negated ? notStartsWith(column, prefix) : startsWith(column, prefix);
      return negated ? notEq(column, prefix) : eq(column, prefix);
    }
    throw this.error(
      this.peek(),
      negated ? 'expected IN, BETWEEN, LIKE or STARTS WITH after NOT' : `expected an operator after column ${column}`,
    );
  }

  private parseLiteral(where: string): UserLiteral {
    const t = this.next();
    if (t.kind === 'punct' && t.text === '-') {
      const num = this.next();
      if (num.kind !== 'number') throw this.error(num, 'expected a number after -');
      return negate(numberValue(num.text));
    }
    if (t.kind === 'number') return numberValue(t.text);
    if (t.kind === 'string') return t.text;
    if (t.kind === 'hex') return hexValue(t.text);
    if (t.kind === 'keyword' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    if (t.kind === 'keyword' && t.text === 'null') {
      throw syntaxError(this.text, t.pos, 'NULL is only allowed in IS NULL / IS NOT NULL');
    }
    throw this.error(t, `expected a literal ${where}`);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the filter';
    case 'keyword':
      return t.text.toUpperCase();
    case 'string':
      return `'${t.text}'`;
    case 'qident':
      return `"${t.text}"`;
    case 'hex':
      return `X'${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}

function numberValue(text: string): number | bigint | ExactNumber {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  const n = Number(text);
  // A double is what the text means only when the double's shortest form has the same value.
  return sameDecimal(String(n), text) ? n : exactNumber(text);
}

/** Decimal text as (digits without leading or trailing zeros, exponent), or undefined for non-decimal text (`Infinity`). */
function decimalParts(text: string): { digits: string; exponent: number } | undefined {
  const m = /^-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const all = `${m[1] ?? ''}${m[2] ?? ''}`;
  const lead = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(lead).replace(/0+$/, '');
  // The value is 0.digits × 10^exponent.
  return { digits, exponent: digits === '' ? 0 : Number(m[3] ?? 0) + (m[1] ?? '').length - lead };
}

function sameDecimal(a: string, b: string): boolean {
  const x = decimalParts(a);
  const y = decimalParts(b);
  return x !== undefined && y !== undefined && x.digits === y.digits && x.exponent === y.exponent;
}

function negate(v: number | bigint | ExactNumber): number | bigint | ExactNumber {
  if (typeof v === 'object') return exactNumber(v.text.startsWith('-') ? v.text.slice(1) : `-${v.text}`);
  if (typeof v === 'bigint') {
    const r = -v;
    // -2^53 is still exact as a number; keep the number/bigint boundary symmetric.
    return r >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(r) : r;
  }
  return -v;
}

function hexValue(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
  return out;
}

/** Decodes a LIKE pattern: `'abc%'` → prefix `abc`; wildcards elsewhere are unsupported. */
function likePrefix(text: string, t: Token): { prefix: string; isPrefix: boolean } {
  const p = t.text;
  let prefix = '';
  for (let k = 0; k < p.length; k++) {
    const c = p[k] as string;
    if (c === '\\') {
      const nextChar = p[k + 1];
      if (nextChar === '%' || nextChar === '_' || nextChar === '\\') {
        prefix += nextChar;
        k++;
        continue;
      }
      prefix += c;
      continue;
    }
    if (c === '%' && k === p.length - 1) return { prefix, isPrefix: true };
    if (c === '%' || c === '_') {
      throw syntaxError(
        text,
        t.pos,
        `unsupported LIKE pattern '${p}': only a trailing % is supported (escape literal % and _ as \\% and \\_)`,
      );
    }
    prefix += c;
  }
  return { prefix, isPrefix: false };
}
