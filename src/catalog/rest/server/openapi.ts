/**
 * The Iceberg REST catalog's OpenAPI document, loaded once per process, and the openapi-backend
 * instance that routes requests to handlers by `operationId` and validates each request (path,
 * query, headers, body) against the document. Nothing here re-declares a route or a shape: both
 * come from `spec/iceberg-rest/rest-catalog-open-api.yaml` (apache/iceberg, Apache 2.0).
 *
 * The document is OpenAPI 3.1 with some 3.0 keywords (`nullable`); openapi-backend's own
 * document check knows 3.0 only, so the document is loaded in `quick` mode (no self-check) and
 * ajv runs with `strict: false`, which is how it reads those keywords.
 *
 * Three places of the document cannot be satisfied as JSON Schema reads them, so the copy the
 * validator gets is adjusted there (see `adjustDocument`): the expression and planning schemas
 * narrow a `$ref` with a sibling `const`/`enum`, which dereferencing drops (so `"completed"`
 * would also match the `submitted`/`cancelled` result, and `oneOf` fail); `PrimitiveTypeValue`
 * is a `oneOf` of overlapping types (an integer is both an `IntegerTypeValue` and a
 * `LongTypeValue`), so no value could match exactly one; and a content file's `partition` holds
 * JSON `null` for a null partition value, as Java's `ContentFileParser` writes it.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Document, type HandlerMap, type Operation } from 'openapi-backend';
import { parse as parseYaml } from 'yaml';

/** Where the document ships: `spec/iceberg-rest/` at the package root (src/ and dist/ are the same depth). */
const DOCUMENT_URL = new URL('../../../../spec/iceberg-rest/rest-catalog-open-api.yaml', import.meta.url);

let cachedDocument: Document | undefined;

/** The parsed OpenAPI document (cached; callers must not mutate it). */
export function restCatalogDocument(): Document {
  cachedDocument ??= parseYaml(readFileSync(fileURLToPath(DOCUMENT_URL), 'utf8')) as Document;
  return cachedDocument;
}

/** A validation finding, as ajv reports it. */
export interface SchemaIssue {
  /** JSON pointer into the validated value. */
  readonly instancePath: string;
  /** What is wrong. */
  readonly message?: string | undefined;
}

/** The result of validating a response. */
export interface ResponseCheck {
  /** Whether it conforms. */
  readonly valid: boolean;
  /** The findings, when it does not. */
  readonly issues: readonly SchemaIssue[];
}

/** A `$ref` narrowed by a sibling assertion becomes `allOf: [$ref]` beside it, which survives dereferencing. */
function keepRefSiblings(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(keepRefSiblings);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (typeof o['$ref'] === 'string' && ('const' in o || 'enum' in o)) {
    o['allOf'] = [{ $ref: o['$ref'] }];
    delete o['$ref'];
  }
  Object.values(o).forEach(keepRefSiblings);
}

/** The validator's copy of the document, adjusted where it cannot be satisfied as written (module doc). */
function adjustDocument(document: Document): Document {
  const doc = structuredClone(document);
  keepRefSiblings(doc);
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const primitive = schemas['PrimitiveTypeValue'];
  if (primitive?.['oneOf']) {
    primitive['anyOf'] = primitive['oneOf'];
    delete primitive['oneOf'];
  }
  const partition = (schemas['ContentFile']?.['properties'] as Record<string, Record<string, unknown>> | undefined)?.['partition'];
  if (partition) partition['items'] = { anyOf: [partition['items'], { type: 'null' }] };
  return doc;
}

/**
 * Builds the router/validator over the document with the given handlers (keyed by
 * `operationId`, plus openapi-backend's `notFound`, `notImplemented`, `validationFail`).
 */
export async function createOpenApiBackend(handlers: HandlerMap): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend({
    // A fresh copy (openapi-backend dereferences the document in place), adjusted (module doc).
    definition: adjustDocument(restCatalogDocument()),
    apiRoot: '/',
    quick: true,
    strict: false,
    validate: true,
    ajvOpts: { strict: false, allErrors: false },
    customizeAjv: (ajv) => {
      addFormats.default(ajv);
      return ajv;
    },
    handlers,
  });
  // Routes are authorized by governance, not by openapi-backend's security handlers: silence
  // its per-request warning that none is registered.
  api.registerSecurityHandler('OAuth2', () => true);
  api.registerSecurityHandler('BearerAuth', () => true);
  return api.init();
}

/**
 * Validates a response body (as plain JSON, e.g. `JSON.parse` of what was sent) against the
 * document's schema for the operation and status.
 */
export function checkResponse(api: OpenAPIBackend, operation: Operation | string, status: number, body: unknown): ResponseCheck {
  const r = api.validateResponse(body, operation, status);
  return { valid: r.valid, issues: (r.errors ?? []).map((e) => ({ instancePath: e.instancePath, message: e.message })) };
}

/** The statuses an operation declares (`'5XX'` and the like kept as written). */
export function declaredStatuses(operation: Operation): Set<string> {
  return new Set(Object.keys(operation.responses ?? {}));
}
