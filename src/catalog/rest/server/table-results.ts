/**
 * Building `LoadTableResult` / `CommitTableResponse` bodies and their ETags from a table's
 * committed state, and fresh table metadata from a `CreateTableRequest`: field ids, partition
 * field ids and sort orders are assigned anew as Java's `TableMetadata.newTableMetadata` does
 * (clients send placeholder ids; the spec leaves assignment to the server).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TableState } from '../../../commit/index.js';
import { InvalidArgumentError } from '../../../errors.js';
import {
  type PartitionSpec,
  type Schema,
  type SortOrder,
  type TableMetadata,
  UNPARTITIONED_SPEC,
  decodePartitionSpec,
  decodeSchema,
  decodeSortOrder,
  findFieldByName,
  freshSchema,
  indexNamesById,
  tableMetadataToJson,
} from '../../../spec/index.js';
import type { OpenedLocation } from '../../../store/index.js';
import { createTableMetadata } from '../../../transaction/index.js';
import type { JsonValue } from '../../../util/index.js';

/** Which snapshots a loaded table's metadata carries (`snapshots` query parameter). */
export type SnapshotsMode = 'all' | 'refs';

/** The URI of a committed metadata file. */
export function metadataLocationOf(location: OpenedLocation, state: TableState): string {
  return `${location.uri}/${state.path}`;
}

/** The metadata as sent: with `refs`, only snapshots that a branch or tag points at. */
export function metadataJsonFor(metadata: TableMetadata, mode: SnapshotsMode): JsonValue {
  if (mode === 'all') return tableMetadataToJson(metadata);
  const referenced = new Set(Object.values(metadata.refs).map((r) => r.snapshotId));
  return tableMetadataToJson({ ...metadata, snapshots: metadata.snapshots.filter((s) => referenced.has(s.snapshotId)) });
}

/**
 * The ETag of a loaded table: one per metadata file and `snapshots` mode, since the REST spec
 * asks for distinct tags when the same version is represented differently.
 */
export function etagOf(metadataLocation: string, mode: SnapshotsMode): string {
  return `"${createHash('sha256').update(`${metadataLocation}\n${mode}`).digest('base64url').slice(0, 32)}"`;
}

/** A `LoadTableResult` body. */
export function loadTableResult(metadataLocation: string | null, metadata: TableMetadata, mode: SnapshotsMode, config: Readonly<Record<string, string>>): JsonValue {
  return { 'metadata-location': metadataLocation, metadata: metadataJsonFor(metadata, mode), config: { ...config } };
}

const CreateTableRequestSchema = z.object({
  name: z.string(),
  location: z.string().optional(),
  schema: z.custom<JsonValue>((v) => typeof v === 'object' && v !== null),
  'partition-spec': z.custom<JsonValue>((v) => typeof v === 'object' && v !== null).optional(),
  'write-order': z.custom<JsonValue>((v) => typeof v === 'object' && v !== null).optional(),
  'stage-create': z.boolean().optional(),
  properties: z.record(z.string(), z.string()).optional(),
});

/** A decoded `CreateTableRequest`. */
export interface CreateTableRequest {
  /** The table's name. */
  readonly name: string;
  /** A location asked for. */
  readonly location?: string;
  /** Whether to stage the create instead of committing it. */
  readonly stageCreate: boolean;
  /** Table properties. */
  readonly properties: Readonly<Record<string, string>>;
  /** The schema with fresh ids. */
  readonly schema: Schema;
  /** The last column id of the fresh schema. */
  readonly lastColumnId: number;
  /** The spec, its source ids mapped onto the fresh schema. */
  readonly spec: PartitionSpec;
  /** The write order, likewise. */
  readonly sortOrder?: SortOrder;
}

function remapSource(sourceId: number, names: ReadonlyMap<number, string>, fresh: Schema, what: string): number {
  const name = names.get(sourceId);
  const field = name === undefined ? undefined : findFieldByName(fresh, name, { caseSensitive: true });
  if (!field) throw new InvalidArgumentError(`the ${what} names source column id ${sourceId}, which the schema does not have`);
  return field.id;
}

/**
 * Decodes a `CreateTableRequest` and assigns fresh ids (schema from 1; partition fields from
 * 1000; source ids remapped through column names).
 * @throws InvalidArgumentError (HTTP 400)
 */
export function decodeCreateTableRequest(json: unknown): CreateTableRequest {
  const r = CreateTableRequestSchema.safeParse(json);
  if (!r.success) throw new InvalidArgumentError(`invalid CreateTableRequest: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const given = decodeSchema(r.data.schema);
  const names = indexNamesById(given);
  const identifierFields = (given.identifierFieldIds ?? []).map((id) => names.get(id) ?? String(id));
  const { schema, lastColumnId } = freshSchema(given.fields, { identifierFields });
  let spec = UNPARTITIONED_SPEC;
  if (r.data['partition-spec'] !== undefined) {
    const s = decodePartitionSpec({ 'spec-id': 0, ...(r.data['partition-spec'] as Record<string, JsonValue>) });
    spec = { specId: 0, fields: s.fields.map((f, i) => ({ ...f, fieldId: 1000 + i, sourceId: remapSource(f.sourceId, names, schema, 'partition spec') })) };
  }
  let sortOrder: SortOrder | undefined;
  if (r.data['write-order'] !== undefined) {
    const o = decodeSortOrder(r.data['write-order']);
    sortOrder = { orderId: 1, fields: o.fields.map((f) => ({ ...f, sourceId: remapSource(f.sourceId, names, schema, 'write order') })) };
  }
  return {
    name: r.data.name,
    ...(r.data.location !== undefined ? { location: r.data.location } : {}),
    stageCreate: r.data['stage-create'] === true,
    properties: r.data.properties ?? {},
    schema,
    lastColumnId,
    spec,
    ...(sortOrder ? { sortOrder } : {}),
  };
}

/** Version 1 of a table created by a request, at a location. */
export function metadataForCreate(request: CreateTableRequest, location: string, timestampMs: number): TableMetadata {
  return createTableMetadata({
    location,
    schema: request.schema,
    lastColumnId: request.lastColumnId,
    spec: request.spec,
    properties: request.properties,
    ...(request.sortOrder ? { sortOrder: request.sortOrder } : {}),
    timestampMs,
  });
}

/** The empty base a create transaction's updates are applied to (Java `TableMetadata.buildFromEmpty`). */
export function emptyMetadata(timestampMs: number): TableMetadata {
  return {
    formatVersion: 2,
    tableUuid: '',
    location: '',
    lastSequenceNumber: 0n,
    lastUpdatedMs: timestampMs,
    lastColumnId: 0,
    schemas: [],
    currentSchemaId: -1,
    partitionSpecs: [],
    defaultSpecId: -1,
    lastPartitionId: 999,
    properties: {},
    currentSnapshotId: null,
    snapshots: [],
    snapshotLog: [],
    metadataLog: [],
    sortOrders: [],
    defaultSortOrderId: -1,
    refs: {},
  };
}
