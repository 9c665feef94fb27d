/**
 * The masked-read endpoint, a Floe extension outside the REST spec's OpenAPI document
 * (spec/governance.md §G7):
 *
 *     POST /floe/v1/{prefix}/namespaces/{namespace}/tables/{table}/read
 *       { snapshot-id? | ref?, schema-id?, columns?, filter?, limit?, files?, mode? }
 *       mode "rows" (default) ─► 200 application/vnd.apache.arrow.stream  (the rows, the policy applied)
 *       mode "files"          ─► 200 JSON { snapshot-id, schema-id, files: [{ path, record-count, row-groups, … }] }
 *
 * It needs `READ` on the table, like `loadTable`. The server plans the snapshot and reads its
 * files itself, with the caller's read policy applied (read-policy.ts), so a principal whose
 * grants mask columns or rows reads the table without ever touching its files; an unmasked
 * principal may use it too. `files` restricts a read to some data files of the snapshot (and of
 * each, some row groups), which is how a training dataset reads row group by row group; a file
 * the snapshot does not list is refused, so the endpoint never reads another table's bytes.
 *
 * Errors before the first row are answered as `IcebergErrorResponse` JSON with their status; an
 * error after rows were sent destroys the connection, so the client's read fails instead of
 * ending early on what would look like a complete stream.
 *
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidArgumentError, SnapshotNotFoundError } from '../../../errors.js';
import { bindExpression } from '../../../expr/index.js';
import { type ReadPolicy } from '../../../governance/index.js';
import { arrowSchemaFromIceberg, encodeIpcStream, withNullColumns } from '../../../io/index.js';
import { type FileScanTask, hiddenFieldIds, maskedFields, pickVisibleColumn, planFiles, snapshotById } from '../../../scan/index.js';
import { MAIN_BRANCH, type Schema, type Snapshot, parseArgument } from '../../../spec/index.js';
import { Table } from '../../../table.js';
import { type JsonValue, newUuid, parseJson, stringifyJson } from '../../../util/index.js';
import { errorResponseBody, httpFailureOf, messageOf, readEndpointPath } from '../wire/index.js';
import { type AuditTrail, newAuditTrail, recordTrail } from './audit-trail.js';
import { authorizeRequest } from './authz.js';
import type { RestRequest, RestService } from './context.js';
import { tableParam } from './context.js';
import { callerFilter, policedFilter } from './read-policy.js';
import { requireTable } from './tables.js';

/** The operation id governance and the audit log know the endpoint by. */
export const READ_TABLE_OPERATION = 'floeReadTable';

/** Arrow IPC stream media type (Arrow columnar spec, "IPC Streaming Format"). */
export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';

const Int64 = z.union([z.bigint(), z.number().int(), z.string().regex(/^-?\d+$/, 'a decimal int64')]).transform((v) => BigInt(v));

const ReadRequestSchema = z
  .strictObject({
    'snapshot-id': Int64.optional(),
    ref: z.string().min(1).optional(),
    'schema-id': z.number().int().optional(),
    columns: z
      .array(z.string().min(1))
      .refine((c) => new Set(c).size === c.length, 'must not name a column twice')
      .optional(),
    filter: z.union([z.string().min(1), z.custom<JsonValue>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected a filter string or REST expression JSON')]).optional(),
    limit: z.number().int().min(0).optional(),
    files: z
      .array(z.strictObject({ path: z.string().min(1), 'row-groups': z.array(z.number().int().min(0)).optional() }))
      .max(100_000)
      .optional(),
    mode: z.enum(['rows', 'files']).optional(),
  })
  .refine((r) => r['snapshot-id'] === undefined || r.ref === undefined, 'give snapshot-id or ref, not both');

type ReadRequest = z.infer<typeof ReadRequestSchema>;

// Arrow's types as the layers below hand them over (this layer does not use Arrow itself).
type ArrowSchema = ReturnType<typeof arrowSchemaFromIceberg>;
type RecordBatch = Awaited<ReturnType<ReturnType<Table['fileReader']>['read']>>[number];

/** A read made ready: what to read and how, the policy applied. */
interface PreparedRead {
  readonly table: Table;
  readonly snapshot: Snapshot | null;
  readonly schema: Schema;
  readonly columns: readonly string[];
  readonly nulled: ReadonlySet<string>;
  readonly reader: ReturnType<Table['fileReader']>;
  readonly filter: ReturnType<typeof callerFilter>;
  readonly outSchema: ArrowSchema;
}

/** Snapshot plans by `<table-uuid>@<snapshot-id>`, for checking named files (snapshots never change). */
class PlanCache {
  private readonly plans = new Map<string, Promise<Map<string, FileScanTask>>>();
  constructor(private readonly capacity = 16) {}

  get(table: Table, snapshot: Snapshot, schema: Schema): Promise<Map<string, FileScanTask>> {
    const key = `${table.uuid()}@${snapshot.snapshotId}`;
    const hit = this.plans.get(key);
    if (hit) {
      this.plans.delete(key);
      this.plans.set(key, hit);
      return hit;
    }
    const p = planFiles({ table: table.name, metadata: table.metadata(), locator: table.context().locator }, { snapshot, schema }).then((plan) => new Map(plan.tasks.map((t) => [t.file.filePath, t])));
    p.catch(() => this.plans.delete(key));
    this.plans.set(key, p);
    while (this.plans.size > this.capacity) this.plans.delete(this.plans.keys().next().value!);
    return p;
  }
}

function selectSnapshotOf(table: Table, r: ReadRequest): Snapshot | null {
  if (r['snapshot-id'] !== undefined) return snapshotById(table.metadata(), r['snapshot-id'], table.name);
  const refName = r.ref ?? MAIN_BRANCH;
  const ref = table.refs()[refName];
  if (!ref) {
    if (r.ref === undefined) return null;
    throw new SnapshotNotFoundError(`table ${table.name} has no branch or tag named ${r.ref}`, { context: { table: table.name, ref: r.ref } });
  }
  return table.snapshot(ref.snapshotId);
}

function schemaOf(table: Table, snapshot: Snapshot | null, r: ReadRequest): Schema {
  const m = table.metadata();
  // As scans choose it (scan/select-snapshot.ts): a branch head reads with the current schema, a
  // snapshot named by id with its own; a caller that pinned a schema names it.
  const id = r['schema-id'] ?? (r['snapshot-id'] !== undefined ? (snapshot?.schemaId ?? m.currentSchemaId) : m.currentSchemaId);
  const schema = m.schemas.find((s) => s.schemaId === id);
  if (!schema) throw new InvalidArgumentError(`table ${table.name} has no schema with id ${id}`, { context: { table: table.name, schemaId: id } });
  return schema;
}

async function prepare(service: RestService, request: RestRequest, policy: ReadPolicy | undefined): Promise<{ read: PreparedRead; body: ReadRequest }> {
  const body = parseArgument(ReadRequestSchema, request.body ?? {}, 'read request');
  const resolved = await requireTable(service, tableParam(request));
  const s3 = service.warehouse.s3Options;
  const table = await Table.open(resolved.location, { name: resolved.name, ...(s3 ? { s3 } : {}) });
  const snapshot = selectSnapshotOf(table, body);
  const schema = schemaOf(table, snapshot, body);
  const metadata = table.metadata();
  const visible: Schema = policy ? { ...schema, fields: maskedFields(metadata, schema.fields, policy) } : schema;
  const fields = body.columns ? body.columns.map((c) => pickVisibleColumn(schema, visible, c, true, table.name)) : visible.fields;
  const columns = fields.map((f) => f.name);
  const nulledIds = policy ? hiddenFieldIds(metadata, policy.nullify) : new Set<number>();
  const nulled = new Set(fields.filter((f) => nulledIds.has(f.id)).map((f) => f.name));
  const asked = callerFilter(body.filter);
  const filter = policedFilter({ table: table.name, metadata, schema, policy, filter: asked });
  const reader = table.fileReader({ schemaId: schema.schemaId, columns, ...(filter ? { filter } : {}) });
  const outSchema = arrowSchemaFromIceberg({ ...schema, fields }, { vectorDimensions: table.vectorDimensions() });
  return { read: { table, snapshot, schema, columns, nulled, reader, filter, outSchema }, body };
}

/** The tasks a read reads, in order, with the row groups of each. */
async function tasksOf(read: PreparedRead, body: ReadRequest, plans: PlanCache): Promise<{ task: FileScanTask; rowGroups?: readonly number[] }[]> {
  if (!read.snapshot) return [];
  if (body.files) {
    const all = await plans.get(read.table, read.snapshot, read.schema);
    return body.files.map((f) => {
      const task = all.get(f.path);
      if (!task) {
        throw new InvalidArgumentError(`${f.path.slice(0, 300)} is not a data file of snapshot ${read.snapshot!.snapshotId} of table ${read.table.name}`, {
          context: { table: read.table.name, snapshotId: read.snapshot!.snapshotId.toString() },
        });
      }
      return { task, ...(f['row-groups'] ? { rowGroups: f['row-groups'] } : {}) };
    });
  }
  const bound = read.filter ? bindExpression(read.filter, read.schema, { caseSensitive: true }) : undefined;
  const plan = await planFiles(
    { table: read.table.name, metadata: read.table.metadata(), locator: read.table.context().locator },
    { snapshot: read.snapshot, schema: read.schema, ...(bound ? { filter: bound } : {}) },
  );
  return plan.tasks.map((task) => ({ task }));
}

async function* rowsOf(read: PreparedRead, tasks: readonly { task: FileScanTask; rowGroups?: readonly number[] }[], limit: number | undefined): AsyncGenerator<RecordBatch> {
  let remaining = limit ?? Number.POSITIVE_INFINITY;
  if (remaining === 0) return;
  // One file ahead, so that reading the next overlaps sending this one.
  let next = tasks.length > 0 ? read.reader.read(tasks[0]!.task, tasks[0]!.rowGroups ? { rowGroups: tasks[0]!.rowGroups } : {}) : undefined;
  for (let i = 0; i < tasks.length; i++) {
    const batches = await next!;
    const t = tasks[i + 1];
    next = t ? read.reader.read(t.task, t.rowGroups ? { rowGroups: t.rowGroups } : {}) : undefined;
    next?.catch(() => undefined);
    for (const b of batches) {
      const masked = withNullColumns(b, read.nulled);
      if (masked.numRows <= remaining) {
        remaining -= masked.numRows;
        yield masked;
      } else {
        yield masked.slice(0, remaining);
        remaining = 0;
      }
      if (remaining === 0) return;
    }
  }
}

async function filesOf(read: PreparedRead, tasks: readonly { task: FileScanTask }[]): Promise<JsonValue> {
  const out: JsonValue[] = [];
  for (const { task } of tasks) {
    const rowGroups = await read.reader.rowGroupRowCounts(task);
    out.push({
      path: task.file.filePath,
      'file-size-in-bytes': task.file.fileSizeInBytes,
      'record-count': task.file.recordCount,
      'spec-id': task.specId,
      'added-snapshot-id': task.snapshotId,
      'row-groups': rowGroups,
      'delete-files': task.deletes.map((d) => d.file.filePath),
    });
  }
  return { 'snapshot-id': read.snapshot?.snapshotId ?? null, 'schema-id': read.schema.schemaId, files: out };
}

/**
 * Records the request in the audit log as it is answered with `status` (before the answer
 * leaves, as the catalog's routes do); the headers to answer with (`x-request-id`).
 */
function answered(service: RestService, trail: AuditTrail, status: number): Record<string, string> {
  if (!service.audit) return {};
  recordTrail(service.audit, trail, { status });
  return { 'x-request-id': trail.requestId };
}

function sendError(service: RestService, trail: AuditTrail, reply: FastifyReply, e: unknown): void {
  trail.failure = e;
  const failure = httpFailureOf(e);
  // RFC 6750 §3: a 401 names the authentication scheme, as the catalog's other routes do.
  reply.raw.writeHead(failure.status, { 'content-type': 'application/json', ...answered(service, trail, failure.status), ...(failure.status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });
  reply.raw.end(stringifyJson(errorResponseBody(failure.status, failure.type, messageOf(e))));
}

async function serveRead(service: RestService, plans: PlanCache, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.hijack();
  const trail = newAuditTrail(newUuid(), service.warehouse.clock.nowMs(), req.ip);
  let started = false;
  try {
    const params = req.params as Record<string, string>;
    if (params['prefix'] !== service.prefix) {
      reply.raw.writeHead(404, { 'content-type': 'application/json', ...answered(service, trail, 404) });
      reply.raw.end(stringifyJson(errorResponseBody(404, 'NoSuchWarehouseException', `no catalog at prefix ${JSON.stringify(params['prefix'])}; GET /v1/config gives the prefix`)));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    const unread: RestRequest = { operationId: READ_TABLE_OPERATION, params: { namespace: params['namespace'] ?? '', table: params['table'] ?? '' }, query: {}, headers, body: undefined };
    trail.operation = READ_TABLE_OPERATION;
    // Who asks and may they (401/403/404) before anything of the request is looked at.
    const auth = service.governance ? await authorizeRequest(service.governance, unread, trail) : undefined;
    const text = typeof req.body === 'string' ? req.body : '';
    let body: JsonValue | undefined;
    try {
      body = text.length > 0 ? parseJson(text) : {};
    } catch {
      throw new InvalidArgumentError('the request body is not valid JSON');
    }
    const request: RestRequest = { ...unread, body };
    const { read, body: asked } = await prepare(service, auth ? { ...request, auth } : request, auth?.readPolicy);
    const tasks = await tasksOf(read, asked, plans);
    if (asked.mode === 'files') {
      const json = stringifyJson(await filesOf(read, tasks));
      reply.raw.writeHead(200, { 'content-type': 'application/json', ...answered(service, trail, 200) });
      reply.raw.end(json);
      return;
    }
    const chunks = encodeIpcStream(read.outSchema, rowsOf(read, tasks, asked.limit))[Symbol.asyncIterator]();
    // The first chunk comes after the first file was read: a failure until then is still an
    // error response.
    let next = await chunks.next();
    reply.raw.writeHead(200, { 'content-type': ARROW_STREAM_TYPE, ...answered(service, trail, 200) });
    started = true;
    while (!next.done) {
      if (!reply.raw.write(next.value)) await new Promise((resolve) => reply.raw.once('drain', resolve));
      next = await chunks.next();
    }
    reply.raw.end();
  } catch (e) {
    if (started) reply.raw.destroy(e instanceof Error ? e : new Error(String(e)));
    else sendError(service, trail, reply, e);
  }
}

/**
 * Registers the masked-read route on the server's Fastify app (before its catch-all route).
 * @param app the server's app
 * @param service what it serves
 */
export function registerReadRoute(app: FastifyInstance, service: RestService): void {
  const plans = new PlanCache();
  app.post(readEndpointPath(':prefix', ':namespace', ':table'), (req, reply) => serveRead(service, plans, req, reply));
}
