/**
 * The audit log's home (spec/governance.md §G8): the Iceberg table `_system.audit` of the
 * warehouse served, created on the first write with a fixed schema, partitioned by day, and
 * appended to in batches by the server itself (never through the REST API, whose callers may
 * only read it: authz.ts refuses writes to `_system`). Appends never conflict (spec/commit-protocol.md
 * §C7), so every server of a warehouse appends to the one table; a lost race is retried by the
 * commit loop. Any engine reads it like any other table (Spark, Trino, DuckDB, `floe audit`).
 *
 * @module
 */
import { type ErrorCode, isFloeError } from '../../../errors.js';
import { type AuditEvent, type AuditLog, BufferedAuditLog } from '../../../governance/index.js';
import type { Table } from '../../../table.js';
import type { Warehouse } from '../../../warehouse.js';

/** The namespace of the server's own tables. */
export const SYSTEM_NAMESPACE = '_system';

/** The audit table's name. */
export const AUDIT_TABLE = `${SYSTEM_NAMESPACE}.audit`;

/**
 * The audit table's columns (field ids 1…13 in this order). Changing them needs a schema
 * evolution of existing tables, so columns are only ever added, at the end.
 */
export const AUDIT_SCHEMA: Readonly<Record<string, string>> = {
  time: 'timestamptz not null',
  principal_id: 'string',
  principal_name: 'string',
  client_id: 'string',
  operation: 'string not null',
  privilege: 'string',
  object: 'string',
  snapshot_id: 'long',
  allowed: 'boolean not null',
  status: 'int not null',
  reason: 'string not null',
  request_id: 'string not null',
  remote_address: 'string',
};

// Many servers may append at once; each append retries its lost races within this budget, and a
// write that still fails is kept by the buffer for the next one (so close() never waits long).
const AUDIT_TABLE_PROPERTIES = {
  'commit.retry.num-retries': '64',
  'commit.retry.total-timeout-ms': '60000',
  'floe.system.purpose': 'the audit log of the REST catalog server (spec/governance.md §G8)',
};

/** An event as a row of the audit table. */
export function auditRowOf(e: AuditEvent): Record<string, unknown> {
  return {
    time: e.timeMs,
    principal_id: e.principalId ?? null,
    principal_name: e.principalName ?? null,
    client_id: e.clientId ?? null,
    operation: e.operation,
    privilege: e.privilege ?? null,
    object: e.object ?? null,
    snapshot_id: e.snapshotId ?? null,
    allowed: e.allowed,
    status: e.status,
    reason: e.reason,
    request_id: e.requestId,
    remote_address: e.remoteAddress ?? null,
  };
}

async function ignoring<T>(p: Promise<T>, code: ErrorCode): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isFloeError(e, code)) return undefined;
    throw e;
  }
}

/**
 * Opens the warehouse's audit table, creating it (and its namespace) when absent; two servers
 * creating it at once both end up with the one table.
 */
export async function openAuditTable(warehouse: Warehouse): Promise<Table> {
  const existing = await ignoring(warehouse.loadTable(AUDIT_TABLE), 'TABLE_NOT_FOUND');
  if (existing) return existing;
  await ignoring(warehouse.createNamespace(SYSTEM_NAMESPACE), 'NAMESPACE_ALREADY_EXISTS');
  const created = await ignoring(warehouse.createTable(AUDIT_TABLE, AUDIT_SCHEMA, { partitionBy: 'day(time)', properties: AUDIT_TABLE_PROPERTIES }), 'TABLE_ALREADY_EXISTS');
  return created ?? warehouse.loadTable(AUDIT_TABLE);
}

/** Options of {@link startAuditLog}: the batching of {@link BufferedAuditLog}. */
export interface AuditSinkOptions {
  /** Events that start a write. */
  readonly batchSize?: number;
  /** A write at least this often, ms (0: only by batch size and on flush/close). */
  readonly flushIntervalMs?: number;
  /** Events kept while writes fail. */
  readonly maxBufferedEvents?: number;
}

/**
 * An audit log that appends to the warehouse's `_system.audit` table, one snapshot per batch.
 * @throws InvalidArgumentError for bad batching options
 */
export function startAuditLog(warehouse: Warehouse, options: AuditSinkOptions = {}): AuditLog {
  let table: Table | undefined;
  return new BufferedAuditLog({
    ...options,
    write: async (events) => {
      try {
        table ??= await openAuditTable(warehouse);
        await table.append(events.map(auditRowOf));
      } catch (e) {
        // Opened afresh next time: the table may have been dropped or replaced meanwhile.
        table = undefined;
        throw e;
      }
    },
  });
}
