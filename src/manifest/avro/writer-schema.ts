/**
 * Navigation of an Avro writer schema by Iceberg field id.
 *
 * Manifests are read with the schema stored in each file, and writers disagree on names (Java's
 * `added_data_files_count` is PyIceberg's `added_files_count`) and on optional extras, but
 * never on field ids (spec §Manifests, §Manifest Lists give the ids). Fields are therefore found
 * by `field-id`, falling back to the spec's name for writers that omit ids.
 *
 * @module
 */
import type { JsonValue } from '../../util/index.js';

type Obj = { readonly [key: string]: JsonValue };

/** One field of a record in a writer schema. */
export interface AvroField {
  /** The field's Avro name: the key of its value in decoded records. */
  readonly name: string;
  /** Its Iceberg field id, when written. */
  readonly id: number | undefined;
  /** Its type, with named references resolved and `["null", T]` unwrapped to `T`. */
  readonly type: JsonValue;
  /** Whether the type was a union with null. */
  readonly optional: boolean;
  /** The raw field definition (for extra attributes such as `iceberg-field-name`). */
  readonly raw: Obj;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function isObj(v: JsonValue | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Numeric attribute (ids may be written as numbers or, by some writers, as strings). */
function numAttr(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

/** A writer schema with its named types indexed. */
export class WriterSchema {
  private readonly named = new Map<string, JsonValue>();

  /** @param root the parsed `avro.schema` */
  constructor(readonly root: JsonValue) {
    this.index(root, '');
  }

  private index(s: JsonValue, namespace: string): void {
    if (Array.isArray(s)) {
      for (const b of s) this.index(b, namespace);
      return;
    }
    if (!isObj(s)) return;
    const t = s['type'];
    if (typeof t === 'string' && (t === 'record' || t === 'error' || t === 'enum' || t === 'fixed')) {
      const name = typeof s['name'] === 'string' ? s['name'] : '';
      const ns = typeof s['namespace'] === 'string' ? s['namespace'] : namespace;
      const full = name.includes('.') || !ns ? name : `${ns}.${name}`;
      this.named.set(full, s);
      // Short names are what references usually use; the first definition wins.
      const short = name.slice(name.lastIndexOf('.') + 1);
      if (!this.named.has(short)) this.named.set(short, s);
      const fields = s['fields'];
      if (Array.isArray(fields)) for (const f of fields) if (isObj(f)) this.index(f['type'] ?? null, ns);
      return;
    }
    if (typeof t === 'string' && t === 'array') this.index(s['items'] ?? null, namespace);
    else if (typeof t === 'string' && t === 'map') this.index(s['values'] ?? null, namespace);
    else if (t !== undefined && typeof t !== 'string') this.index(t, namespace);
  }

  /**
   * Resolves named references and nested `{"type": {...}}` wrappers.
   * @param s a (sub)schema
   */
  resolve(s: JsonValue): JsonValue {
    if (typeof s === 'string' && !PRIMITIVES.has(s)) return this.named.get(s) ?? s;
    if (isObj(s) && isObj(s['type'] ?? null)) return this.resolve(s['type']!);
    if (isObj(s) && Array.isArray(s['type'])) return this.resolve(s['type']);
    return s;
  }

  /**
   * Strips a union with null: `["null", T]` → `T` (optional).
   * @param s a (sub)schema
   */
  unwrap(s: JsonValue): { readonly type: JsonValue; readonly optional: boolean } {
    const r = this.resolve(s);
    if (Array.isArray(r)) {
      const branches = r.filter((b) => b !== 'null');
      const optional = branches.length !== r.length;
      return { type: this.resolve(branches.length === 1 ? branches[0]! : branches), optional };
    }
    return { type: r, optional: false };
  }

  /**
   * The fields of a record type (after resolving and unwrapping), or undefined if not a record.
   * @param s a (sub)schema
   */
  fields(s: JsonValue): AvroField[] | undefined {
    const r = this.unwrap(s).type;
    if (!isObj(r) || (r['type'] !== 'record' && r['type'] !== 'error')) return undefined;
    const fields = r['fields'];
    if (!Array.isArray(fields)) return undefined;
    return fields.filter(isObj).map((f) => {
      const u = this.unwrap(f['type'] ?? 'null');
      return { name: String(f['name']), id: numAttr(f['field-id']), type: u.type, optional: u.optional, raw: f };
    });
  }

  /**
   * The element type of an array type, or undefined.
   * @param s a (sub)schema
   */
  items(s: JsonValue): JsonValue | undefined {
    const r = this.unwrap(s).type;
    return isObj(r) && r['type'] === 'array' ? (r['items'] ?? undefined) : undefined;
  }
}

/**
 * Finds a field by Iceberg field id, else by name.
 * @param fields the record's fields
 * @param id the spec's field id
 * @param name the spec's field name, or the names writers have used (fallback for writers without ids)
 */
export function fieldById(fields: readonly AvroField[], id: number, name: string | readonly string[]): AvroField | undefined {
  const names: readonly string[] = typeof name === 'string' ? [name] : name;
  return fields.find((f) => f.id === id) ?? fields.find((f) => f.id === undefined && names.includes(f.name));
}

/**
 * The type name and logical type of a resolved primitive, fixed or bytes schema.
 * @param s a resolved, unwrapped schema
 */
export function primitiveOf(s: JsonValue): { readonly type: string; readonly logicalType?: string; readonly attrs: Obj } {
  if (typeof s === 'string') return { type: s, attrs: {} };
  if (isObj(s) && typeof s['type'] === 'string') {
    const lt = s['logicalType'];
    return typeof lt === 'string' ? { type: s['type'], logicalType: lt, attrs: s } : { type: s['type'], attrs: s };
  }
  return { type: 'unknown', attrs: {} };
}
