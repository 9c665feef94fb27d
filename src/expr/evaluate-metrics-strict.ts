/**
 * The strict metrics evaluator: decides from a data file's column metrics whether *every* row
 * of the file matches a bound filter (so a delete by that filter can drop the file whole). It
 * answers `true` only when the metrics prove it; missing metrics mean `false`.
 *
 * Under three-valued logic a null value makes every comparison unknown, so comparisons need a
 * null count of 0; `isNull` needs every value null. NaN fails every ordering and equality, so
 * those need a NaN count of 0 on floating-point columns. Truncated bounds keep their meaning
 * (a lower bound ≤ every value, an upper bound ≥ every value), which is all these rules use.
 *
 * @module
 */
import { literalFromBytes, type DataFile, type Literal, type Schema } from '../spec/index.js';
import type { BoundExpression, BoundPredicate, BoundReference } from './bound.js';
import { compareValues, isNaNValue } from './compare.js';

/**
 * Whether every row of a data file matches the filter.
 * @param bound the filter, bound to the table schema
 * @param dataFile the file with its metrics
 * @param schema the schema the filter was bound to (types come from the bound references)
 * @returns true only when the metrics prove that every row matches
 */
export function fileMustMatch(bound: BoundExpression, dataFile: DataFile, schema: Schema): boolean {
  void schema;
  // Every row of an empty file matches.
  if (dataFile.recordCount === 0) return true;
  return new StrictEvaluator(dataFile).eval(bound);
}

class StrictEvaluator {
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
        // One child true for every row suffices (a proof for the or, not the only one).
        return e.children.some((c) => this.eval(c));
      default:
        return this.leaf(e);
    }
  }

  private isFloating(ref: BoundReference): boolean {
    return ref.type.type === 'float' || ref.type.type === 'double';
  }

  private noNulls(ref: BoundReference): boolean {
    return !ref.isOptional || this.file.nullValueCounts?.get(ref.fieldId) === 0;
  }

  private noNaNs(ref: BoundReference): boolean {
    return !this.isFloating(ref) || this.file.nanValueCounts?.get(ref.fieldId) === 0;
  }

  private bound(ref: BoundReference, which: 'lower' | 'upper'): Literal | undefined {
    const bytes = (which === 'lower' ? this.file.lowerBounds : this.file.upperBounds)?.get(ref.fieldId);
    if (bytes === undefined) return undefined;
    try {
      const v = literalFromBytes(ref.type, bytes);
      return isNaNValue(v) ? undefined : v;
    } catch {
      return undefined;
    }
  }

  private leaf(p: BoundPredicate): boolean {
    const ref = p.ref;
    const id = ref.fieldId;
    if (p.kind === 'unary') {
      const values = this.file.valueCounts?.get(id);
      switch (p.op) {
        case 'isNull': {
          const nulls = this.file.nullValueCounts?.get(id);
          return values !== undefined && nulls !== undefined && values === nulls && values === this.file.recordCount;
        }
        case 'notNull':
          return this.noNulls(ref);
        case 'isNaN': {
          const nans = this.file.nanValueCounts?.get(id);
          return values !== undefined && nans !== undefined && values === nans && values === this.file.recordCount;
        }
        case 'notNaN':
          return this.noNaNs(ref);
      }
    }
    if (!this.noNulls(ref)) return false;
    const type = ref.type;
    const lower = (): Literal | undefined => this.bound(ref, 'lower');
    const upper = (): Literal | undefined => this.bound(ref, 'upper');
    if (p.kind === 'set') {
      const lo = lower();
      const hi = upper();
      if (lo === undefined || hi === undefined) return false;
      if (p.op === 'in') {
        // Every value is the single value lower = upper, and it is in the set.
        return this.noNaNs(ref) && compareValues(type, lo, hi) === 0 && p.values.some((v) => compareValues(type, v, lo) === 0);
      }
      // notIn: every literal lies outside [lower, upper] (NaN is in no set, so NaNs match).
      return p.values.every((v) => compareValues(type, v, lo) < 0 || compareValues(type, v, hi) > 0);
    }
    const lit = p.value;
    switch (p.op) {
      case 'lt':
      case 'ltEq': {
        const hi = upper();
        if (hi === undefined || !this.noNaNs(ref)) return false;
        const c = compareValues(type, hi, lit);
        return p.op === 'lt' ? c < 0 : c <= 0;
      }
      case 'gt':
      case 'gtEq': {
        const lo = lower();
        if (lo === undefined || !this.noNaNs(ref)) return false;
        const c = compareValues(type, lo, lit);
        return p.op === 'gt' ? c > 0 : c >= 0;
      }
      case 'eq': {
        const lo = lower();
        const hi = upper();
        if (lo === undefined || hi === undefined || !this.noNaNs(ref)) return false;
        return compareValues(type, lo, lit) === 0 && compareValues(type, hi, lit) === 0;
      }
      case 'notEq': {
        const lo = lower();
        const hi = upper();
        if (lo === undefined || hi === undefined) return false;
        return compareValues(type, lit, lo) < 0 || compareValues(type, lit, hi) > 0;
      }
      case 'startsWith': {
        const lo = lower();
        const hi = upper();
        if (lo === undefined || hi === undefined) return false;
        // Strings with a prefix form an interval: both bounds in it put every value in it.
        return (lo as string).startsWith(lit as string) && (hi as string).startsWith(lit as string);
      }
      case 'notStartsWith': {
        const prefix = lit as string;
        const lo = lower();
        const hi = upper();
        // Every value sorts after every string with the prefix, or before all of them.
        if (lo !== undefined && !(lo as string).startsWith(prefix) && compareValues(type, lo, prefix) > 0) return true;
        return hi !== undefined && compareValues(type, hi, prefix) < 0;
      }
    }
  }
}
