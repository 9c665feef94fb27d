/**
 * Schema evolution (spec §Schema Evolution) as pure functions over a {@link SchemaState}: a
 * schema plus the table's `last-column-id`.
 *
 * Invariants every function keeps:
 * - field ids are never reused: new ids are `lastColumnId + 1`, `+ 2`, … and `lastColumnId`
 *   only grows (a dropped column's id stays retired);
 * - existing fields keep their ids through renames, moves and promotions;
 * - identifier fields stay required primitives (they cannot be dropped or made optional);
 * - only the promotions of `canPromote` are allowed (int→long, float→double, decimal precision).
 *
 * The returned schema keeps the input's `schemaId`: the metadata builder assigns the new id when
 * it adds the schema to the table (as Java's `TableMetadata.Builder.addSchema` does).
 *
 * Columns are named by their full dotted name (`a.b`, `points.element.x`, `m.value.y`).
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import {
  canPromote,
  findFieldByName,
  indexById,
  indexNamesById,
  isPrimitive,
  maxFieldId,
  parseType,
  schemaAsStruct,
  typeToString,
  validateSchemaIds,
} from './schema.js';
import type { IcebergType, NestedField, PrimitiveType, Schema, StructType } from './types.js';
import { literalToJson, type Literal } from './values.js';

/** A schema and the table's last assigned column id. */
export interface SchemaState {
  /** The schema. */
  readonly schema: Schema;
  /** The highest field id ever assigned in the table (at least the schema's highest id). */
  readonly lastColumnId: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// ---------------------------------------------------------------- fresh ids

/**
 * Gives every field, list element, map key and map value of a type a new id, starting at
 * `nextId`, in Java's order (`TypeUtil.assignFreshIds`): a struct's fields first, then the
 * insides of each field; a list's element, a map's key and value, then their insides.
 *
 * @param type a type (ids in it are ignored, e.g. the placeholders of `parseType`)
 * @param nextId the first id to assign
 * @returns the re-identified type and the last id assigned (`nextId - 1` when none)
 */
export function assignFreshIds<T extends IcebergType>(type: T, nextId: number): { type: T; lastColumnId: number } {
  let counter = nextId - 1;
  const next = (): number => ++counter;
  const visit = (t: IcebergType): IcebergType => {
    switch (t.type) {
      case 'struct': {
        const ids = t.fields.map(() => next());
        return { type: 'struct', fields: t.fields.map((f, i) => ({ ...f, id: ids[i] ?? 0, type: visit(f.type) })) };
      }
      case 'list': {
        const elementId = next();
        return { ...t, elementId, element: visit(t.element) };
      }
      case 'map': {
        const keyId = next();
        const valueId = next();
        return { ...t, keyId, valueId, key: visit(t.key), value: visit(t.value) };
      }
      default:
        return t;
    }
  };
  const out = visit(type) as T;
  return { type: out, lastColumnId: counter };
}

/** Options for {@link freshSchema}. */
export interface FreshSchemaOptions {
  /** The schema id (default 0). */
  readonly schemaId?: number;
  /** Full names of the identifier fields (resolved after ids are assigned). */
  readonly identifierFields?: readonly string[];
}

/**
 * Builds a new table's schema from user fields: ids from 1 (top-level fields 1…n first, as Java
 * numbers a new table), identifier fields resolved by name.
 *
 * @param fields the columns (ids ignored), or a struct type of them
 * @param options schema id and identifier fields
 * @throws InvalidArgumentError for duplicate names, unknown identifier fields, or identifier fields that are not required primitives
 */
export function freshSchema(fields: readonly NestedField[] | StructType, options: FreshSchemaOptions = {}): SchemaState {
  const struct: StructType = 'type' in fields ? fields : { type: 'struct', fields };
  const { type, lastColumnId } = assignFreshIds(struct, 1);
  checkUniqueNames(type);
  let schema: Schema = { schemaId: options.schemaId ?? 0, fields: type.fields };
  if (options.identifierFields !== undefined && options.identifierFields.length > 0) {
    schema = { ...schema, identifierFieldIds: options.identifierFields.map((n) => requireField(schema, n).id) };
  }
  checkSchema(schema);
  return { schema, lastColumnId };
}

function checkUniqueNames(t: IcebergType): void {
  if (t.type === 'struct') {
    const seen = new Set<string>();
    for (const f of t.fields) {
      if (f.name === '') throw new InvalidArgumentError('column names must not be empty');
      if (seen.has(f.name)) throw new InvalidArgumentError(`column name ${JSON.stringify(f.name)} is used twice in one struct`, { context: { column: f.name } });
      seen.add(f.name);
      checkUniqueNames(f.type);
    }
  } else if (t.type === 'list') {
    checkUniqueNames(t.element);
  } else if (t.type === 'map') {
    checkUniqueNames(t.key);
    checkUniqueNames(t.value);
  }
}

/** Runs the schema's id rules, reporting broken identifier rules as the caller's mistake. */
function checkSchema(schema: Schema): void {
  try {
    validateSchemaIds(schema);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e), { cause: e });
  }
}

// ---------------------------------------------------------------- tree helpers

function requireField(schema: Schema, name: string): NestedField {
  const f = findFieldByName(schema, name);
  if (f === undefined) {
    throw new InvalidArgumentError(`no column ${JSON.stringify(name)} in schema ${schema.schemaId}`, { context: { column: name, schemaId: schema.schemaId } });
  }
  return f;
}

/**
 * Where each id sits: the id of the slot holding its struct (null for top-level fields), and
 * whether it is a struct field (as opposed to a list element or map key/value).
 */
interface Placement {
  readonly ownerId: number | null;
  readonly isStructField: boolean;
}

function indexPlacements(schema: Schema): Map<number, Placement> {
  const out = new Map<number, Placement>();
  const walk = (t: IcebergType, ownerId: number | null): void => {
    if (t.type === 'struct') {
      for (const f of t.fields) {
        out.set(f.id, { ownerId, isStructField: true });
        walk(f.type, f.id);
      }
    } else if (t.type === 'list') {
      out.set(t.elementId, { ownerId, isStructField: false });
      walk(t.element, t.elementId);
    } else if (t.type === 'map') {
      out.set(t.keyId, { ownerId, isStructField: false });
      out.set(t.valueId, { ownerId, isStructField: false });
      walk(t.key, t.keyId);
      walk(t.value, t.valueId);
    }
  };
  walk(schemaAsStruct(schema), null);
  return out;
}

/** A slot: a struct field, list element, map key or map value — something with an id, a type and requiredness. */
interface Slot {
  readonly required: boolean;
  readonly type: IcebergType;
}

/**
 * Rewrites the type tree: `slot(id, s)` may replace any slot; `struct(ownerId, fields)` may
 * replace the fields of the struct held by the slot `ownerId` (null: the top level).
 */
function rewrite(
  schema: Schema,
  fns: {
    slot?: (id: number, s: Slot) => Slot;
    struct?: (ownerId: number | null, fields: readonly NestedField[]) => readonly NestedField[];
  },
): Schema {
  const visitType = (t: IcebergType, ownerId: number): IcebergType => {
    switch (t.type) {
      case 'struct':
        return { type: 'struct', fields: visitFields(t.fields, ownerId) };
      case 'list': {
        const s = visitSlot(t.elementId, { required: t.elementRequired, type: t.element });
        return { ...t, element: s.type, elementRequired: s.required };
      }
      case 'map': {
        const k = visitSlot(t.keyId, { required: true, type: t.key });
        const v = visitSlot(t.valueId, { required: t.valueRequired, type: t.value });
        return { ...t, key: k.type, value: v.type, valueRequired: v.required };
      }
      default:
        return t;
    }
  };
  const visitSlot = (id: number, s: Slot): Slot => {
    const inner = { required: s.required, type: visitType(s.type, id) };
    return fns.slot ? fns.slot(id, inner) : inner;
  };
  const visitFields = (fields: readonly NestedField[], ownerId: number | null): readonly NestedField[] => {
    const visited = fields.map((f) => {
      const s = visitSlot(f.id, { required: f.required, type: f.type });
      return s.required === f.required && s.type === f.type ? f : { ...f, required: s.required, type: s.type };
    });
    return fns.struct ? fns.struct(ownerId, visited) : visited;
  };
  return { ...schema, fields: visitFields(schema.fields, null) };
}

function renameInPlace(schema: Schema, id: number, fn: (f: NestedField) => NestedField): Schema {
  const placement = indexPlacements(schema).get(id);
  return rewrite(schema, {
    struct: (ownerId, fields) => (ownerId === (placement?.ownerId ?? null) ? fields.map((f) => (f.id === id ? fn(f) : f)) : fields),
  });
}

function baseLastColumnId(state: SchemaState): number {
  // never hand out an id the schema already uses, even if the recorded last id lags behind
  return Math.max(state.lastColumnId, maxFieldId(schemaAsStruct(state.schema)));
}

// ---------------------------------------------------------------- operations

/** A column to add. */
export interface AddColumn {
  /** Full name of the struct to add to (a struct column, or a list/map whose element/value is a struct); top level when absent. */
  readonly parent?: string;
  /** The new column's name. */
  readonly name: string;
  /** Its type: a type, or text for `parseType` (`'double'`, `'list<string>'`). Nested ids are assigned here. */
  readonly type: IcebergType | string;
  /** Whether values are required (default false). A required column needs an `initialDefault`. */
  readonly required?: boolean;
  /** Documentation. */
  readonly doc?: string;
  /** The value rows written before the column existed read as (primitive columns only). */
  readonly initialDefault?: Literal;
  /** The value writers use when they omit the column (defaults to `initialDefault`). */
  readonly writeDefault?: Literal;
}

/**
 * Adds a column (spec §Schema Evolution: "adding a new field assigns a new ID for that field and
 * for any nested fields"). The column gets `lastColumnId + 1`, nested ids follow.
 *
 * @param state the schema and last column id
 * @param column what to add and where
 * @throws InvalidArgumentError when the parent does not exist or is not a struct, the name is
 *   taken, or a required column has no initial default
 */
export function addColumn(state: SchemaState, column: AddColumn): SchemaState {
  const { schema } = state;
  if (column.name === '') throw new InvalidArgumentError('column names must not be empty');
  let ownerId: number | null = null;
  let siblings: readonly NestedField[] = schema.fields;
  if (column.parent !== undefined && column.parent !== '') {
    const parent = requireField(schema, column.parent);
    const holder = structHolder(parent);
    if (holder === undefined) {
      throw new InvalidArgumentError(`cannot add ${JSON.stringify(column.name)} to ${JSON.stringify(column.parent)}: it is a ${typeToString(parent.type)}, not a struct`, {
        context: { parent: column.parent },
      });
    }
    ownerId = holder.id;
    siblings = holder.struct.fields;
  }
  const fullName = column.parent ? `${column.parent}.${column.name}` : column.name;
  if (siblings.some((f) => f.name === column.name)) {
    throw new InvalidArgumentError(`cannot add column ${JSON.stringify(fullName)}: a column by that name exists`, { context: { column: fullName } });
  }
  const required = column.required ?? false;
  if (required && column.initialDefault === undefined) {
    throw new InvalidArgumentError(`cannot add required column ${JSON.stringify(fullName)} without an initial default: existing rows have no value for it`, {
      context: { column: fullName },
      help: 'add it as optional, or give it an initialDefault',
    });
  }
  const userType = typeof column.type === 'string' ? parseType(column.type) : column.type;
  checkUniqueNames(userType);
  const start = baseLastColumnId(state);
  const fieldId = start + 1;
  const { type, lastColumnId } = assignFreshIds(userType, fieldId + 1);
  const field: Mutable<NestedField> = { id: fieldId, name: column.name, required, type };
  if (column.doc !== undefined) field.doc = column.doc;
  const initial = column.initialDefault;
  const write = column.writeDefault ?? initial;
  if (initial !== undefined || write !== undefined) {
    if (!isPrimitive(type)) throw new InvalidArgumentError(`defaults are only supported for primitive columns, not ${typeToString(type)}`, { context: { column: fullName } });
    if (initial !== undefined) field.initialDefault = checkLiteral(type, initial, fullName);
    if (write !== undefined) field.writeDefault = checkLiteral(type, write, fullName);
  }
  const next = rewrite(schema, { struct: (owner, fields) => (owner === ownerId ? [...fields, field] : fields) });
  return { schema: next, lastColumnId: Math.max(start, fieldId, lastColumnId) };
}

function checkLiteral(type: PrimitiveType, v: Literal, column: string): Literal {
  try {
    literalToJson(type, v);
  } catch (e) {
    throw new InvalidArgumentError(`default for ${JSON.stringify(column)} is not a ${typeToString(type)} value`, { context: { column }, cause: e });
  }
  return v;
}

/** The struct a field holds directly or as list element / map value (Java's `addColumn(parent, …)` rules). */
function structHolder(f: NestedField): { id: number; struct: StructType } | undefined {
  if (f.type.type === 'struct') return { id: f.id, struct: f.type };
  if (f.type.type === 'list' && f.type.element.type === 'struct') return { id: f.type.elementId, struct: f.type.element };
  if (f.type.type === 'map' && f.type.value.type === 'struct') return { id: f.type.valueId, struct: f.type.value };
  return undefined;
}

/**
 * Drops a column (and everything nested in it). Its id is retired, never reused.
 * @param state the schema and last column id
 * @param name the column's full name
 * @throws InvalidArgumentError when the column does not exist, is a list element or map
 *   key/value, or is (or contains) an identifier field
 */
export function dropColumn(state: SchemaState, name: string): SchemaState {
  const { schema } = state;
  const field = requireField(schema, name);
  const placement = indexPlacements(schema).get(field.id);
  if (placement === undefined || !placement.isStructField) {
    throw new InvalidArgumentError(`cannot drop ${JSON.stringify(name)}: list elements and map keys and values cannot be dropped`, { context: { column: name } });
  }
  const dropped = new Set<number>([field.id, ...indexById({ schemaId: 0, fields: [field] }).keys()]);
  const identifier = (schema.identifierFieldIds ?? []).find((id) => dropped.has(id));
  if (identifier !== undefined) {
    throw new InvalidArgumentError(`cannot drop ${JSON.stringify(name)}: it is or contains identifier field ${identifier}`, {
      context: { column: name, fieldId: identifier },
      help: 'change the identifier fields first',
    });
  }
  const next = rewrite(schema, {
    struct: (owner, fields) => (owner === placement.ownerId ? fields.filter((f) => f.id !== field.id) : fields),
  });
  return { schema: next, lastColumnId: baseLastColumnId(state) };
}

/**
 * Renames a column; its id (and so its data) is unchanged.
 * @param state the schema and last column id
 * @param name the column's full name
 * @param newName the new leaf name (not dotted: a column stays in its struct)
 * @throws InvalidArgumentError when the column does not exist, is a list element or map key/value, or the new name is taken
 */
export function renameColumn(state: SchemaState, name: string, newName: string): SchemaState {
  const { schema } = state;
  const field = requireField(schema, name);
  const placement = indexPlacements(schema).get(field.id);
  if (placement === undefined || !placement.isStructField) {
    throw new InvalidArgumentError(`cannot rename ${JSON.stringify(name)}: list elements and map keys and values have fixed names`, { context: { column: name } });
  }
  if (newName === '') throw new InvalidArgumentError('column names must not be empty');
  const siblings = siblingsOf(schema, placement.ownerId);
  if (newName !== field.name && siblings.some((f) => f.name === newName)) {
    throw new InvalidArgumentError(`cannot rename ${JSON.stringify(name)} to ${JSON.stringify(newName)}: a column by that name exists`, {
      context: { column: name, newName },
    });
  }
  return { schema: renameInPlace(schema, field.id, (f) => ({ ...f, name: newName })), lastColumnId: baseLastColumnId(state) };
}

function siblingsOf(schema: Schema, ownerId: number | null): readonly NestedField[] {
  if (ownerId === null) return schema.fields;
  const holder = indexById(schema).get(ownerId);
  return holder !== undefined && holder.type.type === 'struct' ? holder.type.fields : [];
}

/** Where {@link moveColumn} puts a column: first in its struct, or before or after a sibling (full name). */
export type MovePosition =
  | { readonly kind: 'first' }
  | { readonly kind: 'before'; readonly column: string }
  | { readonly kind: 'after'; readonly column: string };

/**
 * Moves a column within its struct (spec §Schema Evolution "reordering").
 * @param state the schema and last column id
 * @param name the column's full name
 * @param to first, or before/after a sibling
 * @throws InvalidArgumentError when a column does not exist, the reference column is in another
 *   struct, or a column would move relative to itself
 */
export function moveColumn(state: SchemaState, name: string, to: MovePosition): SchemaState {
  const { schema } = state;
  const field = requireField(schema, name);
  const placements = indexPlacements(schema);
  const placement = placements.get(field.id);
  if (placement === undefined || !placement.isStructField) {
    throw new InvalidArgumentError(`cannot move ${JSON.stringify(name)}: only struct fields can be moved`, { context: { column: name } });
  }
  let refId: number | undefined;
  if (to.kind !== 'first') {
    const ref = requireField(schema, to.column);
    if (ref.id === field.id) throw new InvalidArgumentError(`cannot move ${JSON.stringify(name)} ${to.kind} itself`, { context: { column: name } });
    if (placements.get(ref.id)?.ownerId !== placement.ownerId || placements.get(ref.id)?.isStructField !== true) {
      throw new InvalidArgumentError(`cannot move ${JSON.stringify(name)} ${to.kind} ${JSON.stringify(to.column)}: columns can only move within their struct`, {
        context: { column: name, reference: to.column },
      });
    }
    refId = ref.id;
  }
  const next = rewrite(schema, {
    struct: (owner, fields) => {
      if (owner !== placement.ownerId) return fields;
      const moving = fields.find((f) => f.id === field.id);
      if (moving === undefined) return fields;
      const rest = fields.filter((f) => f.id !== field.id);
      if (to.kind === 'first') return [moving, ...rest];
      const at = rest.findIndex((f) => f.id === refId);
      const index = to.kind === 'before' ? at : at + 1;
      return [...rest.slice(0, index), moving, ...rest.slice(index)];
    },
  });
  return { schema: next, lastColumnId: baseLastColumnId(state) };
}

/**
 * Promotes a primitive column (or list element, map value) to a wider type: int→long,
 * float→double, decimal(P,S)→decimal(P',S) with P' ≥ P (spec §Schema Evolution).
 * @param state the schema and last column id
 * @param name the column's full name
 * @param to the new type, or its text (`'long'`, `'decimal(12,2)'`)
 * @throws InvalidArgumentError when the column is not primitive or the promotion is not allowed
 */
export function widenColumn(state: SchemaState, name: string, to: PrimitiveType | string): SchemaState {
  const { schema } = state;
  const field = requireField(schema, name);
  const target = typeof to === 'string' ? parseType(to) : to;
  if (!isPrimitive(field.type) || !isPrimitive(target) || !canPromote(field.type, target)) {
    throw new InvalidArgumentError(`cannot change ${JSON.stringify(name)} from ${typeToString(field.type)} to ${typeToString(target)}`, {
      context: { column: name, from: typeToString(field.type), to: typeToString(target) },
      help: 'allowed promotions: int to long, float to double, decimal(P,S) to decimal(P2,S) with P2 >= P',
    });
  }
  const next = rewrite(schema, { slot: (id, s) => (id === field.id ? { required: s.required, type: target } : s) });
  return { schema: next, lastColumnId: baseLastColumnId(state) };
}

/**
 * Makes a required column (or list element, map value) optional. Always safe for readers.
 * @param state the schema and last column id
 * @param name the column's full name
 * @throws InvalidArgumentError when the column does not exist, is a map key, or is an identifier field
 */
export function makeOptional(state: SchemaState, name: string): SchemaState {
  const { schema } = state;
  const field = requireField(schema, name);
  if ((schema.identifierFieldIds ?? []).includes(field.id)) {
    throw new InvalidArgumentError(`cannot make identifier field ${JSON.stringify(name)} optional`, { context: { column: name } });
  }
  const isMapKey = [...indexById(schema).values()].some((f) => f.type.type === 'map' && f.type.keyId === field.id);
  if (isMapKey) throw new InvalidArgumentError(`cannot make map key ${JSON.stringify(name)} optional: map keys are always required`, { context: { column: name } });
  const next = rewrite(schema, { slot: (id, s) => (id === field.id ? { required: false, type: s.type } : s) });
  return { schema: next, lastColumnId: baseLastColumnId(state) };
}

/**
 * Sets or clears a struct column's documentation.
 * @param state the schema and last column id
 * @param name the column's full name
 * @param doc the text, or undefined to remove it
 * @throws InvalidArgumentError when the column does not exist or is not a struct field
 */
export function updateColumnDoc(state: SchemaState, name: string, doc: string | undefined): SchemaState {
  const { schema } = state;
  const field = requireField(schema, name);
  if (indexPlacements(schema).get(field.id)?.isStructField !== true) {
    throw new InvalidArgumentError(`cannot document ${JSON.stringify(name)}: only struct fields carry docs`, { context: { column: name } });
  }
  const next = renameInPlace(schema, field.id, (f) => {
    const { doc: _old, ...rest } = f;
    return doc === undefined ? rest : { ...rest, doc };
  });
  return { schema: next, lastColumnId: baseLastColumnId(state) };
}

/**
 * Sets the identifier fields (spec §Identifier Field IDs), by full name; an empty list clears them.
 * @param state the schema and last column id
 * @param names the identifier columns
 * @throws InvalidArgumentError when a column does not exist or is not a required primitive (other
 *   than float/double) outside lists, maps and optional structs
 */
export function setIdentifierFields(state: SchemaState, names: readonly string[]): SchemaState {
  const { schema } = state;
  const ids = names.map((n) => requireField(schema, n).id);
  const { identifierFieldIds: _old, ...rest } = schema;
  const next: Schema = ids.length === 0 ? rest : { ...rest, identifierFieldIds: ids };
  checkSchema(next);
  return { schema: next, lastColumnId: baseLastColumnId(state) };
}

/**
 * Full names of every column of a schema, in order (nested included), for messages and CLIs.
 * @param schema the schema
 */
export function columnNames(schema: Schema): string[] {
  return [...indexNamesById(schema).values()];
}
