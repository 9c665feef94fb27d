/**
 * The manifest evaluator (spec §Scan Planning, §Manifest Lists `field_summary`): decides from
 * a manifest's partition field summaries whether any of its files might hold a matching row,
 * given the filter projected onto the manifest's partition spec (`projectInclusive`).
 *
 * Summaries give, per partition field: whether some value is null (`contains_null`), whether
 * some value is NaN (`contains_nan`, absent when unknown), and bounds over the non-null,
 * non-NaN values — absent when every value is null or NaN. The evaluator answers `false` only
 * when no partition in the manifest can satisfy the projected filter.
 *
 * @module
 */
import { literalFromBytes, compareStrings, type FieldSummary, type StructType, type Literal } from '../spec/index.js';
import type { BoundPartitionExpression, BoundPredicate, BoundReference } from './bound.js';
import { compareValues, isNaNValue, stringPrefix } from './compare.js';
import { IN_PREDICATE_LIMIT } from './evaluate-metrics.js';

/**
 * Whether a manifest might list a file with a matching row.
 * @param projected the filter projected onto the manifest's partition spec
 * @param partitions the manifest's field summaries, one per partition field (absent in some
 *   v1 manifest lists: then it might match)
 * @param partitionType the partition tuple's struct type (`partitionType(spec, schema)`)
 */
export function manifestMightMatch(
  projected: BoundPartitionExpression,
  partitions: readonly FieldSummary[] | undefined,
  partitionType: StructType,
): boolean {
  if (partitions === undefined || partitions.length !== partitionType.fields.length) return true;
  return evalManifest(projected, partitions);
}

function evalManifest(e: BoundPartitionExpression, partitions: readonly FieldSummary[]): boolean {
  switch (e.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return e.children.every((c) => evalManifest(c, partitions));
    case 'or':
      return e.children.some((c) => evalManifest(c, partitions));
    default: {
      const s = e.ref.position === undefined ? undefined : partitions[e.ref.position];
      return s === undefined ? true : summaryMightMatch(e, s);
    }
  }
}

function decode(ref: BoundReference, bytes: Uint8Array | undefined): Literal | undefined {
  if (bytes === undefined) return undefined;
  try {
    const v = literalFromBytes(ref.type, bytes);
    return isNaNValue(v) ? undefined : v;
  } catch {
    return undefined;
  }
}

function summaryMightMatch(p: BoundPredicate, s: FieldSummary): boolean {
  const ref = p.ref;
  const type = ref.type;
  const floating = type.type === 'float' || type.type === 'double';
  const lower = decode(ref, s.lowerBound);
  const upper = decode(ref, s.upperBound);
  // Bounds are absent only when every value is null or NaN (or the manifest is empty).
  const hasBounds = s.lowerBound !== undefined || s.upperBound !== undefined;
  const allNull = s.containsNull && !hasBounds && (!floating || s.containsNan === false);
  if (p.kind === 'unary') {
    switch (p.op) {
      case 'isNull':
        return s.containsNull;
      case 'notNull':
        return !allNull;
      case 'isNaN':
        return s.containsNan !== false;
      case 'notNaN':
        // Every value is NaN: NaNs present, no nulls, no bounds.
        return !(s.containsNan === true && !s.containsNull && !hasBounds);
    }
  }
  if (p.kind === 'set') {
    if (p.op === 'notIn') return true;
    if (!hasBounds) return false;
    if (p.values.length > IN_PREDICATE_LIMIT) return true;
    let values = p.values;
    if (lower !== undefined) values = values.filter((v) => compareValues(type, v, lower) >= 0);
    if (upper !== undefined) values = values.filter((v) => compareValues(type, v, upper) <= 0);
    return values.length > 0;
  }
  const lit = p.value;
  switch (p.op) {
    case 'notEq':
      return true;
    case 'notStartsWith': {
      if (s.containsNull || lower === undefined || upper === undefined) return true;
      const prefix = lit as string;
      return !((lower as string).startsWith(prefix) && (upper as string).startsWith(prefix));
    }
    default:
      break;
  }
  // Every remaining predicate needs a non-null, non-NaN value: none without bounds.
  if (!hasBounds) return false;
  switch (p.op) {
    case 'lt':
      return lower === undefined || compareValues(type, lower, lit) < 0;
    case 'ltEq':
      return lower === undefined || compareValues(type, lower, lit) <= 0;
    case 'gt':
      return upper === undefined || compareValues(type, upper, lit) > 0;
    case 'gtEq':
      return upper === undefined || compareValues(type, upper, lit) >= 0;
    case 'eq':
      return (
        (lower === undefined || compareValues(type, lower, lit) <= 0) &&
        (upper === undefined || compareValues(type, upper, lit) >= 0)
      );
    case 'startsWith': {
      const prefix = lit as string;
      if (lower !== undefined && compareStrings(stringPrefix(lower as string, prefix.length), prefix) > 0) return false;
      return !(upper !== undefined && compareStrings(stringPrefix(upper as string, prefix.length), prefix) < 0);
    }
  }
}
