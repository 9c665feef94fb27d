/**
 * Server-side scan planning (rest-catalog-open-api.yaml `planTableScan`, `fetchPlanningResult`,
 * `cancelPlanning`, `fetchScanTasks`; spec/catalog.md §K6): Floe plans the scan — snapshot,
 * manifests pruned by partition summaries, files pruned by partition and column stats, delete
 * files matched by sequence number — and hands the files to clients that read Parquet but not
 * manifests.
 *
 *     POST …/plan  ─► resolve snapshot, schema, filter ─► manifest list, pruned
 *        ≤ N files: plan them now ─────────────────────► completed + file-scan-tasks
 *        more:      group manifests into tasks of ≤ N ─► completed + plan-tasks
 *     POST …/tasks (plan task) ─► re-check it against the table ─► plan its manifests ─► file-scan-tasks
 *
 * Planning always completes within the request, so no plan is ever "submitted". Nothing is
 * kept between requests: a plan id or plan task carries its query (plan-tokens.ts), is checked
 * again on use, and any server on the warehouse answers it the same way.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../../../errors.js';
import { type BoundExpression, bindExpression, expressionFromJson } from '../../../expr/index.js';
import { type LiveFile, type PlanContext, planFiles, pruneManifests, readSnapshotManifests, snapshotById } from '../../../scan/index.js';
import {
  type IcebergType,
  MAIN_BRANCH,
  type ManifestFile,
  ManifestContent,
  type Schema,
  type Snapshot,
  type TableMetadata,
  findFieldByName,
} from '../../../spec/index.js';
import { Table } from '../../../table.js';
import type { JsonValue } from '../../../util/index.js';
import { errorResponseBody } from '../wire/index.js';
import { scanTasksJson } from './content-file-json.js';
import { type RestHandler, type RestRequest, type RestService, noContent, ok, tableParam } from './context.js';
import { type PlanQuery, type PlanTaskToken, decodePlanId, decodePlanTask, encodePlanId, encodePlanTask } from './plan-tokens.js';
import { requireTable } from './tables.js';

/** Files a planning response lists at most before it hands out plan tasks instead (the default of `planFilesPerTask`). */
export const DEFAULT_PLAN_FILES_PER_TASK = 1000;

const Int64 = z.union([z.bigint(), z.number().int()]).transform((v) => BigInt(v));

const PlanTableScanRequestSchema = z.object({
  'snapshot-id': Int64.optional(),
  select: z.array(z.string()).optional(),
  filter: z.custom<JsonValue>((v) => v !== undefined).optional(),
  'min-rows-requested': Int64.optional(),
  'case-sensitive': z.boolean().optional(),
  'use-snapshot-schema': z.boolean().optional(),
  'start-snapshot-id': Int64.optional(),
  'end-snapshot-id': Int64.optional(),
  'stats-fields': z.array(z.string()).optional(),
});

/** A query made ready against the table: what planning any part of it needs. */
interface Prepared {
  readonly query: PlanQuery;
  readonly ctx: PlanContext;
  readonly snapshot: Snapshot | null;
  readonly schema: Schema;
  readonly filter?: BoundExpression;
  readonly statsFieldIds: ReadonlySet<number>;
  /** For an incremental scan: the snapshots whose appended files it reads. */
  readonly appendedBy?: ReadonlySet<bigint>;
}

async function openTable(service: RestService, request: RestRequest): Promise<Table> {
  const resolved = await requireTable(service, tableParam(request));
  const s3 = service.warehouse.s3Options;
  return Table.open(resolved.location, { name: resolved.name, ...(s3 ? { s3 } : {}) });
}

function schemaById(metadata: TableMetadata, id: number | undefined): Schema | undefined {
  return metadata.schemas.find((s) => s.schemaId === (id ?? metadata.currentSchemaId));
}

/** Every field id under a field (itself, and the fields of its structs, lists and maps). */
function fieldIdsUnder(id: number, type: IcebergType, out: Set<number>): void {
  out.add(id);
  if (type.type === 'struct') for (const f of type.fields) fieldIdsUnder(f.id, f.type, out);
  else if (type.type === 'list') fieldIdsUnder(type.elementId, type.element, out);
  else if (type.type === 'map') {
    fieldIdsUnder(type.keyId, type.key, out);
    fieldIdsUnder(type.valueId, type.value, out);
  }
}

function fieldAt(schema: Schema, name: string, caseSensitive: boolean, what: string, table: string): { id: number; type: IcebergType } {
  const f = findFieldByName(schema, name, { caseSensitive });
  if (!f) throw new InvalidArgumentError(`${what} names ${JSON.stringify(name.slice(0, 200))}, which table ${table} does not have (schema ${schema.schemaId})`, { context: { table, field: name.slice(0, 200) } });
  return f;
}

/**
 * The snapshots whose appends an incremental scan `(start, end]` reads: end and its ancestors
 * after start, every one an `append` (the files they add are then exactly the rows added).
 * @throws InvalidArgumentError when start is not an ancestor of end, or a snapshot in between is not an append
 */
function appendRange(metadata: TableMetadata, start: bigint, end: bigint, table: string): Set<bigint> {
  snapshotById(metadata, start, table);
  const ids = new Set<bigint>();
  let cur: Snapshot | undefined = snapshotById(metadata, end, table);
  while (cur && cur.snapshotId !== start) {
    if (cur.summary.operation !== 'append') {
      throw new InvalidArgumentError(`snapshot ${cur.snapshotId} between start-snapshot-id ${start} and end-snapshot-id ${end} is an "${cur.summary.operation}" snapshot; an incremental scan reads appends only`, {
        context: { table, snapshotId: cur.snapshotId.toString() },
        help: 'plan the two snapshots as point-in-time scans instead',
      });
    }
    ids.add(cur.snapshotId);
    const parent: bigint | undefined = cur.parentSnapshotId;
    cur = parent === undefined ? undefined : metadata.snapshots.find((s) => s.snapshotId === parent);
  }
  if (!cur) throw new InvalidArgumentError(`start-snapshot-id ${start} is not an ancestor of end-snapshot-id ${end} in table ${table}`, { context: { table } });
  return ids;
}

/**
 * Makes a query ready against the table: its uuid, snapshot and schema must be the table's; its
 * filter and stats fields are read and bound again (a token is checked as a request is).
 */
function prepare(table: Table, query: PlanQuery): Prepared {
  const metadata = table.metadata();
  const name = table.name;
  if (query.tableUuid !== metadata.tableUuid) throw new InvalidArgumentError(`the plan was made for another table than ${name}`, { context: { table: name } });
  const snapshot = query.snapshotId === null ? null : snapshotById(metadata, query.snapshotId, name);
  const schema = schemaById(metadata, query.schemaId);
  if (!schema) throw new InvalidArgumentError(`table ${name} has no schema ${query.schemaId}`, { context: { table: name } });
  const filter = query.filter === undefined ? undefined : bindExpression(expressionFromJson(query.filter), schema, { caseSensitive: query.caseSensitive });
  const statsFieldIds = new Set<number>();
  for (const f of query.statsFields ?? []) {
    const field = fieldAt(schema, f, query.caseSensitive, 'stats-fields', name);
    fieldIdsUnder(field.id, field.type, statsFieldIds);
  }
  const appendedBy = query.startSnapshotId !== undefined && query.snapshotId !== null ? appendRange(metadata, query.startSnapshotId, query.snapshotId, name) : undefined;
  return {
    query,
    ctx: { table: name, metadata, locator: table.context().locator },
    snapshot,
    schema,
    statsFieldIds,
    ...(filter ? { filter } : {}),
    ...(appendedBy ? { appendedBy } : {}),
  };
}

/**
 * Reads and checks a `PlanTableScanRequest` against the table: the query it asks, made ready.
 * @throws InvalidArgumentError for conflicting or unknown snapshots, unknown columns, a malformed filter
 */
function preparedRequest(table: Table, body: JsonValue | undefined): Prepared {
  const r = PlanTableScanRequestSchema.safeParse(body ?? {});
  if (!r.success) throw new InvalidArgumentError(`invalid PlanTableScanRequest: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const req = r.data;
  const metadata = table.metadata();
  const name = table.name;
  const incremental = req['start-snapshot-id'] !== undefined || req['end-snapshot-id'] !== undefined;
  if (incremental && req['snapshot-id'] !== undefined) throw new InvalidArgumentError('give snapshot-id (a point-in-time scan) or start-snapshot-id and end-snapshot-id (an incremental scan), not both');
  if (incremental && (req['start-snapshot-id'] === undefined || req['end-snapshot-id'] === undefined)) {
    throw new InvalidArgumentError('an incremental scan needs both start-snapshot-id (exclusive) and end-snapshot-id (inclusive)');
  }
  if (req['min-rows-requested'] !== undefined && req['min-rows-requested'] < 0n) throw new InvalidArgumentError('min-rows-requested must not be negative');
  const head = metadata.refs[MAIN_BRANCH]?.snapshotId ?? metadata.currentSnapshotId ?? null;
  const snapshotId = req['end-snapshot-id'] ?? req['snapshot-id'] ?? head;
  const snapshot = snapshotId === null ? null : snapshotById(metadata, snapshotId, name);
  // The table's schema unless the client asks for the snapshot's (use-snapshot-schema, for time travel).
  const schema = (req['use-snapshot-schema'] === true ? schemaById(metadata, snapshot?.schemaId) : undefined) ?? schemaById(metadata, undefined)!;
  const caseSensitive = req['case-sensitive'] ?? true;
  for (const s of req.select ?? []) fieldAt(schema, s, caseSensitive, 'select', name);
  const query: PlanQuery = {
    tableUuid: metadata.tableUuid,
    snapshotId,
    ...(req['start-snapshot-id'] !== undefined ? { startSnapshotId: req['start-snapshot-id'] } : {}),
    schemaId: schema.schemaId,
    // Kept as sent, so that every use reads exactly what the client wrote.
    ...(req.filter !== undefined ? { filter: req.filter } : {}),
    caseSensitive,
    ...(req['stats-fields'] !== undefined ? { statsFields: req['stats-fields'] } : {}),
  };
  return prepare(table, query);
}

/** The data manifests a query may read (for an incremental scan, those the range wrote) and the snapshot's delete manifests. */
async function manifestsOf(p: Prepared): Promise<{ data: ManifestFile[]; deletes: ManifestFile[] }> {
  if (!p.snapshot) return { data: [], deletes: [] };
  const all = await readSnapshotManifests(p.ctx, p.snapshot);
  const deletes = all.filter((m) => m.content !== ManifestContent.DATA);
  // A manifest written before the range holds only files added before it (its writer's ancestors').
  const data = all.filter((m) => m.content === ManifestContent.DATA && (!p.appendedBy || p.appendedBy.has(m.addedSnapshotId)));
  return { data, deletes };
}

/** Plans some data manifests (and part of one, with `range`) into a `ScanTasks` body. */
async function planPart(p: Prepared, data: readonly ManifestFile[], deletes: readonly ManifestFile[], range?: PlanTaskToken['range']): Promise<JsonValue> {
  if (!p.snapshot) return { 'file-scan-tasks': [] };
  const appendedBy = p.appendedBy;
  const inRange = range ? (ordinal: number): boolean => ordinal >= range.from && (range.to === undefined || ordinal < range.to) : undefined;
  const keep = appendedBy || inRange ? (live: LiveFile, ordinal: number): boolean => (!appendedBy || appendedBy.has(live.snapshotId)) && (!inRange || inRange(ordinal)) : undefined;
  const plan = await planFiles(p.ctx, {
    snapshot: p.snapshot,
    schema: p.schema,
    manifests: [...data, ...deletes],
    ...(p.filter ? { filter: p.filter } : {}),
    ...(keep ? { dataFileFilter: keep } : {}),
  });
  const body = scanTasksJson(plan.tasks, { table: p.ctx.table, metadata: p.ctx.metadata, schema: p.schema, statsFieldIds: p.statsFieldIds, ...(p.filter ? { filter: p.filter } : {}) });
  return body['delete-files'].length > 0 ? { ...body } : { 'file-scan-tasks': body['file-scan-tasks'] };
}

/** Live files a manifest lists, as its manifest-list entry counts them (at least 1, should a writer have left the counts short). */
function filesIn(m: ManifestFile): number {
  return Math.max(1, m.addedFilesCount + m.existingFilesCount);
}

/** Groups data manifests into plan tasks of at most `perTask` files; a larger manifest is split by entry ranges. */
function planTasks(query: PlanQuery, data: readonly ManifestFile[], perTask: number): string[] {
  const tasks: string[] = [];
  let group: string[] = [];
  let files = 0;
  const flush = (): void => {
    if (group.length > 0) tasks.push(encodePlanTask({ ...query, manifests: group }));
    group = [];
    files = 0;
  };
  for (const m of data) {
    const n = filesIn(m);
    if (n > perTask) {
      // The last range is open-ended, in case the counts are short.
      for (let from = 0; from < n; from += perTask) {
        tasks.push(encodePlanTask({ ...query, manifests: [m.manifestPath], range: from + perTask < n ? { from, to: from + perTask } : { from } }));
      }
      continue;
    }
    if (files + n > perTask) flush();
    group.push(m.manifestPath);
    files += n;
  }
  flush();
  return tasks;
}

/** The completed planning result of a query: its files, or plan tasks when it has more than the limit. */
async function completed(service: RestService, p: Prepared): Promise<Record<string, JsonValue>> {
  const { data: all, deletes } = await manifestsOf(p);
  const data = pruneManifests(p.ctx, all, p.filter);
  const files = data.reduce((n, m) => n + filesIn(m), 0);
  if (files > service.planFilesPerTask) return { status: 'completed', 'plan-tasks': planTasks(p.query, data, service.planFilesPerTask) };
  return { status: 'completed', ...((await planPart(p, data, deletes)) as Record<string, JsonValue>) };
}

/** `POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan` */
export const planTableScan: RestHandler = async (service, request) => {
  const p = preparedRequest(await openTable(service, request), request.body);
  return ok({ ...(await completed(service, p)), 'plan-id': encodePlanId(p.query) });
};

function noSuchPlan(planId: string): { status: number; body: JsonValue } {
  return { status: 404, body: errorResponseBody(404, 'NoSuchPlanIdException', `no plan ${JSON.stringify(planId.slice(0, 64))} for this table`) };
}

/** The query of the plan id a request names, if it is this table's. */
async function planOf(service: RestService, request: RestRequest): Promise<{ table: Table; query: PlanQuery } | undefined> {
  const table = await openTable(service, request);
  const query = decodePlanId(request.params['plan-id'] ?? '');
  return query && query.tableUuid === table.uuid() ? { table, query } : undefined;
}

/**
 * `GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}`: the plan again
 * (nothing is kept, so a cancelled plan id answers as before; spec/catalog.md §K6).
 */
export const fetchPlanningResult: RestHandler = async (service, request) => {
  const found = await planOf(service, request);
  if (!found) return noSuchPlan(request.params['plan-id'] ?? '');
  return ok(await completed(service, prepare(found.table, found.query)));
};

/** `DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}`: nothing is held, so nothing to release. */
export const cancelPlanning: RestHandler = async (service, request) => {
  const found = await planOf(service, request);
  return found ? noContent() : noSuchPlan(request.params['plan-id'] ?? '');
};

const FetchScanTasksRequestSchema = z.object({ 'plan-task': z.string().min(1) });

/** `POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/tasks` */
export const fetchScanTasks: RestHandler = async (service, request) => {
  const r = FetchScanTasksRequestSchema.safeParse(request.body);
  if (!r.success) throw new InvalidArgumentError('invalid FetchScanTasksRequest: plan-task must be a string');
  const task = decodePlanTask(r.data['plan-task']);
  const table = await openTable(service, request);
  const p = prepare(table, task);
  if (!p.snapshot) throw new InvalidArgumentError('plan-task names manifests of a table without snapshots');
  // Every manifest the task names must be a data manifest of its snapshot, checked before any
  // is read: a task is not a way to read another table's manifests.
  const { data, deletes } = await manifestsOf(p);
  const byPath = new Map(data.map((m) => [m.manifestPath, m]));
  const chosen = task.manifests.map((path) => {
    const m = byPath.get(path);
    if (!m) throw new InvalidArgumentError(`plan-task names a manifest that snapshot ${p.snapshot!.snapshotId} of table ${table.name} does not list for this scan`, { context: { table: table.name } });
    return m;
  });
  if (task.range && chosen.length !== 1) throw new InvalidArgumentError('plan-task gives an entry range over more than one manifest');
  return ok(await planPart(p, chosen, deletes, task.range));
};
