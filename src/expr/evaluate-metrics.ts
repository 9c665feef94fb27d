/**
 * The inclusive metrics evaluator (spec §Scan Planning): decides from a data file's column
 * metrics (value, null and NaN counts, lower and upper bounds) whether the file *might* hold a
 * row matching a bound filter. It answers `false` only when no row can match, so pruning with
 * it never drops a file that holds a matching row.
 *
 * What it relies on, per spec §Manifests and Appendix D:
 * - a missing count or bound means "unknown" (might match); a bound that cannot be decoded is
 *   treated as missing;
 * - bounds exclude nulls and NaNs; a NaN bound (written by old writers) is treated as missing;
 * - a string or binary lower bound may be truncated to a prefix (still ≤ every value) and an
 *   upper bound truncated and incremented (still ≥ every value), so plain comparisons with
 *   them stay valid, and prefix tests compare bound prefixes (`startsWith`);
 * - narrower bounds written before a type promotion are widened by `literalFromBytes`.
 *
 * @module
 */
import { literalFromBytes, compareStrings, type DataFile, type Schema, type Literal } from '../spec/index.js';
import type { BoundExpression, BoundPredicate, BoundReference } from './bound.js';
import { compareValues, isNaNValue, stringPrefix } from './compare.js';

/** Above this many `in` values the evaluator does not compare each with the bounds (as Java and PyIceberg). */
export const IN_PREDICATE_LIMIT = 200;

/**
 * Whether a data file might contain a row matching the filter.
 * @param bound the filter, bound to the table schema (`bindExpression`)
 * @param dataFile the file with its metrics
 * @param schema the schema the filter was bound to (types are read from the bound references;
 *   kept so callers pass the scan's schema explicitly)
 * @returns false only when no row of the file can match
 */
export function fileMightMatch(bound: BoundExpression, dataFile: DataFile, schema: Schema): boolean {
  void schema;
  // An empty file holds no row (spec: record_count is exact for data files).
  if (dataFile.recordCount === 0) return false;
  return new MetricsEvaluator(dataFile).eval(bound);
}

class MetricsEvaluator {
  constructor(private readonly file: DataFile) {}

  eval(e: BoundExpression): boolean {
    switch (e.kind) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'and':
        return e.children.every((c) => this.eval(c));
      case 'or':
        return e.children.some((c) => this.eval(c));
      default:
        return this.leaf(e);
    }
  }

  private valueCount(id: number): number | undefined {
    return this.file.valueCounts?.get(id);
  }

  private nullCount(id: number): number | undefined {
    return this.file.nullValueCounts?.get(id);
  }

  private nanCount(id: number): number | undefined {
    return this.file.nanValueCounts?.get(id);
  }

  /** Every value is null (counts known and equal). */
  private nullsOnly(id: number): boolean {
    const v = this.valueCount(id);
    const n = this.nullCount(id);
    return v !== undefined && n !== undefined && v === n;
  }

  /** Every value is NaN (counts known and equal). */
  private nansOnly(id: number): boolean {
    const v = this.valueCount(id);
    const n = this.nanCount(id);
    return v !== undefined && n !== undefined && v === n;
  }

  private bound(ref: BoundReference, which: 'lower' | 'upper'): Literal | undefined {
    const bytes = (which === 'lower' ? this.file.lowerBounds : this.file.upperBounds)?.get(ref.fieldId);
    if (bytes === undefined) return undefined;
    let v: Literal;
    try {
      v = literalFromBytes(ref.type, bytes);
    } catch {
      // An undecodable bound (foreign writer, wrong width) is as good as none.
      return undefined;
    }
    return isNaNValue(v) ? undefined : v;
  }

  private leaf(p: BoundPredicate): boolean {
    const ref = p.ref;
    const id = ref.fieldId;
    if (p.kind === 'unary') {
      switch (p.op) {
        case 'isNull':
          return this.nullCount(id) !== 0;
        case 'notNull':
          return !this.nullsOnly(id);
        case 'isNaN':
          return this.nanCount(id) !== 0 && !this.nullsOnly(id);
        case 'notNaN':
          return !this.nansOnly(id);
      }
    }
    // Every remaining predicate is false (or unknown) for null and — except notEq / notIn —
    // for NaN values.
    if (this.nullsOnly(id)) return false;
    const type = ref.type;
    if (p.kind === 'set') {
      if (p.op === 'notIn') return this.mightDiffer(ref, p.values);
      if (this.nansOnly(id)) return false;
      if (p.values.length > IN_PREDICATE_LIMIT) return true;
      let values = p.values;
      const lower = this.bound(ref, 'lower');
      if (lower !== undefined) values = values.filter((v) => compareValues(type, v, lower) >= 0);
      if (values.length === 0) return false;
      const upper = this.bound(ref, 'upper');
      if (upper !== undefined) values = values.filter((v) => compareValues(type, v, upper) <= 0);
      return values.length > 0;
    }
    const lit = p.value;
    switch (p.op) {
      case 'notEq':
        return this.mightDiffer(ref, [lit]);
      case 'lt':
      case 'ltEq': {
        if (this.nansOnly(id)) return false;
        const lower = this.bound(ref, 'lower');
        if (lower === undefined) return true;
        const c = compareValues(type, lower, lit);
        return p.op === 'lt' ? c < 0 : c <= 0;
      }
      case 'gt':
      case 'gtEq': {
        if (this.nansOnly(id)) return false;
        const upper = this.bound(ref, 'upper');
        if (upper === undefined) return true;
        const c = compareValues(type, upper, lit);
        return p.op === 'gt' ? c > 0 : c >= 0;
      }
      case 'eq': {
        if (this.nansOnly(id)) return false;
        const lower = this.bound(ref, 'lower');
        if (lower !== undefined && compareValues(type, lower, lit) > 0) return false;
        const upper = this.bound(ref, 'upper');
        return !(upper !== undefined && compareValues(type, upper, lit) < 0);
      }
      case 'startsWith': {
        const prefix = lit as string;
        const lower = this.bound(ref, 'lower');
        if (lower !== undefined && compareStrings(stringPrefix(lower as string, prefix.length), prefix) > 0) return false;
        const upper = this.bound(ref, 'upper');
        return !(upper !== undefined && compareStrings(stringPrefix(upper as string, prefix.length), prefix) < 0);
      }
      case 'notStartsWith': {
        // No row matches only when every value starts with the prefix: the strings with a prefix
        // form an interval, so it is enough that both bounds do.
        const prefix = lit as string;
        const lower = this.bound(ref, 'lower');
        const upper = this.bound(ref, 'upper');
        if (lower === undefined || upper === undefined) return true;
        return !((lower as string).startsWith(prefix) && (upper as string).startsWith(prefix));
      }
    }
  }

  /**
   * `notEq` / `notIn`: no row matches only when every non-null value is one of `values`, which
   * the metrics show when the bounds are equal (so every value equals them), that value is in
   * the set, and the file has no NaN (NaN differs from everything).
   */
  private mightDiffer(ref: BoundReference, values: readonly unknown[]): boolean {
    const type = ref.type;
    const floating = type.type === 'float' || type.type === 'double';
    if (floating && this.nanCount(ref.fieldId) !== 0) return true;
    const lower = this.bound(ref, 'lower');
    const upper = this.bound(ref, 'upper');
    if (lower === undefined || upper === undefined || compareValues(type, lower, upper) !== 0) return true;
    return !values.some((v) => compareValues(type, v as Literal, lower) === 0);
  }
}
