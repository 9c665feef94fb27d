/**
 * What a small commit costs in requests (spec/commit-protocol.md §C3, §C6), pinned through the
 * instrumented store: an append on a table nothing else changed writes its five objects and reads
 * nothing; its data file, manifest and manifest list are in flight together before its commit
 * point; a retry after a conflict reads the version that beat it and rewrites only the manifest
 * list and the metadata.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MemoryStore, Warehouse, instrumented, type ObjectStore } from 'floe';
import { TABLE_SCHEMA, rows } from '../conformance/commit.suite.js';

type Put = ObjectStore['put'];

/** Holds the puts of staged files (everything but metadata versions and the hint) until released. */
class HoldingStore {
  readonly held: string[] = [];
  #release!: () => void;
  #released = new Promise<void>((resolve) => {
    this.#release = resolve;
  });
  holding = false;
  constructor(readonly inner: ObjectStore) {}
  release(): void {
    this.holding = false;
    this.#release();
  }
  store(): ObjectStore {
    const inner = this.inner;
    const put: Put = async (path, bytes, options) => {
      if (this.holding && !path.includes('.metadata.json') && !path.endsWith('version-hint.text')) {
        this.held.push(path);
        await this.#released;
      }
      return inner.put(path, bytes, options);
    };
    return {
      name: inner.name,
      capabilities: inner.capabilities,
      get: (p, o) => inner.get(p, o),
      head: (p) => inner.head(p),
      put,
      delete: (p) => inner.delete(p),
      list: (p) => inner.list(p),
      listWithDelimiter: (p) => inner.listWithDelimiter(p),
    };
  }
}

const kindOf = (path: string): string =>
  path.includes('/data/')
    ? 'data'
    : /\/snap-[^/]*\.avro$/.test(path)
      ? 'list'
      : /-m\d+\.avro$/.test(path)
        ? 'manifest'
        : path.endsWith('version-hint.text')
          ? 'hint'
          : /\/v\d+\.metadata\.json$/.test(path)
            ? 'metadata'
            : path;

describe('requests of a 10-row commit', () => {
  it('an append on a table nothing else changed makes 5 requests, all puts: data, manifest, manifest list, commit point, hint', async () => {
    const counted = instrumented(new MemoryStore());
    const wh = await Warehouse.open('memory://commit-requests', { store: counted });
    await wh.createNamespace('n');
    const t = await wh.createTable('n.t', TABLE_SCHEMA);
    await t.append(rows(0, 0, 10));
    for (let i = 1; i <= 3; i++) {
      counted.reset();
      await t.append(rows(i, 0, 10));
      const io = counted.snapshot();
      expect(io.calls).toEqual({ get: 0, head: 0, put: 5, delete: 0, list: 0 });
      expect(io.events.map((e) => kindOf(e.path)).sort()).toEqual(['data', 'hint', 'list', 'manifest', 'metadata']);
    }
    // What it wrote is what a fresh reader finds.
    const fresh = await (await Warehouse.open('memory://commit-requests', { store: counted.inner })).loadTable('n.t');
    expect((await fresh.scan().toArrow()).numRows).toBe(40);
  });

  it('the data file, manifest and manifest list are all in flight before any of them is stored, and before the commit point', async () => {
    const holding = new HoldingStore(new MemoryStore());
    const wh = await Warehouse.open('memory://commit-concurrent', { store: holding.store() });
    await wh.createNamespace('n');
    const t = await wh.createTable('n.t', TABLE_SCHEMA);
    await t.append(rows(0, 0, 10)); // loads the Parquet encoder and gives the table a head
    holding.holding = true;
    const version = t.version;
    const committing = t.append(rows(1, 0, 10));
    // Sequential writes would stop at the first held put; concurrent ones reach all three.
    for (let turn = 0; turn < 1000 && holding.held.length < 3; turn++) await nextTurn();
    const heldBeforeRelease = holding.held.map(kindOf).sort();
    expect(t.version).toBe(version);
    holding.release();
    await committing;
    expect(heldBeforeRelease).toEqual(['data', 'list', 'manifest']);
    expect(t.version).toBe(version + 1);
    expect((await t.scan().toArrow()).numRows).toBe(20);
  });

  it('a retry after a conflict reads the version that beat it and rewrites only the manifest list and metadata', async () => {
    const inner = new MemoryStore();
    const counted = instrumented(inner);
    const wa = await Warehouse.open('memory://commit-retry', { store: inner });
    await wa.createNamespace('n');
    const a = await wa.createTable('n.t', TABLE_SCHEMA);
    await a.append(rows(0, 0, 10));
    const b = await (await Warehouse.open('memory://commit-retry', { store: counted })).loadTable('n.t');
    const base = b.version;
    await a.append(rows(1, 0, 10)); // takes version base + 1
    counted.reset();
    await b.append(rows(2, 0, 10));
    expect(b.lastCommitStats()).toMatchObject({ attempts: 2, conflicts: 1 });
    const io = counted.snapshot();
    const puts = io.events.filter((e) => e.op === 'put').map((e) => kindOf(e.path));
    expect(puts.sort()).toEqual(['data', 'hint', 'list', 'list', 'manifest', 'metadata', 'metadata']);
    const reads = io.events.filter((e) => e.op !== 'put').map((e) => `${e.op} ${e.path.replace(/^.*\/metadata\//, 'metadata/').replace(/snap-.*$/, 'snap-…')}`);
    // b's base head's manifest list (b did not write it), then the version that beat it (and a
    // HEAD for the one after: no hint, no discovery), then that version's manifest list
    expect(reads.sort()).toEqual([`get metadata/snap-…`, `get metadata/snap-…`, `get metadata/v${base + 1}.metadata.json`, `head metadata/v${base + 2}.metadata.json`]);
    expect(b.version).toBe(base + 2);
    const fresh = await (await Warehouse.open('memory://commit-retry', { store: inner })).loadTable('n.t');
    expect(fresh.snapshots()).toHaveLength(3);
    expect((await fresh.scan().toArrow()).numRows).toBe(30);
  });
});
