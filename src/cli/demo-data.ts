/**
 * The demo's data: a seeded generator (mulberry32, never `Math.random`), so every run of
 * `npm run demo` writes the same rows: click-stream events over three days, per-user features
 * computed from them, and unit-length item embeddings.
 *
 * @module
 */
import * as arrow from 'apache-arrow';

/** The demo's seed. */
export const DEMO_SEED = 42;

/** The first day of events: 2026-01-05T00:00:00Z in µs. */
export const DAY0_US = 1_767_571_200_000_000n;

const DAY_US = 86_400_000_000n;

/** mulberry32: a tiny, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVENTS = ['view', 'view', 'view', 'view', 'click', 'click', 'add_to_cart', 'purchase'] as const;

/** One day of events, as plain arrays (features are computed from them). */
export interface EventRows {
  /** Who. */
  readonly userId: BigInt64Array;
  /** When, µs since the epoch, ascending. */
  readonly tsUs: BigInt64Array;
  /** `view`, `click`, `add_to_cart` or `purchase`. */
  readonly event: string[];
  /** Which item. */
  readonly itemId: BigInt64Array;
  /** The price, for purchases. */
  readonly value: (number | null)[];
}

function timestamps(values: BigInt64Array): arrow.Vector {
  return arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond('UTC'), length: values.length, nullCount: 0, data: values }));
}

/**
 * Events of day `day` (0-based), sorted by time.
 * @param random the generator
 * @param day the day index
 * @param count rows
 * @param users distinct users
 * @param items distinct items
 */
export function eventRows(random: () => number, day: number, count: number, users: number, items: number): EventRows {
  const ts = Array.from({ length: count }, () => DAY0_US + BigInt(day) * DAY_US + BigInt(Math.floor(random() * 86_400_000_000))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rows: EventRows = { userId: new BigInt64Array(count), tsUs: BigInt64Array.from(ts), event: [], itemId: new BigInt64Array(count), value: [] };
  for (let i = 0; i < count; i++) {
    // A few heavy users, many light ones: a skewed distribution, as real click streams are.
    rows.userId[i] = BigInt(1 + Math.floor(users * random() ** 2));
    const ev = EVENTS[Math.floor(random() * EVENTS.length)]!;
    rows.event.push(ev);
    rows.itemId[i] = BigInt(1 + Math.floor(random() * items));
    rows.value.push(ev === 'purchase' ? Math.round((5 + random() * 95) * 100) / 100 : null);
  }
  return rows;
}

/**
 * Events as an Arrow table.
 * @param rows the events
 */
export function eventsTable(rows: EventRows): arrow.Table {
  return new arrow.Table({
    user_id: arrow.makeVector(rows.userId),
    ts: timestamps(rows.tsUs),
    event: arrow.vectorFromArray(rows.event, new arrow.Utf8()),
    item_id: arrow.makeVector(rows.itemId),
    value: arrow.vectorFromArray(rows.value, new arrow.Float64()),
  });
}

/**
 * Per-user features computed from all events so far: clicks, purchases, average order value
 * (named `options.avgName`: the demo renames that column midway) and, with `withCtr`, the
 * click-through rate.
 * @param days the events so far
 * @param updatedAtUs the `updated_at` value, µs
 * @param options which columns to produce
 */
export function featuresTable(days: readonly EventRows[], updatedAtUs: bigint, options: { readonly withCtr: boolean; readonly avgName: string }): arrow.Table {
  const stats = new Map<bigint, { views: number; clicks: number; purchases: number; spent: number }>();
  for (const d of days) {
    d.event.forEach((ev, i) => {
      const u = d.userId[i]!;
      const s = stats.get(u) ?? { views: 0, clicks: 0, purchases: 0, spent: 0 };
      if (ev === 'view') s.views++;
      if (ev === 'click') s.clicks++;
      if (ev === 'purchase') {
        s.purchases++;
        s.spent += d.value[i]!;
      }
      stats.set(u, s);
    });
  }
  const users = [...stats.keys()].sort((a, b) => (a < b ? -1 : 1));
  const get = (u: bigint): { views: number; clicks: number; purchases: number; spent: number } => stats.get(u)!;
  const columns: Record<string, arrow.Vector> = {
    user_id: arrow.makeVector(BigInt64Array.from(users)),
    clicks: arrow.makeVector(Int32Array.from(users, (u) => get(u).clicks)),
    purchases: arrow.makeVector(Int32Array.from(users, (u) => get(u).purchases)),
    [options.avgName]: arrow.vectorFromArray(users.map((u) => (get(u).purchases === 0 ? null : Math.round((get(u).spent / get(u).purchases) * 100) / 100)), new arrow.Float64()),
    updated_at: timestamps(BigInt64Array.from(users, () => updatedAtUs)),
  };
  if (options.withCtr) {
    columns['ctr'] = arrow.vectorFromArray(users.map((u) => (get(u).views === 0 ? null : Math.round((get(u).clicks / get(u).views) * 1000) / 1000)), new arrow.Float64());
  }
  return new arrow.Table(columns);
}

/**
 * Unit-length embeddings, `FixedSizeList<Float32>[dim]`, for items `firstId..firstId+count-1`.
 * @param random the generator
 * @param options the first item id, the row count, the dimension and the `model` column's value
 */
export function embeddingsTable(random: () => number, options: { readonly firstId: number; readonly count: number; readonly dim: number; readonly model: string }): arrow.Table {
  const { firstId, count, dim, model } = options;
  const flat = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      const x = random() * 2 - 1;
      flat[i * dim + k] = x;
      norm += x * x;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let k = 0; k < dim; k++) flat[i * dim + k]! *= scale;
  }
  const type = new arrow.FixedSizeList(dim, new arrow.Field('element', new arrow.Float32(), false));
  const child = arrow.makeData({ type: new arrow.Float32(), length: count * dim, nullCount: 0, data: flat });
  return new arrow.Table({
    item_id: arrow.makeVector(BigInt64Array.from({ length: count }, (_, i) => BigInt(firstId + i))),
    model: arrow.vectorFromArray(Array.from({ length: count }, () => model), new arrow.Utf8()),
    embedding: arrow.makeVector(arrow.makeData({ type, length: count, nullCount: 0, child })),
  });
}
