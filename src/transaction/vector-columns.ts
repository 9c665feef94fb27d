/**
 * Vector (embedding) columns. Iceberg has no fixed-size list type, so a `FixedSizeList<Float32>[d]`
 * column is stored as `list<float>` and its dimension is kept in a table property,
 * `floe.column.<field-id>.vector-dimension`, keyed by field id so that renames keep it. Readers
 * turn such lists back into fixed-size lists; other engines see a plain `list<float>`.
 *
 * @module
 */

const PREFIX = 'floe.column.';
const SUFFIX = '.vector-dimension';

/** The property key recording the dimension of vector column `fieldId`. */
export function vectorDimensionProperty(fieldId: number): string {
  return `${PREFIX}${fieldId}${SUFFIX}`;
}

/** Field id → dimension, from table properties. */
export function vectorDimensionsFromProperties(props: Readonly<Record<string, string>>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [k, v] of Object.entries(props)) {
    if (!k.startsWith(PREFIX) || !k.endsWith(SUFFIX)) continue;
    const id = Number(k.slice(PREFIX.length, -SUFFIX.length));
    const dim = Number(v);
    if (Number.isInteger(id) && Number.isInteger(dim) && dim > 0) out.set(id, dim);
  }
  return out;
}

/** The properties recording the given dimensions. */
export function vectorDimensionsToProperties(dims: ReadonlyMap<number, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, dim] of dims) out[vectorDimensionProperty(id)] = String(dim);
  return out;
}
