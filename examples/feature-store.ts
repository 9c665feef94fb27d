/**
 * Example: the feature store, end to end.
 *
 * click events → two feature tables (per user, per item) declared as feature views in the
 * registry → a point-in-time training set over both (`getHistoricalFeatures`) → a model
 * artifact whose lineage leads back to the events → the views materialized to an online store
 * → features served for a request → the training–serving consistency check.
 *
 * The online store is the embedded one (an LMDB folder: no server) unless one is passed in.
 * Run it after `npm run build` with any TypeScript runner, e.g.
 * `npx tsx examples/feature-store.ts [warehouse-uri]` (default: an in-memory warehouse).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import { type ArtifactVersion, type ConsistencyReport, FeatureRegistry, type OnlineFeatureRow, type OnlineStore, Warehouse, checkConsistency, getHistoricalFeatures, getOnlineFeatures, materialize, openEmbeddedOnlineStore } from 'floe';

const DAY_MS = 86_400_000;
const T0_MS = Date.UTC(2026, 0, 1);
const USERS = 30;
const ITEMS = 12;
const DAYS = 14;

/** A seeded generator (never Math.random: the example prints the same numbers every run). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface Click {
  user: bigint;
  item: string;
  ts: number;
  clicked: boolean;
}

function clicks(n: number, seed: number): Click[] {
  const random = seeded(seed);
  return Array.from({ length: n }, () => ({
    user: BigInt(Math.floor(random() * USERS)),
    item: `item-${Math.floor(random() * ITEMS)}`,
    ts: T0_MS + Math.floor(random() * DAYS * 86_400) * 1000,
    clicked: random() < 0.3,
  }));
}

/** Daily aggregates keyed by `keyOf`, stamped at the end of each day (when they are known). */
function daily<K>(events: readonly Click[], keyOf: (c: Click) => K): { key: K; ts: number; shown: number; clicked: number }[] {
  const acc = new Map<string, { key: K; ts: number; shown: number; clicked: number }>();
  for (const c of events) {
    const end = (Math.floor(c.ts / DAY_MS) + 1) * DAY_MS;
    const id = `${String(keyOf(c))}/${end}`;
    const a = acc.get(id) ?? { key: keyOf(c), ts: end, shown: 0, clicked: 0 };
    a.shown++;
    if (c.clicked) a.clicked++;
    acc.set(id, a);
  }
  return [...acc.values()].sort((a, b) => a.ts - b.ts || String(a.key).localeCompare(String(b.key)));
}

/** What the example found, for its test. */
export interface FeatureStoreExampleResult {
  readonly trainingRows: number;
  readonly artifact: ArtifactVersion;
  readonly lineageTables: readonly (string | undefined)[];
  readonly materializedKeys: number;
  readonly served: readonly OnlineFeatureRow[];
  readonly consistency: ConsistencyReport;
}

/** Options of {@link main}. */
export interface FeatureStoreExampleOptions {
  /** The warehouse (a URI or an opened one; default an in-memory one). */
  readonly warehouse?: string | Warehouse;
  /** The online store (default: the embedded store in a temporary folder, removed at the end). */
  readonly store?: OnlineStore;
  /** Where progress lines go (default the console). */
  readonly log?: (line: string) => void;
}

/** Runs the whole flow. */
export async function main(options: FeatureStoreExampleOptions = {}): Promise<FeatureStoreExampleResult> {
  const log = options.log ?? console.log;
  const wh = typeof options.warehouse === 'object' ? options.warehouse : await Warehouse.open(options.warehouse ?? 'memory://feature-store-example');
  const tmp = options.store ? undefined : mkdtempSync(path.join(tmpdir(), 'floe-online-example-'));
  const store = options.store ?? (await openEmbeddedOnlineStore({ path: tmp! }));
  try {
    for (const ns of ['raw', 'features', 'ml']) await wh.createNamespace(ns);

    // 1. Events, and two feature tables computed from them (with different keys).
    const events = clicks(2000, 42);
    const raw = await wh.createTable('raw.clicks', new arrow.Schema([
      new arrow.Field('user_id', new arrow.Int64(), false),
      new arrow.Field('item_id', new arrow.Utf8(), false),
      new arrow.Field('ts', new arrow.TimestampMicrosecond('UTC'), false),
      new arrow.Field('clicked', new arrow.Bool(), false),
    ]));
    await raw.append(new arrow.Table({
      user_id: arrow.makeVector(BigInt64Array.from(events.map((e) => e.user))),
      item_id: arrow.vectorFromArray(events.map((e) => e.item), new arrow.Utf8()),
      ts: arrow.vectorFromArray(events.map((e) => e.ts), new arrow.TimestampMicrosecond('UTC')),
      clicked: arrow.vectorFromArray(events.map((e) => e.clicked), new arrow.Bool()),
    }));
    const users = daily(events, (c) => c.user);
    const userRows = new arrow.Table({
      user_id: arrow.makeVector(BigInt64Array.from(users.map((u) => u.key))),
      ts: arrow.vectorFromArray(users.map((u) => u.ts), new arrow.TimestampMicrosecond('UTC')),
      impressions: arrow.makeVector(BigInt64Array.from(users.map((u) => BigInt(u.shown)))),
      clicks: arrow.makeVector(BigInt64Array.from(users.map((u) => BigInt(u.clicked)))),
    });
    const userTable = await wh.createTable('features.user_daily', userRows.schema);
    await userTable.append(userRows);
    const items = daily(events, (c) => c.item);
    const itemRows = new arrow.Table({
      item_id: arrow.vectorFromArray(items.map((i) => i.key), new arrow.Utf8()),
      ts: arrow.vectorFromArray(items.map((i) => i.ts), new arrow.TimestampMicrosecond('UTC')),
      ctr: arrow.makeVector(Float64Array.from(items.map((i) => Math.round((i.clicked / i.shown) * 1e4) / 1e4))),
    });
    const itemTable = await wh.createTable('features.item_daily', itemRows.schema);
    await itemTable.append(itemRows);
    log(`events: ${events.length} clicks → ${users.length} user-days, ${items.length} item-days`);

    // 2. Two feature views in the registry.
    const registry = FeatureRegistry.open(wh);
    const applied = await registry.apply([
      {
        name: 'user_stats',
        entities: [{ name: 'user_id', type: 'long' }],
        source: { table: 'features.user_daily' },
        eventTime: 'ts',
        ttl: '3d',
        features: [
          { name: 'impressions', type: 'long', owner: 'growth' },
          { name: 'clicks', type: 'long', owner: 'growth' },
        ],
      },
      {
        name: 'item_stats',
        entities: [{ name: 'item_id', type: 'string' }],
        source: { table: 'features.item_daily' },
        eventTime: 'ts',
        ttl: '7d',
        features: [{ name: 'ctr', type: 'double', owner: 'ranking' }],
      },
    ]);
    log(`registry: ${applied.map((a) => `${a.name} v${a.version} (${a.status})`).join(', ')}`);
    const FEATURES = ['user_stats:impressions', 'user_stats:clicks', 'item_stats:ctr'];

    // 3. A training set: labels at request times, joined point in time with both views.
    const random = seeded(7);
    const labelCount = 200;
    const labels = new arrow.Table({
      user_id: arrow.makeVector(BigInt64Array.from({ length: labelCount }, () => BigInt(Math.floor(random() * USERS)))),
      item_id: arrow.vectorFromArray(Array.from({ length: labelCount }, () => `item-${Math.floor(random() * ITEMS)}`), new arrow.Utf8()),
      event_time: arrow.vectorFromArray(Array.from({ length: labelCount }, () => T0_MS + Math.floor(random() * DAYS * 86_400) * 1000), new arrow.TimestampMicrosecond('UTC')),
      label: arrow.vectorFromArray(Array.from({ length: labelCount }, () => random() < 0.3), new arrow.Bool()),
    });
    const set = await getHistoricalFeatures({ warehouse: wh, entities: labels, features: FEATURES, output: 'ml.training', job: { name: 'build_training_set' } });
    log(`training set: ${set.table.numRows} rows × ${set.table.numCols} columns, views ${set.spec.views.map((v) => `${v.name}@v${v.version}`).join(', ')}`);

    // 4. "Train", and register the model with its dataset; its lineage leads to the events' features.
    const training = await wh.loadTable('ml.training');
    const dataset = await training.dataset({ columns: ['impressions', 'clicks', 'ctr', 'label'] });
    const weights = new Float64Array([0.1, 0.4, 2.5]);
    const artifacts = await wh.artifacts('ml');
    const artifact = await artifacts.put('ranker', '1', new Uint8Array(weights.buffer), { dataset: dataset.spec, metrics: { auc: 0.71, rows: dataset.recordCount } });
    const graph = await artifacts.registry.lineage(artifacts.registry.currentSnapshot()!.snapshotId, { warehouse: wh });
    log(`model ranker v1: ${artifact.sizeBytes} bytes; lineage ${graph.nodes.map((n) => n.table).join(' ← ')}`);

    // 5. Materialize both views to the online store, as of the end of the data.
    const views = await Promise.all(['user_stats', 'item_stats'].map((v) => registry.describe(v)));
    const upTo = T0_MS + DAYS * DAY_MS;
    const reports = await materialize({ warehouse: wh, store, views, upTo });
    for (const r of reports) log(`materialized ${r.view} (${r.mode}): ${r.rowsRead} rows read, ${r.keysWritten} keys written, ${r.keysRemoved} removed`);

    // 6. Serve a request: the features of a few (user, item) pairs, at request time.
    const request = [{ user_id: 3n, item_id: 'item-5' }, { user_id: 17n, item_id: 'item-0' }, { user_id: 999n, item_id: 'item-404' }];
    const served = await getOnlineFeatures({ store, views, features: FEATURES, entities: request, clock: { nowMs: () => upTo + 3_600_000 } });
    for (const row of served) log(`served ${JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);

    // 7. No training–serving skew: the online values equal the offline as-of values.
    const consistency = await checkConsistency({ warehouse: wh, store, views, sample: 50, seed: 1, horizonMs: DAY_MS });
    log(`consistency: ${consistency.pairs} (entity, time) pairs, ${consistency.mismatches.length} mismatches`);
    return {
      trainingRows: set.table.numRows,
      artifact,
      lineageTables: graph.nodes.map((n) => n.table),
      materializedKeys: reports.reduce((s, r) => s + r.keysWritten, 0),
      served,
      consistency,
    };
  } finally {
    if (!options.store) {
      await store.close();
      rmSync(tmp!, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main({ ...(process.argv[2] ? { warehouse: process.argv[2] } : {}) });
}
