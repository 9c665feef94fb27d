/**
 * A store that misbehaves on purpose, for tests (A1 `src/throttle.rs`, but failing instead of
 * slowing down): fail, delay or lose the answer of the Nth call of a kind. Deterministic: rules
 * count calls, never draw random numbers, and a delay can wait on a promise instead of a clock.
 *
 * - `fail`: the call throws (by default a retryable `StoreError`) and the inner store is not touched.
 * - `delay`: the call waits (`until` a promise settles, or `delayMs`), then runs.
 * - `drop-response`: the call runs on the inner store, then throws as if its answer was lost: a
 *   put throws `OutcomeUnknownError` (the write landed), other calls a retryable `StoreError`.
 *
 * @module
 */
import { OutcomeUnknownError, StoreError } from '../errors.js';
import { sleep } from '../util/index.js';
import type { StoreOp } from './instrumented.js';
import type {
  GetOptions,
  GetResult,
  ListResult,
  ObjectMeta,
  ObjectStore,
  ObjectVersion,
  PutMode,
  PutOptions,
  StoreCapabilities,
} from './object-store.js';

/** One injected fault. */
export interface FaultRule {
  /** The operation it applies to (`list` includes `listWithDelimiter`). */
  readonly op: StoreOp;
  /** The first matching call it hits, from 1. */
  readonly nth: number;
  /** How many consecutive matching calls it hits; default 1; `Infinity` for all from `nth` on. */
  readonly times?: number;
  /** What happens. */
  readonly action: 'fail' | 'delay' | 'drop-response';
  /** Only calls whose path (or prefix) contains this count. */
  readonly pathIncludes?: string;
  /** Only puts with this mode count. */
  readonly putMode?: PutMode['kind'];
  /** The error to throw for `fail` (default: a retryable `StoreError` naming the rule). */
  readonly error?: (path: string) => Error;
  /** For `delay`: wait this long, ms. */
  readonly delayMs?: number;
  /** For `delay`: wait until this settles (deterministic, no clock). */
  readonly until?: Promise<unknown>;
}

interface RuleState {
  readonly rule: FaultRule;
  seen: number;
  fired: number;
}

/** A fault-injecting wrapper; see the module doc. */
export class FaultyStore implements ObjectStore {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly capabilities: StoreCapabilities;
  /** The wrapped store. */
  readonly inner: ObjectStore;
  readonly #rules: RuleState[];

  /**
   * @param inner the store to wrap
   * @param rules the faults, each counting its own matching calls
   */
  constructor(inner: ObjectStore, rules: readonly FaultRule[]) {
    this.inner = inner;
    this.name = `faulty(${inner.name})`;
    this.capabilities = inner.capabilities;
    this.#rules = rules.map((rule) => ({ rule, seen: 0, fired: 0 }));
  }

  /** How many times each rule has fired, in the order given. */
  firedCounts(): number[] {
    return this.#rules.map((r) => r.fired);
  }

  /** Adds a rule; it counts calls from now on. */
  addRule(rule: FaultRule): void {
    this.#rules.push({ rule, seen: 0, fired: 0 });
  }

  /** @inheritdoc */
  get(path: string, options?: GetOptions): Promise<GetResult> {
    return this.#run('get', path, undefined, () => this.inner.get(path, options));
  }

  /** @inheritdoc */
  head(path: string): Promise<ObjectMeta> {
    return this.#run('head', path, undefined, () => this.inner.head(path));
  }

  /** @inheritdoc */
  put(path: string, bytes: Uint8Array, options?: PutOptions): Promise<ObjectVersion> {
    return this.#run('put', path, options?.mode?.kind ?? 'overwrite', () => this.inner.put(path, bytes, options));
  }

  /** @inheritdoc */
  delete(path: string): Promise<void> {
    return this.#run('delete', path, undefined, () => this.inner.delete(path));
  }

  /** @inheritdoc */
  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    const items = await this.#run('list', prefix, undefined, async () => {
      const out: ObjectMeta[] = [];
      for await (const m of this.inner.list(prefix)) out.push(m);
      return out;
    });
    yield* items;
  }

  /** @inheritdoc */
  listWithDelimiter(prefix: string): Promise<ListResult> {
    return this.#run('list', prefix, undefined, () => this.inner.listWithDelimiter(prefix));
  }

  async #run<T>(op: StoreOp, path: string, mode: PutMode['kind'] | undefined, call: () => Promise<T>): Promise<T> {
    const hits: FaultRule[] = [];
    for (const state of this.#rules) {
      const { rule } = state;
      if (rule.op !== op) continue;
      if (rule.pathIncludes !== undefined && !path.includes(rule.pathIncludes)) continue;
      if (rule.putMode !== undefined && rule.putMode !== mode) continue;
      state.seen++;
      if (state.seen >= rule.nth && state.seen < rule.nth + (rule.times ?? 1)) {
        state.fired++;
        hits.push(rule);
      }
    }
    for (const rule of hits) {
      if (rule.action === 'delay') {
        if (rule.until !== undefined) await rule.until.catch(() => undefined);
        if (rule.delayMs !== undefined) await sleep(rule.delayMs);
      }
    }
    const fail = hits.find((r) => r.action === 'fail');
    if (fail !== undefined) {
      throw fail.error?.(path) ??
        new StoreError(this.name, `injected failure of ${op} ${path} (call ${fail.nth})`, { context: { path, op, injected: 1 } }, true);
    }
    const result = await call();
    if (hits.some((r) => r.action === 'drop-response')) {
      if (op === 'put') {
        throw new OutcomeUnknownError(path, { context: { store: this.name, injected: 1, mode: mode ?? 'overwrite' } });
      }
      throw new StoreError(this.name, `injected lost answer of ${op} ${path}`, { context: { path, op, injected: 1 } }, true);
    }
    return result;
  }
}

/**
 * Wraps a store in fault rules.
 * @param inner the store
 * @param rules the faults
 */
export function faulty(inner: ObjectStore, rules: readonly FaultRule[] = []): FaultyStore {
  return new FaultyStore(inner, rules);
}
