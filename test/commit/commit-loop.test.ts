/**
 * The commit loop on its own (spec/commit-protocol.md §C3–§C6), with metadata reduced to what
 * the loop touches: properties carry each writer's mark so that every version says who wrote it.
 */
import { describe, expect, it } from 'vitest';
import {
  type TableState,
  metadataFilePath,
  readVersionHint,
  runCommitLoop,
  COMMIT_ID_PROPERTY,
  DEFAULT_RETRY_POLICY,
} from '../../src/commit/index.js';
import { CommitConflictError, InvalidArgumentError, OutcomeUnknownError, StoreError, isFloeError } from '../../src/errors.js';
import type { TableMetadata } from '../../src/spec/table-metadata.js';
import { MemoryStore, faulty, type ObjectStore } from '../../src/store/index.js';
import { parseJson, stringifyJson } from '../../src/util/json.js';
import { prng } from '../support/prng.js';

const TABLE = 'test.loop';

function metadata(props: Record<string, string>): TableMetadata {
  return {
    formatVersion: 2,
    tableUuid: '00000000-0000-4000-8000-000000000000',
    location: 'memory://t',
    lastSequenceNumber: 0n,
    lastUpdatedMs: 0,
    lastColumnId: 0,
    schemas: [{ schemaId: 0, fields: [] }],
    currentSchemaId: 0,
    partitionSpecs: [{ specId: 0, fields: [] }],
    defaultSpecId: 0,
    lastPartitionId: 999,
    properties: props,
    currentSnapshotId: null,
    snapshots: [],
    snapshotLog: [],
    metadataLog: [],
    sortOrders: [{ orderId: 0, fields: [] }],
    defaultSortOrderId: 0,
    refs: {},
  };
}

const encode = (m: TableMetadata): Uint8Array => new TextEncoder().encode(stringifyJson({ properties: m.properties }));

async function read(store: ObjectStore, version: number): Promise<TableState> {
  const { bytes } = await store.get(metadataFilePath(version));
  const json = parseJson(new TextDecoder().decode(bytes)) as { properties: Record<string, string> };
  return { version, path: metadataFilePath(version), metadata: metadata(json.properties) };
}

async function latest(store: ObjectStore): Promise<TableState> {
  let v = 1;
  for (;;) {
    try {
      await store.head(metadataFilePath(v + 1));
      v += 1;
    } catch {
      return read(store, v);
    }
  }
}

async function seed(store: ObjectStore): Promise<TableState> {
  await store.put(metadataFilePath(1), encode(metadata({})), { mode: { kind: 'create' } });
  return read(store, 1);
}

function loop(store: ObjectStore, base: TableState, commitId: string, extra: Partial<Parameters<typeof runCommitLoop>[0]> = {}) {
  return runCommitLoop<string>({
    store,
    table: TABLE,
    base,
    commitId,
    build: async (b) => ({ metadata: { ...b.metadata, properties: { ...b.metadata.properties, [`w.${commitId}`]: String(b.version + 1) } }, result: commitId }),
    reload: () => latest(store),
    loadVersion: (v) => read(store, v),
    encode,
    policy: { ...DEFAULT_RETRY_POLICY, minWaitMs: 1, maxWaitMs: 5 },
    clock: { nowMs: () => Date.now() },
    random: prng(7),
    ...extra,
  } as Parameters<typeof runCommitLoop<string>>[0]);
}

describe('commit loop', () => {
  it('commits base+1, records the commit id, and writes the hint', async () => {
    const store = new MemoryStore();
    const base = await seed(store);
    const out = await loop(store, base, 'a');
    expect(out.state.version).toBe(2);
    expect(out.stats).toEqual({ attempts: 1, conflicts: 0, unknownOutcomes: 0 });
    expect((await read(store, 2)).metadata.properties[COMMIT_ID_PROPERTY]).toBe('a');
    expect(await readVersionHint(store)).toEqual({ kind: 'version', version: 2 });
  });

  it('8 concurrent writers × 10 commits from a stale base: 80 contiguous versions, each commit exactly once', async () => {
    const store = new MemoryStore();
    const base = await seed(store);
    const writers = Array.from({ length: 8 }, (_, w) => w);
    const results = await Promise.all(
      writers.map(async (w) => {
        const ids: string[] = [];
        let b = base;
        for (let i = 0; i < 10; i++) {
          const out = await loop(store, b, `w${w}-${i}`);
          ids.push(out.result);
          b = out.state;
        }
        return ids;
      }),
    );
    const final = await latest(store);
    expect(final.version).toBe(81);
    const seen: string[] = [];
    for (let v = 2; v <= 81; v++) seen.push((await read(store, v)).metadata.properties[COMMIT_ID_PROPERTY]!);
    expect(new Set(seen).size).toBe(80);
    expect(seen.sort()).toEqual(results.flat().sort());
  });

  it('a non-retryable conflict from build is raised at once, without retrying', async () => {
    const store = new MemoryStore();
    const base = await seed(store);
    let builds = 0;
    const err = await loop(store, base, 'x', {
      build: async () => {
        builds += 1;
        throw new CommitConflictError('the schema moved', {}, false);
      },
    } as never).catch((e: unknown) => e);
    expect(isFloeError(err, 'COMMIT_CONFLICT')).toBe(true);
    expect(builds).toBe(1);
  });

  it('spends its budget and raises CommitRetriesExhaustedError naming the attempts', async () => {
    const store = new MemoryStore();
    const base = await seed(store);
    // Another writer always takes the version first.
    let rival = 0;
    const err = await loop(store, base, 'slow', {
      policy: { numRetries: 3, minWaitMs: 1, maxWaitMs: 1, totalTimeoutMs: 60_000 },
      build: async (b: TableState) => {
        await store.put(metadataFilePath(b.version + 1), encode(metadata({ rival: String(++rival) })), { mode: { kind: 'create' } });
        return { metadata: b.metadata, result: 'slow' };
      },
    } as never).catch((e: unknown) => e);
    expect(isFloeError(err, 'COMMIT_RETRIES_EXHAUSTED')).toBe(true);
    expect((err as { context: Record<string, unknown> }).context['attempts']).toBe(4);
  });

  it('a dropped response on the commit point is settled by reading back: success, and no second version', async () => {
    const inner = new MemoryStore();
    const base = await seed(inner);
    const store = faulty(inner, [{ op: 'put', nth: 1, action: 'drop-response', putMode: 'create' }]);
    const out = await loop(store, base, 'once');
    expect(out.state.version).toBe(2);
    expect(out.stats.attempts).toBe(1);
    expect((await latest(inner)).version).toBe(2);
  });

  it('an unknown outcome whose put lands late is recognised as ours: success, never a second copy', async () => {
    const inner = new MemoryStore();
    const base = await seed(inner);
    let pending: { path: string; bytes: Uint8Array } | undefined;
    // The first create "times out" before landing; the read-back misses it, and it lands just after.
    const store: ObjectStore = {
      name: 'late',
      capabilities: inner.capabilities,
      get: async (path, o) => {
        try {
          return await inner.get(path, o);
        } finally {
          if (pending && pending.path === path) {
            const p = pending;
            pending = undefined;
            await inner.put(p.path, p.bytes, { mode: { kind: 'create' } });
          }
        }
      },
      head: (path) => inner.head(path),
      put: async (path, bytes, o) => {
        if (o?.mode?.kind === 'create' && path.endsWith('v2.metadata.json') && pending === undefined && !(await exists(inner, path))) {
          pending = { path, bytes };
          throw new OutcomeUnknownError(path);
        }
        return inner.put(path, bytes, o);
      },
      delete: (path) => inner.delete(path),
      list: (prefix) => inner.list(prefix),
      listWithDelimiter: (prefix) => inner.listWithDelimiter(prefix),
    };
    const out = await loop(store, base, 'late');
    expect(out.stats.unknownOutcomes).toBe(1);
    expect(out.state.version).toBe(2);
    const final = await latest(inner);
    expect(final.version).toBe(2);
    expect(final.metadata.properties[COMMIT_ID_PROPERTY]).toBe('late');
  });

  it('a reload that fails with a retryable error after an unknown outcome is retried within the budget: success, once', async () => {
    const inner = new MemoryStore();
    const base = await seed(inner);
    const store = faulty(inner, [{ op: 'put', nth: 1, action: 'drop-response', putMode: 'create' }]);
    // The catalog (or store) stays unreadable for three reloads, as a restarting REST server does.
    let failing = 3;
    const reload = async (): Promise<TableState> => {
      if (failing > 0) {
        failing -= 1;
        throw new StoreError('rest-catalog', 'cannot reach the catalog', {}, true);
      }
      return latest(inner);
    };
    // The read-back of the commit point must not settle it here: only the reload can.
    const blind: ObjectStore = {
      name: 'blind',
      capabilities: inner.capabilities,
      get: (path, o) => (path.endsWith('.metadata.json') ? Promise.reject(new OutcomeUnknownError(path)) : store.get(path, o)),
      head: (path) => store.head(path),
      put: (path, bytes, o) => store.put(path, bytes, o),
      delete: (path) => store.delete(path),
      list: (prefix) => store.list(prefix),
      listWithDelimiter: (prefix) => store.listWithDelimiter(prefix),
    };
    const out = await loop(blind, base, 'patient', { reload, loadVersion: (v: number) => read(inner, v) } as never);
    expect(failing).toBe(0);
    expect(out.result).toBe('patient');
    expect(out.stats.unknownOutcomes).toBe(1);
    expect((await latest(inner)).version).toBe(2);
  });

  it('a reload that fails with a non-retryable error is raised as it is', async () => {
    const inner = new MemoryStore();
    const base = await seed(inner);
    await inner.put(metadataFilePath(2), encode(metadata({ rival: '1' })), { mode: { kind: 'create' } });
    const err = await loop(inner, base, 'x', { reload: () => Promise.reject(new InvalidArgumentError('no such table any more')) } as never).catch((e: unknown) => e);
    expect(isFloeError(err, 'INVALID_ARGUMENT')).toBe(true);
  });
});

async function exists(store: ObjectStore, path: string): Promise<boolean> {
  try {
    await store.head(path);
    return true;
  } catch {
    return false;
  }
}
