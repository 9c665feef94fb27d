/**
 * Schemas and types: the JSON wire form (spec Appendix C "Schemas"), the text form used in
 * messages and by users (`decimal(9,2)`, `list<int>`), lookups by field id and by name, and the
 * primitive promotions of spec §Schema Evolution.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, UnsupportedError, ValidationError } from '../errors.js';
import type { JsonValue } from '../util/index.js';
import type {
  IcebergType,
  ListType,
  MapType,
  NestedField,
  PrimitiveType,
  Schema,
  SimplePrimitiveName,
  StructType,
} from './types.js';
import { literalFromJson, literalToJson } from './values.js';
import { convertInZod, errorFromZod } from './zod-issues.js';

const SIMPLE_NAMES: readonly SimplePrimitiveName[] = [
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'binary',
  'unknown',
];

/** Types of the v3 spec that Floe cannot hold (spec §Semi-structured Types, Appendix G). */
const UNSUPPORTED_TYPES = /^(variant|geometry|geography)\b/;

/** Decimal precision limit (spec §Primitive Types: "precision must be 38 or less"). */
export const MAX_DECIMAL_PRECISION = 38;

/**
 * Reads a primitive type's wire name (`"int"`, `"decimal(9, 2)"`, `"fixed[16]"`).
 * @param text the name as written in metadata
 * @returns the type, or undefined when the name is not a primitive type
 */
export function primitiveTypeFromString(text: string): PrimitiveType | undefined {
  const t = text.trim();
  if ((SIMPLE_NAMES as readonly string[]).includes(t)) return { type: t as SimplePrimitiveName };
  const dec = /^decimal\s*\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/.exec(t);
  if (dec) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2]);
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION) return undefined;
    return { type: 'decimal', precision, scale };
  }
  const fixed = /^fixed\s*\[\s*(\d+)\s*\]$/.exec(t);
  if (fixed) {
    const length = Number(fixed[1]);
    if (length < 1) return undefined;
    return { type: 'fixed', length };
  }
  return undefined;
}

/**
 * Whether a type is primitive (not struct, list or map).
 * @param t any type
 */
export function isPrimitive(t: IcebergType): t is PrimitiveType {
  return t.type !== 'struct' && t.type !== 'list' && t.type !== 'map';
}

// ---------------------------------------------------------------- wire schemas (zod)

/** Wire form of a type: a primitive name or a nested type object. */
export type TypeJson = string | StructTypeJson | ListTypeJson | MapTypeJson;
/** Wire form of a struct field. */
export interface NestedFieldJson {
  id: number;
  name: string;
  required: boolean;
  type: TypeJson;
  doc?: string | undefined;
  'initial-default'?: JsonValue | undefined;
  'write-default'?: JsonValue | undefined;
}
/** Wire form of a struct type. */
export interface StructTypeJson {
  type: 'struct';
  fields: NestedFieldJson[];
}
/** Wire form of a list type. */
export interface ListTypeJson {
  type: 'list';
  'element-id': number;
  'element-required': boolean;
  element: TypeJson;
}
/** Wire form of a map type. */
export interface MapTypeJson {
  type: 'map';
  'key-id': number;
  key: TypeJson;
  'value-id': number;
  'value-required': boolean;
  value: TypeJson;
}

const FieldIdSchema = z.number().int();

/** zod schema of a primitive type name; converts to the model. */
export const PrimitiveTypeSchema = z.string().transform((text, ctx) =>
  convertInZod(ctx, text, () => {
    const t = primitiveTypeFromString(text);
    if (t !== undefined) return t;
    if (UNSUPPORTED_TYPES.test(text.trim())) {
      throw new UnsupportedError(`type ${JSON.stringify(text)} is not supported (the format v3 types variant, geometry and geography are not)`);
    }
    throw new ValidationError(`unknown type ${JSON.stringify(text)}`);
  }),
);

/** zod schema of a struct field; converts to {@link NestedField}, defaults decoded against the field's type. */
export const NestedFieldSchema: z.ZodType<NestedField, NestedFieldJson> = z.lazy(() =>
  z.preprocess(refuseUnsupportedColumn, FieldObject) as unknown as z.ZodType<NestedField, NestedFieldJson>,
);

/**
 * A column of a type Floe cannot read fails naming the column, not only its JSON path (the
 * issue is reported first; the type's own issue follows it).
 */
function refuseUnsupportedColumn(raw: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const { name, type } = raw as { name?: unknown; type?: unknown };
  if (typeof type === 'string' && UNSUPPORTED_TYPES.test(type.trim())) {
    ctx.issues.push({
      code: 'custom',
      message: `column ${JSON.stringify(name)} has type ${JSON.stringify(type)}, which Floe cannot read (the format v3 types variant, geometry and geography are not supported)`,
      input: raw,
      path: ['type'],
      params: { code: 'UNSUPPORTED' },
    });
  }
  return raw;
}

const FieldObject = z.lazy(() =>
  z
    .object({
      id: FieldIdSchema,
      name: z.string(),
      required: z.boolean(),
      type: LazyType,
      doc: z.string().optional(),
      'initial-default': z.custom<JsonValue>().optional(),
      'write-default': z.custom<JsonValue>().optional(),
    })
    .transform((f, ctx): NestedField => {
      const field: { -readonly [K in keyof NestedField]: NestedField[K] } = {
        id: f.id,
        name: f.name,
        required: f.required,
        type: f.type,
      };
      if (f.doc !== undefined) field.doc = f.doc;
      if (f.required && isPrimitive(f.type) && f.type.type === 'unknown') {
        // spec §Primitive Types: an `unknown` column "must be optional with null defaults".
        ctx.issues.push({ code: 'custom', message: `column ${JSON.stringify(f.name)} of type unknown must be optional`, input: f, path: ['required'] });
      }
      // spec §Default values: defaults use the JSON single-value serialization of the field's
      // type. Struct defaults can only be null or `{}` (sub-field defaults live on the
      // sub-fields), and the model has no literal for them, so they are not kept.
      if (isPrimitive(f.type)) {
        const type = f.type;
        const init = f['initial-default'];
        if (init !== undefined && init !== null) {
          const v = convertInZod(ctx, init, () => literalFromJson(type, init), ['initial-default']);
          if (v !== undefined) field.initialDefault = v;
        }
        const write = f['write-default'];
        if (write !== undefined && write !== null) {
          const v = convertInZod(ctx, write, () => literalFromJson(type, write), ['write-default']);
          if (v !== undefined) field.writeDefault = v;
        }
      }
      return field;
    }),
);

const LazyType = z.lazy(() => TypeSchema);

const StructTypeObject = z.object({ type: z.literal('struct'), fields: z.array(z.lazy(() => NestedFieldSchema)) });
const ListTypeObject = z.object({
  type: z.literal('list'),
  'element-id': FieldIdSchema,
  'element-required': z.boolean(),
  element: LazyType,
});
const MapTypeObject = z.object({
  type: z.literal('map'),
  'key-id': FieldIdSchema,
  key: LazyType,
  'value-id': FieldIdSchema,
  'value-required': z.boolean(),
  value: LazyType,
});

/** zod schema of a struct type. */
export const StructTypeSchema = StructTypeObject.transform((s): StructType => ({ type: 'struct', fields: s.fields }));

/** zod schema of a list type. */
export const ListTypeSchema = ListTypeObject.transform(
  (l): ListType => ({ type: 'list', elementId: l['element-id'], element: l.element, elementRequired: l['element-required'] }),
);

/** zod schema of a map type. */
export const MapTypeSchema = MapTypeObject.transform(
  (m): MapType => ({
    type: 'map',
    keyId: m['key-id'],
    key: m.key,
    valueId: m['value-id'],
    value: m.value,
    valueRequired: m['value-required'],
  }),
);

/**
 * zod schema of any type (spec Appendix C type table): a primitive name, or an object
 * discriminated on `type` (so that an error inside a list names the list's key, not a mismatch
 * with `struct`).
 */
export const TypeSchema: z.ZodType<IcebergType, TypeJson> = z.union([
  PrimitiveTypeSchema,
  z.discriminatedUnion('type', [StructTypeSchema, ListTypeSchema, MapTypeSchema]),
]);

/** Wire form of a schema (spec Appendix C "Schemas"). */
export interface SchemaJson {
  type?: 'struct' | undefined;
  'schema-id'?: number | undefined;
  'identifier-field-ids'?: number[] | undefined;
  fields: NestedFieldJson[];
}

const SchemaObject = z.object({
  type: z.literal('struct').optional(),
  'schema-id': z.number().int().optional(),
  'identifier-field-ids': z.array(z.number().int()).optional(),
  fields: z.array(NestedFieldSchema),
});

function schemaFromWire(s: z.output<typeof SchemaObject>, ctx: z.RefinementCtx): Schema {
  const ids = s['identifier-field-ids'];
  const schema: Schema =
    ids !== undefined && ids.length > 0
      ? { schemaId: s['schema-id'] ?? 0, fields: s.fields, identifierFieldIds: ids }
      : { schemaId: s['schema-id'] ?? 0, fields: s.fields };
  convertInZod(ctx, s, () => validateSchemaIds(schema));
  return schema;
}

/**
 * zod schema of a table schema. `schema-id` is optional on the wire (v1) and defaults to 0.
 * Field ids are checked to be unique, identifier fields to be required primitives.
 */
export const SchemaSchema: z.ZodType<Schema, SchemaJson> = SchemaObject.transform(schemaFromWire);

/**
 * zod schema of a table schema inside table metadata, where `type` is required as Iceberg Java's
 * `SchemaParser.typeFromJson` requires it ("Cannot parse type from json").
 */
export const MetadataSchemaSchema: z.ZodType<Schema, SchemaJson> = SchemaObject.extend({ type: z.literal('struct') }).transform(schemaFromWire);

/** zod schema of a table schema in v2 metadata, where `schema-id` is required too (spec Appendix C). */
export const SchemaV2Schema: z.ZodType<Schema, SchemaJson> = SchemaObject.extend({ type: z.literal('struct'), 'schema-id': z.number().int() }).transform(
  schemaFromWire,
);

// ---------------------------------------------------------------- decode / encode

/**
 * Decodes a type from its JSON wire form.
 * @param json `"int"`, `{"type":"list",…}`, …
 * @param file the file it came from, for error context
 * @throws ValidationError when the JSON is not a type; UnsupportedError for v3-only types
 */
export function typeFromJson(json: JsonValue, file?: string): IcebergType {
  const r = TypeSchema.safeParse(json);
  if (r.success) return r.data;
  throw errorFromZod(r.error, { file, what: 'type' });
}

/**
 * Encodes a type in its JSON wire form, keys in the order Java writes them.
 * @param t the type
 */
export function typeToJson(t: IcebergType): JsonValue {
  switch (t.type) {
    case 'struct':
      return { type: 'struct', fields: t.fields.map(fieldToJson) };
    case 'list':
      return { type: 'list', 'element-id': t.elementId, element: typeToJson(t.element), 'element-required': t.elementRequired };
    case 'map':
      return {
        type: 'map',
        'key-id': t.keyId,
        key: typeToJson(t.key),
        'value-id': t.valueId,
        value: typeToJson(t.value),
        'value-required': t.valueRequired,
      };
    case 'decimal':
      // Java writes `decimal(9, 2)` (DecimalType.toString); every reader accepts both spellings
      return `decimal(${t.precision}, ${t.scale})`;
    default:
      return typeToString(t);
  }
}

function fieldToJson(f: NestedField): JsonValue {
  const out: { [key: string]: JsonValue } = { id: f.id, name: f.name, required: f.required, type: typeToJson(f.type) };
  if (f.doc !== undefined) out['doc'] = f.doc;
  if (isPrimitive(f.type)) {
    if (f.initialDefault !== undefined) out['initial-default'] = literalToJson(f.type, f.initialDefault);
    if (f.writeDefault !== undefined) out['write-default'] = literalToJson(f.type, f.writeDefault);
  }
  return out;
}

/**
 * Decodes a schema from its JSON wire form (`{"type":"struct","schema-id":…,"fields":[…]}`).
 * Checks that field ids are unique and that identifier fields exist and are required primitives.
 *
 * @param json the parsed JSON
 * @param file the file it came from, for error context
 * @throws ValidationError naming the JSON path (and file) of the first problem; UnsupportedError for v3-only types
 */
export function decodeSchema(json: JsonValue, file?: string): Schema {
  const r = SchemaSchema.safeParse(json);
  if (r.success) return r.data;
  throw errorFromZod(r.error, { file, what: 'schema' });
}

/**
 * Encodes a schema as Java does: `type`, `schema-id`, `identifier-field-ids` (when non-empty), `fields`.
 * @param schema the schema
 */
export function encodeSchema(schema: Schema): JsonValue {
  const out: { [key: string]: JsonValue } = { type: 'struct', 'schema-id': schema.schemaId };
  if (schema.identifierFieldIds !== undefined && schema.identifierFieldIds.length > 0) {
    out['identifier-field-ids'] = [...schema.identifierFieldIds];
  }
  out['fields'] = schema.fields.map(fieldToJson);
  return out;
}

/**
 * Checks a schema's id invariants: every field id (including list elements, map keys and values)
 * is unique; identifier fields exist, are required primitives other than float/double, and are
 * not inside a list, a map or an optional struct (spec §Identifier Field IDs).
 *
 * @param schema the schema
 * @throws ValidationError naming the offending id
 */
export function validateSchemaIds(schema: Schema): void {
  const seen = new Set<number>();
  const visit = (id: number): void => {
    if (seen.has(id)) {
      throw new ValidationError(`schema ${schema.schemaId} assigns field id ${id} twice`, { context: { schemaId: schema.schemaId, fieldId: id } });
    }
    seen.add(id);
  };
  const walk = (t: IcebergType): void => {
    if (t.type === 'struct') {
      for (const f of t.fields) {
        visit(f.id);
        walk(f.type);
      }
    } else if (t.type === 'list') {
      visit(t.elementId);
      walk(t.element);
    } else if (t.type === 'map') {
      visit(t.keyId);
      visit(t.valueId);
      walk(t.key);
      walk(t.value);
    }
  };
  walk({ type: 'struct', fields: schema.fields });
  for (const id of schema.identifierFieldIds ?? []) {
    const chain = findFieldChain(schema.fields, id);
    if (chain === undefined) {
      throw new ValidationError(`identifier field ${id} of schema ${schema.schemaId} is not a struct field of the schema`, {
        context: { schemaId: schema.schemaId, fieldId: id },
      });
    }
    const field = chain[chain.length - 1];
    if (field === undefined || !isPrimitive(field.type) || field.type.type === 'float' || field.type.type === 'double') {
      throw new ValidationError(`identifier field ${id} must be a primitive type other than float and double`, {
        context: { schemaId: schema.schemaId, fieldId: id },
      });
    }
    if (chain.some((f) => !f.required)) {
      throw new ValidationError(`identifier field ${id} must be required, and not inside an optional struct`, {
        context: { schemaId: schema.schemaId, fieldId: id },
      });
    }
  }
}

/** The struct fields from the top down to the field with the id, through structs only. */
function findFieldChain(fields: readonly NestedField[], id: number): NestedField[] | undefined {
  for (const f of fields) {
    if (f.id === id) return [f];
    if (f.type.type === 'struct') {
      const sub = findFieldChain(f.type.fields, id);
      if (sub) return [f, ...sub];
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- text form

/**
 * The text form of a type: `int`, `decimal(9,2)`, `fixed[16]`, `list<int>`,
 * `map<string, double>`, `struct<a: int, b: string>`.
 * @param t the type
 */
export function typeToString(t: IcebergType): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'fixed':
      return `fixed[${t.length}]`;
    case 'list':
      return `list<${typeToString(t.element)}>`;
    case 'map':
      return `map<${typeToString(t.key)}, ${typeToString(t.value)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}: ${typeToString(f.type)}${f.required ? ' not null' : ''}`).join(', ')}>`;
    default:
      return t.type;
  }
}

const TYPE_ALIASES: Readonly<Record<string, SimplePrimitiveName>> = {
  integer: 'int',
  int32: 'int',
  bigint: 'long',
  int64: 'long',
  bool: 'boolean',
  float32: 'float',
  float64: 'double',
  str: 'string',
  bytes: 'binary',
};

/**
 * Reads a type written by a user: any primitive wire name (`double`, `decimal(10,2)`,
 * `fixed[16]`; also `fixed(16)` and the aliases `integer`, `bigint`, `bool`, `bytes`, any case),
 * `list<T>`, `map<K, V>` and `struct<name: T [not null], …>`. List elements, map values and
 * struct fields are optional unless followed by `not null`.
 *
 * Nested ids (struct fields, list elements, map keys and values) are placeholders (0): pass the
 * type through `assignFreshIds` (schema-evolution) before it enters a schema.
 *
 * @param text the type text
 * @throws InvalidArgumentError when the text is not a type
 */
export function parseType(text: string): IcebergType {
  const p = new TypeTextParser(text);
  const t = p.type();
  p.end();
  return t;
}

class TypeTextParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  private fail(expected: string): never {
    throw new InvalidArgumentError(
      `cannot read type ${JSON.stringify(this.text)}: expected ${expected} at position ${this.pos}`,
      { context: { type: this.text, position: this.pos }, help: 'types look like int, double, decimal(10,2), list<string>, map<string, int>, struct<a: int>' },
    );
  }

  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  private peek(s: string): boolean {
    this.ws();
    return this.text.startsWith(s, this.pos);
  }

  private expect(s: string): void {
    if (!this.peek(s)) this.fail(`'${s}'`);
    this.pos += s.length;
  }

  private word(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail('a type name');
    this.pos += m[0].length;
    return m[0];
  }

  private int(): number {
    this.ws();
    const m = /^-?\d+/.exec(this.text.slice(this.pos));
    if (!m) this.fail('a number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private notNull(): boolean {
    this.ws();
    const m = /^not\s+null\b/i.exec(this.text.slice(this.pos));
    if (!m) return false;
    this.pos += m[0].length;
    return true;
  }

  end(): void {
    this.ws();
    if (this.pos !== this.text.length) this.fail('the end of the type');
  }

  type(): IcebergType {
    const name = this.word().toLowerCase();
    switch (name) {
      case 'list': {
        this.expect('<');
        const element = this.type();
        const elementRequired = this.notNull();
        this.expect('>');
        return { type: 'list', elementId: 0, element, elementRequired };
      }
      case 'map': {
        this.expect('<');
        const key = this.type();
        this.notNull(); // map keys are always required (spec §Nested Types)
        this.expect(',');
        const value = this.type();
        const valueRequired = this.notNull();
        this.expect('>');
        return { type: 'map', keyId: 0, key, valueId: 0, value, valueRequired };
      }
      case 'struct': {
        this.expect('<');
        const fields: NestedField[] = [];
        if (!this.peek('>')) {
          for (;;) {
            const fieldName = this.fieldName();
            this.expect(':');
            const type = this.type();
            const required = this.notNull();
            fields.push({ id: 0, name: fieldName, required, type });
            if (!this.peek(',')) break;
            this.expect(',');
          }
        }
        this.expect('>');
        return { type: 'struct', fields };
      }
      case 'decimal': {
        this.expect('(');
        const precision = this.int();
        this.expect(',');
        const scale = this.int();
        this.expect(')');
        if (precision < 1 || precision > MAX_DECIMAL_PRECISION) this.fail(`a precision between 1 and ${MAX_DECIMAL_PRECISION}`);
        if (scale < 0 || scale > precision) this.fail('a scale between 0 and the precision');
        return { type: 'decimal', precision, scale };
      }
      case 'fixed': {
        const open = this.peek('[') ? '[' : '(';
        this.expect(open);
        const length = this.int();
        this.expect(open === '[' ? ']' : ')');
        if (length < 1) this.fail('a positive length');
        return { type: 'fixed', length };
      }
      default: {
        const simple = (SIMPLE_NAMES as readonly string[]).includes(name) ? (name as SimplePrimitiveName) : TYPE_ALIASES[name];
        if (simple === undefined) {
          this.pos -= name.length;
          this.fail('a type name');
        }
        return { type: simple };
      }
    }
  }

  private fieldName(): string {
    this.ws();
    if (this.text[this.pos] === '`') {
      const close = this.text.indexOf('`', this.pos + 1);
      if (close < 0) this.fail('a closing backtick');
      const name = this.text.slice(this.pos + 1, close);
      this.pos = close + 1;
      return name;
    }
    const m = /^[^\s:<>,`]+/.exec(this.text.slice(this.pos));
    if (!m) this.fail('a field name');
    this.pos += m[0].length;
    return m[0];
  }
}

// ---------------------------------------------------------------- lookups

/**
 * Every field of a schema by id, nested ones included. List elements, map keys and map values
 * appear as fields named `element`, `key` and `value` (as Java's `TypeUtil.indexById` does).
 * @param schema the schema
 */
export function indexById(schema: Schema): Map<number, NestedField> {
  const out = new Map<number, NestedField>();
  const walk = (t: IcebergType): void => {
    if (t.type === 'struct') {
      for (const f of t.fields) {
        out.set(f.id, f);
        walk(f.type);
      }
    } else if (t.type === 'list') {
      out.set(t.elementId, { id: t.elementId, name: 'element', required: t.elementRequired, type: t.element });
      walk(t.element);
    } else if (t.type === 'map') {
      out.set(t.keyId, { id: t.keyId, name: 'key', required: true, type: t.key });
      out.set(t.valueId, { id: t.valueId, name: 'value', required: t.valueRequired, type: t.value });
      walk(t.key);
      walk(t.value);
    }
  };
  walk({ type: 'struct', fields: schema.fields });
  return out;
}

/**
 * Every field's full name by id: nested names joined with `.`, list elements as `a.element`,
 * map keys and values as `m.key` and `m.value` (Java `TypeUtil.indexNameById`).
 * @param schema the schema
 */
export function indexNamesById(schema: Schema): Map<number, string> {
  const out = new Map<number, string>();
  const walk = (t: IcebergType, prefix: string): void => {
    if (t.type === 'struct') {
      for (const f of t.fields) {
        const name = prefix + f.name;
        out.set(f.id, name);
        walk(f.type, `${name}.`);
      }
    } else if (t.type === 'list') {
      const name = `${prefix}element`;
      out.set(t.elementId, name);
      walk(t.element, `${name}.`);
    } else if (t.type === 'map') {
      out.set(t.keyId, `${prefix}key`);
      out.set(t.valueId, `${prefix}value`);
      walk(t.key, `${prefix}key.`);
      walk(t.value, `${prefix}value.`);
    }
  };
  walk({ type: 'struct', fields: schema.fields }, '');
  return out;
}

/** Options for {@link findFieldByName}. */
export interface FindFieldOptions {
  /** Match names ignoring case (default: case-sensitive, as Iceberg is). */
  readonly caseSensitive?: boolean;
}

/**
 * Finds a field by its full dotted name (`a`, `a.b`, `tags.element`, `m.value.x`). A name that
 * itself contains dots (a column called `a.b`) is found too, as in Java, since full names are
 * matched whole.
 *
 * @param schema the schema
 * @param dottedName the full name
 * @param options case sensitivity
 */
export function findFieldByName(schema: Schema, dottedName: string, options: FindFieldOptions = {}): NestedField | undefined {
  const caseSensitive = options.caseSensitive ?? true;
  const wanted = caseSensitive ? dottedName : dottedName.toLowerCase();
  const byId = indexById(schema);
  for (const [id, name] of indexNamesById(schema)) {
    if ((caseSensitive ? name : name.toLowerCase()) === wanted) return byId.get(id);
  }
  return undefined;
}

/**
 * The highest field id used anywhere in a type (0 for a type without ids).
 * @param t the type
 */
export function maxFieldId(t: IcebergType): number {
  switch (t.type) {
    case 'struct':
      return t.fields.reduce((m, f) => Math.max(m, f.id, maxFieldId(f.type)), 0);
    case 'list':
      return Math.max(t.elementId, maxFieldId(t.element));
    case 'map':
      return Math.max(t.keyId, t.valueId, maxFieldId(t.key), maxFieldId(t.value));
    default:
      return 0;
  }
}

/**
 * A schema's fields as a struct type.
 * @param schema the schema
 */
export function schemaAsStruct(schema: Schema): StructType {
  return { type: 'struct', fields: schema.fields };
}

// ---------------------------------------------------------------- comparisons and promotion

/**
 * Whether two types are the same: same primitive (with the same decimal precision and scale, or
 * fixed length), or the same nested shape with the same field ids, names, requiredness and
 * element/value types. Docs and defaults are ignored.
 * @param a a type
 * @param b a type
 */
export function sameType(a: IcebergType, b: IcebergType): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'decimal':
      return b.type === 'decimal' && a.precision === b.precision && a.scale === b.scale;
    case 'fixed':
      return b.type === 'fixed' && a.length === b.length;
    case 'list':
      return b.type === 'list' && a.elementId === b.elementId && a.elementRequired === b.elementRequired && sameType(a.element, b.element);
    case 'map':
      return (
        b.type === 'map' &&
        a.keyId === b.keyId &&
        a.valueId === b.valueId &&
        a.valueRequired === b.valueRequired &&
        sameType(a.key, b.key) &&
        sameType(a.value, b.value)
      );
    case 'struct':
      return (
        b.type === 'struct' &&
        a.fields.length === b.fields.length &&
        a.fields.every((f, i) => {
          const g = b.fields[i];
          return g !== undefined && f.id === g.id && f.name === g.name && f.required === g.required && sameType(f.type, g.type);
        })
      );
    default:
      return true;
  }
}

/**
 * Whether values of `from` may be read as `to` (spec §Schema Evolution, v1/v2 promotions):
 * `int`→`long`, `float`→`double`, `decimal(P,S)`→`decimal(P',S)` with P' ≥ P. The same type
 * is trivially promotable.
 * @param from the type data was written with
 * @param to the type it is read as
 */
export function canPromote(from: PrimitiveType, to: PrimitiveType): boolean {
  if (sameType(from, to)) return true;
  if (from.type === 'int' && to.type === 'long') return true;
  if (from.type === 'float' && to.type === 'double') return true;
  if (from.type === 'decimal' && to.type === 'decimal') return to.scale === from.scale && to.precision >= from.precision;
  return false;
}
