/**
 * A store that counts what passes through it (A3 `lance-io/src/utils/tracking_store.rs`): calls
 * per operation and bytes in and out, for IO-budget tests ("a pruned scan reads 3 objects") and
 * benchmarks. Counting never changes behaviour: every call is forwarded once, errors included,
 * and a failed call is counted too.
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

/** The operations an {@link InstrumentedStore} counts (`list` includes `listWithDelimiter`). */
export type StoreOp = 'get' | 'head' | 'put' | 'delete' | 'list';

/** One recorded call. */
export interface IoEvent {
  /** The operation. */
  readonly op: StoreOp;
  /** The path (or the listing prefix). */
  readonly path: string;
  /** Bytes read (get) or written (put); 0 otherwise. */
  readonly bytes: number;
}

/** Counters at one moment. */
export interface IoStats {
  /** Calls per operation. */
  readonly calls: Readonly<Record<StoreOp, number>>;
  /** All calls. */
  readonly requests: number;
  /** Bytes returned by `get`. */
  readonly bytesRead: number;
  /** Bytes sent by `put`. */
  readonly bytesWritten: number;
  /** Objects returned by listings. */
  readonly objectsListed: number;
  /** Every call, in the order they started. */
  readonly events: readonly IoEvent[];
}

function zeroCalls(): Record<StoreOp, number> {
  return { get: 0, head: 0, put: 0, delete: 0, list: 0 };
}

/** A counting wrapper; see the module doc. */
export class InstrumentedStore implements ObjectStore {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly capabilities: StoreCapabilities;
  /** The wrapped store. */
  readonly inner: ObjectStore;
  #calls = zeroCalls();
  #bytesRead = 0;
  #bytesWritten = 0;
  #objectsListed = 0;
  #events: IoEvent[] = [];

  /** @param inner the store to count */
  constructor(inner: ObjectStore) {
    this.inner = inner;
    this.name = inner.name;
    this.capabilities = inner.capabilities;
  }

  /** The counters now (a copy). */
  snapshot(): IoStats {
    const calls = { ...this.#calls };
    return {
      calls,
      requests: Object.values(calls).reduce((a, b) => a + b, 0),
      bytesRead: this.#bytesRead,
      bytesWritten: this.#bytesWritten,
      objectsListed: this.#objectsListed,
      events: [...this.#events],
    };
  }

  /** Sets every counter back to zero. */
  reset(): void {
    this.#calls = zeroCalls();
    this.#bytesRead = 0;
    this.#bytesWritten = 0;
    this.#objectsListed = 0;
    this.#events = [];
  }

  /** @inheritdoc */
  async get(path: string, options?: GetOptions): Promise<GetResult> {
    const i = this.#record('get', path, 0);
    const r = await this.inner.get(path, options);
    this.#bytesRead += r.bytes.length;
    this.#events[i] = { op: 'get', path, bytes: r.bytes.length };
    return r;
  }

  /** @inheritdoc */
  head(path: string): Promise<ObjectMeta> {
    this.#record('head', path, 0);
    return this.inner.head(path);
  }

  /** @inheritdoc */
  put(path: string, bytes: Uint8Array, options?: PutOptions): Promise<ObjectVersion> {
    this.#record('put', path, bytes.length);
    this.#bytesWritten += bytes.length;
    return this.inner.put(path, bytes, options);
  }

  /** @inheritdoc */
  delete(path: string): Promise<void> {
    this.#record('delete', path, 0);
    return this.inner.delete(path);
  }

  /** @inheritdoc */
  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    this.#record('list', prefix, 0);
    for await (const meta of this.inner.list(prefix)) {
      this.#objectsListed++;
      yield meta;
    }
  }

  /** @inheritdoc */
  async listWithDelimiter(prefix: string): Promise<ListResult> {
    this.#record('list', prefix, 0);
    const r = await this.inner.listWithDelimiter(prefix);
    this.#objectsListed += r.objects.length;
    return r;
  }

  #record(op: StoreOp, path: string, bytes: number): number {
    this.#calls[op]++;
    return this.#events.push({ op, path, bytes }) - 1;
  }
}

/**
 * Wraps a store in counters.
 * @param inner the store to count
 */
export function instrumented(inner: ObjectStore): InstrumentedStore {
  return new InstrumentedStore(inner);
}
