/**
 * Commits (`POST …/tables/{table}`, `POST /v1/{prefix}/transactions/commit`): a client's
 * requirements and updates are checked and applied at Floe's commit point — the conditional
 * create of `v<N+1>.metadata.json` (spec/commit-protocol.md §C4) — by the same commit loop a
 * local writer uses: when another writer took the version, the requirements are re-checked on
 * the new base and the updates re-applied (what Java's `CatalogHandlers.commit` does); a
 * requirement that no longer holds is `409 CommitFailedException`, and the client rebuilds.
 *
 * A create transaction (`stage-create`, then a commit with `assert-create`) applies its updates
 * to an empty base and creates the table with them as version 1.
 *
 * A transaction over several tables is refused before anything is written: each table's commit
 * point is its own object, and no conditional put makes two of them visible together
 * (spec/catalog.md §K5). Several changes to one table are applied as one commit.
 *
 * @module
 */
import { z } from 'zod';
import { COMMIT_ID_PROPERTY } from '../../../commit/index.js';
import { InvalidArgumentError, NamespaceNotFoundError, TableNotFoundError, UnsupportedError } from '../../../errors.js';
import { validateTableMetadata } from '../../../spec/index.js';
import { Table } from '../../../table.js';
import { type TableRequirement, type TableUpdate, applyUpdates, checkRequirements, commitFirstVersion } from '../../../transaction/index.js';
import { type TableIdentifier, formatTableIdentifier } from '../../index.js';
import { type CommitTableRequest, decodeCommitTableRequest } from '../wire/index.js';
import { type RestHandler, type RestResponse, type RestService, bodyObject, noContent, ok, tableIdentifierOf, tableParam } from './context.js';
import { emptyMetadata, metadataLocationOf } from './table-results.js';
import { tableMetadataToJson } from '../../../spec/index.js';

/** The commit id a client's updates set as the `floe.commit-id` property (the last one set wins), if any. */
function clientCommitId(updates: readonly TableUpdate[]): string | undefined {
  let id: string | undefined;
  for (const u of updates) {
    if (u.action === 'set-properties' && u.updates[COMMIT_ID_PROPERTY] !== undefined) id = u.updates[COMMIT_ID_PROPERTY];
    if (u.action === 'remove-properties' && u.removals.includes(COMMIT_ID_PROPERTY)) id = undefined;
  }
  return id;
}

/** Commits requirements and updates to one table; answers a `CommitTableResponse`. */
async function commitToTable(service: RestService, id: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[]): Promise<RestResponse> {
  const name = formatTableIdentifier(id);
  const catalog = service.catalog;
  const resolved = await catalog.resolveTable(id);
  // A table may move only within what the server may write, and only to a folder of its own
  // namespace that no other table uses (spec/catalog.md §K1).
  for (const u of updates) {
    if (u.action === 'set-location') await catalog.checkTableLocation(id, service.openClientLocation(u.location), { replacing: resolved !== undefined });
  }
  if (!resolved) {
    if (!requirements.some((r) => r.type === 'assert-create')) throw new TableNotFoundError(name);
    return createFromUpdates(service, id, requirements, updates);
  }
  const table = await Table.open(resolved.location, { name, clock: service.warehouse.clock });
  // Commit under the client's own commit id (Floe's client sends it as `set-properties
  // floe.commit-id`): the commit loop stamps the id it is given over that property, and a client
  // whose answer was lost settles the outcome by looking for its id (spec/commit-protocol.md §C5).
  // Under a fresh server-side id the client would not find its landed commit, rebuild it on the
  // new head, and be refused ("snapshot … already exists") for a commit that did land.
  const commitId = clientCommitId(updates);
  await table.commit(() => ({ build: () => Promise.resolve({ requirements, updates, result: undefined }) }), commitId === undefined ? {} : { commitId });
  return ok({ 'metadata-location': `${table.uri}/${table.metadataFile}`, metadata: tableMetadataToJson(table.metadata()) });
}

/** A create transaction: the updates applied to an empty base become version 1. */
async function createFromUpdates(service: RestService, id: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[]): Promise<RestResponse> {
  const name = formatTableIdentifier(id);
  const catalog = service.catalog;
  if (!(await catalog.namespaceExists(id.namespace))) throw new NamespaceNotFoundError(id.namespace.join('.'));
  const timestampMs = service.warehouse.clock.nowMs();
  const base = emptyMetadata(timestampMs);
  checkRequirements(base, requirements.filter((r) => r.type !== 'assert-create'), name);
  const built = applyUpdates(base, updates, { timestampMs, baseMetadataLocation: undefined, previousVersionsMax: 100 });
  if (built.schemas.length === 0 || built.partitionSpecs.length === 0 || built.sortOrders.length === 0) {
    throw new InvalidArgumentError(`a create transaction for ${name} must add a schema, a partition spec and a sort order`);
  }
  const asked = built.location ? service.openClientLocation(built.location) : undefined;
  if (asked) await catalog.checkTableLocation(id, asked);
  const { location, state } = await catalog.createTable(
    id,
    (at) => {
      const metadata = { ...built, location: at.uri };
      validateTableMetadata(metadata);
      return commitFirstVersion(at.store, name, metadata);
    },
    asked ? { location: asked } : {},
  );
  return ok({ 'metadata-location': metadataLocationOf(location, state), metadata: tableMetadataToJson(state.metadata) });
}

/** `POST /v1/{prefix}/namespaces/{namespace}/tables/{table}` */
export const updateTable: RestHandler = async (service, request) => {
  const id = tableParam(request);
  const commit = decodeCommitTableRequest(bodyObject(request));
  if (commit.identifier) {
    const named = tableIdentifierOf(commit.identifier.namespace, commit.identifier.name);
    if (formatTableIdentifier(named) !== formatTableIdentifier(id)) {
      throw new InvalidArgumentError(`the body's identifier ${formatTableIdentifier(named)} is not the table in the path, ${formatTableIdentifier(id)}`);
    }
  }
  return commitToTable(service, id, commit.requirements, commit.updates);
};

const TransactionSchema = z.object({ 'table-changes': z.array(z.unknown()).min(1) });

/** `POST /v1/{prefix}/transactions/commit` */
export const commitTransaction: RestHandler = async (service, request) => {
  const parsed = TransactionSchema.safeParse(bodyObject(request));
  if (!parsed.success) throw new InvalidArgumentError(`invalid CommitTransactionRequest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const changes: { id: TableIdentifier; commit: CommitTableRequest }[] = parsed.data['table-changes'].map((json, i) => {
    const commit = decodeCommitTableRequest(json);
    if (!commit.identifier) throw new InvalidArgumentError(`table-changes[${i}] has no identifier`);
    return { id: tableIdentifierOf(commit.identifier.namespace, commit.identifier.name), commit };
  });
  const tables = [...new Set(changes.map((c) => formatTableIdentifier(c.id)))];
  if (tables.length > 1) {
    throw new UnsupportedError(
      `a transaction over ${tables.length} tables (${tables.slice(0, 4).join(', ')}${tables.length > 4 ? ', …' : ''}) cannot be committed atomically: each table's commit point is its own object on storage, and no conditional put makes two of them visible together; nothing was written`,
      { help: 'commit each table on its own' },
    );
  }
  await commitToTable(
    service,
    changes[0]!.id,
    changes.flatMap((c) => c.commit.requirements),
    changes.flatMap((c) => c.commit.updates),
  );
  return noContent();
};
