/**
 * A deliberately broken store for tests: it turns every `create` and `update` into an
 * `overwrite`, the way a server that ignores `If-None-Match` / `If-Match` behaves (fakes such as
 * s3rver do; so did MinIO with `If-Match` on a missing key, minio/minio#21526). The store
 * conformance suite must fail against it, which proves that the suite can tell a store that
 * honours the conditions from one that does not.
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

/** See the module doc. */
export class ConditionIgnoringStore implements ObjectStore {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly capabilities: StoreCapabilities;
  /** The wrapped store. */
  readonly inner: ObjectStore;

  /** @param inner the store whose conditions get dropped */
  constructor(inner: ObjectStore) {
    this.inner = inner;
    this.name = `ignoring-conditions(${inner.name})`;
    this.capabilities = inner.capabilities;
  }

  /** @inheritdoc */
  get(path: string, options?: GetOptions): Promise<GetResult> {
    return this.inner.get(path, options);
  }

  /** @inheritdoc */
  head(path: string): Promise<ObjectMeta> {
    return this.inner.head(path);
  }

  /** Writes with mode `overwrite`, whatever mode was asked for. */
  put(path: string, bytes: Uint8Array, options: PutOptions = {}): Promise<ObjectVersion> {
    return this.inner.put(path, bytes, { ...options, mode: { kind: 'overwrite' } });
  }

  /** @inheritdoc */
  delete(path: string): Promise<void> {
    return this.inner.delete(path);
  }

  /** @inheritdoc */
  list(prefix: string): AsyncIterable<ObjectMeta> {
    return this.inner.list(prefix);
  }

  /** @inheritdoc */
  listWithDelimiter(prefix: string): Promise<ListResult> {
    return this.inner.listWithDelimiter(prefix);
  }
}

/**
 * Wraps a store so that conditional puts become plain overwrites (for negative tests only).
 * @param inner the store
 */
export function ignoringConditions(inner: ObjectStore): ConditionIgnoringStore {
  return new ConditionIgnoringStore(inner);
}
