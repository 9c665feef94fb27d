/**
 * What an S3 request that someone asks to have signed would do, read strictly enough that the
 * signature cannot be stretched to anything else (spec/governance.md §G6): the one object it
 * reads or writes, or the one prefix it lists, in one bucket of one endpoint. Everything this
 * does not recognise is refused, never guessed at:
 *
 * | method | addressed to | query (besides `x-id`)               | operation                  | writes |
 * |--------|--------------|--------------------------------------|----------------------------|--------|
 * | GET    | object       | —                                    | GetObject                  | no     |
 * | HEAD   | object       | —                                    | HeadObject                 | no     |
 * | GET    | bucket       | `list-type=2`, `prefix` (required), `delimiter`, `continuation-token`, `max-keys`, `start-after`, `encoding-type`, `fetch-owner` | ListObjectsV2 | no |
 * | PUT    | object       | — / `partNumber` + `uploadId`         | PutObject / UploadPart     | yes    |
 * | POST   | object       | `uploads` / `uploadId`               | Create / CompleteMultipartUpload | yes |
 * | DELETE | object       | — / `uploadId`                       | DeleteObject / AbortMultipartUpload | yes |
 *
 * A signature covers the method, the path, the query and the signed headers, but a client may
 * add headers it did not have signed, and some S3 servers act on them (Ceph RGW 16.2 copies an
 * object named by an unsigned `x-amz-copy-source` into the signed key); so the headers that
 * would make a write read another object or publish one (`x-amz-copy-source*`, `x-amz-acl`,
 * `x-amz-grant-*`) are refused here, and on such servers a bucket policy must refuse them when
 * unsigned (§G6 gives it). The path is taken as written: any `.`/`..` or empty segment, an
 * encoded slash or backslash, a character outside RFC 3986 `pchar`, or a path the WHATWG URL
 * parser would rewrite is refused, so the key checked is the key the server will act on.
 *
 * @module
 */

/** A request to be signed, as a remote-signing client describes it (the REST spec's `RemoteSignRequest`). */
export interface S3RequestToSign {
  /** HTTP method. */
  readonly method: string;
  /** The full request URI, as it will be sent. */
  readonly uri: string;
  /** Its headers; names in any case, each with one or more values. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
}

/** What a request does. */
export type S3RequestScope =
  | { readonly kind: 'object'; readonly operation: string; readonly key: string; readonly writes: boolean }
  | { readonly kind: 'list'; readonly operation: 'ListObjectsV2'; readonly prefix: string; readonly writes: false };

/** A request broken into what SigV4 signs. */
export interface ParsedS3Request {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  /** The path as written (still percent-encoded): SigV4 for S3 signs it without re-encoding. */
  readonly path: string;
  /** Query parameters, decoded. */
  readonly query: Readonly<Record<string, string>>;
  /** Headers to sign, lower-case names, repeated values joined with commas. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The scope of a request, or why it is refused. */
export type S3ScopeResult = { readonly ok: true; readonly scope: S3RequestScope; readonly request: ParsedS3Request } | { readonly ok: false; readonly reason: string };

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
// RFC 3986 `pchar` (unreserved, pct-encoded, sub-delims, ':' and '@') in a path segment.
const PCHAR = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*$/;
// Query characters: `pchar` without '+' (S3 servers disagree whether it means a space) and
// without '&'/'=' (separators), plus '/' and '?'.
const QCHAR = /^(?:[A-Za-z0-9\-._~!$'()*,;:@/?]|%[0-9A-Fa-f]{2})*$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
// The server's own signature headers; a client's are dropped and replaced.
const DROPPED_HEADERS = new Set(['authorization', 'x-amz-date', 'date', 'x-amz-security-token']);
const LIST_PARAMS = new Set(['list-type', 'prefix', 'delimiter', 'continuation-token', 'max-keys', 'start-after', 'encoding-type', 'fetch-owner', 'x-id']);

type Decoded = { ok: true; value: string } | { ok: false; reason: string };

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

function decode(raw: string, what: string): Decoded {
  try {
    const value = decodeURIComponent(raw);
    if (CONTROL.test(value)) return refuse(`${what} holds a control character`);
    return { ok: true, value };
  } catch {
    return refuse(`${what} is not valid percent-encoding`);
  }
}

/** The key a path names, segment by segment, or why it is refused. */
function keyOf(rawKey: string): Decoded {
  const parts: string[] = [];
  for (const raw of rawKey.split('/')) {
    if (!PCHAR.test(raw)) return refuse(`the path segment ${JSON.stringify(raw.slice(0, 100))} holds characters outside RFC 3986 pchar`);
    const d = decode(raw, 'a path segment');
    if (!d.ok) return d;
    if (d.value.includes('/') || d.value.includes('\\')) return refuse('the path holds an encoded slash or backslash');
    if (d.value === '' || d.value === '.' || d.value === '..') return refuse(`the path holds an empty, "." or ".." segment`);
    parts.push(d.value);
  }
  return { ok: true, value: parts.join('/') };
}

function queryOf(rawQuery: string): { ok: true; value: Record<string, string> } | { ok: false; reason: string } {
  const query: Record<string, string> = {};
  if (rawQuery === '') return { ok: true, value: query };
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    if (!QCHAR.test(rawName) || !QCHAR.test(rawValue)) return refuse(`the query parameter ${JSON.stringify(pair.slice(0, 100))} holds characters outside RFC 3986 (or a literal +)`);
    const name = decode(rawName, 'a query parameter name');
    if (!name.ok) return name;
    const value = decode(rawValue, `query parameter ${name.value}`);
    if (!value.ok) return value;
    if (name.value === '' || Object.hasOwn(query, name.value)) return refuse(`the query names parameter ${JSON.stringify(name.value)} twice, or an empty one`);
    query[name.value] = value.value;
  }
  return { ok: true, value: query };
}

function headersOf(headers: Readonly<Record<string, readonly string[]>>, host: string, writes: boolean): { ok: true; value: Record<string, string> } | { ok: false; reason: string } {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (Object.hasOwn(out, lower)) return refuse(`header ${lower} is given twice`);
    const value = values.join(',');
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) || CONTROL.test(value.replace(/\t/g, ' '))) return refuse(`header ${JSON.stringify(name.slice(0, 100))} is malformed`);
    if (lower.startsWith('x-amz-copy-source')) return refuse('a copy (x-amz-copy-source) reads another object; it is never signed');
    if (lower === 'x-amz-acl' || lower.startsWith('x-amz-grant-')) return refuse(`${lower} changes who may read an object; it is never signed`);
    if (lower === 'host' && value !== host) return refuse(`the host header ${JSON.stringify(value.slice(0, 100))} is not the URI's host ${host}`);
    if (lower === 'x-amz-content-sha256' && value !== UNSIGNED_PAYLOAD && !/^[0-9a-f]{64}$/.test(value)) return refuse('x-amz-content-sha256 must be a SHA-256 hex digest or UNSIGNED-PAYLOAD (chunked signing is not offered)');
    if (DROPPED_HEADERS.has(lower)) continue;
    out[lower] = value;
  }
  out['host'] = host;
  // Without a digest, a write's body is left unsigned (as Iceberg Java's remote signer does); a
  // read has no body.
  out['x-amz-content-sha256'] ??= writes ? UNSIGNED_PAYLOAD : EMPTY_SHA256;
  return { ok: true, value: out };
}

function only(query: Readonly<Record<string, string>>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(query).filter((k) => !allowed.includes(k));
  return extra.length > 0 ? `query parameter ${JSON.stringify(extra[0]!.slice(0, 100))} is not signed for this request` : undefined;
}

function objectScope(method: string, key: string, query: Readonly<Record<string, string>>): { ok: true; value: S3RequestScope } | { ok: false; reason: string } {
  const has = (k: string): boolean => Object.hasOwn(query, k);
  let operation: string;
  let allowed: string[];
  if (method === 'GET' || method === 'HEAD') [operation, allowed] = [method === 'GET' ? 'GetObject' : 'HeadObject', ['x-id']];
  else if (method === 'PUT') [operation, allowed] = has('uploadId') || has('partNumber') ? ['UploadPart', ['x-id', 'partNumber', 'uploadId']] : ['PutObject', ['x-id']];
  else if (method === 'POST' && has('uploads')) [operation, allowed] = ['CreateMultipartUpload', ['x-id', 'uploads']];
  else if (method === 'POST' && has('uploadId')) [operation, allowed] = ['CompleteMultipartUpload', ['x-id', 'uploadId']];
  else if (method === 'DELETE') [operation, allowed] = has('uploadId') ? ['AbortMultipartUpload', ['x-id', 'uploadId']] : ['DeleteObject', ['x-id']];
  else return refuse(`${method} of an object is not signed`);
  if (operation === 'UploadPart' && !(has('uploadId') && /^[1-9][0-9]{0,4}$/.test(query['partNumber'] ?? ''))) return refuse('an UploadPart needs uploadId and a partNumber');
  if (operation === 'CreateMultipartUpload' && query['uploads'] !== '') return refuse('uploads takes no value');
  const problem = only(query, allowed);
  if (problem) return refuse(problem);
  return { ok: true, value: { kind: 'object', operation, key, writes: method !== 'GET' && method !== 'HEAD' } };
}

/**
 * Reads a request addressed to a bucket: what it does, and its parts for signing.
 * @param request the request as the client describes it
 * @param bucketUrl the bucket's base URL on this endpoint, as the SDK resolves it
 *   (`http://host:port/bucket` path-style, `https://bucket.s3.region.amazonaws.com` virtual-hosted)
 */
export function scopeS3Request(request: S3RequestToSign, bucketUrl: string): S3ScopeResult {
  const base = bucketUrl.replace(/\/+$/, '');
  const uri = request.uri;
  if (!uri.startsWith(base) || !/^(?:$|[/?])/.test(uri.slice(base.length))) return refuse(`the URI is not addressed to the table's bucket at ${base}`);
  if (uri.includes('#') || CONTROL.test(uri) || uri.includes(' ')) return refuse('the URI holds a fragment, a space or a control character');
  const rest = uri.slice(base.length);
  const q = rest.indexOf('?');
  const restPath = q < 0 ? rest : rest.slice(0, q);
  const rawQuery = q < 0 ? '' : rest.slice(q + 1);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return refuse('the URI is not a URL');
  }
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const path = `${basePath}${restPath}` || '/';
  // The WHATWG parser resolves dot segments and backslashes: a path it rewrites is not one
  // whose key we could know.
  if (url.pathname !== path) return refuse('the URI path is not in normal form');
  const method = request.method.toUpperCase();
  const query = queryOf(rawQuery);
  if (!query.ok) return query;
  let scope: S3RequestScope;
  const rawKey = restPath.replace(/^\//, '');
  if (rawKey === '') {
    if (method !== 'GET' || query.value['list-type'] !== '2') return refuse(`${method} of the bucket is not signed (only ListObjectsV2: GET with list-type=2)`);
    const problem = only(query.value, [...LIST_PARAMS]);
    if (problem) return refuse(problem);
    const prefix = query.value['prefix'];
    if (prefix === undefined || prefix === '') return refuse('a listing must name a prefix');
    const segments = prefix.split('/');
    if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1)) || prefix.includes('\\')) {
      return refuse('the listing prefix holds an empty, "." or ".." segment or a backslash');
    }
    scope = { kind: 'list', operation: 'ListObjectsV2', prefix, writes: false };
  } else {
    const key = keyOf(rawKey);
    if (!key.ok) return key;
    const object = objectScope(method, key.value, query.value);
    if (!object.ok) return object;
    scope = object.value;
  }
  const headers = headersOf(request.headers, url.host, scope.writes);
  if (!headers.ok) return headers;
  return {
    ok: true,
    scope,
    request: {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port !== '' ? { port: Number(url.port) } : {}),
      path,
      query: query.value,
      headers: headers.value,
    },
  };
}

/** Whether a method writes (everything but GET and HEAD); a request's privilege follows from it. */
export function s3MethodWrites(method: string): boolean {
  const m = method.toUpperCase();
  return m !== 'GET' && m !== 'HEAD';
}
