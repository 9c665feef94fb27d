/**
 * Table requirements and updates (the vocabulary of the Iceberg REST spec's `TableRequirement`
 * and `TableUpdate`, after iceberg-rust `catalog/mod.rs`). An action turns a base into
 * requirements (assertions about the base) and updates (changes); the commit loop checks the
 * requirements against each new base and applies the updates to it.
 *
 * @module
 */
import { CommitConflictError, InvalidArgumentError } from '../errors.js';
import type { PartitionSpec } from '../spec/index.js';
import { MAIN_BRANCH, type Snapshot, type SnapshotRef } from '../spec/index.js';
import type { SortOrder } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import { newUuid } from '../util/index.js';

/** An assertion about the base a change was built on. */
export type TableRequirement =
  | { readonly type: 'assert-table-uuid'; readonly uuid: string }
  | { readonly type: 'assert-ref-snapshot-id'; readonly ref: string; readonly snapshotId: bigint | null }
  | { readonly type: 'assert-current-schema-id'; readonly currentSchemaId: number }
  | { readonly type: 'assert-last-assigned-field-id'; readonly lastAssignedFieldId: number }
  | { readonly type: 'assert-default-spec-id'; readonly defaultSpecId: number }
  | { readonly type: 'assert-last-assigned-partition-id'; readonly lastAssignedPartitionId: number };

/** One change to table metadata. */
export type TableUpdate =
  | { readonly action: 'add-schema'; readonly schema: Schema; readonly lastColumnId: number }
  | { readonly action: 'set-current-schema'; readonly schemaId: number }
  | { readonly action: 'add-spec'; readonly spec: PartitionSpec; readonly lastPartitionId: number }
  | { readonly action: 'set-default-spec'; readonly specId: number }
  | { readonly action: 'add-sort-order'; readonly sortOrder: SortOrder }
  | { readonly action: 'set-default-sort-order'; readonly sortOrderId: number }
  | { readonly action: 'add-snapshot'; readonly snapshot: Snapshot }
  | { readonly action: 'set-snapshot-ref'; readonly refName: string; readonly ref: SnapshotRef }
  | { readonly action: 'remove-snapshot-ref'; readonly refName: string }
  | { readonly action: 'remove-snapshots'; readonly snapshotIds: readonly bigint[] }
  | { readonly action: 'set-properties'; readonly updates: Readonly<Record<string, string>> }
  | { readonly action: 'remove-properties'; readonly removals: readonly string[] };

/**
 * Checks requirements against a base.
 * @throws CommitConflictError (not retryable) naming the first requirement that fails
 */
export function checkRequirements(base: TableMetadata, requirements: readonly TableRequirement[], table: string): void {
  for (const r of requirements) {
    const fail = (reason: string): never => {
      throw new CommitConflictError(`commit to table ${table} conflicts with a concurrent change: ${reason}`, {
        context: { table, requirement: r.type },
        help: 'reload the table and apply the change again',
      }, false);
    };
    switch (r.type) {
      case 'assert-table-uuid':
        if (base.tableUuid !== r.uuid) fail(`table uuid is ${base.tableUuid}, expected ${r.uuid} (the table was replaced)`);
        break;
      case 'assert-ref-snapshot-id': {
        const current = base.refs[r.ref]?.snapshotId ?? null;
        if (current !== r.snapshotId) fail(`ref ${r.ref} points at ${current ?? 'nothing'}, expected ${r.snapshotId ?? 'nothing'}`);
        break;
      }
      case 'assert-current-schema-id':
        if (base.currentSchemaId !== r.currentSchemaId) fail(`the schema changed: current schema id is ${base.currentSchemaId}, expected ${r.currentSchemaId}`);
        break;
      case 'assert-last-assigned-field-id':
        if (base.lastColumnId !== r.lastAssignedFieldId) fail(`last column id is ${base.lastColumnId}, expected ${r.lastAssignedFieldId}`);
        break;
      case 'assert-default-spec-id':
        if (base.defaultSpecId !== r.defaultSpecId) fail(`the partition spec changed: default spec id is ${base.defaultSpecId}, expected ${r.defaultSpecId}`);
        break;
      case 'assert-last-assigned-partition-id':
        if (base.lastPartitionId !== r.lastAssignedPartitionId) fail(`last partition id is ${base.lastPartitionId}, expected ${r.lastAssignedPartitionId}`);
        break;
    }
  }
}

/** Context for applying updates: when the new version is written. */
export interface ApplyContext {
  /** The new metadata's `last-updated-ms` (already made monotonic by the caller). */
  readonly timestampMs: number;
  /** Where the base metadata file is recorded (for the metadata log). */
  readonly baseMetadataLocation: string | undefined;
  /** How many metadata-log entries to keep (`write.metadata.previous-versions-max`). */
  readonly previousVersionsMax: number;
}

/**
 * Applies updates to a base, producing the next version's metadata (pure).
 * @throws InvalidArgumentError when an update names something the base lacks
 */
export function applyUpdates(base: TableMetadata, updates: readonly TableUpdate[], ctx: ApplyContext): TableMetadata {
  // Floe writes v2 only (spec/table-format.md §F1); a v1 table written without a uuid gets one
  // on its upgrade, as v2 requires `table-uuid`.
  let m: TableMetadata = { ...base, formatVersion: 2, lastUpdatedMs: ctx.timestampMs, tableUuid: base.tableUuid || newUuid() };
  for (const u of updates) m = applyOne(m, u, ctx);
  if (ctx.baseMetadataLocation !== undefined) {
    const log = [...base.metadataLog, { timestampMs: base.lastUpdatedMs, metadataFile: ctx.baseMetadataLocation }];
    m = { ...m, metadataLog: log.slice(Math.max(0, log.length - ctx.previousVersionsMax)) };
  }
  return m;
}

function applyOne(m: TableMetadata, u: TableUpdate, ctx: ApplyContext): TableMetadata {
  switch (u.action) {
    case 'add-schema':
      if (m.schemas.some((s) => s.schemaId === u.schema.schemaId)) return m;
      return { ...m, schemas: [...m.schemas, u.schema], lastColumnId: Math.max(m.lastColumnId, u.lastColumnId) };
    case 'set-current-schema':
      requireThat(m.schemas.some((s) => s.schemaId === u.schemaId), `no schema with id ${u.schemaId}`);
      return { ...m, currentSchemaId: u.schemaId };
    case 'add-spec':
      if (m.partitionSpecs.some((s) => s.specId === u.spec.specId)) return m;
      return { ...m, partitionSpecs: [...m.partitionSpecs, u.spec], lastPartitionId: Math.max(m.lastPartitionId, u.lastPartitionId) };
    case 'set-default-spec':
      requireThat(m.partitionSpecs.some((s) => s.specId === u.specId), `no partition spec with id ${u.specId}`);
      return { ...m, defaultSpecId: u.specId };
    case 'add-sort-order':
      if (m.sortOrders.some((s) => s.orderId === u.sortOrder.orderId)) return m;
      return { ...m, sortOrders: [...m.sortOrders, u.sortOrder] };
    case 'set-default-sort-order':
      requireThat(m.sortOrders.some((s) => s.orderId === u.sortOrderId), `no sort order with id ${u.sortOrderId}`);
      return { ...m, defaultSortOrderId: u.sortOrderId };
    case 'add-snapshot':
      requireThat(!m.snapshots.some((s) => s.snapshotId === u.snapshot.snapshotId), `snapshot ${u.snapshot.snapshotId} already exists`);
      return {
        ...m,
        snapshots: [...m.snapshots, u.snapshot],
        lastSequenceNumber: u.snapshot.sequenceNumber > m.lastSequenceNumber ? u.snapshot.sequenceNumber : m.lastSequenceNumber,
      };
    case 'set-snapshot-ref': {
      requireThat(m.snapshots.some((s) => s.snapshotId === u.ref.snapshotId), `no snapshot with id ${u.ref.snapshotId}`);
      const refs = { ...m.refs, [u.refName]: u.ref };
      if (u.refName !== MAIN_BRANCH) return { ...m, refs };
      // spec §Table Metadata: current-snapshot-id and the snapshot log follow the main branch.
      return {
        ...m,
        refs,
        currentSnapshotId: u.ref.snapshotId,
        snapshotLog: [...m.snapshotLog, { timestampMs: ctx.timestampMs, snapshotId: u.ref.snapshotId }],
      };
    }
    case 'remove-snapshot-ref': {
      const { [u.refName]: _removed, ...refs } = m.refs;
      return u.refName === MAIN_BRANCH ? { ...m, refs, currentSnapshotId: null } : { ...m, refs };
    }
    case 'remove-snapshots': {
      const drop = new Set(u.snapshotIds);
      return {
        ...m,
        snapshots: m.snapshots.filter((s) => !drop.has(s.snapshotId)),
        snapshotLog: m.snapshotLog.filter((e) => !drop.has(e.snapshotId)),
      };
    }
    case 'set-properties':
      return { ...m, properties: { ...m.properties, ...u.updates } };
    case 'remove-properties': {
      const properties = { ...m.properties };
      for (const k of u.removals) delete properties[k];
      return { ...m, properties };
    }
  }
}

function requireThat(condition: boolean, message: string): void {
  if (!condition) throw new InvalidArgumentError(message);
}
