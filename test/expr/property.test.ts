// Property tests of the expr promise: pruning never drops a file (or partition, or manifest)
// that holds a matching row, and rowMask is exactly the brute-force row filter. The brute force
// evaluates the *unbound* expression on the raw row values with its own comparisons, so binding
// (literal conversion, rewrites, not push-down) is checked too.
import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  and,
  bindExpression,
  eq,
  evaluatePartition,
  fileMightMatch,
  fileMustMatch,
  gt,
  gtEq,
  isIn,
  isNaN as isNaNPred,
  isNull,
  lt,
  ltEq,
  manifestMightMatch,
  not,
  notEq,
  notIn,
  notNaN,
  notNull,
  notStartsWith,
  or,
  projectInclusive,
  projectStrict,
  rowMask,
  startsWith,
  type Expression,
  type UserLiteral,
} from '../../src/expr/index.js';
import { literalToBytes, truncateLowerBound, truncateUpperBound } from '../../src/spec/bounds.js';
import type { DataFile, FieldSummary } from '../../src/spec/manifest.js';
import type { PartitionSpec, Transform } from '../../src/spec/partition.js';
import { partitionType } from '../../src/spec/partition.js';
import { applyTransform, canTransform, transformResultType } from '../../src/spec/transform.js';
import type { PrimitiveType, Schema } from '../../src/spec/types.js';
import { compareLiterals, type Literal } from '../../src/spec/values.js';
import { batchOf, columnData } from './arrow-helpers.js';

const DAY = 86_400_000_000n;
const HOUR = 3_600_000_000n;
const SEED = 424242;

interface Column {
  readonly id: number;
  readonly name: string;
  readonly type: PrimitiveType;
  readonly arrow: arrow.DataType;
  /** Row values (never null: nulls are added separately). */
  readonly value: fc.Arbitrary<Literal>;
  /** Filter literals, including ones the type cannot hold exactly. */
  readonly literal: fc.Arbitrary<UserLiteral>;
}

const STRINGS = fc.array(fc.constantFrom('a', 'b', 'c', 'é', '😀', '\uffff'), { maxLength: 4 }).map((a) => a.join(''));
const BYTES = fc.array(fc.constantFrom(0, 1, 127, 255), { maxLength: 3 }).map((a) => Uint8Array.from(a));
const FLOATS = fc.oneof(
  fc.integer({ min: -12, max: 12 }).map((x) => Math.fround(x / 4)),
  fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, Math.fround(0.1)),
);
const DOUBLES = fc.oneof(fc.integer({ min: -12, max: 12 }).map((x) => x / 4), fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 0.1));
const TIMESTAMPS = fc
  .tuple(fc.integer({ min: -70, max: 70 }), fc.constantFrom(0n, 1n, HOUR - 1n, HOUR, 12n * HOUR, DAY - 1n))
  .map(([d, o]) => BigInt(d) * DAY + o);
const INT_EXTREMES = fc.constantFrom(-2147483648, 2147483647);

function noNaN(v: UserLiteral): boolean {
  return !(typeof v === 'number' && Number.isNaN(v));
}

const COLUMNS: readonly Column[] = [
  {
    id: 1, name: 'i', type: { type: 'int' }, arrow: new arrow.Int32(),
    value: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -30, max: 30 }) }, { weight: 1, arbitrary: INT_EXTREMES }),
    literal: fc.oneof(fc.integer({ min: -32, max: 32 }), fc.integer({ min: -32, max: 32 }).map((x) => x + 0.5), fc.constantFrom(1e10, -1e10, 2147483647, -2147483648, 3n)),
  },
  {
    id: 2, name: 'l', type: { type: 'long' }, arrow: new arrow.Int64(),
    value: fc.bigInt({ min: -30n, max: 30n }),
    literal: fc.oneof(fc.bigInt({ min: -32n, max: 32n }), fc.integer({ min: -32, max: 32 }).map((x) => x / 2)),
  },
  { id: 3, name: 'f', type: { type: 'float' }, arrow: new arrow.Float32(), value: FLOATS, literal: FLOATS.filter(noNaN) },
  { id: 4, name: 'd', type: { type: 'double' }, arrow: new arrow.Float64(), value: DOUBLES, literal: DOUBLES.filter(noNaN) },
  { id: 5, name: 's', type: { type: 'string' }, arrow: new arrow.Utf8(), value: STRINGS, literal: STRINGS },
  {
    id: 6, name: 'day', type: { type: 'date' }, arrow: new arrow.DateDay(),
    value: fc.oneof(fc.integer({ min: -800, max: 800 }), fc.integer({ min: -40, max: 40 })),
    literal: fc.oneof(
      fc.integer({ min: -810, max: 810 }),
      fc.tuple(fc.integer({ min: -50, max: 50 }), fc.constantFrom(0, 1, 43_200_000)).map(([d, ms]) => new Date(d * 86_400_000 + ms)),
    ),
  },
  {
    id: 7, name: 'ts', type: { type: 'timestamp' }, arrow: new arrow.TimestampMicrosecond(),
    value: TIMESTAMPS,
    literal: fc.oneof(TIMESTAMPS, TIMESTAMPS.map((us) => new Date(Number(us / 1000n)))),
  },
  {
    id: 8, name: 'dec', type: { type: 'decimal', precision: 9, scale: 2 }, arrow: new arrow.Decimal(2, 9, 128),
    value: fc.bigInt({ min: -3000n, max: 3000n }),
    // three fraction digits: some literals fall between two decimal(9,2) values
    literal: fc.integer({ min: -31000, max: 31000 }).map((k) => `${k < 0 ? '-' : ''}${Math.floor(Math.abs(k) / 1000)}.${String(Math.abs(k) % 1000).padStart(3, '0')}`),
  },
  { id: 9, name: 'b', type: { type: 'boolean' }, arrow: new arrow.Bool(), value: fc.boolean(), literal: fc.boolean() },
  { id: 10, name: 'bin', type: { type: 'binary' }, arrow: new arrow.Binary(), value: BYTES, literal: BYTES },
];

const SCHEMA: Schema = {
  schemaId: 0,
  fields: COLUMNS.map((c) => ({ id: c.id, name: c.name, required: false, type: c.type })),
};

type Row = readonly (Literal | null)[];

// ---------------------------------------------------------------- generators

const rowArb: fc.Arbitrary<Row> = fc.tuple(
  ...COLUMNS.map((c) => fc.option(c.value, { freq: 5, nil: null })),
) as unknown as fc.Arbitrary<Row>;

function leafArb(c: Column): fc.Arbitrary<Expression> {
  const cmp = fc.tuple(fc.constantFrom(eq, notEq, lt, ltEq, gt, gtEq), c.literal).map(([f, v]) => f(c.name, v));
  const set = fc.tuple(fc.constantFrom(isIn, notIn), fc.array(c.literal, { minLength: 1, maxLength: 4 })).map(([f, vs]) => f(c.name, vs));
  const unary = fc.constantFrom(isNull, notNull, isNaNPred, notNaN).map((f) => f(c.name));
  const arbs: fc.Arbitrary<Expression>[] = [cmp, cmp, set, unary];
  if (c.type.type === 'string') arbs.push(fc.tuple(fc.constantFrom(startsWith, notStartsWith), STRINGS).map(([f, p]) => f(c.name, p)));
  return fc.oneof(...arbs);
}

const leaf: fc.Arbitrary<Expression> = fc.constantFrom(...COLUMNS).chain(leafArb);

const { expr: exprArb } = fc.letrec<{ expr: Expression }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    leaf,
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((cs) => and(...cs)),
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((cs) => or(...cs)),
    tie('expr').map((e) => not(e)),
  ),
}));

// ---------------------------------------------------------------- brute force (independent semantics)

const ENC = new TextEncoder();

function bytesCmp(a: Uint8Array, b: Uint8Array): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return (a[k] as number) - (b[k] as number);
  return a.length - b.length;
}

function sign(x: number | bigint): number {
  return x < 0 ? -1 : x > 0 ? 1 : 0;
}

/** Mathematical comparison of a row value with a user literal; NaN handled by the caller. */
function semCmp(c: Column, v: Literal, lit: UserLiteral): number {
  switch (c.type.type) {
    case 'int':
    case 'long': {
      const x = v as number | bigint;
      const y = lit as number | bigint;
      return x < y ? -1 : x > y ? 1 : 0; // mixed number/bigint comparison is exact in JS
    }
    case 'float':
      return sign((v as number) - Math.fround(lit as number));
    case 'double':
      return (v as number) < (lit as number) ? -1 : (v as number) > (lit as number) ? 1 : 0;
    case 'date':
      if (lit instanceof Date) return sign((v as number) * 86_400_000 - lit.getTime());
      return sign((v as number) - (lit as number));
    case 'timestamp':
      if (lit instanceof Date) return sign((v as bigint) - BigInt(lit.getTime()) * 1000n);
      return sign((v as bigint) - (lit as bigint));
    case 'decimal': {
      const text = lit as string;
      const scaled = BigInt(text.replace('.', ''));
      return sign((v as bigint) * 10n - scaled);
    }
    case 'string':
      return sign(bytesCmp(ENC.encode(v as string), ENC.encode(lit as string)));
    case 'boolean':
      return Number(v) - Number(lit);
    case 'binary':
      return sign(bytesCmp(v as Uint8Array, lit as Uint8Array));
    default:
      throw new Error(`unexpected type ${c.type.type}`);
  }
}

type T3 = 0 | 1 | 2; // false, unknown, true

function brute(e: Expression, row: Row): T3 {
  switch (e.kind) {
    case 'true':
      return 2;
    case 'false':
      return 0;
    case 'and':
      return e.children.reduce<T3>((acc, c) => Math.min(acc, brute(c, row)) as T3, 2);
    case 'or':
      return e.children.reduce<T3>((acc, c) => Math.max(acc, brute(c, row)) as T3, 0);
    case 'not':
      return (2 - brute(e.child, row)) as T3;
    default: {
      const idx = COLUMNS.findIndex((c) => c.name === e.column);
      const c = COLUMNS[idx] as Column;
      const v = row[idx] ?? null;
      const nan = typeof v === 'number' && Number.isNaN(v);
      if (e.kind === 'unary') {
        if (e.op === 'isNull') return v === null ? 2 : 0;
        if (e.op === 'notNull') return v === null ? 0 : 2;
        if (e.op === 'isNaN') return nan ? 2 : 0;
        return nan ? 0 : 2;
      }
      if (v === null) return 1;
      if (e.kind === 'set') {
        const found = !nan && e.values.some((l) => semCmp(c, v, l) === 0);
        return (e.op === 'in') === found ? 2 : 0;
      }
      if (e.op === 'startsWith') return (v as string).startsWith(e.value as string) ? 2 : 0;
      if (e.op === 'notStartsWith') return (v as string).startsWith(e.value as string) ? 0 : 2;
      if (nan) return e.op === 'notEq' ? 2 : 0;
      const s = semCmp(c, v, e.value);
      const ok = { eq: s === 0, notEq: s !== 0, lt: s < 0, ltEq: s <= 0, gt: s > 0, gtEq: s >= 0 }[e.op];
      return ok ? 2 : 0;
    }
  }
}

function matches(e: Expression, row: Row): boolean {
  return brute(e, row) === 2;
}

// ---------------------------------------------------------------- metrics, partitions, summaries

function isNaNLit(v: Literal | null): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

interface StatsOptions {
  readonly truncateWidth: number;
  readonly dropBounds: readonly boolean[];
  readonly dropNanCounts: boolean;
}

function dataFileOf(rows: readonly Row[], opts: StatsOptions): DataFile {
  const valueCounts = new Map<number, number>();
  const nullValueCounts = new Map<number, number>();
  const nanValueCounts = new Map<number, number>();
  const lowerBounds = new Map<number, Uint8Array>();
  const upperBounds = new Map<number, Uint8Array>();
  COLUMNS.forEach((c, k) => {
    const values = rows.map((r) => r[k] ?? null);
    valueCounts.set(c.id, values.length);
    nullValueCounts.set(c.id, values.filter((v) => v === null).length);
    if ((c.type.type === 'float' || c.type.type === 'double') && !opts.dropNanCounts) {
      nanValueCounts.set(c.id, values.filter(isNaNLit).length);
    }
    const present = values.filter((v): v is Literal => v !== null && !isNaNLit(v));
    if (present.length === 0 || opts.dropBounds[k]) return;
    const sorted = [...present].sort((a, b) => compareLiterals(c.type, a, b));
    const lo = truncateLowerBound(c.type, sorted[0] as Literal, opts.truncateWidth);
    const hi = truncateUpperBound(c.type, sorted[sorted.length - 1] as Literal, opts.truncateWidth);
    lowerBounds.set(c.id, literalToBytes(c.type, lo));
    if (hi !== null) upperBounds.set(c.id, literalToBytes(c.type, hi));
  });
  return {
    content: 0,
    filePath: 'f.parquet',
    fileFormat: 'PARQUET',
    partition: [],
    recordCount: rows.length,
    fileSizeInBytes: 1,
    valueCounts,
    nullValueCounts,
    nanValueCounts,
    lowerBounds,
    upperBounds,
  };
}

const TRANSFORMS: readonly Transform[] = [
  { kind: 'identity' },
  { kind: 'bucket', numBuckets: 3 },
  { kind: 'truncate', width: 1 },
  { kind: 'truncate', width: 2 },
  { kind: 'truncate', width: 10 },
  { kind: 'year' },
  { kind: 'month' },
  { kind: 'day' },
  { kind: 'hour' },
  { kind: 'void' },
];

const specArb: fc.Arbitrary<PartitionSpec> = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: COLUMNS.length - 1 }), fc.integer({ min: 0, max: TRANSFORMS.length - 1 })).filter(([c, t]) =>
      canTransform(TRANSFORMS[t] as Transform, (COLUMNS[c] as Column).type),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((fields) => ({
    specId: 0,
    fields: fields.map(([c, t], k) => ({
      sourceId: (COLUMNS[c] as Column).id,
      fieldId: 1000 + k,
      name: `p${k}`,
      transform: TRANSFORMS[t] as Transform,
    })),
  }));

function tupleOf(spec: PartitionSpec, row: Row): (Literal | null)[] {
  return spec.fields.map((f) => {
    const k = COLUMNS.findIndex((c) => c.id === f.sourceId);
    return applyTransform(f.transform, (COLUMNS[k] as Column).type, row[k] ?? null);
  });
}

function summariesOf(spec: PartitionSpec, tuples: readonly (readonly (Literal | null)[])[]): FieldSummary[] {
  return spec.fields.map((f, k) => {
    const source = (COLUMNS.find((c) => c.id === f.sourceId) as Column).type;
    const type = transformResultType(f.transform, source);
    const values = tuples.map((t) => t[k] ?? null);
    const present = values.filter((v): v is Literal => v !== null && !isNaNLit(v)).sort((a, b) => compareLiterals(type, a, b));
    const floating = type.type === 'float' || type.type === 'double';
    const lo = present[0];
    const hi = present[present.length - 1];
    return {
      containsNull: values.some((v) => v === null),
      ...(floating ? { containsNan: values.some(isNaNLit) } : {}),
      ...(lo === undefined ? {} : { lowerBound: literalToBytes(type, lo) }),
      ...(hi === undefined ? {} : { upperBound: literalToBytes(type, hi) }),
    };
  });
}

function key(t: readonly (Literal | null)[]): string {
  return JSON.stringify(t.map((v) => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v)), (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v,
  );
}

// ---------------------------------------------------------------- properties

describe('pruning never drops a matching row (property)', () => {
  it('fileMightMatch is true whenever some row matches', () => {
    let pruned = 0;
    let empty = 0;
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 12 }),
        fc.array(exprArb, { minLength: 1, maxLength: 6 }),
        fc.record({
          truncateWidth: fc.integer({ min: 1, max: 3 }),
          dropBounds: fc.constant(COLUMNS.map(() => false)),
          dropNanCounts: fc.boolean(),
        }),
        (rows, exprs, opts) => {
          const file = dataFileOf(rows, opts);
          for (const e of exprs) {
            const bound = bindExpression(e, SCHEMA);
            const anyMatch = rows.some((r) => matches(e, r));
            const might = fileMightMatch(bound, file, SCHEMA);
            if (anyMatch) expect(might, JSON.stringify(e, replacer)).toBe(true);
            else {
              empty++;
              if (!might) pruned++;
            }
          }
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
    // the evaluator must also prune: a large share of files without a match is dropped
    expect(pruned / empty).toBeGreaterThan(0.3);
  });

  it('fileMightMatch tolerates missing bounds and NaN counts', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 8 }),
        fc.array(exprArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: COLUMNS.length, maxLength: COLUMNS.length }),
        (rows, exprs, dropBounds) => {
          const file = dataFileOf(rows, { truncateWidth: 2, dropBounds, dropNanCounts: true });
          for (const e of exprs) {
            if (rows.some((r) => matches(e, r))) expect(fileMightMatch(bindExpression(e, SCHEMA), file, SCHEMA)).toBe(true);
          }
        },
      ),
      { seed: SEED + 1, numRuns: 200 },
    );
  });

  it('a partition holding a matching row satisfies the inclusive projection', () => {
    let pruned = 0;
    let empty = 0;
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 12 }), fc.array(exprArb, { minLength: 1, maxLength: 5 }), specArb, (rows, exprs, spec) => {
        const groups = new Map<string, { tuple: (Literal | null)[]; rows: Row[] }>();
        for (const r of rows) {
          const tuple = tupleOf(spec, r);
          const g = groups.get(key(tuple)) ?? { tuple, rows: [] };
          g.rows.push(r);
          groups.set(key(tuple), g);
        }
        const ptype = partitionType(spec, SCHEMA);
        for (const e of exprs) {
          const projected = projectInclusive(bindExpression(e, SCHEMA), spec, SCHEMA);
          for (const g of groups.values()) {
            const anyMatch = g.rows.some((r) => matches(e, r));
            const keep = evaluatePartition(projected, g.tuple);
            const manifestKeep = manifestMightMatch(projected, summariesOf(spec, [g.tuple]), ptype);
            if (anyMatch) {
              expect(keep, `${JSON.stringify(e, replacer)} ${key(g.tuple)}`).toBe(true);
              expect(manifestKeep, `${JSON.stringify(e, replacer)} ${key(g.tuple)}`).toBe(true);
            } else {
              empty++;
              if (!keep) pruned++;
            }
          }
          // one manifest over every partition
          if (rows.some((r) => matches(e, r))) {
            const all = [...groups.values()].map((g) => g.tuple);
            expect(manifestMightMatch(projected, summariesOf(spec, all), ptype)).toBe(true);
          }
        }
      }),
      { seed: SEED + 2, numRuns: 400 },
    );
    expect(pruned / empty).toBeGreaterThan(0.1);
  });
});

describe('strict evaluation never claims a non-matching row (property)', () => {
  it('fileMustMatch is true only when every row matches', () => {
    let proved = 0;
    let all = 0;
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 6 }),
        fc.array(exprArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        (rows, exprs, truncateWidth, dropNanCounts) => {
          const file = dataFileOf(rows, { truncateWidth, dropBounds: COLUMNS.map(() => false), dropNanCounts });
          for (const e of exprs) {
            const must = fileMustMatch(bindExpression(e, SCHEMA), file, SCHEMA);
            const every = rows.every((r) => matches(e, r));
            if (must) expect(every, JSON.stringify(e, replacer)).toBe(true);
            if (every) {
              all++;
              if (must) proved++;
            }
          }
        },
      ),
      { seed: SEED + 4, numRuns: 400 },
    );
    expect(proved / all).toBeGreaterThan(0.2);
  });

  it('a partition claimed by the strict projection holds only matching rows', () => {
    let proved = 0;
    let all = 0;
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 12 }), fc.array(exprArb, { minLength: 1, maxLength: 5 }), specArb, (rows, exprs, spec) => {
        const groups = new Map<string, { tuple: (Literal | null)[]; rows: Row[] }>();
        for (const r of rows) {
          const tuple = tupleOf(spec, r);
          const g = groups.get(key(tuple)) ?? { tuple, rows: [] };
          g.rows.push(r);
          groups.set(key(tuple), g);
        }
        for (const e of exprs) {
          const strict = projectStrict(bindExpression(e, SCHEMA), spec, SCHEMA);
          for (const g of groups.values()) {
            const claimed = evaluatePartition(strict, g.tuple);
            const every = g.rows.every((r) => matches(e, r));
            if (claimed) expect(every, `${JSON.stringify(e, replacer)} ${key(g.tuple)}`).toBe(true);
            if (every) {
              all++;
              if (claimed) proved++;
            }
          }
        }
      }),
      { seed: SEED + 5, numRuns: 400 },
    );
    expect(proved / all).toBeGreaterThan(0.1);
  });
});

describe('rowMask equals the brute-force row filter (property)', () => {
  it('over every column type, nulls, NaNs and slices', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 0, maxLength: 20 }),
        fc.array(exprArb, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (rows, exprs, sliceSeed) => {
          const batch = batchOf(COLUMNS.map((c, k) => ({ name: c.name, fieldId: c.id, data: columnData(c.arrow, rows.map((r) => r[k] ?? null)) })));
          const start = rows.length === 0 ? 0 : sliceSeed % rows.length;
          const sliced = batch.slice(start, rows.length);
          for (const e of exprs) {
            const bound = bindExpression(e, SCHEMA);
            const expected = rows.map((r) => (matches(e, r) ? 1 : 0));
            expect([...rowMask(bound, batch, SCHEMA)], JSON.stringify(e, replacer)).toEqual(expected);
            expect([...rowMask(bound, sliced, SCHEMA)]).toEqual(expected.slice(start));
          }
        },
      ),
      { seed: SEED + 3, numRuns: 300 },
    );
  });
});

function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `bytes[${Array.from(v).join(',')}]`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Object.is(v, -0)) return '-0';
  return v;
}
