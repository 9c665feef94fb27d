/**
 * Namespace endpoints (rest-catalog-open-api.yaml `/v1/{prefix}/namespaces…`): list with paging
 * and parents, create, load, exists, drop, and properties updates — each one storage-catalog
 * operation (spec/catalog.md §K4).
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, NotAuthorizedError } from '../../../errors.js';
import type { JsonValue } from '../../../util/index.js';
import type { PageRequest } from '../../index.js';
import { type RestHandler, type RestRequest, bodyObject, namespaceFromParts, namespaceFromText, namespaceParam, noContent, ok } from './context.js';

/**
 * The page a list request asks for. The spec: without `pageToken` a server that pages must
 * return everything (with a null `next-page-token`); an empty `pageToken` asks for the first page.
 */
export function pageRequestOf(request: RestRequest): { paged: boolean; page: PageRequest } {
  const token = request.query['pageToken'];
  const size = request.query['pageSize'];
  if (token === undefined) return { paged: false, page: {} };
  const pageSize = size === undefined ? 100 : Number(size);
  return { paged: true, page: { pageToken: token, pageSize } };
}

const CreateNamespaceSchema = z.object({
  namespace: z.array(z.string()),
  properties: z.record(z.string(), z.string()).optional(),
});

const UpdatePropertiesSchema = z.object({
  removals: z.array(z.string()).optional(),
  updates: z.record(z.string(), z.string()).optional(),
});

/** `GET /v1/{prefix}/namespaces` */
export const listNamespaces: RestHandler = async (service, request) => {
  const parentText = request.query['parent'];
  // "For backward compatibility, empty string is treated as absent."
  const parent = parentText === undefined || parentText === '' ? undefined : namespaceFromText(parentText);
  const { paged, page } = pageRequestOf(request);
  const result = await service.catalog.listNamespacePage(parent, page);
  return ok({ namespaces: result.items.map((p) => [...p]), 'next-page-token': paged ? (result.nextPageToken ?? null) : null });
};

/** `POST /v1/{prefix}/namespaces` */
export const createNamespace: RestHandler = async (service, request) => {
  const parsed = CreateNamespaceSchema.safeParse(bodyObject(request));
  if (!parsed.success) throw new InvalidArgumentError(`invalid CreateNamespaceRequest: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const parts = namespaceFromParts(parsed.data.namespace);
  // Top-level folders beginning with `_` are the warehouse's own (`_floe`: the governance state
  // with its signing keys; `_system`: the audit log): no client namespace, so no table, goes there.
  if (parts[0]!.startsWith('_')) {
    throw new NotAuthorizedError(`namespace ${parts.join('.').slice(0, 200)} is not created: top-level names beginning with _ are reserved for the warehouse's own folders`, {
      context: { namespace: parts.join('.').slice(0, 200) },
    });
  }
  const properties = parsed.data.properties ?? {};
  await service.catalog.createNamespace(parts, properties);
  return ok({ namespace: parts, properties });
};

/** `GET /v1/{prefix}/namespaces/{namespace}` */
export const loadNamespaceMetadata: RestHandler = async (service, request) => {
  const parts = namespaceParam(request);
  const properties = await service.catalog.namespaceProperties(parts);
  return ok({ namespace: parts, properties });
};

/** `HEAD /v1/{prefix}/namespaces/{namespace}` */
export const namespaceExists: RestHandler = async (service, request) => {
  const parts = namespaceParam(request);
  if (await service.catalog.namespaceExists(parts)) return noContent();
  // The body of a HEAD answer is never sent; the status is what counts.
  return { status: 404 };
};

/** `DELETE /v1/{prefix}/namespaces/{namespace}` */
export const dropNamespace: RestHandler = async (service, request) => {
  await service.catalog.dropNamespace(namespaceParam(request));
  return noContent();
};

/** `POST /v1/{prefix}/namespaces/{namespace}/properties` */
export const updateProperties: RestHandler = async (service, request) => {
  const parts = namespaceParam(request);
  const parsed = UpdatePropertiesSchema.safeParse(bodyObject(request));
  if (!parsed.success) throw new InvalidArgumentError(`invalid UpdateNamespacePropertiesRequest: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const removals = parsed.data.removals ?? [];
  const updates = parsed.data.updates ?? {};
  const both = removals.filter((k) => k in updates);
  if (both.length > 0) {
    const body: JsonValue = { error: { message: `property keys both updated and removed: ${both.join(', ')}`, type: 'UnprocessableEntityException', code: 422 } };
    return { status: 422, body };
  }
  const change = await service.catalog.updateNamespaceProperties(parts, { updates, removals });
  return ok({ updated: change.updated, removed: change.removed, missing: change.missing });
};
