/**
 * A REST catalog server over a fresh warehouse on each backend, and a `fetch` that validates
 * every response it sees against the OpenAPI document (the route found by method and path,
 * the schema by status) independently of the server's own check, so every REST test proves its
 * responses conform. Violations are collected; `expectConforming()` fails the test on any.
 */
import type { OpenAPIBackend } from 'openapi-backend';
import { expect } from 'vitest';
import { Warehouse } from 'floe';
import { StorageCatalog } from '../../../src/catalog/index.js';
import { type InstrumentedStore, instrumented } from '../../../src/store/index.js';
import { parseJson, stringifyJson } from '../../../src/util/index.js';
import { type RestCatalogServer, checkResponse, createOpenApiBackend, startRestCatalogServer } from '../../../src/catalog/rest/server/index.js';
import type { FeatureBackend } from '../../features/backends.js';

let validator: Promise<OpenAPIBackend> | undefined;

/** An OpenAPI router/validator of the test's own (not the server's instance). */
export function responseValidator(): Promise<OpenAPIBackend> {
  validator ??= createOpenApiBackend({});
  return validator;
}

/** A response that failed validation. */
export interface Violation {
  readonly request: string;
  readonly status: number;
  readonly issues: string;
}

/** A served warehouse with a validating fetch. */
export interface Served {
  readonly wh: Warehouse;
  readonly server: RestCatalogServer;
  /** `fetch` that validates each JSON response it returns. */
  readonly fetch: typeof fetch;
  /** Calls the server: method, path (after the base URL), JSON body. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** The warehouse store's request log, when served with `instrument`. */
  readonly io?: InstrumentedStore;
  /** Every violation seen so far (by this harness or reported by the server). */
  readonly violations: Violation[];
  /** Asserts no response violated the document, and that at least `min` were checked. */
  expectConforming(min?: number): void;
  close(): Promise<void>;
}

/** Starts a server over a fresh warehouse of `backend`. */
export async function serve(
  backend: FeatureBackend,
  options: { readonly prefix?: string; readonly planFilesPerTask?: number; readonly instrument?: boolean } = {},
): Promise<Served> {
  let wh = await backend.open();
  let io: InstrumentedStore | undefined;
  if (options.instrument && wh.catalog instanceof StorageCatalog) {
    io = instrumented(wh.catalog.root.store);
    const s3 = wh.s3Options;
    wh = await Warehouse.open(wh.uri, { store: io, ...(s3 ? { s3 } : {}) });
  }
  const violations: Violation[] = [];
  let checked = 0;
  const server = await startRestCatalogServer({
    warehouse: wh,
    // The protocol tests drive the catalog itself; governance has its own tests.
    governance: 'none',
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.planFilesPerTask ? { planFilesPerTask: options.planFilesPerTask } : {}),
    onInvalidResponse: (op, status, issues) => violations.push({ request: `server:${op}`, status, issues: JSON.stringify(issues) }),
  });
  const api = await responseValidator();
  const validatingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const operation = api.router.matchOperation({ method, path: url.pathname, headers: {} });
    const text = await response.clone().text();
    if (operation && text.length > 0 && method !== 'HEAD') {
      checked++;
      const r = checkResponse(api, operation, response.status, JSON.parse(text));
      if (!r.valid) violations.push({ request: `${method} ${url.pathname}`, status: response.status, issues: JSON.stringify(r.issues) });
    } else if (!operation) {
      violations.push({ request: `${method} ${url.pathname}`, status: response.status, issues: 'no operation of the document matches this request' });
    }
    return response;
  };
  return {
    wh,
    server,
    ...(io ? { io } : {}),
    fetch: validatingFetch,
    violations,
    async call(method, path, body, headers = {}) {
      const r = await validatingFetch(server.url + path, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : stringifyJson(body) } : {}),
      });
      const text = await r.text();
      // Lossless: snapshot ids above 2^53 must arrive exactly.
      return { status: r.status, body: text ? parseJson(text) : undefined, headers: r.headers };
    },
    expectConforming(min = 1) {
      expect(violations).toEqual([]);
      expect(checked).toBeGreaterThanOrEqual(min);
    },
    close: () => server.close(),
  };
}
