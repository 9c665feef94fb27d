/**
 * Table requirements and updates (the vocabulary of the Iceberg REST spec's `TableRequirement`
 * and `TableUpdate`, after iceberg-rust `catalog/mod.rs`). An action turns a base into
 * requirements (assertions about the base) and updates (changes); the commit loop checks the
 * requirements against each new base and applies the updates to it.
 *
 * @module
 */
import { CommitConflictError } from '../errors.js';
import type { PartitionSpec } from '../spec/index.js';
import type { Snapshot, SnapshotRef } from '../spec/index.js';
import type { SortOrder } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import type { JsonValue } from '../util/index.js';

/** An assertion about the base a change was built on. */
export type TableRequirement =
  | { readonly type: 'assert-create' }
  | { readonly type: 'assert-table-uuid'; readonly uuid: string }
  | { readonly type: 'assert-ref-snapshot-id'; readonly ref: string; readonly snapshotId: bigint | null }
  | { readonly type: 'assert-current-schema-id'; readonly currentSchemaId: number }
  | { readonly type: 'assert-last-assigned-field-id'; readonly lastAssignedFieldId: number }
  | { readonly type: 'assert-default-spec-id'; readonly defaultSpecId: number }
  | { readonly type: 'assert-last-assigned-partition-id'; readonly lastAssignedPartitionId: number }
  | { readonly type: 'assert-default-sort-order-id'; readonly defaultSortOrderId: number };

/**
 * One change to table metadata. Ids of schemas, specs and sort orders added by a commit are
 * assigned when it is applied, as Java's `TableMetadata.Builder` does: an added one identical to
 * an existing one reuses its id, otherwise it gets the highest id + 1; `-1` in the matching
 * `set-*` update means "the one last added by this commit" ({@link LAST_ADDED}).
 */
export type TableUpdate =
  | { readonly action: 'assign-uuid'; readonly uuid: string }
  | { readonly action: 'upgrade-format-version'; readonly formatVersion: number }
  | { readonly action: 'add-schema'; readonly schema: Schema; readonly lastColumnId?: number }
  | { readonly action: 'set-current-schema'; readonly schemaId: number }
  | { readonly action: 'add-spec'; readonly spec: PartitionSpec; readonly lastPartitionId?: number }
  | { readonly action: 'set-default-spec'; readonly specId: number }
  | { readonly action: 'add-sort-order'; readonly sortOrder: SortOrder }
  | { readonly action: 'set-default-sort-order'; readonly sortOrderId: number }
  | { readonly action: 'add-snapshot'; readonly snapshot: Snapshot }
  | { readonly action: 'set-snapshot-ref'; readonly refName: string; readonly ref: SnapshotRef }
  | { readonly action: 'remove-snapshot-ref'; readonly refName: string }
  | { readonly action: 'remove-snapshots'; readonly snapshotIds: readonly bigint[] }
  | { readonly action: 'set-properties'; readonly updates: Readonly<Record<string, string>> }
  | { readonly action: 'remove-properties'; readonly removals: readonly string[] }
  | { readonly action: 'set-location'; readonly location: string }
  | { readonly action: 'set-statistics'; readonly snapshotId: bigint; readonly statistics: JsonValue }
  | { readonly action: 'remove-statistics'; readonly snapshotId: bigint }
  | { readonly action: 'set-partition-statistics'; readonly snapshotId: bigint; readonly partitionStatistics: JsonValue }
  | { readonly action: 'remove-partition-statistics'; readonly snapshotId: bigint }
  | { readonly action: 'remove-partition-specs'; readonly specIds: readonly number[] }
  | { readonly action: 'remove-schemas'; readonly schemaIds: readonly number[] };

/** In `set-current-schema`, `set-default-spec` and `set-default-sort-order`: the one this commit added last. */
export const LAST_ADDED = -1;

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
      case 'assert-create':
        fail('the table already exists');
        break;
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
      case 'assert-default-sort-order-id':
        if (base.defaultSortOrderId !== r.defaultSortOrderId) fail(`the sort order changed: default sort order id is ${base.defaultSortOrderId}, expected ${r.defaultSortOrderId}`);
        break;
    }
  }
}
