/**
 * Arrow objects made by another copy of apache-arrow, adopted into the copy Floe runs on.
 *
 * apache-arrow is a peer dependency, but an app can still hold a second copy (a library that
 * nests its own, a monorepo with two versions). Its `Table`, `RecordBatch` and `Schema` fail
 * `instanceof` against Floe's classes, and handing them on anyway breaks deep inside (arrow-js
 * visitors dispatch on their own classes: a foreign table reached arrow-rs as `Need at least 24
 * bytes in buffers[0]`, a foreign schema was read as an Iceberg one and failed with `schema
 * assigns field id undefined twice`). This module is the only place that knows about such
 * copies: it recognises them by shape (arrow-js tags its prototypes with `Symbol.toStringTag`,
 * and only 21.2+ adds cross-copy `Symbol.for` brands), and rebuilds them on Floe's classes
 * without copying a byte: types are rebuilt by their Arrow `typeId` (the Arrow format's `Type`
 * enum, the same in every version), and each `Data` is rebuilt around the same buffers.
 *
 * Supported: apache-arrow 14 and later (the `Data` layout has not changed since 14, which made
 * `nullable` a getter when unions lost their validity bitmap; tested with 17, 19 and 21). An
 * object from an older copy, or anything that merely looks like Arrow, is refused with an
 * error saying what was found.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { InvalidArgumentError, UnsupportedError } from '../errors.js';

/** The apache-arrow versions whose objects {@link adoptTable} and friends accept. */
export const ADOPTABLE_ARROW_VERSIONS = 'apache-arrow 14 or later';

/** The shape Floe reads of an Arrow schema made by any copy of apache-arrow. */
export interface ArrowSchemaLike {
  /** The columns. */
  readonly fields: readonly { readonly name: string; readonly type: object; readonly nullable: boolean }[];
  /** Schema-level metadata. */
  readonly metadata: ReadonlyMap<string, string>;
}

/** The shape Floe reads of an Arrow record batch made by any copy of apache-arrow. */
export interface ArrowRecordBatchLike {
  /** The batch's schema. */
  readonly schema: ArrowSchemaLike;
  /** The batch's struct data. */
  readonly data: object;
  /** Its number of rows. */
  readonly numRows: number;
}

/** The shape Floe reads of an Arrow table made by any copy of apache-arrow. */
export interface ArrowTableLike {
  /** The table's schema. */
  readonly schema: ArrowSchemaLike;
  /** Its record batches. */
  readonly batches: readonly ArrowRecordBatchLike[];
}

/**
 * The `Symbol.toStringTag` arrow-js gives an object or its class (`'Table'`, `'RecordBatch'`,
 * `'Schema'`, …), if any: `Schema` has it on instances, `Table` and `RecordBatch` on the class
 * (apache-arrow `src/table.ts`, `src/recordbatch.ts`).
 * @param x any value
 */
export function arrowTag(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const own = (x as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof own === 'string') return own;
  const ctor = (x as { constructor?: { [Symbol.toStringTag]?: unknown } }).constructor;
  const tag = typeof ctor === 'function' ? ctor[Symbol.toStringTag] : undefined;
  return typeof tag === 'string' ? tag : undefined;
}

/**
 * Whether `x` is a Table of any copy of apache-arrow (Floe's own included).
 * @param x any value
 */
export function isArrowTableLike(x: unknown): x is ArrowTableLike {
  return x instanceof arrow.Table || arrowTag(x) === 'Table';
}

/**
 * Whether `x` is a RecordBatch of any copy of apache-arrow (Floe's own included).
 * @param x any value
 */
export function isArrowRecordBatchLike(x: unknown): x is ArrowRecordBatchLike {
  return x instanceof arrow.RecordBatch || arrowTag(x) === 'RecordBatch';
}

/**
 * Whether `x` is a Schema of any copy of apache-arrow (Floe's own included).
 * @param x any value
 */
export function isArrowSchemaLike(x: unknown): x is ArrowSchemaLike {
  return x instanceof arrow.Schema || arrowTag(x) === 'Schema';
}

// ---------------------------------------------------------------- shapes read from a foreign copy

const int = z.number().int();
const buffer = z.custom<ArrayBufferView>((v) => v === undefined || v === null || ArrayBuffer.isView(v)).optional().nullable();
const TypeShape = z.looseObject({ typeId: int });
const MetadataShape = z.custom<ReadonlyMap<string, string>>((v) => v instanceof Map && [...v].every(([k, val]) => typeof k === 'string' && typeof val === 'string'), 'expected a Map of strings');
const FieldShape = z.looseObject({ name: z.string(), type: TypeShape, nullable: z.boolean(), metadata: MetadataShape.optional().nullable() });
const SchemaShape = z.looseObject({ fields: z.array(FieldShape), metadata: MetadataShape.optional().nullable() });
const DataShape = z.looseObject({
  type: TypeShape,
  offset: int.nonnegative(),
  length: int.nonnegative(),
  nullCount: int,
  children: z.array(z.unknown()),
  values: buffer,
  valueOffsets: buffer,
  nullBitmap: buffer,
  typeIds: buffer,
  dictionary: z.unknown().optional(),
  variadicBuffers: z.array(z.custom<Uint8Array>((v) => v instanceof Uint8Array)).optional(),
});
const BatchShape = z.looseObject({ schema: z.unknown(), data: z.unknown() });
const TableShape = z.looseObject({ schema: z.unknown(), batches: z.array(z.unknown()) });
const VectorShape = z.looseObject({ data: z.array(z.unknown()) });

type ForeignType = z.infer<typeof TypeShape>;
type ForeignData = z.infer<typeof DataShape>;

/** Where the object came from, for messages. */
interface Origin {
  /** The argument the user passed it as (`data`, `schema`, `left`). */
  readonly argument: string;
}

function notArrow(origin: Origin, what: string, found: string): never {
  throw new InvalidArgumentError(`argument ${origin.argument}: ${what} is not a usable apache-arrow object (${found})`, {
    context: { argument: origin.argument },
    help: `build it with ${ADOPTABLE_ARROW_VERSIONS}, or pass its Arrow IPC bytes through tableFromIPC`,
  });
}

function tooOld(origin: Origin, what: string, found: string): never {
  throw new UnsupportedError(`argument ${origin.argument}: ${what} comes from a copy of apache-arrow older than Floe can adopt (${found}); Floe accepts Arrow objects from ${ADOPTABLE_ARROW_VERSIONS}`, {
    context: { argument: origin.argument },
    help: 'upgrade that copy of apache-arrow, or pass the data as Arrow IPC bytes through tableFromIPC',
  });
}

function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'the object'}: ${i.message}`)
    .join('; ');
}

/**
 * Checks `x` against a shape and returns `x` itself, not zod's copy: the copy would hold only
 * own enumerable keys, and arrow-js keeps some parameters on prototypes or behind getters.
 */
function parse<T extends z.ZodType>(shape: T, x: unknown, origin: Origin, what: string): z.infer<T> {
  const r = shape.safeParse(x);
  if (!r.success) return notArrow(origin, what, issuesOf(r.error));
  return x as z.infer<T>;
}

/** Adoption state for one top-level object: each foreign type, dictionary and schema is rebuilt once. */
class Adopter {
  private readonly types = new Map<object, arrow.DataType>();
  private readonly vectors = new Map<object, arrow.Vector>();
  private readonly schemas = new Map<object, arrow.Schema>();

  constructor(private readonly origin: Origin) {}

  schema(x: unknown, what: string): arrow.Schema {
    if (x instanceof arrow.Schema) return x;
    const known = typeof x === 'object' && x !== null ? this.schemas.get(x) : undefined;
    if (known) return known;
    const s = parse(SchemaShape, x, this.origin, what);
    const out = new arrow.Schema(
      s.fields.map((f) => this.field(f, `${what} field '${f.name}'`)),
      new Map(s.metadata ?? []),
    );
    this.schemas.set(x as object, out);
    return out;
  }

  private field(f: unknown, what: string): arrow.Field {
    if (f instanceof arrow.Field) return f;
    const s = parse(FieldShape, f, this.origin, what);
    return new arrow.Field(s.name, this.type(s.type, what), s.nullable, new Map(s.metadata ?? []));
  }

  private children(t: ForeignType, what: string): arrow.Field[] {
    const children = (t as { children?: unknown }).children;
    if (!Array.isArray(children)) return notArrow(this.origin, what, `a ${arrow.Type[t.typeId] ?? t.typeId} type without children`);
    return children.map((c, k) => this.field(c, `${what} child ${k}`));
  }

  type(t: ForeignType, what: string): arrow.DataType {
    if (t instanceof arrow.DataType) return t;
    const known = this.types.get(t);
    if (known) return known;
    const out = this.buildType(t, what);
    this.types.set(t, out);
    return out;
  }

  private buildType(t: ForeignType, what: string): arrow.DataType {
    // Each type's parameters, as every arrow-js since 9 names them (apache-arrow `src/type.ts`).
    const p = t as Record<string, unknown>;
    const num = (key: string): number => {
      const v = p[key];
      return typeof v === 'number' ? v : notArrow(this.origin, what, `a ${arrow.Type[t.typeId]} type without a numeric '${key}'`);
    };
    switch (t.typeId) {
      case arrow.Type.Null:
        return new arrow.Null();
      case arrow.Type.Bool:
        return new arrow.Bool();
      case arrow.Type.Int:
        return new arrow.Int(p['isSigned'] === true, num('bitWidth') as 8 | 16 | 32 | 64);
      case arrow.Type.Float:
        return new arrow.Float(num('precision'));
      case arrow.Type.Utf8:
        return new arrow.Utf8();
      case arrow.Type.LargeUtf8:
        return new arrow.LargeUtf8();
      case arrow.Type.Binary:
        return new arrow.Binary();
      case arrow.Type.LargeBinary:
        return new arrow.LargeBinary();
      case arrow.Type.FixedSizeBinary:
        return new arrow.FixedSizeBinary(num('byteWidth'));
      case arrow.Type.Decimal:
        return new arrow.Decimal(num('scale'), num('precision'), num('bitWidth'));
      case arrow.Type.Date:
        return new arrow.Date_(num('unit'));
      case arrow.Type.Time:
        return new arrow.Time(num('unit'), num('bitWidth') as 32 | 64);
      case arrow.Type.Timestamp:
        return new arrow.Timestamp(num('unit'), typeof p['timezone'] === 'string' ? p['timezone'] : null);
      case arrow.Type.Interval:
        return new arrow.Interval(num('unit'));
      case arrow.Type.Duration:
        return new arrow.Duration(num('unit'));
      case arrow.Type.List:
        return new arrow.List(this.children(t, what)[0]!);
      case arrow.Type.FixedSizeList:
        return new arrow.FixedSizeList(num('listSize'), this.children(t, what)[0]!);
      case arrow.Type.Struct:
        return new arrow.Struct(this.children(t, what));
      case arrow.Type.Map:
        return new arrow.Map_(this.children(t, what)[0]!, p['keysSorted'] === true);
      case arrow.Type.Union: {
        const typeIds = p['typeIds'];
        if (!ArrayBuffer.isView(typeIds)) return notArrow(this.origin, what, 'a Union type without typeIds');
        return new arrow.Union(num('mode'), Array.from(typeIds as Int32Array), this.children(t, what));
      }
      case arrow.Type.Dictionary: {
        const dictionary = parse(TypeShape, p['dictionary'], this.origin, `${what} dictionary`);
        const indices = parse(TypeShape, p['indices'], this.origin, `${what} indices`);
        const id = p['id'];
        return new arrow.Dictionary(
          this.type(dictionary, `${what} dictionary`),
          this.type(indices, `${what} indices`) as arrow.Int32,
          typeof id === 'number' || typeof id === 'bigint' ? id : null,
          p['isOrdered'] === true,
        );
      }
      default:
        // Newer types (LargeList, views) exist as classes only in newer copies; rebuilding them
        // needs the class in Floe's copy too.
        return this.byName(t, what);
    }
  }

  private byName(t: ForeignType, what: string): arrow.DataType {
    const name = arrow.Type[t.typeId];
    const Ctor = name === undefined ? undefined : (arrow as unknown as Record<string, unknown>)[name];
    if (typeof Ctor === 'function' && (name === 'LargeList' || name === 'Utf8View' || name === 'BinaryView')) {
      const C = Ctor as new (...args: unknown[]) => arrow.DataType;
      return name === 'LargeList' ? new C(this.children(t, what)[0]!) : new C();
    }
    throw new UnsupportedError(`argument ${this.origin.argument}: ${what} has Arrow type id ${t.typeId}${name ? ` (${name})` : ''}, which Floe's copy of apache-arrow cannot represent`, {
      context: { argument: this.origin.argument, typeId: t.typeId },
    });
  }

  /** Rebuilds a Data of a foreign copy around the same buffers, typed `type` (already adopted). */
  data(x: unknown, type: arrow.DataType, what: string): arrow.Data {
    if (x instanceof arrow.Data) return x;
    if (typeof x === 'object' && x !== null && Object.prototype.hasOwnProperty.call(x, 'nullable')) {
      // apache-arrow before 14 set `nullable` per instance; 14 made it a getter when unions lost
      // their validity bitmap (apache-arrow `src/data.ts`), so the layouts differ from there on.
      tooOld(this.origin, what, "its Data has an own 'nullable' field");
    }
    const d: ForeignData = parse(DataShape, x, this.origin, what);
    if (d.type.typeId !== type.typeId) notArrow(this.origin, what, `Data of type id ${d.type.typeId} under a field of type id ${type.typeId}`);
    const fields = type.children ?? [];
    const children = d.children.map((c, k) => this.data(c, fields[k]?.type ?? this.type(parse(DataShape, c, this.origin, what).type, what), `${what} child ${k}`));
    let dictionary: arrow.Vector | undefined;
    if (arrow.DataType.isDictionary(type)) dictionary = this.vector(d.dictionary, type.dictionary, `${what} dictionary`);
    return new arrow.Data(
      type,
      d.offset,
      d.length,
      d.nullCount,
      [d.valueOffsets ?? undefined, d.values ?? undefined, d.nullBitmap ?? undefined, d.typeIds ?? undefined] as never,
      children,
      dictionary,
      ...(d.variadicBuffers && d.variadicBuffers.length > 0 ? [d.variadicBuffers] : []),
    );
  }

  private vector(x: unknown, type: arrow.DataType, what: string): arrow.Vector {
    if (x instanceof arrow.Vector) return x;
    if (typeof x !== 'object' || x === null) return notArrow(this.origin, what, 'a dictionary column without its dictionary');
    const known = this.vectors.get(x);
    if (known) return known;
    const v = parse(VectorShape, x, this.origin, what);
    const out = new arrow.Vector(v.data.map((d, k) => this.data(d, type, `${what} chunk ${k}`)));
    this.vectors.set(x, out);
    return out;
  }

  batch(x: unknown, schema: arrow.Schema | undefined, what: string): arrow.RecordBatch {
    if (x instanceof arrow.RecordBatch) return x;
    const b = parse(BatchShape, x, this.origin, what);
    const s = schema ?? this.schema(b.schema, `${what} schema`);
    const data = this.data(b.data, new arrow.Struct(s.fields), what);
    return new arrow.RecordBatch(s, data as arrow.Data<arrow.Struct>);
  }

  table(x: unknown, what: string): arrow.Table {
    if (x instanceof arrow.Table) return x;
    if (typeof x === 'object' && x !== null && !('batches' in x) && 'chunks' in x) {
      // apache-arrow before 9 kept a table as `chunks` of record batches.
      tooOld(this.origin, what, "it has 'chunks' where a Table has 'batches'");
    }
    const t = parse(TableShape, x, this.origin, what);
    const schema = this.schema(t.schema, `${what} schema`);
    return new arrow.Table(schema, t.batches.map((b, k) => this.batch(b, schema, `${what} batch ${k}`)));
  }
}

/**
 * An Arrow table of any supported copy of apache-arrow as one of Floe's copy: Floe's own
 * tables pass through; another copy's are rebuilt around the same buffers (nothing copied).
 * @param x a Table (of any copy)
 * @param argument the argument's name, for messages
 * @throws {UnsupportedError} for a table from a copy older than apache-arrow 14
 * @throws {InvalidArgumentError} for an object that is not a usable Arrow table
 */
export function adoptTable(x: unknown, argument: string): arrow.Table {
  return new Adopter({ argument }).table(x, 'the Arrow Table');
}

/**
 * A record batch of any supported copy of apache-arrow as one of Floe's copy (see {@link adoptTable}).
 * @param x a RecordBatch (of any copy)
 * @param argument the argument's name, for messages
 * @throws {UnsupportedError} for a batch from a copy older than apache-arrow 14
 * @throws {InvalidArgumentError} for an object that is not a usable record batch
 */
export function adoptRecordBatch(x: unknown, argument: string): arrow.RecordBatch {
  return new Adopter({ argument }).batch(x, undefined, 'the Arrow RecordBatch');
}

/**
 * Record batches of any supported copies of apache-arrow as one table of Floe's copy; batches
 * that share a schema object keep sharing one.
 * @param batches RecordBatches (of any copy)
 * @param argument the argument's name, for messages
 * @throws {UnsupportedError} / {InvalidArgumentError} as {@link adoptTable}
 */
export function adoptRecordBatches(batches: readonly unknown[], argument: string): arrow.Table {
  const adopter = new Adopter({ argument });
  return new arrow.Table(batches.map((b, k) => adopter.batch(b, undefined, `Arrow RecordBatch ${k}`)));
}

/**
 * An Arrow schema of any supported copy of apache-arrow as one of Floe's copy.
 * @param x a Schema (of any copy)
 * @param argument the argument's name, for messages
 * @throws {InvalidArgumentError} for an object that is not a usable Arrow schema
 */
export function adoptSchema(x: unknown, argument: string): arrow.Schema {
  return new Adopter({ argument }).schema(x, 'the Arrow Schema');
}
