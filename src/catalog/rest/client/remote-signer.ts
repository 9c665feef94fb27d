/**
 * Remote signing on the client side (spec/governance.md §G6): when a table's config says
 * `s3.remote-signing-enabled`, its S3 requests are signed by the catalog's `/sign` endpoint — the
 * catalog checks this principal's grant on the table and the object, then signs with keys this
 * process never holds. The endpoint comes from the table config (`s3.signer.endpoint`, else the
 * spec's `signer.endpoint`), resolved against `s3.signer.uri` / `signer.uri`, else the catalog's
 * base URI, as Iceberg Java's `S3V4RestSignerClient` does.
 *
 * @module
 */
import { z } from 'zod';
import { UnsupportedError } from '../../../errors.js';
import type { S3RequestSigner } from '../../../store/index.js';
import type { RestHttp } from './http.js';

const RemoteSignResultSchema = z.object({ uri: z.string(), headers: z.record(z.string(), z.array(z.string())) });

/** Whether a table's config turns remote signing on. */
export function remoteSigningEnabled(config: Readonly<Record<string, string>>): boolean {
  return config['s3.remote-signing-enabled'] === 'true';
}

/**
 * The path (after the catalog's base URL) of a table's signing endpoint.
 * @throws UnsupportedError when the config names no endpoint, or one on another host
 */
export function signerPathOf(config: Readonly<Record<string, string>>, baseUrl: string): string {
  const endpoint = config['s3.signer.endpoint'] ?? config['signer.endpoint'];
  if (endpoint === undefined) throw new UnsupportedError('the catalog turned remote signing on but named no signer endpoint (s3.signer.endpoint)');
  const base = `${(config['s3.signer.uri'] ?? config['signer.uri'] ?? baseUrl).replace(/\/+$/, '')}/`;
  const url = new URL(endpoint, base).href;
  const root = baseUrl.replace(/\/+$/, '');
  if (!url.startsWith(`${root}/`)) throw new UnsupportedError(`the signer endpoint ${url.slice(0, 200)} is not on the catalog at ${root}; this client signs only through its catalog`);
  return url.slice(root.length);
}

/**
 * A signer that asks the catalog.
 * @param http the catalog connection (its bearer token identifies the principal)
 * @param path the signing endpoint's path ({@link signerPathOf})
 * @param table the table, for error messages
 */
export function catalogSigner(http: RestHttp, path: string, table: string): S3RequestSigner {
  return async (request) => {
    const r = await http.send({
      method: 'POST',
      path,
      body: { region: request.region, uri: request.uri, method: request.method, headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [...v]])), provider: 's3' },
      subject: { table },
      changesNothing: true,
    });
    const result = RemoteSignResultSchema.safeParse(r.body);
    if (!result.success) throw new UnsupportedError(`the catalog's answer to a signing request for ${table} is not a RemoteSignResult`);
    return result.data;
  };
}
