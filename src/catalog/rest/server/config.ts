/**
 * `GET /v1/config`: the prefix clients put in every path, the endpoints this server implements
 * (so clients fail fast on what it does not), and the idempotency-key lifetime (its presence
 * tells clients that mutations honour `Idempotency-Key`).
 *
 * @module
 */
import { type RestHandler, ok } from './context.js';
import { IDEMPOTENCY_LIFETIME } from './idempotency.js';

/** Every endpoint this server implements, as the spec's `CatalogConfig.endpoints` spells them. */
export const SERVED_ENDPOINTS: readonly string[] = [
  'GET /v1/{prefix}/namespaces',
  'POST /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}',
  'POST /v1/{prefix}/namespaces/{namespace}/properties',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/unregister',
  'POST /v1/{prefix}/namespaces/{namespace}/register',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics',
  'POST /v1/{prefix}/tables/rename',
  'POST /v1/{prefix}/transactions/commit',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/tasks',
];

/** The remote-signing endpoint, served on warehouses on S3 (signing.ts). */
export const SIGN_ENDPOINT = 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign';

/** `GET /v1/config` */
export const getConfig: RestHandler = async (service, request) => {
  const asked = request.query['warehouse'];
  if (asked !== undefined && asked !== '' && !service.warehouseNames.includes(asked)) {
    // The spec's 404 for an unknown warehouse.
    const message = `no warehouse named ${JSON.stringify(asked.slice(0, 200))} here; this server serves ${service.warehouseNames.map((n) => JSON.stringify(n)).join(' or ')}`;
    return { status: 404, body: { error: { message, type: 'NoSuchWarehouseException', code: 404 } } };
  }
  return ok({
    defaults: {},
    // `warehouse`: where the warehouse is, as the spec's example does, so that clients can keep
    // non-table objects (Floe's model artifacts) beside the tables.
    overrides: { prefix: service.prefix, warehouse: service.catalog.root.uri },
    endpoints: [...SERVED_ENDPOINTS, ...(service.signing ? [SIGN_ENDPOINT] : [])],
    'idempotency-key-lifetime': IDEMPOTENCY_LIFETIME,
  });
};
