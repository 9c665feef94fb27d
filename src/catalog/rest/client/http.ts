/**
 * The HTTP side of Floe's REST catalog client: JSON in and out with the lossless parser (int64
 * snapshot ids stay exact), the bearer token, an `Idempotency-Key` on every mutation (reused when
 * the same request is retried after a dropped connection or a 502/503/504, so the server applies
 * it once), and every `IcebergErrorResponse` turned back into the Floe error a local catalog
 * would have thrown (wire/errors-json.ts).
 *
 * @module
 */
import { NotAuthenticatedError, OutcomeUnknownError, StoreError } from '../../../errors.js';
import { type JsonValue, newUuid, parseJson, sleep, stringifyJson } from '../../../util/index.js';
import { type RequestSubject, floeErrorFromResponse } from '../wire/index.js';

/** Options of {@link RestHttp}. */
export interface RestHttpOptions {
  /** The catalog's base URL (before `/v1/…`). */
  readonly baseUrl: string;
  /** A bearer token sent as `Authorization: Bearer …`. */
  readonly token?: string;
  /**
   * Client credentials: exchanged for a token at the catalog's OAuth2 endpoint
   * (`POST /v1/oauth/tokens`, client-credentials grant), renewed before it expires and once when
   * the catalog answers 401.
   */
  readonly credential?: { readonly clientId: string; readonly clientSecret: string; readonly scope?: string };
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** `fetch` to use (default the global one). */
  readonly fetch?: typeof fetch;
  /** Attempts for a request that failed in transit or with 502/503/504 (default 4). */
  readonly attempts?: number;
}

/** What the client learnt from the server's config. */
export interface RestHttpSettings {
  /**
   * Whether the server honours `Idempotency-Key` (it advertised `idempotency-key-lifetime`):
   * only then is a mutation whose answer was lost retried as is; otherwise its outcome is
   * reported unknown and the commit loop settles it by looking for the commit's id.
   */
  idempotent: boolean;
}

/** One request. */
export interface RestCall {
  /** HTTP method. */
  readonly method: 'GET' | 'HEAD' | 'POST' | 'DELETE';
  /** Path after the base URL, starting with `/v1/`. */
  readonly path: string;
  /** Query parameters. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** JSON body. */
  readonly body?: JsonValue;
  /** Extra headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** What the request is about, for the errors it may raise. */
  readonly subject: Omit<RequestSubject, 'what'>;
  /** Statuses answered without raising (e.g. 404 for an existence check, 304). */
  readonly accept?: readonly number[];
  /**
   * A POST that changes nothing (remote signing): no `Idempotency-Key`, retried as a GET is, and a
   * lost answer is a plain failure rather than an unknown outcome.
   */
  readonly changesNothing?: boolean;
}

/** A response. */
export interface RestAnswer {
  /** HTTP status. */
  readonly status: number;
  /** Parsed body (lossless), if any. */
  readonly body: JsonValue | undefined;
  /** Response headers. */
  readonly headers: Headers;
}

const TRANSIENT = new Set([502, 503, 504]);

/** Percent-encodes a path segment (namespace parts joined by the unit separator first). */
export function segment(text: string): string {
  return encodeURIComponent(text);
}

/** An HTTP client for one REST catalog. */
export class RestHttp {
  private readonly fetchFn: typeof fetch;
  private token: { value: string; expiresAtMs: number } | undefined;
  private tokenRequest: Promise<string> | undefined;
  /** Learnt from `GET /v1/config`. */
  readonly settings: RestHttpSettings = { idempotent: false };

  /** @param options where and how to reach the catalog */
  constructor(private readonly options: RestHttpOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  /** The base URL. */
  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  /** The bearer token to send: the given one, or one got with the client credentials. */
  private async bearer(renew = false): Promise<string | undefined> {
    if (this.options.token) return this.options.token;
    const credential = this.options.credential;
    if (!credential) return undefined;
    // Renew a minute before expiry; one request at a time asks for it.
    if (!renew && this.token && this.token.expiresAtMs - 60_000 > Date.now()) return this.token.value;
    this.tokenRequest ??= this.fetchToken(credential).finally(() => (this.tokenRequest = undefined));
    return this.tokenRequest;
  }

  private async fetchToken(credential: NonNullable<RestHttpOptions['credential']>): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: credential.clientSecret, ...(credential.scope ? { scope: credential.scope } : {}) });
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}/v1/oauth/tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() });
    } catch (e) {
      throw new StoreError('rest-catalog', `cannot reach the catalog at ${this.baseUrl} for a token`, { cause: e }, true);
    }
    const body = parseJson((await response.text()) || '{}') as { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      // The client secret is never part of the message.
      throw new NotAuthenticatedError(`the catalog at ${this.baseUrl} refused client ${credential.clientId}: ${String(body.error ?? response.status)}${body.error_description ? ` (${String(body.error_description)})` : ''}`);
    }
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    this.token = { value: body.access_token, expiresAtMs: Date.now() + ttl * 1000 };
    return body.access_token;
  }

  /**
   * Sends a request; a mutation carries one `Idempotency-Key` across its retries.
   * @throws the Floe error the response stands for; `OutcomeUnknownError` when a mutation could not be confirmed
   */
  async send(call: RestCall): Promise<RestAnswer> {
    const query = Object.entries(call.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    const url = `${this.baseUrl}${call.path}${query.length > 0 ? `?${new URLSearchParams(query).toString()}` : ''}`;
    const what = `${call.method} ${call.path}`;
    const mutation = (call.method === 'POST' || call.method === 'DELETE') && call.changesNothing !== true;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),

      ...(mutation ? { 'idempotency-key': newUuid() } : {}),
      ...this.options.headers,
      ...call.headers,
    };
    const body = call.body === undefined ? undefined : stringifyJson(call.body);
    const attempts = this.options.attempts ?? 4;
    let lastFailure: unknown;
    let renewed = false;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let response: Response;
      try {
        const bearer = await this.bearer();
        if (bearer) headers['authorization'] = `Bearer ${bearer}`;
        response = await this.fetchFn(url, { method: call.method, headers, ...(body !== undefined ? { body } : {}) });
      } catch (e) {
        // The catalog refused the credential (a disabled principal, a rotated secret): an
        // answer, not a lost request, so it is not retried nor reported as unreachable.
        if (e instanceof NotAuthenticatedError) throw e;
        // Nothing came back: the request may or may not have been applied. The same
        // Idempotency-Key makes a retry safe.
        lastFailure = e;
        if (attempt < attempts && (!mutation || this.settings.idempotent)) {
          await sleep(50 * 2 ** attempt);
          continue;
        }
        if (mutation) throw new OutcomeUnknownError(what, { cause: e, context: { request: what, attempts: attempt } });
        throw new StoreError('rest-catalog', `cannot reach the catalog at ${this.baseUrl} (${what})`, { cause: e }, true);
      }
      const text = call.method === 'HEAD' ? '' : await response.text();
      let parsed: JsonValue | undefined;
      if (text.length > 0) {
        try {
          parsed = parseJson(text);
        } catch {
          parsed = undefined;
        }
      }
      if (response.ok || call.accept?.includes(response.status)) return { status: response.status, body: parsed, headers: response.headers };
      if (response.status === 401 && this.options.credential && !renewed) {
        // The token expired or was revoked: get a new one once, then try again.
        renewed = true;
        this.token = undefined;
        await this.bearer(true);
        attempt -= 1;
        continue;
      }
      if (TRANSIENT.has(response.status) && attempt < attempts && (!mutation || this.settings.idempotent || response.status === 503)) {
        // A 502/504 on a mutation means its outcome is unknown: retried only with a key the
        // server honours; a 503 was refused before it ran.
        lastFailure = response.status;
        await sleep(50 * 2 ** attempt);
        continue;
      }
      throw floeErrorFromResponse(response.status, parsed, { what, ...call.subject });
    }
    throw new StoreError('rest-catalog', `no answer from the catalog at ${this.baseUrl} (${what})`, { cause: lastFailure }, true);
  }

  /**
   * Sends a read-only request whose answer is a byte stream (Floe's read endpoint answers Arrow
   * IPC): the bearer as for {@link send}, renewed once on 401; an error status becomes the Floe
   * error its `IcebergErrorResponse` stands for. A body cut short by the server makes the
   * returned stream throw.
   */
  async stream(call: Omit<RestCall, 'accept' | 'changesNothing'>): Promise<AsyncIterable<Uint8Array>> {
    const url = `${this.baseUrl}${call.path}`;
    const what = `${call.method} ${call.path}`;
    const headers: Record<string, string> = { ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}), ...this.options.headers, ...call.headers };
    const body = call.body === undefined ? undefined : stringifyJson(call.body);
    for (let renewed = false; ; renewed = true) {
      const bearer = await this.bearer(renewed);
      if (bearer) headers['authorization'] = `Bearer ${bearer}`;
      let response: Response;
      try {
        response = await this.fetchFn(url, { method: call.method, headers, ...(body !== undefined ? { body } : {}) });
      } catch (e) {
        throw new StoreError('rest-catalog', `cannot reach the catalog at ${this.baseUrl} (${what})`, { cause: e }, true);
      }
      // Node's web streams are async iterables of chunks.
      if (response.ok) return (response.body ?? new ReadableStream<Uint8Array>()) as unknown as AsyncIterable<Uint8Array>;
      const text = await response.text();
      if (response.status === 401 && this.options.credential && !renewed) {
        this.token = undefined;
        continue;
      }
      let parsed: JsonValue | undefined;
      try {
        parsed = text.length > 0 ? parseJson(text) : undefined;
      } catch {
        parsed = undefined;
      }
      throw floeErrorFromResponse(response.status, parsed, { what, ...call.subject });
    }
  }
}
