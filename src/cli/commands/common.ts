/**
 * Helpers the commands share: how schemas, partition specs and times are printed for people,
 * and option parsing.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, typeToString, type NestedField, type PartitionField, type PartitionSpec, type Schema, type Table } from '../../index.js';

/**
 * ms since the epoch as ISO-8601 UTC.
 * @param ms the time
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Dotted names of every field (nested struct fields included) by id. */
function namesById(schema: Schema): Map<number, string> {
  const out = new Map<number, string>();
  const visit = (fields: readonly NestedField[], prefix: string): void => {
    for (const f of fields) {
      out.set(f.id, prefix + f.name);
      if (f.type.type === 'struct') visit(f.type.fields, `${prefix}${f.name}.`);
    }
  };
  visit(schema.fields, '');
  return out;
}

function fieldText(f: PartitionField, names: ReadonlyMap<number, string>): string {
  const col = names.get(f.sourceId) ?? `<field ${f.sourceId}>`;
  const t = f.transform;
  switch (t.kind) {
    case 'identity':
      return col;
    case 'bucket':
      return `bucket(${t.numBuckets}, ${col})`;
    case 'truncate':
      return `truncate(${t.width}, ${col})`;
    default:
      return `${t.kind}(${col})`;
  }
}

/**
 * A partition spec in the form `--partition` takes (`day(ts), bucket(8, id)`), or `unpartitioned`.
 * @param spec the spec
 * @param schemas schemas to look source columns up in, newest first
 */
export function partitionSpecText(spec: PartitionSpec, schemas: readonly Schema[]): string {
  if (spec.fields.length === 0) return 'unpartitioned';
  const names = new Map<number, string>();
  for (const s of [...schemas].reverse()) for (const [id, n] of namesById(s)) names.set(id, n);
  return spec.fields.map((f) => fieldText(f, names)).join(', ');
}

/** One printed row of a schema. */
export interface SchemaRow {
  /** The field id. */
  readonly id: number;
  /** The dotted name. */
  readonly name: string;
  /** The type's text (`vector(384)` for embedding columns). */
  readonly type: string;
  /** Whether values are required. */
  readonly required: boolean;
  /** Documentation. */
  readonly doc: string;
}

/**
 * A schema's fields as rows (struct children as dotted names).
 * @param schema the schema
 * @param vectorDimensions field id → dimension of embedding columns
 */
export function schemaRows(schema: Schema, vectorDimensions: ReadonlyMap<number, number>): SchemaRow[] {
  const rows: SchemaRow[] = [];
  const visit = (fields: readonly NestedField[], prefix: string): void => {
    for (const f of fields) {
      const dim = vectorDimensions.get(f.id);
      const type = dim !== undefined && f.type.type === 'list' ? `vector(${dim})` : f.type.type === 'struct' ? 'struct' : typeToString(f.type);
      rows.push({ id: f.id, name: prefix + f.name, type, required: f.required, doc: f.doc ?? '' });
      if (f.type.type === 'struct') visit(f.type.fields, `${prefix}${f.name}.`);
    }
  };
  visit(schema.fields, '');
  return rows;
}

/**
 * The schema a snapshot was written with (or the current one).
 * @param table the table
 * @param snapshotId a snapshot id, if any
 * @throws SnapshotNotFoundError when there is no such snapshot
 */
export function schemaAt(table: Table, snapshotId: string | undefined): Schema {
  if (snapshotId === undefined) return table.schema();
  const snap = table.snapshot(snapshotId);
  const id = snap.schemaId ?? table.metadata().currentSchemaId;
  return table.metadata().schemas.find((s) => s.schemaId === id) ?? table.schema();
}

const SUMMARY_COUNT = z
  .string()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER));

/**
 * A count from a snapshot summary (spec §Snapshot Summary: `added-records`, `total-data-files`,
 * …), which holds counts as decimal strings. Absent, or not a count a JSON number holds exactly
 * (another writer's malformed summary): null, never a wrong number.
 * @param summary the snapshot's summary
 * @param key the summary key
 */
export function summaryCount(summary: Readonly<Record<string, string | undefined>>, key: string): number | null {
  return SUMMARY_COUNT.safeParse(summary[key]).data ?? null;
}

/**
 * Parses a non-negative integer option.
 * @param value the text
 * @param option the option's name, for the message
 * @throws InvalidArgumentError when it is not one
 */
export function nonNegativeInt(value: string, option: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${option} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

const POSITIVE_INT = z
  .string()
  .trim()
  .regex(/^\d+$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));

/**
 * Parses a positive integer option.
 * @param value the text
 * @param option the option's name, for the message
 * @throws InvalidArgumentError when it is not one
 */
export function positiveInt(value: string, option: string): number {
  const parsed = POSITIVE_INT.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`${option} must be a positive integer, got ${JSON.stringify(value)}`, { context: { option, value } });
  return parsed.data;
}

/**
 * Collects a repeatable option's values.
 * @param value this occurrence
 * @param previous earlier ones
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
