/**
 * What Floe's REST catalog server tells a client about its access to a loaded table, in the
 * table's `config` (spec/governance.md §G7): `floe.privileges` (what the caller may do there) and,
 * when the caller's reads are masked, `floe.read-policy` (columns dropped or read as nulls, row
 * filters). A masked table answer carries no storage credentials, so the client reads such a
 * table through the server's read endpoint (`POST /floe/v1/{prefix}/namespaces/{ns}/tables/{t}/read`),
 * which this module reaches. Other catalogs send neither key, and their tables are read from
 * their files as before.
 *
 * A policy the client cannot understand is an error, never "no policy": reading the files
 * directly would fail anyway (the server vends nothing for them), and silently would be worse.
 *
 * @module
 */
import { z } from 'zod';
import { ValidationError } from '../../../errors.js';
import { type JsonValue, parseJson } from '../../../util/index.js';
import { PRIVILEGES_CONFIG, READ_POLICY_CONFIG, readEndpointPath } from '../wire/index.js';
import { type RestHttp, segment } from './http.js';

/** The caller's read policy as the catalog stated it. */
export interface RestReadPolicy {
  readonly drop: readonly string[];
  readonly nullify: readonly string[];
  readonly rowFilters: readonly string[];
}

/** How a masked table's reads reach the catalog's read endpoint. */
export interface RestReadTransport {
  /** The policy the catalog applies. */
  readonly policy: RestReadPolicy;
  /** Posts a rows request; the answer's bytes (an Arrow IPC stream). */
  rows(body: JsonValue): Promise<AsyncIterable<Uint8Array>>;
  /** Posts a `files` request; the answer's JSON. */
  files(body: JsonValue): Promise<JsonValue>;
}

/** What the catalog said about the caller's access to a table. */
export interface RestTableAccess {
  /** The caller's privileges on the table, when the catalog says. */
  readonly privileges?: readonly string[];
  /** The caller's read policy, when its reads are masked. */
  readonly readPolicy?: RestReadPolicy;
}

const PolicySchema = z.strictObject({
  drop: z.array(z.string().min(1)),
  nullify: z.array(z.string().min(1)),
  'row-filters': z.array(z.string().min(1)),
});

/**
 * The access a table's config states, or undefined when it states none (another catalog).
 * @throws ValidationError when `floe.read-policy` is not the policy JSON
 */
export function tableAccessFrom(config: Readonly<Record<string, string>>, table: string): RestTableAccess | undefined {
  const privileges = config[PRIVILEGES_CONFIG];
  const policyText = config[READ_POLICY_CONFIG];
  if (privileges === undefined && policyText === undefined) return undefined;
  let readPolicy: RestReadPolicy | undefined;
  if (policyText !== undefined) {
    let json: JsonValue;
    try {
      json = parseJson(policyText);
    } catch (e) {
      throw new ValidationError(`the catalog's ${READ_POLICY_CONFIG} for table ${table} is not JSON`, { context: { table }, cause: e });
    }
    const r = PolicySchema.safeParse(json);
    if (!r.success) throw new ValidationError(`the catalog's ${READ_POLICY_CONFIG} for table ${table} is malformed: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, { context: { table } });
    readPolicy = { drop: r.data.drop, nullify: r.data.nullify, rowFilters: r.data['row-filters'] };
  }
  return {
    ...(privileges !== undefined ? { privileges: privileges.split(',').filter((p) => p !== '') } : {}),
    ...(readPolicy ? { readPolicy } : {}),
  };
}

/** The read endpoint of a table, through the catalog's HTTP client. */
export function readTransport(http: RestHttp, address: { readonly prefix: string; readonly namespace: readonly string[]; readonly table: string; readonly name: string }, policy: RestReadPolicy): RestReadTransport {
  const path = readEndpointPath(segment(address.prefix), segment(address.namespace.join('\u001f')), segment(address.table));
  const subject = { table: address.name };
  return {
    policy,
    rows: (body) => http.stream({ method: 'POST', path, body, headers: { accept: 'application/vnd.apache.arrow.stream' }, subject }),
    files: async (body) => (await http.send({ method: 'POST', path, body, changesNothing: true, subject })).body ?? null,
  };
}
