/**
 * Checking data against a table's constraints before anything is written (the circuit breaker
 * of a data contract). Row constraints (not null, min, max, allowed, regex, unique) mark the
 * rows that break them, so a quarantine can split good from bad; commit constraints (max null
 * fraction, row-count bounds) judge the commit's data as a whole.
 *
 * Nulls break only `not-null` (and count toward `max-null-fraction`); NaN breaks `min`/`max`.
 * A constraint on a column the table no longer has is ignored (a rename moves no property).
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import type { ConstraintViolationDetail } from '../errors.js';
import { type Constraint, constraintName } from './constraints.js';
import { keyAt } from './upsert.js';

/** How many sample rows a violation carries. */
export const CONSTRAINT_SAMPLE_ROWS = 5;

/** Options of {@link checkConstraints}. */
export interface CheckConstraintsOptions {
  /**
   * For `unique`: which keys (canonical strings, see `keyAt`) of `rows` of `data` the table
   * already holds. Omitted, only the commit's own rows are checked against each other.
   */
  readonly existingKeys?: (columns: readonly string[], data: arrow.Table, rows: readonly number[]) => Promise<ReadonlySet<string>>;
}

/** What {@link checkConstraints} found. */
export interface ConstraintReport {
  /** Violated constraints with counts and samples; empty when the data passes. */
  readonly violations: ConstraintViolationDetail[];
  /** 1 for each row that breaks a row constraint. */
  readonly badRows: Uint8Array;
  /** Whether a commit constraint (null fraction, row count) failed: no row split can fix that. */
  readonly commitFailed: boolean;
}

function rowObject(data: arrow.Table, i: number): Record<string, unknown> {
  const row = data.get(i);
  return row ? (row.toJSON() as Record<string, unknown>) : {};
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return undefined;
}

/**
 * Checks `data` (already conformed to the table schema) against `constraints`.
 * @param data the rows a commit would add
 * @param constraints the table's constraints
 * @param options how to look up existing keys for `unique`
 */
export async function checkConstraints(data: arrow.Table, constraints: readonly Constraint[], options: CheckConstraintsOptions = {}): Promise<ConstraintReport> {
  const n = data.numRows;
  const badRows = new Uint8Array(n);
  const violations: ConstraintViolationDetail[] = [];
  let commitFailed = false;
  const rowViolation = (c: Constraint, isBad: (i: number) => boolean): void => {
    let count = 0;
    const samples: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) {
      if (!isBad(i)) continue;
      badRows[i] = 1;
      count++;
      if (samples.length < CONSTRAINT_SAMPLE_ROWS) samples.push(rowObject(data, i));
    }
    if (count > 0) violations.push({ constraint: constraintName(c), count, sampleRows: samples });
  };
  const commitViolation = (c: Constraint, detail: string): void => {
    commitFailed = true;
    violations.push({ constraint: constraintName(c), count: 1, detail, sampleRows: [] });
  };
  for (const c of constraints) {
    switch (c.kind) {
      case 'min-rows':
        if (n < c.value) commitViolation(c, `${n} row(s) < ${c.value}`);
        continue;
      case 'max-rows':
        if (n > c.value) commitViolation(c, `${n} row(s) > ${c.value}`);
        continue;
      case 'unique': {
        const vectors = c.columns.map((name) => data.getChild(name));
        if (vectors.some((v) => !v)) continue;
        const vs = vectors as arrow.Vector[];
        const seen = new Set<string>();
        const dup = new Uint8Array(n);
        const firsts: number[] = [];
        for (let i = 0; i < n; i++) {
          const k = keyAt(vs, i);
          if (seen.has(k)) dup[i] = 1;
          else {
            seen.add(k);
            firsts.push(i);
          }
        }
        const existing = options.existingKeys && seen.size > 0 ? await options.existingKeys(c.columns, data, firsts) : new Set<string>();
        rowViolation(c, (i) => dup[i] === 1 || existing.has(keyAt(vs, i)));
        continue;
      }
      default:
        break;
    }
    const vector = data.getChild(c.column);
    if (!vector) continue;
    switch (c.kind) {
      case 'not-null':
        rowViolation(c, (i) => vector.get(i) === null);
        break;
      case 'max-null-fraction': {
        const nulls = vector.nullCount;
        const fraction = n === 0 ? 0 : nulls / n;
        if (fraction > c.value) commitViolation(c, `null fraction ${fraction.toFixed(4)} (${nulls} of ${n} rows) > ${c.value}`);
        break;
      }
      case 'min':
      case 'max': {
        const bound = c.value;
        const isMin = c.kind === 'min';
        rowViolation(c, (i) => {
          const v = vector.get(i) as unknown;
          if (v === null || v === undefined) return false;
          const x = asNumber(v);
          if (x === undefined || Number.isNaN(x)) return true;
          return isMin ? x < bound : x > bound;
        });
        break;
      }
      case 'allowed': {
        const allowed = new Set(c.values.map((v) => String(v)));
        rowViolation(c, (i) => {
          const v = vector.get(i) as unknown;
          return v !== null && v !== undefined && !allowed.has(String(v));
        });
        break;
      }
      case 'regex': {
        const re = new RegExp(`^(?:${c.pattern})$`, 'u');
        rowViolation(c, (i) => {
          const v = vector.get(i) as unknown;
          return v !== null && v !== undefined && !re.test(String(v));
        });
        break;
      }
    }
  }
  return { violations, badRows, commitFailed };
}
