/**
 * Table metadata (Iceberg spec §Table Metadata, Appendix C), the in-memory model and its codec.
 * v1, v2 and v3 files are read; v2 and v3 are written, each table in its own version (a v1 table
 * is written as v2, its upgrade). A v3 file carries `next-row-id` and its snapshots'
 * `first-row-id` / `added-rows` (spec §Row Lineage).
 *
 * Decoding is three steps, each with its own error:
 *
 * | step | tool | failure |
 * |---|---|---|
 * | text → JSON | `parseJson` (lossless: int64 ids stay exact; never `JSON.parse`) | `CorruptFileError` naming the file |
 * | JSON → model | one zod wire schema per format version, joined on `format-version` | `ValidationError` with the JSON path and file; `UnsupportedError` for format v4+ |
 * | cross-field rules | the named `validate*` functions below | `ValidationError` with `{ file, path }` |
 *
 * Reading v1 upgrades it in memory (spec Appendix E): `schema` becomes `schemas` +
 * `current-schema-id`, `partition-spec` becomes `partition-specs` (spec id 0, field ids from
 * 1000), sequence numbers are 0, missing sort orders are the unsorted order, and snapshots keep
 * their `manifests` list when they have no manifest list. Unknown keys are ignored.
 *
 * @module
 */
import { z } from 'zod';
import { CorruptFileError, UnsupportedError, ValidationError } from '../errors.js';
import { parseJson, stringifyJson, type JsonValue } from '../util/index.js';
import {
  encodePartitionSpec,
  PartitionFieldsSchema,
  PartitionSpecSchema,
  UNPARTITIONED_LAST_PARTITION_ID,
  type PartitionSpec,
} from './partition.js';
import { encodeSchema, maxFieldId, MetadataSchemaSchema, SchemaV2Schema, schemaAsStruct } from './schema.js';
import {
  encodeMetadataLogEntry,
  encodeSnapshot,
  encodeSnapshotLogEntry,
  encodeSnapshotRef,
  MAIN_BRANCH,
  MetadataLogEntrySchema,
  SnapshotLogEntrySchema,
  SnapshotRefSchema,
  SnapshotV1Schema,
  SnapshotV2Schema,
  type MetadataLogEntry,
  type Snapshot,
  type SnapshotLogEntry,
  type SnapshotRef,
} from './snapshot.js';
import { encodeSortOrder, SortOrderSchema, UNSORTED_ORDER, type SortOrder } from './sort-order.js';
import type { Schema } from './types.js';
import { LongSchema, MillisSchema, StringMapSchema } from './wire.js';
import { errorFromZod, formatPath } from './zod-issues.js';

/** The whole state of a table at one metadata version. */
export interface TableMetadata {
  /** 1, 2 or 3 as read; Floe writes 2 or 3 (a v1 table is written as v2). */
  readonly formatVersion: 1 | 2 | 3;
  /** The table's uuid, fixed at creation (empty only for a v1 table written without one). */
  readonly tableUuid: string;
  /** The table's base location as recorded (may be `s3a://…` or relative for foreign tables). */
  readonly location: string;
  /** The highest sequence number assigned so far. */
  readonly lastSequenceNumber: bigint;
  /** When this metadata was written, ms since the epoch. */
  readonly lastUpdatedMs: number;
  /** The highest field id assigned so far; ids only grow. */
  readonly lastColumnId: number;
  /** Every schema the table has had. */
  readonly schemas: readonly Schema[];
  /** The current schema's id. */
  readonly currentSchemaId: number;
  /** Every partition spec the table has had. */
  readonly partitionSpecs: readonly PartitionSpec[];
  /** The spec new data is written with. */
  readonly defaultSpecId: number;
  /** The highest partition field id assigned so far. */
  readonly lastPartitionId: number;
  /** Table properties. */
  readonly properties: Readonly<Record<string, string>>;
  /** The current snapshot of `main`, or null for a table with no snapshot. */
  readonly currentSnapshotId: bigint | null;
  /** Every snapshot still tracked. */
  readonly snapshots: readonly Snapshot[];
  /** When each snapshot became current. */
  readonly snapshotLog: readonly SnapshotLogEntry[];
  /** Earlier metadata files. */
  readonly metadataLog: readonly MetadataLogEntry[];
  /** Every sort order. */
  readonly sortOrders: readonly SortOrder[];
  /** The default sort order's id. */
  readonly defaultSortOrderId: number;
  /** Named branches and tags; `main` is present whenever there is a current snapshot. */
  readonly refs: Readonly<Record<string, SnapshotRef>>;
  /** Statistics and partition-statistics entries, kept as read so that rewrites preserve them. */
  readonly statistics?: readonly unknown[];
  /** See `statistics`. */
  readonly partitionStatistics?: readonly unknown[];
  /** v3 only: the first row id the next snapshot assigns (spec §Row Lineage). */
  readonly nextRowId?: bigint;
}

/** The format version of a table created without one (Iceberg Java's default, `format-version` 2). */
export const CURRENT_FORMAT_VERSION = 2;

/** The highest format version Floe writes (and creates or upgrades tables to). */
export const MAX_WRITE_FORMAT_VERSION = 3;

/** The highest format version Floe reads. */
export const MAX_SUPPORTED_FORMAT_VERSION = 3;

// ---------------------------------------------------------------- wire schemas

/** `current-snapshot-id`: a long, with `-1` (Java, v1/v2) and `null` both meaning "none" (spec Appendix F). */
const CurrentSnapshotIdSchema = LongSchema.nullish().transform((v) => (v === undefined || v === null || v === -1n ? null : v));

const RawListSchema = z.array(z.custom<JsonValue>((v) => v !== undefined));

const CommonFields = {
  location: z.string(),
  'last-updated-ms': MillisSchema,
  'last-column-id': z.number().int(),
  properties: StringMapSchema.nullish(),
  'current-snapshot-id': CurrentSnapshotIdSchema,
  'snapshot-log': z.array(SnapshotLogEntrySchema).nullish(),
  'metadata-log': z.array(MetadataLogEntrySchema).nullish(),
  refs: z.record(z.string(), SnapshotRefSchema).nullish(),
  statistics: RawListSchema.nullish(),
  'partition-statistics': RawListSchema.nullish(),
};

/** zod schema of v1 table metadata (spec §Table Metadata Fields, v1 column). */
export const TableMetadataV1Schema = z.object({
  'format-version': z.literal(1),
  'table-uuid': z.string().nullish(),
  ...CommonFields,
  schema: MetadataSchemaSchema.optional(),
  schemas: z.array(MetadataSchemaSchema).optional(),
  'current-schema-id': z.number().int().optional(),
  'partition-spec': PartitionFieldsSchema.optional(),
  'partition-specs': z.array(PartitionSpecSchema).optional(),
  'default-spec-id': z.number().int().optional(),
  'last-partition-id': z.number().int().optional(),
  'sort-orders': z.array(SortOrderSchema).optional(),
  'default-sort-order-id': z.number().int().optional(),
  snapshots: z.array(SnapshotV1Schema).nullish(),
});

/** zod schema of v2 table metadata (spec §Table Metadata Fields, v2 column). */
export const TableMetadataV2Schema = z.object({
  'format-version': z.literal(2),
  'table-uuid': z.string(),
  ...CommonFields,
  'last-sequence-number': LongSchema,
  schemas: z.array(SchemaV2Schema),
  'current-schema-id': z.number().int(),
  'partition-specs': z.array(PartitionSpecSchema),
  'default-spec-id': z.number().int(),
  'last-partition-id': z.number().int(),
  'sort-orders': z.array(SortOrderSchema),
  'default-sort-order-id': z.number().int(),
  snapshots: z.array(SnapshotV2Schema).nullish(),
});

/**
 * zod schema of v3 table metadata (spec §Table Metadata Fields, v3 column): v2's fields and the
 * required `next-row-id` of row lineage (spec §Row Lineage); snapshots keep their `first-row-id`
 * and `added-rows`.
 */
export const TableMetadataV3Schema = TableMetadataV2Schema.extend({
  'format-version': z.literal(3),
  'next-row-id': LongSchema.refine((v) => v >= 0n, { message: 'must not be negative' }),
});

/** Table metadata of any supported version, discriminated on `format-version`. */
export const TableMetadataSchema = z.discriminatedUnion('format-version', [TableMetadataV1Schema, TableMetadataV2Schema, TableMetadataV3Schema]);

/** The wire form of table metadata (input of {@link TableMetadataSchema}). */
export type TableMetadataJson = z.input<typeof TableMetadataSchema>;

type V1Wire = z.output<typeof TableMetadataV1Schema>;
type V2Wire = z.output<typeof TableMetadataV2Schema>;
type V3Wire = z.output<typeof TableMetadataV3Schema>;
type CommonWire = Pick<V2Wire, keyof typeof CommonFields>;

// ---------------------------------------------------------------- wire → model

/** Refs as read; Java synthesizes `main` when `refs` is absent (spec: "always a main branch reference"). */
function refsFromWire(w: CommonWire): Record<string, SnapshotRef> {
  const refs: Record<string, SnapshotRef> = { ...(w.refs ?? {}) };
  const current = w['current-snapshot-id'];
  if (current !== null && refs[MAIN_BRANCH] === undefined) refs[MAIN_BRANCH] = { snapshotId: current, type: 'branch' };
  return refs;
}

function commonFromWire(w: CommonWire): Pick<
  TableMetadata,
  'location' | 'lastUpdatedMs' | 'lastColumnId' | 'properties' | 'currentSnapshotId' | 'snapshotLog' | 'metadataLog' | 'refs'
> & { statistics?: readonly unknown[]; partitionStatistics?: readonly unknown[] } {
  const out: ReturnType<typeof commonFromWire> = {
    location: w.location,
    lastUpdatedMs: w['last-updated-ms'],
    lastColumnId: w['last-column-id'],
    properties: w.properties ?? {},
    currentSnapshotId: w['current-snapshot-id'],
    snapshotLog: w['snapshot-log'] ?? [],
    metadataLog: w['metadata-log'] ?? [],
    refs: refsFromWire(w),
  };
  // kept only when non-empty, so that decode → encode (which always writes both lists) → decode is stable
  if (w.statistics != null && w.statistics.length > 0) out.statistics = w.statistics;
  if (w['partition-statistics'] != null && w['partition-statistics'].length > 0) out.partitionStatistics = w['partition-statistics'];
  return out;
}

function v2FromWire(w: V2Wire | V3Wire): TableMetadata {
  return {
    formatVersion: w['format-version'],
    ...('next-row-id' in w ? { nextRowId: w['next-row-id'] } : {}),
    tableUuid: w['table-uuid'],
    lastSequenceNumber: w['last-sequence-number'],
    schemas: w.schemas,
    currentSchemaId: w['current-schema-id'],
    partitionSpecs: w['partition-specs'],
    defaultSpecId: w['default-spec-id'],
    lastPartitionId: w['last-partition-id'],
    sortOrders: w['sort-orders'],
    defaultSortOrderId: w['default-sort-order-id'],
    snapshots: w.snapshots ?? [],
    ...commonFromWire(w),
  };
}

/**
 * Upgrades v1 wire metadata to the model (spec Appendix E "Reading v1 metadata for v2").
 * @throws ValidationError when neither `schema` nor `schemas` (or neither `partition-spec` nor `partition-specs`) is present
 */
function v1FromWire(w: V1Wire, file: string | undefined): TableMetadata {
  let schemas: readonly Schema[];
  let currentSchemaId: number;
  if (w.schemas !== undefined && w.schemas.length > 0) {
    schemas = w.schemas;
    currentSchemaId = w['current-schema-id'] ?? w.schema?.schemaId ?? w.schemas[0]?.schemaId ?? 0;
  } else if (w.schema !== undefined) {
    schemas = [w.schema];
    currentSchemaId = w.schema.schemaId;
  } else {
    throw fieldError('v1 table metadata needs `schema` or `schemas`', file, 'schemas');
  }
  let partitionSpecs: readonly PartitionSpec[];
  let defaultSpecId: number;
  if (w['partition-specs'] !== undefined && w['partition-specs'].length > 0) {
    partitionSpecs = w['partition-specs'];
    defaultSpecId = w['default-spec-id'] ?? partitionSpecs[0]?.specId ?? 0;
  } else if (w['partition-spec'] !== undefined) {
    partitionSpecs = [{ specId: 0, fields: w['partition-spec'] }];
    defaultSpecId = 0;
  } else {
    throw fieldError('v1 table metadata needs `partition-spec` or `partition-specs`', file, 'partition-specs');
  }
  const maxPartitionId = Math.max(UNPARTITIONED_LAST_PARTITION_ID, ...partitionSpecs.flatMap((s) => s.fields.map((f) => f.fieldId)));
  const sortOrders = w['sort-orders'] !== undefined && w['sort-orders'].length > 0 ? w['sort-orders'] : [UNSORTED_ORDER];
  return {
    formatVersion: 1,
    tableUuid: w['table-uuid'] ?? '',
    lastSequenceNumber: 0n,
    schemas,
    currentSchemaId,
    partitionSpecs,
    defaultSpecId,
    lastPartitionId: w['last-partition-id'] ?? maxPartitionId,
    sortOrders,
    defaultSortOrderId: w['default-sort-order-id'] ?? sortOrders[0]?.orderId ?? 0,
    snapshots: w.snapshots ?? [],
    ...commonFromWire(w),
  };
}

// ---------------------------------------------------------------- cross-field validation

function fieldError(message: string, file: string | undefined, path: string, context: Record<string, string | number | bigint> = {}): ValidationError {
  return new ValidationError(`${message}${file === undefined ? '' : ` in ${file}`}`, {
    context: { ...(file === undefined ? {} : { file }), path, ...context },
  });
}

/**
 * Schema ids are unique and `current-schema-id` names one of the schemas.
 * @param m the metadata
 * @param file the file, for error context
 * @throws ValidationError with path `current-schema-id` or `schemas[i].schema-id`
 */
export function validateCurrentSchema(m: TableMetadata, file?: string): void {
  const seen = new Set<number>();
  m.schemas.forEach((s, i) => {
    if (seen.has(s.schemaId)) throw fieldError(`schema id ${s.schemaId} is used twice`, file, formatPath(['schemas', i, 'schema-id']), { schemaId: s.schemaId });
    seen.add(s.schemaId);
  });
  if (!seen.has(m.currentSchemaId)) {
    throw fieldError(`current-schema-id ${m.currentSchemaId} is not among the schemas (${[...seen].join(', ')})`, file, 'current-schema-id', {
      schemaId: m.currentSchemaId,
    });
  }
}

/**
 * `last-column-id` is at least every field id of every schema (ids are never reused).
 * @param m the metadata
 * @param file the file, for error context
 * @throws ValidationError with path `last-column-id`
 */
export function validateLastColumnId(m: TableMetadata, file?: string): void {
  for (const s of m.schemas) {
    const max = maxFieldId(schemaAsStruct(s));
    if (max > m.lastColumnId) {
      throw fieldError(`last-column-id ${m.lastColumnId} is below field id ${max} of schema ${s.schemaId}`, file, 'last-column-id', {
        lastColumnId: m.lastColumnId,
        fieldId: max,
      });
    }
  }
}

/**
 * Spec ids are unique and `default-spec-id` names one of the specs; partition field ids do not
 * exceed `last-partition-id` in v2 metadata (v1 did not track them).
 * @param m the metadata
 * @param file the file, for error context
 * @throws ValidationError with path `default-spec-id`, `partition-specs[i].spec-id` or `last-partition-id`
 */
export function validateDefaultSpec(m: TableMetadata, file?: string): void {
  const seen = new Set<number>();
  m.partitionSpecs.forEach((s, i) => {
    if (seen.has(s.specId)) throw fieldError(`partition spec id ${s.specId} is used twice`, file, formatPath(['partition-specs', i, 'spec-id']), { specId: s.specId });
    seen.add(s.specId);
    if (m.formatVersion >= 2) {
      for (const f of s.fields) {
        if (f.fieldId > m.lastPartitionId) {
          throw fieldError(`partition field id ${f.fieldId} of spec ${s.specId} is above last-partition-id ${m.lastPartitionId}`, file, 'last-partition-id', {
            fieldId: f.fieldId,
          });
        }
      }
    }
  });
  if (!seen.has(m.defaultSpecId)) {
    throw fieldError(`default-spec-id ${m.defaultSpecId} is not among the partition specs`, file, 'default-spec-id', { specId: m.defaultSpecId });
  }
}

/**
 * Sort order ids are unique, `default-sort-order-id` names one of them, and order 0 (reserved
 * for "unsorted", spec §Sorting) has no fields.
 * @param m the metadata
 * @param file the file, for error context
 * @throws ValidationError with path `default-sort-order-id` or `sort-orders[i]…`
 */
export function validateSortOrder(m: TableMetadata, file?: string): void {
  const seen = new Set<number>();
  m.sortOrders.forEach((o, i) => {
    if (seen.has(o.orderId)) throw fieldError(`sort order id ${o.orderId} is used twice`, file, formatPath(['sort-orders', i, 'order-id']), { orderId: o.orderId });
    seen.add(o.orderId);
    if (o.orderId === 0 && o.fields.length > 0) {
      throw fieldError('sort order 0 is reserved for the unsorted order and must have no fields', file, formatPath(['sort-orders', i, 'fields']));
    }
  });
  if (!seen.has(m.defaultSortOrderId)) {
    throw fieldError(`default-sort-order-id ${m.defaultSortOrderId} is not among the sort orders`, file, 'default-sort-order-id', {
      orderId: m.defaultSortOrderId,
    });
  }
}

/**
 * Snapshot ids are unique; `current-snapshot-id` names an existing snapshot; the `main` ref
 * points at `current-snapshot-id` (and is absent when there is none); every ref points at an
 * existing snapshot (Java `TableMetadata.validateRefs`, iceberg-rust `validate_refs`).
 * @param m the metadata
 * @param file the file, for error context
 * @throws ValidationError with path `snapshots[i].snapshot-id`, `current-snapshot-id` or `refs.<name>.snapshot-id`
 */
export function validateRefs(m: TableMetadata, file?: string): void {
  const ids = new Set<bigint>();
  m.snapshots.forEach((s, i) => {
    if (ids.has(s.snapshotId)) {
      throw fieldError(`snapshot id ${s.snapshotId} is used twice`, file, formatPath(['snapshots', i, 'snapshot-id']), { snapshotId: s.snapshotId });
    }
    ids.add(s.snapshotId);
  });
  if (m.currentSnapshotId !== null && !ids.has(m.currentSnapshotId)) {
    throw fieldError(`current-snapshot-id ${m.currentSnapshotId} is not among the snapshots`, file, 'current-snapshot-id', {
      snapshotId: m.currentSnapshotId,
    });
  }
  const main = m.refs[MAIN_BRANCH];
  if (m.currentSnapshotId === null) {
    if (main !== undefined) {
      throw fieldError(`the main branch points at snapshot ${main.snapshotId} but there is no current snapshot`, file, formatPath(['refs', MAIN_BRANCH, 'snapshot-id']), {
        snapshotId: main.snapshotId,
      });
    }
  } else if (main !== undefined && main.snapshotId !== m.currentSnapshotId) {
    throw fieldError(
      `the main branch points at snapshot ${main.snapshotId} but current-snapshot-id is ${m.currentSnapshotId}`,
      file,
      formatPath(['refs', MAIN_BRANCH, 'snapshot-id']),
      { snapshotId: main.snapshotId },
    );
  }
  if (main !== undefined && main.type !== 'branch') {
    throw fieldError('the main ref must be a branch', file, formatPath(['refs', MAIN_BRANCH, 'type']));
  }
  for (const [name, ref] of Object.entries(m.refs)) {
    if (!ids.has(ref.snapshotId)) {
      throw fieldError(`ref ${name} points at snapshot ${ref.snapshotId}, which is not among the snapshots`, file, formatPath(['refs', name, 'snapshot-id']), {
        ref: name,
        snapshotId: ref.snapshotId,
      });
    }
  }
}

/**
 * In v2 metadata no snapshot's sequence number exceeds `last-sequence-number`, and a snapshot's
 * sequence number is above its parent's (spec §Sequence Numbers). v1 sequence numbers are all 0.
 * @param m the metadata
 * @param file the file, for error context
 * @throws ValidationError with path `snapshots[i].sequence-number`
 */
export function validateSnapshotSequenceNumbers(m: TableMetadata, file?: string): void {
  if (m.formatVersion < 2) return;
  const byId = new Map(m.snapshots.map((s) => [s.snapshotId, s]));
  m.snapshots.forEach((s, i) => {
    const path = formatPath(['snapshots', i, 'sequence-number']);
    if (s.sequenceNumber > m.lastSequenceNumber) {
      throw fieldError(
        `snapshot ${s.snapshotId} has sequence number ${s.sequenceNumber}, above last-sequence-number ${m.lastSequenceNumber}`,
        file,
        path,
        { snapshotId: s.snapshotId, sequenceNumber: s.sequenceNumber },
      );
    }
    const parent = s.parentSnapshotId === undefined ? undefined : byId.get(s.parentSnapshotId);
    // a parent may have been expired; and snapshots upgraded from v1 keep sequence number 0
    if (parent !== undefined && s.sequenceNumber !== 0n && s.sequenceNumber <= parent.sequenceNumber) {
      throw fieldError(
        `snapshot ${s.snapshotId} has sequence number ${s.sequenceNumber}, not above its parent ${parent.snapshotId}'s ${parent.sequenceNumber}`,
        file,
        path,
        { snapshotId: s.snapshotId, sequenceNumber: s.sequenceNumber },
      );
    }
  });
}

/**
 * Runs every cross-field check: {@link validateCurrentSchema}, {@link validateLastColumnId},
 * {@link validateDefaultSpec}, {@link validateSortOrder}, {@link validateRefs},
 * {@link validateSnapshotSequenceNumbers}.
 * @param m the metadata
 * @param file the file, for error context
 * @throws ValidationError naming the first rule broken, with `{ file, path }`
 */
export function validateTableMetadata(m: TableMetadata, file?: string): void {
  validateCurrentSchema(m, file);
  validateLastColumnId(m, file);
  validateDefaultSpec(m, file);
  validateSortOrder(m, file);
  validateRefs(m, file);
  validateSnapshotSequenceNumbers(m, file);
}

// ---------------------------------------------------------------- decode / encode

/**
 * Decodes a table metadata file (v1, v2 or v3) into the model, then runs every cross-field check.
 * The text is parsed with the lossless parser, so int64 snapshot ids round-trip exactly.
 *
 * @param text the file's content (JSON)
 * @param file the file's path, named in every error
 * @throws CorruptFileError when the text is not JSON (e.g. truncated)
 * @throws UnsupportedError when `format-version` is above 3
 * @throws ValidationError when a field is missing or malformed, or a cross-field rule fails
 *   (`context.path` names the field, `context.file` the file)
 */
export function decodeTableMetadata(text: string, file: string): TableMetadata {
  let json: JsonValue;
  try {
    json = parseJson(text);
  } catch (e) {
    throw new CorruptFileError(file, `table metadata is not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const m = tableMetadataFromJson(json, file);
  validateTableMetadata(m, file);
  return m;
}

/**
 * Converts parsed JSON into the model without the cross-field checks (for callers that
 * assemble metadata from parts, e.g. a REST catalog response).
 * @param json the parsed metadata
 * @param file the file, for error context
 * @throws UnsupportedError for format v4+; ValidationError for shape errors
 */
export function tableMetadataFromJson(json: JsonValue, file?: string): TableMetadata {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw fieldError('table metadata must be a JSON object', file, '$');
  }
  const version = json['format-version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > MAX_SUPPORTED_FORMAT_VERSION) {
    throw new UnsupportedError(`table format version ${version} is not supported (Floe reads v1, v2 and v3)${file === undefined ? '' : ` in ${file}`}`, {
      context: { ...(file === undefined ? {} : { file }), path: 'format-version', formatVersion: version },
    });
  }
  if (version !== 1 && version !== 2 && version !== 3) {
    throw fieldError(`format-version must be 1, 2 or 3, got ${version === undefined ? 'nothing' : stringifyJson(version)}`, file, 'format-version');
  }
  requireCurrentSchemaListed(json, file);
  const r = TableMetadataSchema.safeParse(json);
  if (!r.success) throw errorFromZod(r.error, { file, what: 'table metadata' });
  return r.data['format-version'] === 1 ? v1FromWire(r.data, file) : v2FromWire(r.data);
}

/**
 * Iceberg Java reads `schemas` and `current-schema-id` before the partition fields, so a document
 * whose current schema is missing is refused for that even when later fields are missing too
 * (`TableMetadataParser.fromJson`: "Cannot find schema with current-schema-id=…").
 */
function requireCurrentSchemaListed(json: { [key: string]: JsonValue }, file: string | undefined): void {
  const schemas = json['schemas'];
  const current = json['current-schema-id'];
  if (!Array.isArray(schemas) || typeof current !== 'number') return;
  const ids = schemas.map((s) => (typeof s === 'object' && s !== null && !Array.isArray(s) ? s['schema-id'] : undefined));
  // a schema without an id is the zod schema's to report, at its own path
  if (ids.includes(current) || !ids.every((id) => typeof id === 'number')) return;
  throw fieldError(`cannot find schema with current-schema-id=${current} among the schemas (${ids.join(', ')})`, file, 'current-schema-id', { schemaId: current });
}

/**
 * The JSON object of a model, in the table's own format version (v2 for a v1 table, its upgrade;
 * v3 stays v3), keys in the order Java's `TableMetadataParser` writes them. v3 adds
 * `next-row-id` after `current-snapshot-id` (left out rather than `-1` when there is no current
 * snapshot, spec Appendix F), and its snapshots carry `first-row-id` / `added-rows`.
 * @param m the metadata
 * @throws ValidationError when the table has no uuid (a v1 table read without one must be given
 *   one first), or a v3 table has no `next-row-id`
 */
export function tableMetadataToJson(m: TableMetadata): JsonValue {
  const version = Math.max(CURRENT_FORMAT_VERSION, m.formatVersion);
  if (m.tableUuid === '') {
    throw new ValidationError(`v${version} table metadata needs a table-uuid; assign one before writing an upgraded v1 table`, {
      context: { path: 'table-uuid' },
    });
  }
  if (version >= 3 && m.nextRowId === undefined) {
    // spec §Table Metadata Fields: `next-row-id` is required in v3; writing without it would lose row lineage.
    throw new ValidationError(`v3 table metadata of ${m.location} needs a next-row-id`, { context: { path: 'next-row-id', location: m.location } });
  }
  const refs: { [key: string]: JsonValue } = {};
  for (const [name, ref] of Object.entries(m.refs)) refs[name] = encodeSnapshotRef(ref);
  return {
    'format-version': version,
    'table-uuid': m.tableUuid,
    location: m.location,
    'last-sequence-number': m.lastSequenceNumber,
    'last-updated-ms': m.lastUpdatedMs,
    'last-column-id': m.lastColumnId,
    'current-schema-id': m.currentSchemaId,
    schemas: m.schemas.map(encodeSchema),
    'default-spec-id': m.defaultSpecId,
    'partition-specs': m.partitionSpecs.map(encodePartitionSpec),
    'last-partition-id': m.lastPartitionId,
    'default-sort-order-id': m.defaultSortOrderId,
    'sort-orders': m.sortOrders.map(encodeSortOrder),
    properties: { ...m.properties },
    // "No current snapshot" is -1 in v1/v2 metadata, as Java writes it (older readers expect a
    // long); from v3 on it is left out, which the spec reads as null (Appendix F) and which,
    // unlike Java's null, the REST OpenAPI document's TableMetadata (an integer) allows too.
    ...(m.currentSnapshotId !== null ? { 'current-snapshot-id': m.currentSnapshotId } : version >= 3 ? {} : { 'current-snapshot-id': -1 }),
    ...(version >= 3 ? { 'next-row-id': m.nextRowId! } : {}),
    refs,
    snapshots: m.snapshots.map(encodeSnapshot),
    statistics: [...((m.statistics ?? []) as JsonValue[])],
    'partition-statistics': [...((m.partitionStatistics ?? []) as JsonValue[])],
    'snapshot-log': m.snapshotLog.map(encodeSnapshotLogEntry),
    'metadata-log': m.metadataLog.map(encodeMetadataLogEntry),
  };
}

/**
 * Encodes table metadata as a file of the table's format version (v2 or v3; see
 * {@link tableMetadataToJson}): pretty-printed (2 spaces), stable key order (Java's), int64 ids
 * written exactly.
 * @param m the metadata
 * @throws ValidationError when the table has no uuid, or a v3 table no `next-row-id`
 */
export function encodeTableMetadata(m: TableMetadata): string {
  return `${stringifyJson(tableMetadataToJson(m), 2)}\n`;
}

/**
 * The current schema.
 * @param m the metadata
 * @throws ValidationError when `current-schema-id` names no schema (never after `decodeTableMetadata`)
 */
export function currentSchema(m: TableMetadata): Schema {
  const s = m.schemas.find((x) => x.schemaId === m.currentSchemaId);
  if (s === undefined) throw fieldError(`current-schema-id ${m.currentSchemaId} is not among the schemas`, undefined, 'current-schema-id');
  return s;
}

/**
 * The default partition spec.
 * @param m the metadata
 * @throws ValidationError when `default-spec-id` names no spec (never after `decodeTableMetadata`)
 */
export function defaultPartitionSpec(m: TableMetadata): PartitionSpec {
  const s = m.partitionSpecs.find((x) => x.specId === m.defaultSpecId);
  if (s === undefined) throw fieldError(`default-spec-id ${m.defaultSpecId} is not among the partition specs`, undefined, 'default-spec-id');
  return s;
}

/**
 * The current snapshot of `main`, or undefined for a table without one.
 * @param m the metadata
 */
export function currentSnapshot(m: TableMetadata): Snapshot | undefined {
  if (m.currentSnapshotId === null) return undefined;
  return m.snapshots.find((s) => s.snapshotId === m.currentSnapshotId);
}

/**
 * A snapshot by id, or undefined.
 * @param m the metadata
 * @param snapshotId the id
 */
export function snapshotById(m: TableMetadata, snapshotId: bigint): Snapshot | undefined {
  return m.snapshots.find((s) => s.snapshotId === snapshotId);
}
