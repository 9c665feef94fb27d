/**
 * Table endpoints (rest-catalog-open-api.yaml `/v1/{prefix}/namespaces/{namespace}/tables…`,
 * `/register`, `/tables/rename`): list with paging, create (and stage-create), load with
 * `snapshots=all|refs` and ETag / `If-None-Match`, exists, drop with `purgeRequested`,
 * unregister, register, rename, metrics. Commits are in commits.ts.
 *
 * @module
 */
import { z } from 'zod';
import { findLatestVersion, loadTableState } from '../../../commit/index.js';
import { InvalidArgumentError, NamespaceNotFoundError, TableAlreadyExistsError, TableNotFoundError } from '../../../errors.js';
import { tableMetadataToJson } from '../../../spec/index.js';
import { commitFirstVersion } from '../../../transaction/index.js';
import { newUuid, stringifyJson } from '../../../util/index.js';
import { type ResolvedTable, formatTableIdentifier } from '../../index.js';
import type { TableIdentifier } from '../../index.js';
import { type RestHandler, type RestResponse, type RestService, bodyObject, identifierJson, namespaceParam, noContent, ok, tableIdentifierOf, tableParam } from './context.js';
import { pageRequestOf } from './namespaces.js';
import { delegationConfig } from './signing.js';
import { type SnapshotsMode, decodeCreateTableRequest, etagOf, loadTableResult, metadataForCreate, metadataLocationOf } from './table-results.js';

/** Resolves a table or answers 404 (NoSuchTable / NoSuchNamespace). */
export async function requireTable(service: RestService, id: TableIdentifier): Promise<ResolvedTable> {
  const resolved = await service.catalog.resolveTable(id);
  if (!resolved) throw new TableNotFoundError(formatTableIdentifier(id));
  return resolved;
}

function snapshotsModeOf(query: Readonly<Record<string, string>>): SnapshotsMode {
  const mode = query['snapshots'] ?? 'all';
  if (mode !== 'all' && mode !== 'refs') throw new InvalidArgumentError(`snapshots must be all or refs, not ${JSON.stringify(mode)}`);
  return mode;
}

/** `GET /v1/{prefix}/namespaces/{namespace}/tables` */
export const listTables: RestHandler = async (service, request) => {
  const parts = namespaceParam(request);
  const { paged, page } = pageRequestOf(request);
  const result = await service.catalog.listTablePage(parts, page);
  return ok({ identifiers: result.items.map((name) => ({ namespace: parts, name })), 'next-page-token': paged ? (result.nextPageToken ?? null) : null });
};

/** `POST /v1/{prefix}/namespaces/{namespace}/tables` */
export const createTable: RestHandler = async (service, request) => {
  const parts = namespaceParam(request);
  const create = decodeCreateTableRequest(bodyObject(request));
  const id = tableIdentifierOf(parts, create.name);
  const name = formatTableIdentifier(id);
  const catalog = service.catalog;
  const asked = create.location !== undefined ? service.openClientLocation(create.location) : undefined;
  if (asked) await catalog.checkTableLocation(id, asked);
  const clock = service.warehouse.clock;
  if (create.stageCreate) {
    // Nothing is written: the client commits the create with `assert-create` (commits.ts).
    if (!(await catalog.namespaceExists(parts))) throw new NamespaceNotFoundError(parts.join('.'));
    if (await catalog.tableExists(id)) throw new TableAlreadyExistsError(name);
    const location = asked ?? catalog.tableLocation(id);
    const metadata = metadataForCreate(create, location.uri, clock.nowMs());
    return ok(loadTableResult(null, metadata, 'all', delegationConfig(service, request, id)));
  }
  const { location, state } = await catalog.createTable(
    id,
    (at) => commitFirstVersion(at.store, name, metadataForCreate(create, at.uri, clock.nowMs())),
    asked ? { location: asked } : {},
  );
  const metadataLocation = metadataLocationOf(location, state);
  return ok(loadTableResult(metadataLocation, state.metadata, 'all', delegationConfig(service, request, id)), { etag: etagOf(metadataLocation, 'all') });
};

/** `GET /v1/{prefix}/namespaces/{namespace}/tables/{table}` */
export const loadTable: RestHandler = async (service, request) => {
  const id = tableParam(request);
  const mode = snapshotsModeOf(request.query);
  const resolved = await requireTable(service, id);
  const state = await loadTableState(resolved.location.store, resolved.name);
  const metadataLocation = metadataLocationOf(resolved.location, state);
  const etag = etagOf(metadataLocation, mode);
  if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
  return ok(loadTableResult(metadataLocation, state.metadata, mode, delegationConfig(service, request, id)), { etag });
};

/** `HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}` */
export const tableExists: RestHandler = async (service, request) => {
  const id = tableParam(request);
  return (await service.catalog.tableExists(id)) ? noContent() : { status: 404 };
};

/** `DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}` */
export const dropTable: RestHandler = async (service, request) => {
  const id = tableParam(request);
  const purge = request.query['purgeRequested'];
  if (purge !== undefined && purge !== 'true' && purge !== 'false') throw new InvalidArgumentError(`purgeRequested must be true or false, not ${JSON.stringify(purge)}`);
  await service.catalog.dropTable(id, { purge: purge === 'true' });
  return noContent();
};

/** `POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/unregister` */
export const unregisterTable: RestHandler = async (service, request) => {
  const id = tableParam(request);
  const resolved = await requireTable(service, id);
  const state = await loadTableState(resolved.location.store, resolved.name);
  await service.catalog.dropTable(id, { purge: false });
  return ok({ 'metadata-location': metadataLocationOf(resolved.location, state), metadata: tableMetadataToJson(state.metadata) });
};

const RegisterSchema = z.object({ name: z.string(), 'metadata-location': z.string().min(1), overwrite: z.boolean().optional() });

/** `POST /v1/{prefix}/namespaces/{namespace}/register` */
export const registerTable: RestHandler = async (service, request) => {
  const parts = namespaceParam(request);
  const r = RegisterSchema.safeParse(bodyObject(request));
  if (!r.success) throw new InvalidArgumentError(`invalid RegisterTableRequest: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const id = tableIdentifierOf(parts, r.data.name);
  const file = r.data['metadata-location'];
  const match = /^(.*)\/metadata\/([^/]+\.metadata\.json(?:\.gz)?)$/.exec(file);
  if (!match) throw new InvalidArgumentError(`metadata-location must be a table's metadata/<name>.metadata.json file, not ${JSON.stringify(file.slice(0, 200))}`);
  const location = service.openClientLocation(match[1]!);
  // Checked before anything there is read: a location that is not this name's to use (another
  // table's, a reserved folder) answers the same refusal whatever is stored there.
  await service.catalog.checkTableLocation(id, location, { replacing: r.data.overwrite === true });
  const state = await loadTableState(location.store, formatTableIdentifier(id), `metadata/${match[2]!}`);
  // A table is served at the newest metadata version at its location (spec/catalog.md §K3), so
  // registering an older file would answer with a state that no later load or commit sees.
  const newest = await findLatestVersion(location.store, formatTableIdentifier(id));
  if (newest.path !== state.path) {
    const root = match[1]!.slice(0, 200);
    throw new InvalidArgumentError(`metadata-location ${JSON.stringify(file.slice(0, 200))} is not the newest metadata version of the table at ${root}: this server serves a table at its newest version`, {
      help: 'register the newest metadata file there, then roll back with set-snapshot-ref to serve an older snapshot',
    });
  }
  await service.catalog.registerTable(id, location, { metadataFile: match[2]!, ...(r.data.overwrite ? { overwrite: true } : {}) });
  const metadataLocation = metadataLocationOf(location, state);
  return ok(loadTableResult(metadataLocation, state.metadata, 'all', delegationConfig(service, request, id)), { etag: etagOf(metadataLocation, 'all') });
};

const IdentifierSchema = z.object({ namespace: z.array(z.string()), name: z.string() });
const RenameSchema = z.object({ source: IdentifierSchema, destination: IdentifierSchema });

/** `POST /v1/{prefix}/tables/rename` */
export const renameTable: RestHandler = async (service, request) => {
  const r = RenameSchema.safeParse(bodyObject(request));
  if (!r.success) throw new InvalidArgumentError(`invalid RenameTableRequest: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const from = tableIdentifierOf(r.data.source.namespace, r.data.source.name);
  const to = tableIdentifierOf(r.data.destination.namespace, r.data.destination.name);
  if (!(await service.catalog.namespaceExists(to.namespace))) throw new NamespaceNotFoundError(to.namespace.join('.'));
  await service.catalog.renameTable(from, to);
  return noContent();
};

/** `POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics`: stored as one JSON object per report. */
export const reportMetrics: RestHandler = async (service, request): Promise<RestResponse> => {
  const id = tableParam(request);
  await requireTable(service, id);
  const report = bodyObject(request);
  const key = `${service.systemPrefix}/metrics/${[...id.namespace, id.name].join('/')}/${Date.now()}-${newUuid()}.json`;
  const record = { table: identifierJson(id), 'received-ms': Date.now(), report };
  await service.catalog.root.store.put(key, new TextEncoder().encode(stringifyJson(record)), { mode: { kind: 'create' }, contentType: 'application/json' });
  return noContent();
};
