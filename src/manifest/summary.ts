/**
 * Partition summaries of a manifest (spec §Manifest Lists `field_summary`), which let scan
 * planning skip whole manifests.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { compareLiterals, literalToBytes, type FieldSummary, type Literal, type PrimitiveType, type StructType } from '../spec/index.js';

/**
 * Summarises the partition tuples of a manifest's entries, one summary per partition field:
 * whether any value is null, whether any is NaN (float and double fields; `false` otherwise,
 * as Java writes), and the lower and upper bound of the non-null, non-NaN values in Iceberg's
 * order (so `-0.0` precedes `0.0`), single-value serialized (spec Appendix D). Bounds are
 * absent when every value is null or NaN.
 *
 * Java counts every entry, DELETED ones included (`ManifestWriter.addEntry`); callers pass the
 * tuples of all entries for the same result.
 *
 * @param partitionType the partition type of the manifest's spec
 * @param partitions one tuple per entry, in the spec's field order
 * @throws InvalidArgumentError when a tuple's arity or a value's type does not match
 */
export function summarizePartitions(
  partitionType: StructType,
  partitions: readonly (readonly (Literal | null)[])[],
): FieldSummary[] {
  const fields = partitionType.fields;
  for (const [i, tuple] of partitions.entries()) {
    if (tuple.length !== fields.length) {
      throw new InvalidArgumentError(`partition tuple ${i} has ${tuple.length} values but the spec has ${fields.length} fields`);
    }
  }
  return fields.map((field, i): FieldSummary => {
    if (field.type.type === 'struct' || field.type.type === 'list' || field.type.type === 'map') {
      throw new InvalidArgumentError(`partition field ${field.name} has nested type ${field.type.type}`);
    }
    const type: PrimitiveType = field.type;
    const isFloat = type.type === 'float' || type.type === 'double';
    let containsNull = false;
    let containsNan = false;
    let min: Literal | undefined;
    let max: Literal | undefined;
    for (const tuple of partitions) {
      const v = tuple[i] ?? null;
      if (v === null) {
        containsNull = true;
        continue;
      }
      if (isFloat && typeof v === 'number' && Number.isNaN(v)) {
        // NaN is never a bound (spec §Manifest Lists, note 2 of field_summary).
        containsNan = true;
        continue;
      }
      if (min === undefined || compareLiterals(type, v, min) < 0) min = v;
      if (max === undefined || compareLiterals(type, v, max) > 0) max = v;
    }
    return {
      containsNull,
      containsNan,
      ...(min !== undefined && { lowerBound: literalToBytes(type, min) }),
      ...(max !== undefined && { upperBound: literalToBytes(type, max) }),
    };
  });
}
