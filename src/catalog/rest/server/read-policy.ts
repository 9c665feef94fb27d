/**
 * Column and row policies as the server applies them (spec/governance.md §G7).
 *
 * - A table answer (`loadTable`, `createTable`, `registerTable`, `updateTable`) tells its caller
 *   what it may do there (`floe.privileges`) and, for a masked reader, its read policy
 *   (`floe.read-policy`), and then carries no storage credentials and no remote-signing settings:
 *   the files hold the unmasked values, so a masked reader reads through the masked-read
 *   endpoint (read-endpoint.ts) instead. The metadata itself is served as it is (it stays valid
 *   Iceberg metadata), except that lineage entries naming tables the caller may not read lose
 *   their names and locations.
 * - A read applies the policy: dropped columns are never returned and nullified ones are
 *   returned as nulls (decided by field id over every schema of the table, scan/remote.ts), the
 *   caller's filter may not use either kind, and the grants' row filters (a row must match one)
 *   are ANDed with the caller's filter. A row filter that no longer binds to the table's schema
 *   refuses the read: a policy never fails open.
 *
 * @module
 */
import { NotAuthorizedError } from '../../../errors.js';
import { type Expression, and, bindExpression, expressionFromJson, or, parseFilter } from '../../../expr/index.js';
import { PRIVILEGES, type ReadPolicy, type Securable, type Subject } from '../../../governance/index.js';
import { checkFilterVisible } from '../../../scan/index.js';
import type { Schema, TableMetadata } from '../../../spec/index.js';
import { type JsonValue, parseJson, stringifyJson } from '../../../util/index.js';
import { PRIVILEGES_CONFIG, READ_POLICY_CONFIG } from '../wire/index.js';
import type { RestHandler, RestRequest, RestService } from './context.js';
import { namespaceParam, tableParam } from './context.js';

// The snapshot-summary key Floe records lineage inputs under (ml/features/lineage-summary.ts).
const LINEAGE_INPUTS_KEY = 'floe.lineage.inputs';

/** The policy as table config carries it. */
export function readPolicyJson(policy: ReadPolicy): JsonValue {
  return { drop: [...policy.drop], nullify: [...policy.nullify], 'row-filters': [...policy.rowFilters] };
}

// Config keys that hand out access to the files: vended credentials of any store, and the
// remote-signing settings (Iceberg's `s3.remote-signing-enabled`, `s3.signer.*`).
const ACCESS_KEY = /(access-key|secret|session-token|token|sas|signer|remote-signing|credential)/i;

function isObject(v: JsonValue | undefined): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a subject may do on a table, and its read policy there. */
function accessOf(service: RestService, request: RestRequest, on: Securable): { privileges: string[]; policy: ReadPolicy | undefined } | undefined {
  const auth = request.auth;
  const governance = service.governance;
  if (!auth || !governance) return undefined;
  const privileges: string[] = [];
  let policy: ReadPolicy | undefined;
  for (const p of PRIVILEGES) {
    const d = governance.decide(auth.state, auth.subject, p, on);
    if (!d.allowed) continue;
    privileges.push(p);
    if (p === 'READ') policy = d.policy;
  }
  return { privileges, policy };
}

/** The table a request's answer is about: from the path, or the body's `name` (create, register). */
function tableOfRequest(request: RestRequest): Securable | undefined {
  try {
    if (request.params['table'] !== undefined) {
      const id = tableParam(request);
      return { kind: 'table', namespace: id.namespace, table: id.name };
    }
    const name = isObject(request.body) ? request.body['name'] : undefined;
    return typeof name === 'string' ? { kind: 'table', namespace: namespaceParam(request), table: name } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `subject` may read the table a lineage entry names (by name, or by a location inside the warehouse). */
function mayReadInput(service: RestService, subject: Subject, state: NonNullable<RestRequest['auth']>['state'], entry: Record<string, JsonValue>): boolean {
  const governance = service.governance!;
  let parts: string[] | undefined;
  if (typeof entry['name'] === 'string') parts = entry['name'].split('.');
  else if (typeof entry['location'] === 'string') {
    const root = service.catalog.root.uri;
    if (entry['location'].startsWith(`${root}/`)) parts = entry['location'].slice(root.length + 1).replace(/\/+$/, '').split('/');
  }
  if (!parts || parts.length < 2 || parts.some((p) => p === '')) return false;
  const on: Securable = { kind: 'table', namespace: parts.slice(0, -1), table: parts.at(-1)! };
  return governance.decide(state, subject, 'READ', on).allowed;
}

/** The metadata JSON with lineage entries the caller may not read stripped of their names and locations. */
function redactLineage(service: RestService, request: RestRequest, metadata: JsonValue | undefined): JsonValue | undefined {
  const auth = request.auth;
  if (!auth || !service.governance || !isObject(metadata) || !Array.isArray(metadata['snapshots'])) return metadata;
  let changed = false;
  const snapshots = metadata['snapshots'].map((snap) => {
    const summary = isObject(snap) ? snap['summary'] : undefined;
    const raw = isObject(summary) ? summary[LINEAGE_INPUTS_KEY] : undefined;
    if (typeof raw !== 'string') return snap;
    let inputs: JsonValue;
    try {
      inputs = parseJson(raw);
    } catch {
      return snap;
    }
    if (!Array.isArray(inputs)) return snap;
    const shown = inputs.map((e) => {
      if (!isObject(e) || mayReadInput(service, auth.subject, auth.state, e)) return e;
      const { name: _name, location: _location, ...rest } = e;
      changed = true;
      return rest;
    });
    return { ...(snap as Record<string, JsonValue>), summary: { ...(summary as Record<string, JsonValue>), [LINEAGE_INPUTS_KEY]: stringifyJson(shown) } };
  });
  return changed ? { ...metadata, snapshots } : metadata;
}

/**
 * A table handler whose answer follows the caller's grants (see the module doc): its privileges
 * and read policy in `config`, no file access for a masked reader, lineage redacted.
 */
export function governedTableHandler(handler: RestHandler): RestHandler {
  return async (service, request) => {
    const response = await handler(service, request);
    const on = tableOfRequest(request);
    const access = on ? accessOf(service, request, on) : undefined;
    if (!access || !isObject(response.body)) return response;
    const body: Record<string, JsonValue> = { ...response.body };
    if ('metadata' in body) body['metadata'] = redactLineage(service, request, body['metadata']) ?? null;
    // A `LoadTableResult` has a config; a `CommitTableResponse` has none (and hands out no access).
    if (isObject(body['config'])) {
      const config: Record<string, JsonValue> = { ...body['config'] };
      config[PRIVILEGES_CONFIG] = access.privileges.join(',');
      if (access.policy) {
        for (const k of Object.keys(config)) if (ACCESS_KEY.test(k)) delete config[k];
        config['s3.remote-signing-enabled'] = 'false';
        config[READ_POLICY_CONFIG] = stringifyJson(readPolicyJson(access.policy));
        delete body['storage-credentials'];
      }
      body['config'] = config;
    }
    return { ...response, body };
  };
}

/** A read's filter from the request (a string in Floe's syntax, or the REST spec's expression JSON). */
export function callerFilter(filter: JsonValue | undefined): Expression | undefined {
  if (filter === undefined) return undefined;
  return typeof filter === 'string' ? parseFilter(filter) : expressionFromJson(filter, 'filter');
}

/**
 * The filter a policed read applies: the caller's, ANDed with the policy's row filters (one of
 * which a row must match).
 * @throws NotAuthorizedError when the caller's filter uses a masked column, or a row filter does
 *   not bind to the schema read (the read is refused, never widened)
 */
export function policedFilter(options: { readonly table: string; readonly metadata: TableMetadata; readonly schema: Schema; readonly policy: ReadPolicy | undefined; readonly filter: Expression | undefined }): Expression | undefined {
  const { table, metadata, schema, policy, filter } = options;
  if (filter && policy) checkFilterVisible(table, metadata, policy, schema, bindExpression(filter, schema, { caseSensitive: true }));
  if (!policy || policy.rowFilters.length === 0) return filter;
  let rows: Expression;
  try {
    rows = or(...policy.rowFilters.map((f) => parseFilter(f)));
    bindExpression(rows, schema, { caseSensitive: true });
  } catch (e) {
    throw new NotAuthorizedError(`the row filter of this principal's grant on table ${table} does not apply to schema ${schema.schemaId} (${(e as Error).message}); nothing is read`, { context: { table }, cause: e });
  }
  return filter ? and(filter, rows) : rows;
}
