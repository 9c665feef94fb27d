/**
 * A governed REST catalog server over a fresh warehouse of one backend, and raw HTTP to it with
 * bearer tokens: what the token and authorization suites drive. Every response body it sees is
 * kept, so a test can grep them for secrets.
 */
import { Warehouse } from 'floe';
import { StorageCatalog } from '../../src/catalog/index.js';
import { Governance } from '../../src/governance/index.js';
import type { Clock } from '../../src/util/index.js';
import { type RestCatalogServer, startRestCatalogServer } from '../../src/catalog/rest/server/index.js';
import type { FeatureBackend } from '../features/backends.js';

/** The admin credential every governed test server starts with. */
export const ADMIN = { clientId: 'floe-test-admin', clientSecret: 'admin-secret-7c1d9e0f-not-for-production' } as const;

/** One answer of the server. */
export interface Answer {
  readonly status: number;
  // Parsed JSON: tests check it by shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly text: string;
  readonly headers: Headers;
}

/** A governed server and ways to talk to it. */
export interface Governed {
  readonly url: string;
  readonly server: RestCatalogServer;
  /** The served warehouse, opened directly (to check what changed without asking the server). */
  readonly direct: Warehouse;
  /** Every response body seen so far, with the request that got it. */
  readonly seen: { readonly request: string; readonly text: string }[];
  /** `POST /v1/oauth/tokens` with the client-credentials grant. */
  tokenRequest(clientId: string, clientSecret: string): Promise<Answer>;
  /** A token for a credential (the request must succeed). */
  token(credential: { readonly clientId: string; readonly clientSecret: string }): Promise<string>;
  /** Calls the server; `token` as a bearer token; a JSON body. */
  call(method: string, path: string, options?: { readonly token?: string; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }): Promise<Answer>;
  /** The warehouse through the server with Floe's REST client, as a principal. */
  remote(credential: { readonly clientId: string; readonly clientSecret: string }): Promise<Warehouse>;
  close(): Promise<void>;
}

/**
 * Serves a fresh warehouse of `backend` with governance (the admin is {@link ADMIN}).
 * @param options a clock and token lifetime for the governance (tests of expiry)
 */
export async function serveGoverned(backend: FeatureBackend, options: { readonly clock?: Clock; readonly tokenTtlSeconds?: number } = {}): Promise<Governed> {
  const direct = await backend.open();
  if (!(direct.catalog instanceof StorageCatalog)) throw new Error('a governed test server serves a storage warehouse');
  const governance = new Governance(direct.catalog.root.store, {
    audience: direct.uri,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
  });
  const server = await startRestCatalogServer({ warehouse: direct, governance, admin: ADMIN });
  const seen: { request: string; text: string }[] = [];
  const record = async (request: string, r: Response): Promise<Answer> => {
    const text = await r.text();
    seen.push({ request, text });
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: r.status, body, text, headers: r.headers };
  };
  const self: Governed = {
    url: server.url,
    server,
    direct,
    seen,
    async tokenRequest(clientId, clientSecret) {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
      const r = await fetch(`${server.url}/v1/oauth/tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      return record('POST /v1/oauth/tokens', r);
    },
    async token(credential) {
      const r = await self.tokenRequest(credential.clientId, credential.clientSecret);
      if (r.status !== 200) throw new Error(`no token for ${credential.clientId}: ${r.status} ${r.text}`);
      return r.body.access_token as string;
    },
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers };
      const r = await fetch(server.url + path, { method, headers, ...(o.body !== undefined ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}) });
      return record(`${method} ${path}`, r);
    },
    remote(credential) {
      const s3 = direct.s3Options;
      return Warehouse.open(server.url, { ...(s3 ? { s3 } : {}), catalog: { credential: `${credential.clientId}:${credential.clientSecret}` } });
    },
    close: () => server.close(),
  };
  return self;
}

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  /** @param now the time it starts at, ms since the epoch */
  constructor(private now: number) {}
  nowMs(): number {
    return this.now;
  }
  /** Moves it forward. */
  advance(ms: number): void {
    this.now += ms;
  }
}

/** A token for a credential from a server's `POST /v1/oauth/tokens` (client-credentials grant). */
export async function clientToken(url: string, credential: { readonly clientId: string; readonly clientSecret: string }): Promise<string> {
  const r = await fetch(`${url}/v1/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: credential.clientSecret }),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}
