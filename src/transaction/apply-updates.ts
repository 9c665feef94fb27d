/**
 * Applying table updates to a base: the pure step between a commit's requirements check and its
 * commit point. Floe's own actions and the REST catalog server (which applies what any Iceberg
 * client sends) both go through it, so every update is validated here, not trusted: the
 * invariants of the Iceberg spec §Table Metadata hold for whatever a client sends, or the commit
 * is refused before anything is written.
 *
 * Ids of added schemas, specs and sort orders are assigned as Java's `TableMetadata.Builder`
 * does (`reuseOrCreateNewSchemaId` and friends): an identical existing one is reused, otherwise
 * the highest id + 1, and `-1` in a `set-*` update means the one this commit added last.
 *
 * @module
 */
import { CommitConflictError, InvalidArgumentError, UnsupportedError } from '../errors.js';
import { MAIN_BRANCH, MAX_WRITE_FORMAT_VERSION, maxFieldId, sameTransform, sameType } from '../spec/index.js';
import type { PartitionSpec, Schema, Snapshot, SortOrder, TableMetadata } from '../spec/index.js';
import { type JsonValue, newUuid } from '../util/index.js';
import { LAST_ADDED, type TableUpdate } from './updates.js';

/** Context for applying updates: when the new version is written. */
export interface ApplyContext {
  /** The new metadata's `last-updated-ms` (already made monotonic by the caller). */
  readonly timestampMs: number;
  /** Where the base metadata file is recorded (for the metadata log). */
  readonly baseMetadataLocation: string | undefined;
  /** How many metadata-log entries to keep (`write.metadata.previous-versions-max`). */
  readonly previousVersionsMax: number;
}

/** Whether two schemas have the same columns (ids, names, types, docs) and identifier fields. */
export function sameSchemaFields(a: Schema, b: Schema): boolean {
  const same = (x: Schema['fields'], y: Schema['fields']): boolean =>
    x.length === y.length &&
    x.every((f, i) => {
      const g = y[i]!;
      return f.id === g.id && f.name === g.name && f.required === g.required && f.doc === g.doc && sameType(f.type, g.type);
    });
  return same(a.fields, b.fields) && JSON.stringify(a.identifierFieldIds ?? []) === JSON.stringify(b.identifierFieldIds ?? []);
}

/** Whether two partition specs have the same fields (ids, sources, names, transforms). */
export function sameSpecFields(a: PartitionSpec, b: PartitionSpec): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!;
      return f.fieldId === g.fieldId && f.sourceId === g.sourceId && f.name === g.name && sameTransform(f.transform, g.transform);
    })
  );
}

function sameOrderFields(a: SortOrder, b: SortOrder): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!;
      return f.sourceId === g.sourceId && f.direction === g.direction && f.nullOrder === g.nullOrder && sameTransform(f.transform, g.transform);
    })
  );
}

/** What one application tracks across updates: ids assigned to what this commit added. */
interface Added {
  schema?: number;
  spec?: number;
  order?: number;
  readonly schemaIds: Map<number, number>;
  readonly specIds: Map<number, number>;
  readonly orderIds: Map<number, number>;
}

function refuse(message: string): never {
  throw new InvalidArgumentError(message);
}

function requireThat(condition: boolean, message: string): void {
  if (!condition) refuse(message);
}

/** An id named by a `set-*` update: `-1` for the last added, an added one's requested id, or an existing id. */
function resolveId(id: number, last: number | undefined, assigned: ReadonlyMap<number, number>, what: string): number {
  if (id === LAST_ADDED) {
    if (last === undefined) refuse(`cannot set the last added ${what}: this commit added none`);
    return last;
  }
  return assigned.get(id) ?? id;
}

function statisticsSnapshotId(entry: unknown): bigint | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const id = (entry as Record<string, unknown>)['snapshot-id'];
  return typeof id === 'bigint' ? id : typeof id === 'number' ? BigInt(id) : undefined;
}

function withoutStatistics(list: readonly unknown[] | undefined, snapshotIds: ReadonlySet<bigint>): readonly unknown[] | undefined {
  if (!list) return list;
  return list.filter((e) => {
    const id = statisticsSnapshotId(e);
    return id === undefined || !snapshotIds.has(id);
  });
}

/**
 * Applies updates to a base, producing the next version's metadata (pure).
 * @throws InvalidArgumentError when an update is malformed or names something the base lacks
 * @throws CommitConflictError (not retryable) when an added snapshot is older than the base allows
 * @throws UnsupportedError for format v4 and encryption keys
 */
export function applyUpdates(base: TableMetadata, updates: readonly TableUpdate[], ctx: ApplyContext): TableMetadata {
  // A table keeps its format version (spec/table-format.md §F1): v2 and v3 stay as they are, a v1
  // table is written as v2 (its upgrade, spec Appendix E), and gets a uuid if it had none, as v2
  // requires `table-uuid`.
  let m: TableMetadata = { ...base, formatVersion: base.formatVersion === 1 ? 2 : base.formatVersion, lastUpdatedMs: ctx.timestampMs, tableUuid: base.tableUuid || newUuid() };
  const added: Added = { schemaIds: new Map(), specIds: new Map(), orderIds: new Map() };
  for (const u of updates) m = applyOne(m, base, u, ctx, added);
  if (ctx.baseMetadataLocation !== undefined) {
    const log = [...base.metadataLog, { timestampMs: base.lastUpdatedMs, metadataFile: ctx.baseMetadataLocation }];
    m = { ...m, metadataLog: log.slice(Math.max(0, log.length - ctx.previousVersionsMax)) };
  }
  return m;
}

/**
 * `upgrade-format-version`: up to v3, never down (Java `TableMetadata.Builder.upgradeFormatVersion`).
 * A table upgraded to v3 starts row lineage at `next-row-id` 0 and leaves its snapshots as they
 * are (spec §Row Lineage for Upgraded Tables).
 */
function upgradeFormatVersion(m: TableMetadata, base: TableMetadata, formatVersion: number): TableMetadata {
  if (formatVersion > MAX_WRITE_FORMAT_VERSION) {
    throw new UnsupportedError(`format version ${formatVersion} is not supported: Floe writes format v2 and v3`, {
      context: { formatVersion },
      help: 'see spec/table-format.md §F1',
    });
  }
  requireThat(formatVersion >= base.formatVersion, `cannot downgrade the format version from ${base.formatVersion} to ${formatVersion}`);
  if (formatVersion <= m.formatVersion) return m;
  return formatVersion >= 3 ? { ...m, formatVersion: 3, nextRowId: m.nextRowId ?? 0n } : { ...m, formatVersion: 2 };
}

/**
 * A snapshot added to a v3 table must carry its row-id range, starting at or after the table's
 * `next-row-id`, which then advances by `added-rows` (spec §Snapshot Row IDs, §Table Metadata
 * Fields; Java `TableMetadata.Builder.addSnapshot`: "first-row-id is behind table next-row-id").
 * One that starts behind was built on an older base, whose row ids another commit has taken.
 */
function advanceRowIds(m: TableMetadata, s: Snapshot): TableMetadata {
  if (m.formatVersion < 3) return m;
  const next = m.nextRowId ?? 0n;
  requireThat(s.firstRowId !== undefined, `snapshot ${s.snapshotId} has no first-row-id: a snapshot of a format v3 table must carry one (spec §Snapshot Row IDs)`);
  requireThat(s.addedRows !== undefined, `snapshot ${s.snapshotId} has no added-rows: a snapshot of a format v3 table must carry it (spec §Snapshot Row IDs)`);
  if (s.firstRowId! < next) {
    throw new CommitConflictError(`snapshot ${s.snapshotId} has first-row-id ${s.firstRowId}, behind the table's next-row-id ${next}: it was built on an older version`, {
      context: { snapshot: String(s.snapshotId) },
      help: 'reload the table and build the snapshot again',
    }, false);
  }
  return { ...m, nextRowId: s.firstRowId! + s.addedRows! };
}

function applyOne(m: TableMetadata, base: TableMetadata, u: TableUpdate, ctx: ApplyContext, added: Added): TableMetadata {
  switch (u.action) {
    case 'assign-uuid':
      // A uuid is assigned once, at creation (REST spec AssignUUIDUpdate).
      requireThat(base.tableUuid === '' || base.tableUuid === u.uuid, `cannot reassign the table uuid ${base.tableUuid} to ${u.uuid}`);
      return { ...m, tableUuid: u.uuid };
    case 'upgrade-format-version':
      return upgradeFormatVersion(m, base, u.formatVersion);
    case 'add-schema': {
      const lastColumnId = Math.max(m.lastColumnId, u.lastColumnId ?? 0, ...u.schema.fields.map((f) => Math.max(f.id, maxFieldId(f.type))));
      const existing = m.schemas.find((s) => sameSchemaFields(s, u.schema));
      const schemaId = existing?.schemaId ?? Math.max(-1, ...m.schemas.map((s) => s.schemaId)) + 1;
      added.schema = schemaId;
      added.schemaIds.set(u.schema.schemaId, schemaId);
      return existing ? { ...m, lastColumnId } : { ...m, schemas: [...m.schemas, { ...u.schema, schemaId }], lastColumnId };
    }
    case 'set-current-schema': {
      const schemaId = resolveId(u.schemaId, added.schema, added.schemaIds, 'schema');
      requireThat(m.schemas.some((s) => s.schemaId === schemaId), `no schema with id ${schemaId}`);
      return { ...m, currentSchemaId: schemaId };
    }
    case 'add-spec': {
      const lastPartitionId = Math.max(m.lastPartitionId, u.lastPartitionId ?? 0, ...u.spec.fields.map((f) => f.fieldId));
      const existing = m.partitionSpecs.find((s) => sameSpecFields(s, u.spec));
      const specId = existing?.specId ?? Math.max(-1, ...m.partitionSpecs.map((s) => s.specId)) + 1;
      added.spec = specId;
      added.specIds.set(u.spec.specId, specId);
      return existing ? { ...m, lastPartitionId } : { ...m, partitionSpecs: [...m.partitionSpecs, { ...u.spec, specId }], lastPartitionId };
    }
    case 'set-default-spec': {
      const specId = resolveId(u.specId, added.spec, added.specIds, 'partition spec');
      requireThat(m.partitionSpecs.some((s) => s.specId === specId), `no partition spec with id ${specId}`);
      return { ...m, defaultSpecId: specId };
    }
    case 'add-sort-order': {
      // Order id 0 is reserved for the unsorted order (spec §Sort Orders).
      const existing = m.sortOrders.find((s) => sameOrderFields(s, u.sortOrder));
      const orderId = existing?.orderId ?? (u.sortOrder.fields.length === 0 ? 0 : Math.max(0, ...m.sortOrders.map((s) => s.orderId)) + 1);
      added.order = orderId;
      added.orderIds.set(u.sortOrder.orderId, orderId);
      return existing || m.sortOrders.some((s) => s.orderId === orderId) ? m : { ...m, sortOrders: [...m.sortOrders, { ...u.sortOrder, orderId }] };
    }
    case 'set-default-sort-order': {
      const orderId = resolveId(u.sortOrderId, added.order, added.orderIds, 'sort order');
      requireThat(m.sortOrders.some((s) => s.orderId === orderId), `no sort order with id ${orderId}`);
      return { ...m, defaultSortOrderId: orderId };
    }
    case 'add-snapshot': {
      const s = u.snapshot;
      requireThat(!m.snapshots.some((x) => x.snapshotId === s.snapshotId), `snapshot ${s.snapshotId} already exists`);
      // Spec §Sequence Numbers: a new snapshot's sequence number is greater than every earlier
      // one; a client that built on an older base must rebuild (Java: "Cannot add snapshot with
      // sequence number older than last sequence number").
      if (s.sequenceNumber <= m.lastSequenceNumber && m.lastSequenceNumber > 0n) {
        throw new CommitConflictError(`snapshot ${s.snapshotId} has sequence number ${s.sequenceNumber}, not above the table's last sequence number ${m.lastSequenceNumber}: it was built on an older version`, {
          context: { snapshot: String(s.snapshotId) },
          help: 'reload the table and build the snapshot again',
        }, false);
      }
      requireThat(s.schemaId === undefined || m.schemas.some((x) => x.schemaId === (added.schemaIds.get(s.schemaId!) ?? s.schemaId)), `snapshot ${s.snapshotId} names schema ${s.schemaId}, which the table does not have`);
      return advanceRowIds({ ...m, snapshots: [...m.snapshots, s], lastSequenceNumber: s.sequenceNumber > m.lastSequenceNumber ? s.sequenceNumber : m.lastSequenceNumber }, s);
    }
    case 'set-snapshot-ref': {
      requireThat(m.snapshots.some((s) => s.snapshotId === u.ref.snapshotId), `no snapshot with id ${u.ref.snapshotId}`);
      requireThat(u.refName !== MAIN_BRANCH || u.ref.type === 'branch', 'main must be a branch');
      const refs = { ...m.refs, [u.refName]: u.ref };
      if (u.refName !== MAIN_BRANCH) return { ...m, refs };
      // Spec §Table Metadata: current-snapshot-id and the snapshot log follow the main branch.
      // A snapshot this commit adds becomes current at its own timestamp (Java's
      // `TableMetadata.Builder` takes `lastUpdatedMillis` from an added snapshot), so that a
      // time-travel read at a snapshot's time finds it even when a catalog applied the commit a
      // little later; the log never goes backwards.
      const added = base.snapshots.some((s) => s.snapshotId === u.ref.snapshotId) ? undefined : m.snapshots.find((s) => s.snapshotId === u.ref.snapshotId);
      const lastLogged = m.snapshotLog.at(-1)?.timestampMs ?? 0;
      const timestampMs = added ? Math.max(added.timestampMs, lastLogged) : ctx.timestampMs;
      return { ...m, refs, currentSnapshotId: u.ref.snapshotId, snapshotLog: [...m.snapshotLog, { timestampMs, snapshotId: u.ref.snapshotId }] };
    }
    case 'remove-snapshot-ref': {
      const { [u.refName]: _removed, ...refs } = m.refs;
      return u.refName === MAIN_BRANCH ? { ...m, refs, currentSnapshotId: null } : { ...m, refs };
    }
    case 'remove-snapshots': {
      const drop = new Set(u.snapshotIds);
      // Refs to removed snapshots go with them, as Java's `removeSnapshots` removes them.
      const refs = Object.fromEntries(Object.entries(m.refs).filter(([, r]) => !drop.has(r.snapshotId)));
      const currentGone = m.currentSnapshotId !== null && drop.has(m.currentSnapshotId);
      return {
        ...m,
        refs,
        ...(currentGone ? { currentSnapshotId: null } : {}),
        snapshots: m.snapshots.filter((s) => !drop.has(s.snapshotId)),
        snapshotLog: m.snapshotLog.filter((e) => !drop.has(e.snapshotId)),
        ...(m.statistics ? { statistics: withoutStatistics(m.statistics, drop)! } : {}),
        ...(m.partitionStatistics ? { partitionStatistics: withoutStatistics(m.partitionStatistics, drop)! } : {}),
      };
    }
    case 'set-properties':
      return { ...m, properties: { ...m.properties, ...u.updates } };
    case 'remove-properties': {
      const properties = { ...m.properties };
      for (const k of u.removals) delete properties[k];
      return { ...m, properties };
    }
    case 'set-location':
      requireThat(u.location.length > 0, 'the location must not be empty');
      return { ...m, location: u.location.replace(/\/+$/, '') };
    case 'set-statistics':
      requireThat(m.snapshots.some((s) => s.snapshotId === u.snapshotId), `no snapshot with id ${u.snapshotId} to set statistics for`);
      return { ...m, statistics: [...(withoutStatistics(m.statistics, new Set([u.snapshotId])) ?? []), u.statistics as JsonValue] };
    case 'remove-statistics':
      return { ...m, statistics: withoutStatistics(m.statistics, new Set([u.snapshotId])) ?? [] };
    case 'set-partition-statistics':
      requireThat(m.snapshots.some((s) => s.snapshotId === u.snapshotId), `no snapshot with id ${u.snapshotId} to set partition statistics for`);
      return { ...m, partitionStatistics: [...(withoutStatistics(m.partitionStatistics, new Set([u.snapshotId])) ?? []), u.partitionStatistics] };
    case 'remove-partition-statistics':
      return { ...m, partitionStatistics: withoutStatistics(m.partitionStatistics, new Set([u.snapshotId])) ?? [] };
    case 'remove-partition-specs':
      requireThat(!u.specIds.includes(m.defaultSpecId), `cannot remove the default partition spec ${m.defaultSpecId}`);
      return { ...m, partitionSpecs: m.partitionSpecs.filter((s) => !u.specIds.includes(s.specId)) };
    case 'remove-schemas':
      requireThat(!u.schemaIds.includes(m.currentSchemaId), `cannot remove the current schema ${m.currentSchemaId}`);
      return { ...m, schemas: m.schemas.filter((s) => !u.schemaIds.includes(s.schemaId)) };
  }
}
