/**
 * A view of another store rooted at a prefix (A1 `src/prefix.rs`): a table or a warehouse sees
 * its own keys (`metadata/v1.metadata.json`) wherever it lives (`s3://bucket/wh/ns/t/…`). Every
 * guarantee of the inner store carries over unchanged: each call maps to exactly one inner call.
 *
 * Every method is async, so that a refused path rejects the promise instead of throwing.
 * Errors from the inner store pass through untouched and name the full inner path, which is the
 * one a user can look up.
 *
 * @module
 */
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
import { validatePath, validatePrefix } from './paths.js';

/** A store whose keys are those of `inner` below `prefix`. */
export class PrefixedStore implements ObjectStore {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly capabilities: StoreCapabilities;
  /** The wrapped store. */
  readonly inner: ObjectStore;
  /** The prefix, normalised to end with `/` (or empty). */
  readonly prefix: string;

  /**
   * @param inner the store to view
   * @param prefix a path (leading and trailing slashes are ignored); empty means the whole store
   * @throws InvalidArgumentError when the prefix is not a valid path
   */
  constructor(inner: ObjectStore, prefix: string) {
    const trimmed = prefix.replace(/^\/+|\/+$/g, '');
    if (trimmed !== '') validatePath(trimmed);
    this.inner = inner;
    this.prefix = trimmed === '' ? '' : `${trimmed}/`;
    this.name = trimmed === '' ? inner.name : `${inner.name}/${trimmed}`;
    this.capabilities = inner.capabilities;
  }

  /** @inheritdoc */
  async get(path: string, options?: GetOptions): Promise<GetResult> {
    const r = await this.inner.get(this.#full(path), options);
    return { bytes: r.bytes, meta: this.#strip(r.meta) };
  }

  /** @inheritdoc */
  async head(path: string): Promise<ObjectMeta> {
    return this.#strip(await this.inner.head(this.#full(path)));
  }

  /** @inheritdoc */
  async put(path: string, bytes: Uint8Array, options?: PutOptions): Promise<ObjectVersion> {
    return this.inner.put(this.#full(path), bytes, options);
  }

  /** @inheritdoc */
  async delete(path: string): Promise<void> {
    return this.inner.delete(this.#full(path));
  }

  /** @inheritdoc */
  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    validatePrefix(prefix);
    for await (const meta of this.inner.list(this.prefix + prefix)) yield this.#strip(meta);
  }

  /** @inheritdoc */
  async listWithDelimiter(prefix: string): Promise<ListResult> {
    validatePrefix(prefix);
    const r = await this.inner.listWithDelimiter(this.prefix + prefix);
    return {
      objects: r.objects.map((m) => this.#strip(m)),
      prefixes: r.prefixes.map((p) => p.slice(this.prefix.length)),
    };
  }

  #full(path: string): string {
    return this.prefix + validatePath(path);
  }

  #strip(meta: ObjectMeta): ObjectMeta {
    return { ...meta, path: meta.path.slice(this.prefix.length) };
  }
}

/**
 * Views `inner` below `prefix`.
 * @param inner the store
 * @param prefix a path such as `warehouse/ns/table`; empty returns a view of the whole store
 * @throws InvalidArgumentError when the prefix is not a valid path
 */
export function prefixed(inner: ObjectStore, prefix: string): PrefixedStore {
  return new PrefixedStore(inner, prefix);
}
