/**
 * The REST spec's `TableRequirement`, `TableUpdate` and `CommitTableRequest` (rest-catalog-open-api.yaml
 * §components/schemas) ↔ Floe's requirements and updates (`transaction/updates.ts`), both ways:
 * the server decodes what any Iceberg client sends; Floe's REST client encodes what its actions
 * build. Schemas, specs, sort orders, snapshots and refs reuse the table-metadata codecs of
 * `spec/`, so a value means the same in a metadata file and on the wire. int64 ids stay exact
 * (`bigint`): bodies are parsed with the lossless parser.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, UnsupportedError, isFloeError } from '../../../errors.js';
import {
  decodePartitionSpec,
  decodeSchema,
  decodeSnapshot,
  decodeSnapshotRef,
  decodeSortOrder,
  encodePartitionSpec,
  encodeSchema,
  encodeSnapshot,
  encodeSnapshotRef,
  encodeSortOrder,
} from '../../../spec/index.js';
import type { TableRequirement, TableUpdate } from '../../../transaction/index.js';
import type { JsonValue } from '../../../util/index.js';

/** A decoded `CommitTableRequest`. */
export interface CommitTableRequest {
  /** `identifier` (required inside a `CommitTransactionRequest`). */
  readonly identifier?: { readonly namespace: readonly string[]; readonly name: string };
  /** Assertions about the base. */
  readonly requirements: readonly TableRequirement[];
  /** Changes to apply. */
  readonly updates: readonly TableUpdate[];
}

const Int = z.number().int();
const Long = z.union([z.bigint(), z.number().int()]).transform((v) => BigInt(v));
const ObjectJson = z.custom<JsonValue>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object');

const RequirementSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assert-create') }),
  z.object({ type: z.literal('assert-table-uuid'), uuid: z.string() }),
  z.object({ type: z.literal('assert-ref-snapshot-id'), ref: z.string(), 'snapshot-id': Long.nullable() }),
  z.object({ type: z.literal('assert-last-assigned-field-id'), 'last-assigned-field-id': Int }),
  z.object({ type: z.literal('assert-current-schema-id'), 'current-schema-id': Int }),
  z.object({ type: z.literal('assert-last-assigned-partition-id'), 'last-assigned-partition-id': Int }),
  z.object({ type: z.literal('assert-default-spec-id'), 'default-spec-id': Int }),
  z.object({ type: z.literal('assert-default-sort-order-id'), 'default-sort-order-id': Int }),
]);

const UpdateSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('assign-uuid'), uuid: z.string() }),
  z.object({ action: z.literal('upgrade-format-version'), 'format-version': Int }),
  z.object({ action: z.literal('add-schema'), schema: ObjectJson, 'last-column-id': Int.optional() }),
  z.object({ action: z.literal('set-current-schema'), 'schema-id': Int }),
  z.object({ action: z.literal('add-spec'), spec: ObjectJson }),
  z.object({ action: z.literal('set-default-spec'), 'spec-id': Int }),
  z.object({ action: z.literal('add-sort-order'), 'sort-order': ObjectJson }),
  z.object({ action: z.literal('set-default-sort-order'), 'sort-order-id': Int }),
  z.object({ action: z.literal('add-snapshot'), snapshot: ObjectJson }),
  z.looseObject({ action: z.literal('set-snapshot-ref'), 'ref-name': z.string().min(1) }),
  z.object({ action: z.literal('remove-snapshots'), 'snapshot-ids': z.array(Long) }),
  z.object({ action: z.literal('remove-snapshot-ref'), 'ref-name': z.string() }),
  z.object({ action: z.literal('set-location'), location: z.string() }),
  z.object({ action: z.literal('set-properties'), updates: z.record(z.string(), z.string()) }),
  z.object({ action: z.literal('remove-properties'), removals: z.array(z.string()) }),
  z.object({ action: z.literal('set-statistics'), 'snapshot-id': Long.optional(), statistics: ObjectJson }),
  z.object({ action: z.literal('remove-statistics'), 'snapshot-id': Long }),
  z.object({ action: z.literal('set-partition-statistics'), 'partition-statistics': ObjectJson }),
  z.object({ action: z.literal('remove-partition-statistics'), 'snapshot-id': Long }),
  z.object({ action: z.literal('remove-partition-specs'), 'spec-ids': z.array(Int) }),
  z.object({ action: z.literal('remove-schemas'), 'schema-ids': z.array(Int) }),
  z.object({ action: z.literal('add-encryption-key'), 'encryption-key': ObjectJson }),
  z.object({ action: z.literal('remove-encryption-key'), 'key-id': z.string() }),
]);

const IdentifierSchema = z.object({ namespace: z.array(z.string()), name: z.string() });

const CommitTableRequestSchema = z.object({
  identifier: IdentifierSchema.optional(),
  requirements: z.array(z.unknown()),
  updates: z.array(z.unknown()),
});

function fail(what: string, error: z.ZodError | unknown, json: unknown): never {
  if (isFloeError(error)) {
    throw new InvalidArgumentError(`invalid ${what}: ${error.message}`, { cause: error });
  }
  const issues = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') : String(error);
  const kind = typeof json === 'object' && json !== null ? ((json as Record<string, unknown>)['action'] ?? (json as Record<string, unknown>)['type']) : undefined;
  throw new InvalidArgumentError(`invalid ${what}${kind !== undefined ? ` ${JSON.stringify(kind)}` : ''}: ${issues}`, { context: { what } });
}

function snapshotIdOf(json: JsonValue): bigint {
  const id = (json as Record<string, JsonValue>)['snapshot-id'];
  if (typeof id !== 'bigint' && typeof id !== 'number') throw new InvalidArgumentError('statistics without a snapshot-id');
  return BigInt(id);
}

/**
 * Decodes one `TableRequirement`.
 * @throws InvalidArgumentError for an unknown `type` or a malformed one (HTTP 400)
 */
export function decodeTableRequirement(json: unknown): TableRequirement {
  const r = RequirementSchema.safeParse(json);
  if (!r.success) fail('table requirement', r.error, json);
  const v = r.data;
  switch (v.type) {
    case 'assert-create':
      return { type: v.type };
    case 'assert-table-uuid':
      return { type: v.type, uuid: v.uuid };
    case 'assert-ref-snapshot-id':
      return { type: v.type, ref: v.ref, snapshotId: v['snapshot-id'] };
    case 'assert-last-assigned-field-id':
      return { type: v.type, lastAssignedFieldId: v['last-assigned-field-id'] };
    case 'assert-current-schema-id':
      return { type: v.type, currentSchemaId: v['current-schema-id'] };
    case 'assert-last-assigned-partition-id':
      return { type: v.type, lastAssignedPartitionId: v['last-assigned-partition-id'] };
    case 'assert-default-spec-id':
      return { type: v.type, defaultSpecId: v['default-spec-id'] };
    case 'assert-default-sort-order-id':
      return { type: v.type, defaultSortOrderId: v['default-sort-order-id'] };
  }
}

/**
 * Decodes one `TableUpdate`.
 * @throws InvalidArgumentError for an unknown `action` or a malformed one (HTTP 400)
 * @throws UnsupportedError for encryption-key updates (Floe does not encrypt tables)
 */
export function decodeTableUpdate(json: unknown): TableUpdate {
  const r = UpdateSchema.safeParse(json);
  if (!r.success) fail('table update', r.error, json);
  const v = r.data;
  try {
    switch (v.action) {
      case 'assign-uuid':
        return { action: v.action, uuid: v.uuid };
      case 'upgrade-format-version':
        return { action: v.action, formatVersion: v['format-version'] };
      case 'add-schema': {
        const schema = decodeSchema(v.schema);
        return { action: v.action, schema, ...(v['last-column-id'] !== undefined ? { lastColumnId: v['last-column-id'] } : {}) };
      }
      case 'set-current-schema':
        return { action: v.action, schemaId: v['schema-id'] };
      case 'add-spec':
        return { action: v.action, spec: decodePartitionSpec(v.spec) };
      case 'set-default-spec':
        return { action: v.action, specId: v['spec-id'] };
      case 'add-sort-order':
        return { action: v.action, sortOrder: decodeSortOrder(v['sort-order']) };
      case 'set-default-sort-order':
        return { action: v.action, sortOrderId: v['sort-order-id'] };
      case 'add-snapshot':
        return { action: v.action, snapshot: decodeSnapshot(v.snapshot, { formatVersion: 2 }) };
      case 'set-snapshot-ref': {
        const { action: _a, 'ref-name': refName, ...ref } = v;
        return { action: 'set-snapshot-ref', refName, ref: decodeSnapshotRef(ref as JsonValue) };
      }
      case 'remove-snapshots':
        return { action: v.action, snapshotIds: v['snapshot-ids'] };
      case 'remove-snapshot-ref':
        return { action: v.action, refName: v['ref-name'] };
      case 'set-location':
        return { action: v.action, location: v.location };
      case 'set-properties':
        return { action: v.action, updates: v.updates };
      case 'remove-properties':
        return { action: v.action, removals: v.removals };
      case 'set-statistics':
        return { action: v.action, snapshotId: v['snapshot-id'] ?? snapshotIdOf(v.statistics), statistics: v.statistics };
      case 'remove-statistics':
        return { action: v.action, snapshotId: v['snapshot-id'] };
      case 'set-partition-statistics':
        return { action: v.action, snapshotId: snapshotIdOf(v['partition-statistics']), partitionStatistics: v['partition-statistics'] };
      case 'remove-partition-statistics':
        return { action: v.action, snapshotId: v['snapshot-id'] };
      case 'remove-partition-specs':
        return { action: v.action, specIds: v['spec-ids'] };
      case 'remove-schemas':
        return { action: v.action, schemaIds: v['schema-ids'] };
      case 'add-encryption-key':
      case 'remove-encryption-key':
        throw new UnsupportedError(`table update ${v.action} is not supported: Floe does not encrypt tables (a format v3 feature it does not write)`);
    }
  } catch (e) {
    if (isFloeError(e, 'UNSUPPORTED')) throw e;
    return fail('table update', e, json);
  }
}

/**
 * Decodes a `CommitTableRequest` (or one entry of a `CommitTransactionRequest`).
 * @throws InvalidArgumentError naming the first malformed requirement or update (HTTP 400)
 */
export function decodeCommitTableRequest(json: unknown): CommitTableRequest {
  const r = CommitTableRequestSchema.safeParse(json);
  if (!r.success) fail('commit request', r.error, json);
  return {
    ...(r.data.identifier ? { identifier: r.data.identifier } : {}),
    requirements: r.data.requirements.map(decodeTableRequirement),
    updates: r.data.updates.map(decodeTableUpdate),
  };
}

/** Encodes one requirement in its REST form. */
export function encodeTableRequirement(r: TableRequirement): JsonValue {
  switch (r.type) {
    case 'assert-create':
      return { type: r.type };
    case 'assert-table-uuid':
      return { type: r.type, uuid: r.uuid };
    case 'assert-ref-snapshot-id':
      return { type: r.type, ref: r.ref, 'snapshot-id': r.snapshotId };
    case 'assert-last-assigned-field-id':
      return { type: r.type, 'last-assigned-field-id': r.lastAssignedFieldId };
    case 'assert-current-schema-id':
      return { type: r.type, 'current-schema-id': r.currentSchemaId };
    case 'assert-last-assigned-partition-id':
      return { type: r.type, 'last-assigned-partition-id': r.lastAssignedPartitionId };
    case 'assert-default-spec-id':
      return { type: r.type, 'default-spec-id': r.defaultSpecId };
    case 'assert-default-sort-order-id':
      return { type: r.type, 'default-sort-order-id': r.defaultSortOrderId };
  }
}

/** Encodes one update in its REST form. */
export function encodeTableUpdate(u: TableUpdate): JsonValue {
  switch (u.action) {
    case 'assign-uuid':
      return { action: u.action, uuid: u.uuid };
    case 'upgrade-format-version':
      return { action: u.action, 'format-version': u.formatVersion };
    case 'add-schema':
      return { action: u.action, schema: encodeSchema(u.schema), ...(u.lastColumnId !== undefined ? { 'last-column-id': u.lastColumnId } : {}) };
    case 'set-current-schema':
      return { action: u.action, 'schema-id': u.schemaId };
    case 'add-spec':
      return { action: u.action, spec: encodePartitionSpec(u.spec) };
    case 'set-default-spec':
      return { action: u.action, 'spec-id': u.specId };
    case 'add-sort-order':
      return { action: u.action, 'sort-order': encodeSortOrder(u.sortOrder) };
    case 'set-default-sort-order':
      return { action: u.action, 'sort-order-id': u.sortOrderId };
    case 'add-snapshot':
      return { action: u.action, snapshot: encodeSnapshot(u.snapshot) };
    case 'set-snapshot-ref':
      return { action: u.action, 'ref-name': u.refName, ...(encodeSnapshotRef(u.ref) as Record<string, JsonValue>) };
    case 'remove-snapshots':
      return { action: u.action, 'snapshot-ids': [...u.snapshotIds] };
    case 'remove-snapshot-ref':
      return { action: u.action, 'ref-name': u.refName };
    case 'set-location':
      return { action: u.action, location: u.location };
    case 'set-properties':
      return { action: u.action, updates: { ...u.updates } };
    case 'remove-properties':
      return { action: u.action, removals: [...u.removals] };
    case 'set-statistics':
      return { action: u.action, 'snapshot-id': u.snapshotId, statistics: u.statistics };
    case 'remove-statistics':
      return { action: u.action, 'snapshot-id': u.snapshotId };
    case 'set-partition-statistics':
      return { action: u.action, 'partition-statistics': u.partitionStatistics };
    case 'remove-partition-statistics':
      return { action: u.action, 'snapshot-id': u.snapshotId };
    case 'remove-partition-specs':
      return { action: u.action, 'spec-ids': [...u.specIds] };
    case 'remove-schemas':
      return { action: u.action, 'schema-ids': [...u.schemaIds] };
  }
}
