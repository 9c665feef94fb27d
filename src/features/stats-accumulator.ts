/**
 * The statistics of one feature over a set of rows, kept in a form two sets can be merged in:
 * counts, min, max, the sum of numeric values, and the distinct values as a HyperLogLog sketch
 * (hyperlolo, precision 12: 4096 one-byte registers, a relative standard error of
 * 1.04 / √4096 ≈ 1.6%; Flajolet et al., "HyperLogLog: the analysis of a near-optimal cardinality
 * estimation algorithm", 2007). Merging two sketches takes each register's maximum, so the sketch
 * of an append's rows merged into its parent's is the sketch of every row: statistics of a
 * snapshot are its parent's plus what it added, with memory bounded by the sketch, not by the
 * number of distinct values.
 *
 * @module
 */
import { HyperLogLog } from 'hyperlolo';
import { CorruptFileError } from '../errors.js';
import { stringifyJson } from '../util/index.js';

/** The sketch's precision (log2 of its register count): 4096 registers, ≈ 1.6% standard error. */
export const DISTINCT_SKETCH_PRECISION = 12;

/** Statistics of one feature over some rows. */
export interface FeatureColumnStats {
  /** Null values. */
  readonly nullCount: number;
  /** Nulls / rows (0 when there are no rows). */
  readonly nullFraction: number;
  /** Smallest non-null value (numbers, bigints as decimal strings, strings, timestamps in ms); null when none. */
  readonly min: number | string | boolean | null;
  /** Largest non-null value; null when none. */
  readonly max: number | string | boolean | null;
  /** Mean of the non-null values of a numeric feature; null otherwise. */
  readonly mean: number | null;
  /**
   * Estimated number of distinct non-null values (a HyperLogLog sketch: relative standard error
   * ≈ 1.6%; exact as long as it is small enough for linear counting to see no collision).
   */
  readonly distinct: number;
}

/** What a merge needs besides the published numbers: stored with each snapshot's statistics. */
export interface AccumulatorState {
  /** Rows seen. */
  readonly rows: number;
  /** Nulls seen. */
  readonly nulls: number;
  /** Min and max as published, or `{ bigint: '…' }` for a long (compared as bigints). */
  readonly min: StateValue;
  /** See `min`. */
  readonly max: StateValue;
  /** Sum of the numeric values. */
  readonly sum: number;
  /** Numeric values seen. */
  readonly numeric: number;
  /** The HyperLogLog sketch of the distinct values, serialized (hyperlolo), base64. */
  readonly sketch: string;
}

type StateValue = number | string | boolean | { readonly bigint: string } | null;
type Comparable = bigint | number | string | boolean;

/** A value as the statistics compare it (dates as ms); undefined for nested values, which are counted, not ranged. */
function comparable(v: unknown): Comparable | undefined {
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.getTime();
  return undefined;
}

/** The statistics of one feature, fed row by row or merged. */
export class FeatureAccumulator {
  private rows = 0;
  private nulls = 0;
  private min: Comparable | undefined;
  private max: Comparable | undefined;
  private sum = 0;
  private numeric = 0;

  private constructor(private sketch: HyperLogLog) {}

  /** @returns an empty accumulator */
  static empty(): FeatureAccumulator {
    return new FeatureAccumulator(new HyperLogLog({ precision: DISTINCT_SKETCH_PRECISION }));
  }

  /**
   * @param state a state written by {@link FeatureAccumulator.state}
   * @param where the document it was read from, for errors
   * @throws CorruptFileError when the sketch cannot be read
   */
  static fromState(state: AccumulatorState, where: string): FeatureAccumulator {
    let sketch: HyperLogLog;
    try {
      sketch = HyperLogLog.deserialize(Buffer.from(state.sketch, 'base64'));
    } catch (e) {
      throw new CorruptFileError(where, `a feature's distinct-count sketch cannot be read: ${(e as Error).message}`, { cause: e });
    }
    if (sketch.precision() !== DISTINCT_SKETCH_PRECISION) throw new CorruptFileError(where, `a feature's distinct-count sketch has precision ${sketch.precision()}, not ${DISTINCT_SKETCH_PRECISION}`);
    const a = new FeatureAccumulator(sketch);
    a.rows = state.rows;
    a.nulls = state.nulls;
    a.min = fromStateValue(state.min);
    a.max = fromStateValue(state.max);
    a.sum = state.sum;
    a.numeric = state.numeric;
    return a;
  }

  /** Adds one row's value. */
  add(v: unknown): void {
    this.rows++;
    if (v === null || v === undefined) {
      this.nulls++;
      return;
    }
    const c = comparable(v);
    // The sketch hashes text: a value's own text (a column holds one type), JSON for nested values.
    this.sketch.add(c === undefined ? stringifyJson(v) : String(c));
    if (c === undefined) return;
    if (this.min === undefined || c < this.min) this.min = c;
    if (this.max === undefined || c > this.max) this.max = c;
    if (typeof c === 'number' || typeof c === 'bigint') {
      this.sum += Number(c);
      this.numeric++;
    }
  }

  /** @returns the statistics of this accumulator's rows and `other`'s together (neither is changed) */
  merge(other: FeatureAccumulator): FeatureAccumulator {
    const out = new FeatureAccumulator(this.sketch.merge(other.sketch));
    out.rows = this.rows + other.rows;
    out.nulls = this.nulls + other.nulls;
    out.min = this.min === undefined || (other.min !== undefined && other.min < this.min) ? other.min : this.min;
    out.max = this.max === undefined || (other.max !== undefined && other.max > this.max) ? other.max : this.max;
    out.sum = this.sum + other.sum;
    out.numeric = this.numeric + other.numeric;
    return out;
  }

  /** @returns the published statistics */
  stats(): FeatureColumnStats {
    const out = (v: Comparable | undefined): number | string | boolean | null => (v === undefined ? null : typeof v === 'bigint' ? v.toString() : v);
    return {
      nullCount: this.nulls,
      nullFraction: this.rows === 0 ? 0 : this.nulls / this.rows,
      min: out(this.min),
      max: out(this.max),
      mean: this.numeric === 0 ? null : this.sum / this.numeric,
      distinct: this.rows === this.nulls ? 0 : Math.round(this.sketch.count()),
    };
  }

  /** @returns what a later merge needs (JSON-safe) */
  state(): AccumulatorState {
    return { rows: this.rows, nulls: this.nulls, min: toStateValue(this.min), max: toStateValue(this.max), sum: this.sum, numeric: this.numeric, sketch: this.sketch.serialize().toString('base64') };
  }
}

function toStateValue(v: Comparable | undefined): StateValue {
  if (v === undefined) return null;
  return typeof v === 'bigint' ? { bigint: v.toString() } : v;
}

function fromStateValue(v: StateValue): Comparable | undefined {
  if (v === null) return undefined;
  return typeof v === 'object' ? BigInt(v.bigint) : v;
}
