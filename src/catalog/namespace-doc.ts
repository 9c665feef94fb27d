/**
 * The namespace document: `<warehouse>/<ns>/namespace.floe.json`, the one object that holds a
 * namespace's state in the storage catalog — its properties, and the name bindings of tables
 * that do not live in their default folder (renamed, registered, or re-created after a drop
 * that kept the files) plus tombstones of dropped names. Every change to it is a
 * compare-and-swap (`put` in `update` mode with the ETag read), so concurrent changes to one
 * namespace are linearized by the store exactly as table commits are (spec/catalog.md §K2).
 *
 *     { "namespace": ["ml"], "properties": { "owner": "ml-team" },
 *       "tables": { "events_v2": { "location": "file:///wh/ml/events" },
 *                   "events":    { "dropped": true } } }
 *
 * A document with `"dropped": true` is a namespace being dropped: it is treated as absent, and
 * a CAS against it fails, so a table created concurrently with the drop cannot bind its name
 * into a namespace that is going away.
 *
 * @module
 */
import { z } from 'zod';
import { updateCasDocument } from '../commit/index.js';
import { CorruptFileError, NamespaceNotFoundError, isFloeError } from '../errors.js';
import type { ObjectStore, ObjectVersion } from '../store/index.js';
import { parseJson, stringifyJson } from '../util/index.js';

/** The document's name inside its namespace folder. */
export const NAMESPACE_MARKER = 'namespace.floe.json';


const TableBindingSchema = z.union([
  z.object({
    location: z.string().min(1),
    /** The metadata file a registration named: discovery never answers an older version. */
    'metadata-file': z.string().min(1).optional(),
  }),
  z.object({ dropped: z.literal(true) }),
]);

const NamespaceDocSchema = z.looseObject({
  namespace: z.array(z.string()),
  properties: z.record(z.string(), z.string()).default({}),
  tables: z.record(z.string(), TableBindingSchema).default({}),
  dropped: z.boolean().optional(),
  writes: z.array(z.string()).default([]),
});

/** Where a table name points, when not at its default folder, or that it was dropped. */
export type TableBinding = { readonly location: string; readonly metadataFile?: string } | { readonly dropped: true };

/** A namespace document, decoded. */
export interface NamespaceDoc {
  /** The namespace's parts. */
  readonly namespace: readonly string[];
  /** Its properties. */
  readonly properties: Readonly<Record<string, string>>;
  /** Table bindings by table name (only names that are not plain default-folder tables). */
  readonly tables: Readonly<Record<string, TableBinding>>;
  /** Whether the namespace is being dropped. */
  readonly dropped: boolean;
  /**
   * Ids of the latest writes, newest last: after a write whose outcome is unknown (a 5xx or a
   * timeout on the conditional put), the writer re-reads the document and looks for its own id,
   * as the commit protocol looks for its commit id, so a change is never applied twice.
   */
  readonly writes: readonly string[];
}



/** A document with the version it was read at. */
export interface VersionedNamespaceDoc {
  /** The document. */
  readonly doc: NamespaceDoc;
  /** Its store version, for the CAS that replaces it. */
  readonly version: ObjectVersion;
}

/** The document's key for a namespace. */
export function namespaceDocPath(parts: readonly string[]): string {
  return `${parts.join('/')}/${NAMESPACE_MARKER}`;
}

/** Decodes a document. @throws CorruptFileError naming the file */
export function decodeNamespaceDoc(bytes: Uint8Array, path: string): NamespaceDoc {
  let json: unknown;
  try {
    json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new CorruptFileError(path, 'namespace document is not JSON', { cause: e });
  }
  const parsed = NamespaceDocSchema.safeParse(json);
  if (!parsed.success) {
    throw new CorruptFileError(path, `namespace document is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const d = parsed.data;
  const tables: Record<string, TableBinding> = {};
  for (const [name, b] of Object.entries(d.tables)) {
    tables[name] = 'dropped' in b ? { dropped: true } : { location: b.location, ...(b['metadata-file'] ? { metadataFile: b['metadata-file'] } : {}) };
  }
  return { namespace: d.namespace, properties: d.properties, tables, dropped: d.dropped === true, writes: d.writes };
}

/** Encodes a document (keys sorted by the caller's insertion; tables sorted by name). */
export function encodeNamespaceDoc(doc: NamespaceDoc): Uint8Array {
  const tables: Record<string, unknown> = {};
  for (const name of Object.keys(doc.tables).sort()) {
    const b = doc.tables[name]!;
    tables[name] = 'dropped' in b ? { dropped: true } : { location: b.location, ...(b.metadataFile ? { 'metadata-file': b.metadataFile } : {}) };
  }
  return new TextEncoder().encode(
    stringifyJson({ namespace: doc.namespace, properties: doc.properties, tables, ...(doc.dropped ? { dropped: true } : {}), writes: doc.writes }, 2),
  );
}

/** Reads a namespace's document, or undefined when there is none (or it is being dropped). */
export async function readNamespaceDoc(store: ObjectStore, parts: readonly string[]): Promise<VersionedNamespaceDoc | undefined> {
  const path = namespaceDocPath(parts);
  try {
    const { bytes, meta } = await store.get(path);
    const doc = decodeNamespaceDoc(bytes, path);
    if (doc.dropped) return undefined;
    return { doc, version: { ...(meta.etag !== undefined ? { etag: meta.etag } : {}), ...(meta.version !== undefined ? { version: meta.version } : {}) } };
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

/**
 * Changes a namespace's document by compare-and-swap (commit/cas-document.ts): reads it, lets
 * `change` compute the next document (or throw to abort), and writes it only if nobody changed
 * it meanwhile; otherwise reads again and re-runs `change`. Returns what `change` returned.
 * @throws NamespaceNotFoundError when the namespace does not exist (or is being dropped)
 */
export async function updateNamespaceDoc<R>(
  store: ObjectStore,
  parts: readonly string[],
  change: (doc: NamespaceDoc) => { readonly doc: NamespaceDoc; readonly result: R } | Promise<{ readonly doc: NamespaceDoc; readonly result: R }>,
): Promise<R> {
  const { result } = await updateCasDocument(store, namespaceDocPath(parts), {
    codec: { decode: decodeNamespaceDoc, encode: encodeNamespaceDoc },
    // A document being dropped counts as absent: a change to it fails like one to no namespace.
    read: () => readNamespaceDoc(store, parts),
    absent: () => {
      throw new NamespaceNotFoundError(parts.join('.'));
    },
    change,
  });
  return result;
}
