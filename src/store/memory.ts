/**
 * The in-memory store: the reference backend (A1 `src/memory.rs`). Every check-and-set runs
 * synchronously between two awaits, so conditional puts are trivially linearizable within the
 * process; nothing is shared across processes. ETags are a per-store counter, so a rewrite with
 * identical bytes still gets a new ETag (as on S3, where the ETag of equal content can repeat,
 * nothing may assume more than "different content ⇒ different ETag").
 *
 * @module
 */
import { AlreadyExistsError, NotFoundError, PreconditionFailedError } from '../errors.js';
import type {
  GetOptions,
  GetResult,
  ListResult,
  ObjectMeta,
  ObjectStore,
  ObjectVersion,
  PutOptions,
  StoreCapabilities,
} from './object-store.js';
import { compareKeys, groupByDelimiter, validatePath, validatePrefix } from './paths.js';
import { resolveRange } from './range.js';

interface Entry {
  readonly bytes: Uint8Array;
  readonly etag: string;
  readonly lastModifiedMs: number;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The store's name in messages; default `memory`. */
  readonly name?: string;
  /** Clock for `lastModifiedMs`; default `Date.now`. */
  readonly nowMs?: () => number;
}

/** An `ObjectStore` held in a `Map`; see the module doc. */
export class MemoryStore implements ObjectStore {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly capabilities: StoreCapabilities = {
    conditionalUpdate: true,
    listIsLexicallyOrdered: true,
    rangeReads: true,
    crossProcessConditionalPuts: false,
  };
  readonly #objects = new Map<string, Entry>();
  readonly #nowMs: () => number;
  #nextEtag = 1;

  /** @param options name and clock */
  constructor(options: MemoryStoreOptions = {}) {
    this.name = options.name ?? 'memory';
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** @inheritdoc */
  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    validatePath(path);
    const entry = this.#require(path);
    const meta = metaOf(path, entry);
    if (options.range === undefined) return { bytes: entry.bytes.slice(), meta };
    const [start, end] = resolveRange(path, options.range, entry.bytes.length);
    return { bytes: entry.bytes.slice(start, end), meta };
  }

  /** @inheritdoc */
  async head(path: string): Promise<ObjectMeta> {
    validatePath(path);
    return metaOf(path, this.#require(path));
  }

  /** @inheritdoc */
  async put(path: string, bytes: Uint8Array, options: PutOptions = {}): Promise<ObjectVersion> {
    validatePath(path);
    const mode = options.mode ?? { kind: 'overwrite' };
    // From here to the `set` there is no await: the check and the write are one atomic step.
    const current = this.#objects.get(path);
    if (mode.kind === 'create' && current !== undefined) throw new AlreadyExistsError(path, { context: { store: this.name } });
    if (mode.kind === 'update') {
      if (current === undefined || mode.expected.etag === undefined || current.etag !== mode.expected.etag) {
        throw new PreconditionFailedError(path, {
          context: { store: this.name, expected: mode.expected.etag ?? '(none)', actual: current?.etag ?? '(missing)' },
        });
      }
    }
    const etag = String(this.#nextEtag++);
    // Copy: the caller may reuse its buffer, and a store must never alias it.
    this.#objects.set(path, { bytes: bytes.slice(), etag, lastModifiedMs: this.#nowMs() });
    return { etag };
  }

  /** @inheritdoc */
  async delete(path: string): Promise<void> {
    validatePath(path);
    this.#objects.delete(path);
  }

  /** @inheritdoc */
  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    validatePrefix(prefix);
    // A snapshot of the matching keys: writes during the iteration neither break it nor show up
    // half-way (objects deleted meanwhile are skipped).
    for (const path of this.#sortedKeys(prefix)) {
      const entry = this.#objects.get(path);
      if (entry !== undefined) yield metaOf(path, entry);
    }
  }

  /** @inheritdoc */
  async listWithDelimiter(prefix: string): Promise<ListResult> {
    validatePrefix(prefix);
    const metas = this.#sortedKeys(prefix).map((path) => metaOf(path, this.#objects.get(path) as Entry));
    return groupByDelimiter(prefix, metas);
  }

  #sortedKeys(prefix: string): string[] {
    return [...this.#objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
  }

  #require(path: string): Entry {
    const entry = this.#objects.get(path);
    if (entry === undefined) throw new NotFoundError(path, { context: { store: this.name } });
    return entry;
  }
}

function metaOf(path: string, entry: Entry): ObjectMeta {
  return { path, sizeBytes: entry.bytes.length, lastModifiedMs: entry.lastModifiedMs, etag: entry.etag };
}
