/**
 * Partition specs and transforms (Iceberg spec §Partitioning, §Partition Transforms): the model,
 * the JSON wire form (spec Appendix C "Partition Specs"), the partition tuple's struct type, the
 * `day(ts), bucket(16, id)` text form users write, and partition paths.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import type { JsonValue } from '../util/index.js';
import { findFieldByName, indexById, indexNamesById, isPrimitive } from './schema.js';
import {
  canTransform,
  javaUrlEncode,
  parseTransform,
  partitionValueToPath,
  sameTransform,
  transformResultType,
  transformToString,
} from './transform.js';
import type { IcebergType, NestedField, PrimitiveType, Schema, StructType } from './types.js';
import type { Literal } from './values.js';
import { convertInZod, errorFromZod } from './zod-issues.js';

/** A partition transform (spec §Partition Transforms). Its string form is `identity`, `bucket[16]`, `truncate[4]`, `day`, … */
export type Transform =
  | { readonly kind: 'identity' }
  | { readonly kind: 'bucket'; readonly numBuckets: number }
  | { readonly kind: 'truncate'; readonly width: number }
  | { readonly kind: 'year' }
  | { readonly kind: 'month' }
  | { readonly kind: 'day' }
  | { readonly kind: 'hour' }
  | { readonly kind: 'void' };

/** One field of a partition spec. */
export interface PartitionField {
  /** The source column's field id. */
  readonly sourceId: number;
  /** The partition field's id (1000 and up, unique across the table's specs). */
  readonly fieldId: number;
  /** The partition field's name. */
  readonly name: string;
  /** How the source value becomes the partition value. */
  readonly transform: Transform;
}

/** A partition spec: how rows map to partition tuples. An unpartitioned table has one with no fields. */
export interface PartitionSpec {
  /** The spec id, unique within the table. */
  readonly specId: number;
  /** The fields, in tuple order. */
  readonly fields: readonly PartitionField[];
}

/** Partition field ids start here (spec §Partition Evolution: v1 assigned 1000, 1001, …). */
export const PARTITION_DATA_ID_START = 1000;

/** The spec of an unpartitioned table: id 0, no fields. */
export const UNPARTITIONED_SPEC: PartitionSpec = { specId: 0, fields: [] };

/** Before any partition field exists, `last-partition-id` is 999 (as Java writes it). */
export const UNPARTITIONED_LAST_PARTITION_ID = PARTITION_DATA_ID_START - 1;

// ---------------------------------------------------------------- wire (zod)

/** zod schema of a transform name; converts to {@link Transform}. */
export const TransformSchema = z.string().transform((text, ctx) => convertInZod(ctx, text, () => parseTransform(text)));

/** Wire form of a partition field. `field-id` is absent in v1 `partition-spec` lists. */
export interface PartitionFieldJson {
  name: string;
  transform: string;
  'source-id': number;
  'field-id'?: number | undefined;
}

/** zod schema of a partition field (wire shape; ids are resolved by {@link PartitionSpecSchema}). */
export const PartitionFieldSchema = z.object({
  name: z.string(),
  transform: TransformSchema,
  'source-id': z.number().int(),
  'field-id': z.number().int().optional(),
});

/**
 * Turns decoded wire fields into model fields. v1 fields may lack `field-id`; the reference
 * implementation assigned them sequentially from 1000 in each spec (spec Appendix C).
 */
function fieldsFromWire(fields: readonly z.output<typeof PartitionFieldSchema>[]): PartitionField[] {
  return fields.map((f, i) => ({
    sourceId: f['source-id'],
    fieldId: f['field-id'] ?? PARTITION_DATA_ID_START + i,
    name: f.name,
    transform: f.transform,
  }));
}

/** Wire form of a partition spec. */
export interface PartitionSpecJson {
  'spec-id': number;
  fields: PartitionFieldJson[];
}

/** zod schema of a partition spec (spec Appendix C); converts to {@link PartitionSpec}. */
export const PartitionSpecSchema = z
  .object({ 'spec-id': z.number().int(), fields: z.array(PartitionFieldSchema) })
  .transform((s): PartitionSpec => ({ specId: s['spec-id'], fields: fieldsFromWire(s.fields) }));

/**
 * zod schema of a bare field list (v1 metadata `partition-spec`, manifest metadata
 * `partition-spec`); converts to the fields of a spec.
 */
export const PartitionFieldsSchema = z.array(PartitionFieldSchema).transform(fieldsFromWire);

/**
 * Decodes a partition spec from its JSON wire form.
 * @param json `{"spec-id":0,"fields":[…]}`
 * @param file the file it came from, for error context
 * @throws ValidationError naming the JSON path; UnsupportedError for an unknown transform
 */
export function decodePartitionSpec(json: JsonValue, file?: string): PartitionSpec {
  const r = PartitionSpecSchema.safeParse(json);
  if (r.success) return r.data;
  throw errorFromZod(r.error, { file, what: 'partition spec' });
}

/**
 * Decodes a bare partition field list (manifest metadata `partition-spec`, v1 table metadata).
 * @param json `[{"name":…,"transform":…,"source-id":…,"field-id":…}]`
 * @param specId the spec id to give the result
 * @param file the file it came from, for error context
 * @throws ValidationError naming the JSON path; UnsupportedError for an unknown transform
 */
export function decodePartitionFields(json: JsonValue, specId: number, file?: string): PartitionSpec {
  const r = PartitionFieldsSchema.safeParse(json);
  if (r.success) return { specId, fields: r.data };
  throw errorFromZod(r.error, { file, what: 'partition spec' });
}

/**
 * The JSON of a partition field list, keys in Java's order (`name`, `transform`, `source-id`, `field-id`).
 * @param spec the spec
 */
export function encodePartitionFields(spec: PartitionSpec): JsonValue {
  return spec.fields.map((f) => ({
    name: f.name,
    transform: transformToString(f.transform),
    'source-id': f.sourceId,
    'field-id': f.fieldId,
  }));
}

/**
 * Encodes a partition spec in its JSON wire form (`{"spec-id":…,"fields":[…]}`).
 * @param spec the spec
 */
export function encodePartitionSpec(spec: PartitionSpec): JsonValue {
  return { 'spec-id': spec.specId, fields: encodePartitionFields(spec) };
}

// ---------------------------------------------------------------- partition type and paths

function sourceTypeOf(schemas: readonly Schema[], field: PartitionField): PrimitiveType {
  // newest schema first: a source column dropped since keeps its type in an older schema
  let source: NestedField | undefined;
  for (let i = schemas.length - 1; i >= 0 && source === undefined; i--) {
    const s = schemas[i];
    if (s !== undefined) source = indexById(s).get(field.sourceId);
  }
  if (source === undefined) {
    throw new InvalidArgumentError(
      `partition field ${field.name} (${field.fieldId}) has source column id ${field.sourceId}, which no given schema has`,
      { context: { partitionField: field.name, sourceId: field.sourceId, schemaIds: schemas.map((s) => s.schemaId).join(',') } },
    );
  }
  if (!isPrimitive(source.type)) {
    throw new InvalidArgumentError(`partition field ${field.name} has a non-primitive source column ${source.name}`, {
      context: { partitionField: field.name, sourceId: field.sourceId },
    });
  }
  return source.type;
}

/**
 * The struct type of a spec's partition tuples (spec §Manifests, `data_file.partition`): one
 * optional field per partition field, named by the partition name, with the partition field id
 * and the transform's result type.
 *
 * @param spec the partition spec
 * @param schema a schema holding every source column (the table's current schema, or the one
 *   the manifest was written with), or several (e.g. all of the table's schemas: a source found
 *   in none but an older one — a column dropped since — is typed from the newest that has it)
 * @throws InvalidArgumentError when a source column is missing or the transform does not apply to it
 */
export function partitionType(spec: PartitionSpec, schema: Schema | readonly Schema[]): StructType {
  const schemas: readonly Schema[] = 'fields' in schema ? [schema] : schema;
  return {
    type: 'struct',
    fields: spec.fields.map((f) => ({
      id: f.fieldId,
      name: f.name,
      required: false,
      type: transformResultType(f.transform, sourceTypeOf(schemas, f)),
    })),
  };
}

/**
 * The partition path of a tuple, `ts_day=2026-01-05/user_id_bucket=3`, as Java's
 * `PartitionSpec.partitionToPath` writes it (names and values URL-encoded). Empty for an
 * unpartitioned spec.
 *
 * @param spec the partition spec
 * @param schema a schema holding every source column (or several, as for {@link partitionType})
 * @param values the tuple, one value per spec field
 * @throws InvalidArgumentError when the tuple's length does not match the spec
 */
export function partitionPath(spec: PartitionSpec, schema: Schema | readonly Schema[], values: readonly (Literal | null)[]): string {
  if (values.length !== spec.fields.length) {
    throw new InvalidArgumentError(`partition tuple has ${values.length} values but spec ${spec.specId} has ${spec.fields.length} fields`, {
      context: { specId: spec.specId },
    });
  }
  const type = partitionType(spec, schema);
  return spec.fields
    .map((f, i) => {
      const resultType = type.fields[i]?.type as PrimitiveType;
      return `${javaUrlEncode(f.name)}=${partitionValueToPath(f.transform, resultType, values[i] ?? null)}`;
    })
    .join('/');
}

/**
 * Whether two specs are equivalent (spec §Partitioning): the same number of fields with the same
 * source ids, transforms and names, in order. Spec and field ids are not compared.
 * @param a a spec
 * @param b a spec
 */
export function samePartitionFields(a: PartitionSpec, b: PartitionSpec): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i];
      return g !== undefined && f.sourceId === g.sourceId && f.name === g.name && sameTransform(f.transform, g.transform);
    })
  );
}

/**
 * Whether a spec has no fields (or only `void` ones): its files all share one partition.
 * @param spec the spec
 */
export function isUnpartitioned(spec: PartitionSpec): boolean {
  return spec.fields.every((f) => f.transform.kind === 'void');
}

// ---------------------------------------------------------------- text form

/** Options for {@link parsePartitionSpec}. */
export interface ParsePartitionSpecOptions {
  /** The id of the spec to build. */
  readonly specId: number;
  /** The table's `last-partition-id`; new fields get ids above it. */
  readonly lastPartitionId: number;
}

/** Java's default partition names (`PartitionSpec.Builder`): the source name plus a suffix. */
function defaultPartitionName(t: Transform, sourceName: string): string {
  switch (t.kind) {
    case 'identity':
      return sourceName;
    case 'bucket':
      return `${sourceName}_bucket`;
    case 'truncate':
      return `${sourceName}_trunc`;
    case 'void':
      return `${sourceName}_null`;
    default:
      return `${sourceName}_${t.kind}`;
  }
}

const TRANSFORM_ALIASES: Readonly<Record<string, Transform['kind']>> = {
  identity: 'identity',
  bucket: 'bucket',
  truncate: 'truncate',
  trunc: 'truncate',
  year: 'year',
  years: 'year',
  month: 'month',
  months: 'month',
  day: 'day',
  days: 'day',
  date: 'day',
  hour: 'hour',
  hours: 'hour',
  date_hour: 'hour',
  void: 'void',
  alwaysnull: 'void',
};

interface PartitionTerm {
  readonly transform: Transform;
  readonly column: string;
  readonly alias?: string;
}

class SpecTextParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  fail(expected: string): never {
    throw new InvalidArgumentError(
      `cannot read partition spec ${JSON.stringify(this.text)}: expected ${expected} at position ${this.pos}`,
      { context: { partitionBy: this.text, position: this.pos }, help: "write e.g. 'day(ts), bucket(16, user_id), truncate(4, name), category'" },
    );
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private peek(s: string): boolean {
    this.ws();
    return this.text.startsWith(s, this.pos);
  }

  private take(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }

  private expect(s: string): void {
    if (!this.take(s)) this.fail(`'${s}'`);
  }

  /** A column name: backtick-quoted, or a run of characters other than `(),` and spaces. */
  private name(): string {
    this.ws();
    if (this.text[this.pos] === '`') {
      const close = this.text.indexOf('`', this.pos + 1);
      if (close < 0) this.fail('a closing backtick');
      const n = this.text.slice(this.pos + 1, close);
      this.pos = close + 1;
      return n;
    }
    const m = /^[^\s(),`]+/.exec(this.text.slice(this.pos));
    if (!m) this.fail('a column name');
    this.pos += m[0].length;
    return m[0];
  }

  private number(): number | undefined {
    this.ws();
    const m = /^\d+(?![^\s,)])/.exec(this.text.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  terms(): PartitionTerm[] {
    const out: PartitionTerm[] = [];
    this.ws();
    if (this.pos >= this.text.length) return out;
    for (;;) {
      out.push(this.term());
      this.ws();
      if (this.pos >= this.text.length) return out;
      this.expect(',');
    }
  }

  private term(): PartitionTerm {
    const head = this.name();
    let transform: Transform;
    let column: string;
    if (this.take('(')) {
      const kind = TRANSFORM_ALIASES[head.toLowerCase()];
      if (kind === undefined) {
        this.pos -= head.length + 1;
        this.fail('a transform (identity, bucket, truncate, year, month, day, hour, void)');
      }
      if (kind === 'bucket' || kind === 'truncate') {
        // both argument orders are accepted: `bucket(16, id)` (Spark DDL) and `bucket(id, 16)`
        let n = this.number();
        let col: string;
        if (n !== undefined) {
          this.expect(',');
          col = this.name();
        } else {
          col = this.name();
          this.expect(',');
          n = this.number();
          if (n === undefined) this.fail(`the ${kind === 'bucket' ? 'number of buckets' : 'width'}`);
        }
        if (n <= 0 || n > 2147483647) this.fail(`a positive ${kind === 'bucket' ? 'number of buckets' : 'width'}`);
        transform = kind === 'bucket' ? { kind, numBuckets: n } : { kind, width: n };
        column = col;
      } else {
        transform = { kind };
        column = this.name();
      }
      this.expect(')');
    } else {
      transform = { kind: 'identity' };
      column = head;
    }
    const save = this.pos;
    this.ws();
    const asMatch = /^as\s+/i.exec(this.text.slice(this.pos));
    if (asMatch) {
      this.pos += asMatch[0].length;
      return { transform, column, alias: this.name() };
    }
    this.pos = save;
    return { transform, column };
  }
}

/**
 * Builds a partition spec from text such as `'day(ts), bucket(16, user_id), truncate(4, name), cat'`.
 *
 * Terms are separated by commas; each is a column (identity) or `transform(column)`, with
 * `bucket(N, column)` and `truncate(W, column)` (either argument order), optionally followed by
 * `AS name`. Transforms: identity, bucket, truncate, year, month, day, hour, void (Spark's plural
 * `years`/`months`/`days`/`hours` are accepted). Nested columns are dotted (`a.b`); names with
 * spaces or punctuation are backtick-quoted. Default names follow Java: `ts_day`,
 * `user_id_bucket`, `name_trunc`, `cat`. New field ids are `lastPartitionId + 1`, `+ 2`, …
 * (callers reusing ids of an existing equivalent field do so themselves). Empty text gives an
 * unpartitioned spec.
 *
 * @param text the spec text
 * @param schema the schema the columns are resolved in
 * @param opts the spec id and the table's last partition id
 * @throws InvalidArgumentError for syntax errors, unknown columns, transforms that do not apply,
 *   duplicate names or redundant fields
 */
export function parsePartitionSpec(text: string, schema: Schema, opts: ParsePartitionSpecOptions): PartitionSpec {
  const parser = new SpecTextParser(text);
  const terms = parser.terms();
  const names = indexNamesById(schema);
  const insideListOrMap = idsInsideListsOrMaps(schema);
  const fields: PartitionField[] = [];
  let nextId = Math.max(opts.lastPartitionId, PARTITION_DATA_ID_START - 1) + 1;
  for (const term of terms) {
    const source = findFieldByName(schema, term.column);
    if (source === undefined) {
      throw new InvalidArgumentError(`cannot partition by ${JSON.stringify(term.column)}: no such column in schema ${schema.schemaId}`, {
        context: { column: term.column, schemaId: schema.schemaId },
      });
    }
    if (!isPrimitive(source.type) || insideListOrMap.has(source.id)) {
      throw new InvalidArgumentError(
        `cannot partition by ${JSON.stringify(term.column)}: partition sources must be primitive columns outside lists and maps`,
        { context: { column: term.column } },
      );
    }
    if (!canTransform(term.transform, source.type)) {
      throw new InvalidArgumentError(
        `cannot partition by ${transformToString(term.transform)}(${term.column}): the transform does not apply to ${describeType(source.type)}`,
        { context: { column: term.column, transform: transformToString(term.transform) } },
      );
    }
    const fullName = names.get(source.id) ?? term.column;
    const name = term.alias ?? defaultPartitionName(term.transform, fullName);
    checkPartitionName(schema, fields, name, term.transform, source.id);
    // Java rejects two fields with the same source and transform, and two time transforms on one source
    for (const other of fields) {
      if (other.sourceId !== source.id) continue;
      const bothTime = isTimeTransform(other.transform) && isTimeTransform(term.transform);
      if (bothTime || sameTransform(other.transform, term.transform)) {
        throw new InvalidArgumentError(
          `cannot add redundant partition field ${name}: ${other.name} already partitions ${fullName} by ${transformToString(other.transform)}`,
          { context: { column: fullName, partitionField: name } },
        );
      }
    }
    fields.push({ sourceId: source.id, fieldId: nextId++, name, transform: term.transform });
  }
  return { specId: opts.specId, fields };
}

function describeType(t: IcebergType): string {
  if (t.type === 'decimal') return `decimal(${t.precision},${t.scale})`;
  if (t.type === 'fixed') return `fixed[${t.length}]`;
  return t.type;
}

function isTimeTransform(t: Transform): boolean {
  return t.kind === 'year' || t.kind === 'month' || t.kind === 'day' || t.kind === 'hour';
}

function checkPartitionName(
  schema: Schema,
  fields: readonly PartitionField[],
  name: string,
  transform: Transform,
  sourceId: number,
): void {
  if (name === '') throw new InvalidArgumentError('partition field names must not be empty');
  if (fields.some((f) => f.name === name)) {
    throw new InvalidArgumentError(`partition field name ${JSON.stringify(name)} is used twice`, { context: { partitionField: name } });
  }
  // Java: a partition name may shadow a column only when it is that column's identity partition
  const shadowed = findFieldByName(schema, name);
  if (shadowed !== undefined && !(transform.kind === 'identity' && shadowed.id === sourceId)) {
    throw new InvalidArgumentError(
      `partition field name ${JSON.stringify(name)} conflicts with column ${shadowed.id} of the schema`,
      { context: { partitionField: name, fieldId: shadowed.id }, help: 'choose another name with `AS <name>`' },
    );
  }
}

function idsInsideListsOrMaps(schema: Schema): Set<number> {
  const out = new Set<number>();
  const addAll = (t: IcebergType): void => {
    if (t.type === 'struct') {
      for (const f of t.fields) {
        out.add(f.id);
        addAll(f.type);
      }
    } else if (t.type === 'list') {
      out.add(t.elementId);
      addAll(t.element);
    } else if (t.type === 'map') {
      out.add(t.keyId);
      out.add(t.valueId);
      addAll(t.key);
      addAll(t.value);
    }
  };
  const walk = (t: IcebergType): void => {
    if (t.type === 'struct') for (const f of t.fields) walk(f.type);
    else if (t.type === 'list' || t.type === 'map') addAll(t);
  };
  walk({ type: 'struct', fields: schema.fields });
  return out;
}
