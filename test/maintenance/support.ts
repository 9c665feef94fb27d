/**
 * Helpers of the maintenance tests: a store gate that pauses a writer before a chosen put, and
 * a table's rows as comparable strings.
 */
import type { ObjectStore, Table } from 'floe';

/**
 * A store that pauses the first put whose path matches, until released: the writer has then
 * written its data files and manifests, and not yet its manifest list nor its commit point.
 */
export function gatedStore(inner: ObjectStore, matches: (path: string) => boolean): { store: ObjectStore; paused: Promise<void>; release(): void } {
  let onPaused!: () => void;
  let release!: () => void;
  const paused = new Promise<void>((r) => (onPaused = r));
  const released = new Promise<void>((r) => (release = r));
  let armed = true;
  // Puts in flight: an append stages its data file, manifest and manifest list concurrently, so
  // `paused` waits for the others to be stored too (the writer is then exactly between staging
  // and its commit point).
  const inflight = new Set<Promise<unknown>>();
  const store: ObjectStore = {
    name: `gated ${inner.name}`,
    capabilities: inner.capabilities,
    get: (p, o) => inner.get(p, o),
    head: (p) => inner.head(p),
    delete: (p) => inner.delete(p),
    list: (p) => inner.list(p),
    listWithDelimiter: (p) => inner.listWithDelimiter(p),
    put: async (p, bytes, o) => {
      if (armed && matches(p)) {
        armed = false;
        void Promise.allSettled([...inflight]).then(onPaused);
        await released;
        return inner.put(p, bytes, o);
      }
      const put = inner.put(p, bytes, o);
      inflight.add(put);
      try {
        return await put;
      } finally {
        inflight.delete(put);
      }
    },
  };
  return { store, paused, release };
}

/** Rows as sorted `writer:seq:cat` strings. */
export async function rowSet(t: Table): Promise<string[]> {
  const out: string[] = [];
  for (const r of (await t.scan().toArrow()).toArray()) out.push(`${r.writer}:${r.seq}:${r.cat}`);
  return out.sort();
}

