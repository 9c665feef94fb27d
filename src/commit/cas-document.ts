/**
 * A small JSON document changed by compare-and-swap: read it with its version, compute the next
 * document, `put` it in `update` mode with that version, and on `PRECONDITION_FAILED` (another
 * writer moved it) read again and re-run the change. After an unknown outcome (a 5xx or timeout
 * on the put; RGW answers 500 under contention) the writer re-reads the document and looks for
 * its own write id among the last ones the document remembers, as the commit loop looks for its
 * commit id (spec/commit-protocol.md §C6), so a change is applied exactly once. The catalog's
 * namespace documents and the governance state are such documents.
 *
 * @module
 */
import { CommitRetriesExhaustedError, isFloeError } from '../errors.js';
import type { ObjectStore, ObjectVersion } from '../store/index.js';
import { newUuid } from '../util/index.js';

/** How many write ids a document remembers. */
export const WRITES_KEPT = 32;

/** How many times a change is re-run when other writers keep moving the document. */
const CAS_ATTEMPTS = 64;

/** What a CAS document carries besides its content. */
export interface CasDocument {
  /** Ids of the latest writes, newest last. */
  readonly writes: readonly string[];
}

/** How to read and write one kind of document. */
export interface CasCodec<D extends CasDocument> {
  /** Decodes the stored bytes (throwing `CorruptFileError` for malformed ones). */
  decode(bytes: Uint8Array, path: string): D;
  /** Encodes a document. */
  encode(doc: D): Uint8Array;
}

/** A document with the version it was read at. */
export interface VersionedDocument<D> {
  /** The document. */
  readonly doc: D;
  /** Its store version, for the put that replaces it. */
  readonly version: ObjectVersion;
}

/** Reads a document, or undefined when there is none. */
export async function readCasDocument<D extends CasDocument>(store: ObjectStore, path: string, codec: CasCodec<D>): Promise<VersionedDocument<D> | undefined> {
  try {
    const { bytes, meta } = await store.get(path);
    return { doc: codec.decode(bytes, path), version: { ...(meta.etag !== undefined ? { etag: meta.etag } : {}), ...(meta.version !== undefined ? { version: meta.version } : {}) } };
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

/** Options of {@link updateCasDocument}. */
export interface UpdateCasOptions<D extends CasDocument, R> {
  /** How to read and write it. */
  readonly codec: CasCodec<D>;
  /** Reads the current document (default: {@link readCasDocument}); undefined when absent. */
  readonly read?: () => Promise<VersionedDocument<D> | undefined>;
  /** What to do when it is absent: throw, or give the document to create (with `create` mode). */
  readonly absent: () => D;
  /** Computes the next document (or throws to abort). */
  readonly change: (doc: D) => { readonly doc: D; readonly result: R } | Promise<{ readonly doc: D; readonly result: R }>;
}

/**
 * Changes a document by compare-and-swap (see the module doc) and returns what `change`
 * returned with the document that was written.
 * @throws whatever `absent` or `change` throw; CommitRetriesExhaustedError when the document keeps moving
 */
export async function updateCasDocument<D extends CasDocument, R>(store: ObjectStore, path: string, options: UpdateCasOptions<D, R>): Promise<{ result: R; doc: D }> {
  const read = options.read ?? (() => readCasDocument(store, path, options.codec));
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const current = await read();
    const base = current?.doc ?? options.absent();
    const next = await options.change(base);
    const writeId = newUuid();
    const doc: D = { ...next.doc, writes: [...next.doc.writes, writeId].slice(-WRITES_KEPT) };
    try {
      await store.put(path, options.codec.encode(doc), {
        mode: current ? { kind: 'update', expected: current.version } : { kind: 'create' },
        contentType: 'application/json',
      });
      return { result: next.result, doc };
    } catch (e) {
      // Another writer changed (or created, or removed) the document since we read it.
      if (isFloeError(e, 'PRECONDITION_FAILED') || isFloeError(e, 'NOT_FOUND') || isFloeError(e, 'ALREADY_EXISTS')) continue;
      if (!isFloeError(e, 'OUTCOME_UNKNOWN')) throw e;
      // The put may or may not have landed: ours if the document remembers our write id, else
      // nothing happened and the change is re-run.
      const after = await read();
      if (after?.doc.writes.includes(writeId)) return { result: next.result, doc: after.doc };
    }
  }
  throw new CommitRetriesExhaustedError(`document ${path} kept changing during ${CAS_ATTEMPTS} compare-and-swap attempts`, {
    context: { file: path },
    help: 'too many concurrent changes to one document; retry',
  });
}
