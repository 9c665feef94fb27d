/**
 * A bounded top-k selection: keeps the k smallest (distance, ordinal) pairs seen, in O(log k)
 * per offer, so exact nearest-neighbour search streams any number of rows in O(k) memory.
 * Ties on distance go to the smaller ordinal (the row met first), which makes results
 * deterministic.
 *
 * @module
 */

/** One kept entry. */
export interface TopKEntry<T> {
  /** The distance (smaller is nearer). */
  readonly distance: number;
  /** The position in the stream, for tie-breaking. */
  readonly ordinal: number;
  /** What the caller attached. */
  readonly value: T;
}

function worse<T>(a: TopKEntry<T>, b: TopKEntry<T>): boolean {
  return a.distance > b.distance || (a.distance === b.distance && a.ordinal > b.ordinal);
}

/** The k nearest entries offered so far (a max-heap on distance, worst at the root). */
export class TopK<T> {
  private readonly heap: TopKEntry<T>[] = [];

  /** @param k how many to keep (≥ 0) */
  constructor(private readonly k: number) {}

  /** Whether an entry at this distance and ordinal would be kept now (cheap pre-check before building its value). */
  accepts(distance: number, ordinal: number): boolean {
    if (this.k === 0 || Number.isNaN(distance)) return false;
    if (this.heap.length < this.k) return true;
    // `worse(root, candidate)` without building the candidate: called once per row scanned.
    const root = this.heap[0]!;
    return root.distance > distance || (root.distance === distance && root.ordinal > ordinal);
  }

  /** Offers an entry; keeps it if it is among the k nearest so far. */
  offer(entry: TopKEntry<T>): void {
    if (!this.accepts(entry.distance, entry.ordinal)) return;
    const h = this.heap;
    if (h.length < this.k) {
      h.push(entry);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(h[i]!, h[p]!)) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
      return;
    }
    h[0] = entry;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && worse(h[l]!, h[m]!)) m = l;
      if (r < h.length && worse(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  /** The kept entries, nearest first. */
  sorted(): TopKEntry<T>[] {
    return [...this.heap].sort((a, b) => a.distance - b.distance || a.ordinal - b.ordinal);
  }
}
