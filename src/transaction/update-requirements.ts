/**
 * The requirements a change sent to a catalog must carry so that the catalog applies it only to
 * the base it was built on, where that matters (Iceberg Java `UpdateRequirements.forUpdateTable`).
 * A local commit needs none of these: creating `v<N+1>` asserts the whole base. A catalog instead
 * re-applies the updates on its latest version, which is right for a property change but would
 * silently drop a concurrent commit's files if a snapshot built on an older head were set as the
 * branch head. So every ref an update moves is asserted at its base value, and schema, spec and
 * sort-order changes assert what they were derived from.
 *
 * @module
 */
import type { TableMetadata } from '../spec/index.js';
import type { TableRequirement, TableUpdate } from './updates.js';

function keyOf(r: TableRequirement): string {
  return r.type === 'assert-ref-snapshot-id' ? `${r.type}:${r.ref}` : r.type;
}

/**
 * The change's own requirements plus those its updates imply on `base`, without duplicates
 * (the change's own win).
 */
export function requirementsForCatalog(base: TableMetadata, updates: readonly TableUpdate[], own: readonly TableRequirement[]): TableRequirement[] {
  const out = new Map<string, TableRequirement>();
  const add = (r: TableRequirement): void => {
    if (!out.has(keyOf(r))) out.set(keyOf(r), r);
  };
  for (const r of own) add(r);
  add({ type: 'assert-table-uuid', uuid: base.tableUuid });
  for (const u of updates) {
    switch (u.action) {
      case 'set-snapshot-ref':
      case 'remove-snapshot-ref': {
        const ref = u.refName;
        add({ type: 'assert-ref-snapshot-id', ref, snapshotId: base.refs[ref]?.snapshotId ?? null });
        break;
      }
      case 'add-schema':
        add({ type: 'assert-last-assigned-field-id', lastAssignedFieldId: base.lastColumnId });
        break;
      case 'set-current-schema':
        add({ type: 'assert-current-schema-id', currentSchemaId: base.currentSchemaId });
        break;
      case 'add-spec':
        add({ type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: base.lastPartitionId });
        break;
      case 'set-default-spec':
        add({ type: 'assert-default-spec-id', defaultSpecId: base.defaultSpecId });
        break;
      case 'set-default-sort-order':
        add({ type: 'assert-default-sort-order-id', defaultSortOrderId: base.defaultSortOrderId });
        break;
      default:
        break;
    }
  }
  return [...out.values()];
}
