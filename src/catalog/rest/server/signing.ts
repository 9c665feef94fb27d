/**
 * Data access that follows the grants (spec/governance.md §G6): remote signing, the REST spec's
 * `POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign` (`signRequest`, after Iceberg's
 * `s3-signer-open-api.yaml` and Java's `S3V4RestSignerClient`). The governance step has already
 * checked `READ` on the table for a GET/HEAD and `WRITE` for anything else (authz.ts); this
 * handler reads what the request would do (store/s3-request-scope.ts), refuses it unless it
 * touches only objects under the table's own location, and signs it with the server's keys. The
 * client never holds a key, and the S3 server refuses whatever it did not get signed here.
 *
 * Which tables get signing is said in their load/create response's `config` when the client asks
 * with `X-Iceberg-Access-Delegation: remote-signing` ({@link delegationConfig}). A warehouse in a
 * local folder (or memory) cannot confine file access: whoever can read the folder reads every
 * table; the config says so instead of offering signing.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, NotAuthorizedError, UnsupportedError, isFloeError } from '../../../errors.js';
import type { S3SigningAuthority } from '../../../store/index.js';
import { type TableIdentifier, formatTableIdentifier, isReservedPath } from '../../index.js';
import { NAMESPACE_SEPARATOR, type RestHandler, type RestRequest, type RestService, ok, tableParam } from './context.js';

/** The config key a non-S3 warehouse answers delegated-access requests with (its value says why). */
export const UNCONFINED_ACCESS_KEY = 'floe.data-access';

const UNCONFINED_NOTE =
  'unconfined: this warehouse is a local folder (or in memory), so the catalog cannot confine file access; whoever can read the folder can read and write every table (no credentials or signing are offered)';

const RemoteSignRequestSchema = z.object({
  region: z.string().max(64),
  uri: z.string().min(1).max(8192),
  method: z.enum(['PUT', 'GET', 'HEAD', 'POST', 'DELETE', 'PATCH', 'OPTIONS']),
  headers: z.record(z.string(), z.array(z.string())),
  properties: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  provider: z.string().optional(),
});

/** Bucket and key prefix of an `s3://` location, or undefined for other schemes. */
function s3Location(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]!.replace(/\/+$/, '') } : undefined;
}

/** The signing endpoint of a table, relative to the catalog's base URI. */
function signEndpointOf(service: RestService, id: TableIdentifier): string {
  return `v1/${encodeURIComponent(service.prefix)}/namespaces/${encodeURIComponent(id.namespace.join(NAMESPACE_SEPARATOR))}/tables/${encodeURIComponent(id.name)}/sign`;
}

/**
 * The `config` of a table's load/create response: the server's table config, plus what the
 * client's `X-Iceberg-Access-Delegation` asked for and this warehouse can give — remote signing on
 * S3 (`s3.remote-signing-enabled`, and the endpoint as `s3.signer.endpoint` for Java clients and
 * the spec's `signer.endpoint`, resolved against the catalog's base URI), or on a local folder the
 * note that access cannot be confined. Never a storage key.
 * @param service the server
 * @param request the load/create request (its headers)
 * @param id the table
 */
export function delegationConfig(service: RestService, request: RestRequest, id: TableIdentifier): Record<string, string> {
  const asked = (request.headers['x-iceberg-access-delegation'] ?? '').split(',').map((d) => d.trim()).filter((d) => d !== '');
  if (asked.length === 0) return { ...service.tableConfig };
  if (!service.signing) return { ...service.tableConfig, [UNCONFINED_ACCESS_KEY]: UNCONFINED_NOTE };
  if (!asked.includes('remote-signing')) return { ...service.tableConfig };
  const endpoint = signEndpointOf(service, id);
  return { ...service.tableConfig, 's3.remote-signing-enabled': 'true', 's3.signer.endpoint': endpoint, 'signer.endpoint': endpoint };
}

/**
 * The refusal for a table that is missing or hidden from the caller: `signRequest` declares no
 * 404, and both answer the same 403, so that signing does not reveal which tables exist.
 */
export function nothingToSign(table: string): NotAuthorizedError {
  return new NotAuthorizedError(`nothing to sign for table ${table}: it does not exist, or no grant lets this caller see it`, { context: { table } });
}

function requireSigning(service: RestService): S3SigningAuthority {
  if (!service.signing) {
    throw new UnsupportedError(`remote signing is offered only for warehouses on S3; ${service.catalog.root.uri} is not, and file access there cannot be confined`);
  }
  return service.signing;
}

/** `POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign` */
export const signRequest: RestHandler = async (service, request) => {
  const authority = requireSigning(service);
  const id = tableParam(request);
  const name = formatTableIdentifier(id);
  const parsed = RemoteSignRequestSchema.safeParse(request.body);
  if (!parsed.success) throw new InvalidArgumentError(`invalid RemoteSignRequest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const ask = parsed.data;
  if (ask.provider !== undefined && ask.provider !== 's3') throw new InvalidArgumentError(`provider ${JSON.stringify(ask.provider.slice(0, 64))} is not signed here: only s3`);
  // A masked or filtered READ may not reach the raw files: no signature for them (§G7).
  if (request.auth?.readPolicy) throw new NotAuthorizedError(`the grant on ${name} masks columns or filters rows: its files are read only through server-side planning, never signed`, { context: { table: name } });
  const resolved = await service.catalog.resolveTable(id).catch((e: unknown) => {
    if (isFloeError(e, 'NAMESPACE_NOT_FOUND')) return undefined;
    throw e;
  });
  if (!resolved) throw nothingToSign(name);
  const at = s3Location(resolved.location.uri);
  if (!at) throw new UnsupportedError(`table ${name} is not on S3 (${resolved.location.uri}): nothing to sign`);
  const scoped = await authority.scope({ method: ask.method, uri: ask.uri, headers: ask.headers }, at.bucket);
  const refuse = (reason: string): never => {
    throw new NotAuthorizedError(`will not sign ${ask.method} ${ask.uri.slice(0, 300)} for table ${name}: ${reason}`, { context: { table: name, method: ask.method } });
  };
  if (!scoped.ok) return refuse(scoped.reason);
  const scope = scoped.scope;
  const touched = scope.kind === 'object' ? scope.key : scope.prefix;
  const own = at.key === '' ? '' : `${at.key}/`;
  // Only the table's own objects: a key (or listed prefix) under its location, never beside it.
  if (!touched.startsWith(own)) return refuse(`s3://${at.bucket}/${touched.slice(0, 300)} is outside the table's location ${resolved.location.uri}`);
  // Whatever a table's location (one bound before locations were confined may cover them), never
  // the warehouse's reserved folders: `_floe` holds the governance state with its signing keys.
  const root = s3Location(service.catalog.root.uri);
  if (root && root.bucket === at.bucket) {
    const base = root.key === '' ? '' : `${root.key}/`;
    const rel = touched.startsWith(base) ? touched.slice(base.length) : undefined;
    if (rel !== undefined && (rel === '' || isReservedPath(rel))) return refuse("it is in the warehouse's reserved folders (beginning with _), which hold the catalog's own state");
    if (scope.kind === 'list' && base.startsWith(touched)) return refuse("listing it would list the warehouse's reserved folders");
  }
  // A REST client gets a table's metadata from loadTable, which redacts what the caller may not
  // see (lineage inputs); the raw metadata files (and the version hint) are never signed.
  if (scope.kind === 'object' && /(?:\.metadata\.json(?:\.gz)?|(?:^|\/)version-hint\.text)$/.test(touched)) {
    return refuse('metadata files are served by loadTable (redacted for the caller), never signed');
  }
  // authz.ts asked for WRITE exactly when the method writes; the scope says the same of the request.
  if (scope.writes && request.auth && !request.auth.decisions.some((d) => d.privilege === 'WRITE' && d.decision.allowed)) return refuse('it writes, and WRITE was not granted');
  const signed = await authority.sign(scoped.request, ask.uri);
  // Not cached by clients: a revoked grant stops signing at once.
  return ok({ uri: signed.uri, headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, [...v]])) }, { 'cache-control': 'no-cache' });
};
