/**
 * Example: a governed feature job, end to end.
 *
 * raw events → daily per-user features maintained by upserts (late events correct past days),
 * guarded by a data contract → labels → a point-in-time-correct training set (`asOfJoin`: each
 * label sees only the features known at its time) → a pinned `DatasetSpec` → a model artifact
 * registered with its metrics, whose lineage leads back to the raw events.
 *
 * Run it after `npm run build` with any TypeScript runner, e.g.
 * `npx tsx examples/features.ts [warehouse-uri]` (default: an in-memory warehouse).
 */
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import { type ArtifactVersion, type Table, Warehouse, asOfJoin, isFloeError, lineageSummary } from 'floe';

const DAY_MS = 86_400_000;
const T0_MS = Date.UTC(2026, 0, 1);
const USERS = 50;

/** A seeded generator (never Math.random: the example prints the same numbers every run). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Raw events on days [fromDay, toDay): user, time, amount. */
function rawEvents(n: number, fromDay: number, toDay: number, seed: number): arrow.Table {
  const random = seeded(seed);
  const user = new BigInt64Array(n);
  const ts: number[] = [];
  const amount = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    user[i] = BigInt(Math.floor(random() * USERS));
    ts.push(T0_MS + fromDay * DAY_MS + Math.floor(random() * (toDay - fromDay) * DAY_MS));
    amount[i] = Math.round(random() * 10_000) / 100;
  }
  return new arrow.Table({
    user_id: arrow.makeVector(user),
    event_ts: arrow.vectorFromArray(ts, new arrow.TimestampMicrosecond('UTC')),
    amount: arrow.makeVector(amount),
  });
}

/**
 * Daily features of the (user, day)s that `batch` touches, recomputed from every event of
 * those days in `events` (so late events correct the days they belong to).
 * `feature_ts` is the end of the day: the moment the day's numbers are known.
 */
async function dailyFeatures(events: Table, batch: arrow.Table): Promise<arrow.Table> {
  const touched = new Set<string>();
  const days = new Set<number>();
  for (const r of batch) {
    const day = Math.floor((r.event_ts as number) / DAY_MS);
    touched.add(`${r.user_id}/${day}`);
    days.add(day);
  }
  const from = new Date(Math.min(...days) * DAY_MS);
  const to = new Date((Math.max(...days) + 1) * DAY_MS);
  const sums = new Map<string, { user: bigint; day: number; sum: number; n: number }>();
  const all = await events.scan({ filter: `event_ts >= '${from.toISOString()}' AND event_ts < '${to.toISOString()}'` }).toArrow();
  for (const r of all) {
    const day = Math.floor((r.event_ts as number) / DAY_MS);
    const key = `${r.user_id}/${day}`;
    if (!touched.has(key)) continue;
    const s = sums.get(key) ?? { user: r.user_id as bigint, day, sum: 0, n: 0 };
    s.sum += r.amount as number;
    s.n += 1;
    sums.set(key, s);
  }
  const rows = [...sums.values()];
  return new arrow.Table({
    user_id: arrow.makeVector(BigInt64Array.from(rows.map((r) => r.user))),
    day: arrow.vectorFromArray(rows.map((r) => r.day * DAY_MS), new arrow.DateDay()),
    feature_ts: arrow.vectorFromArray(rows.map((r) => (r.day + 1) * DAY_MS), new arrow.TimestampMicrosecond('UTC')),
    amount_sum: arrow.makeVector(Float64Array.from(rows.map((r) => Math.round(r.sum * 100) / 100))),
    n_events: arrow.makeVector(Int32Array.from(rows.map((r) => r.n))),
  });
}

/** Labels: did the user spend more than 200 in the next week? (made up, deterministic). */
function labels(seed: number): arrow.Table {
  const random = seeded(seed);
  const n = 200;
  const user = new BigInt64Array(n);
  const ts: number[] = [];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    user[i] = BigInt(Math.floor(random() * (USERS + 5))); // a few users never seen
    ts.push(T0_MS + Math.floor(random() * 12 * DAY_MS));
    y[i] = random() < 0.3 ? 1 : 0;
  }
  return new arrow.Table({ user_id: arrow.makeVector(user), label_ts: arrow.vectorFromArray(ts, new arrow.TimestampMicrosecond('UTC')), churned: arrow.makeVector(y) });
}

/** What the example produced, for its test. */
export interface FeaturesExampleResult {
  readonly trainingRows: number;
  readonly rowsWithoutFeatures: number;
  readonly lookedAhead: number;
  readonly artifact: ArtifactVersion;
  readonly lineageTables: readonly (string | undefined)[];
  readonly blockedBadBatch: boolean;
}

/** Runs the whole job on a warehouse (a URI, or an opened one). */
export async function main(warehouse: string | Warehouse = 'memory://features-example', log: (line: string) => void = console.log): Promise<FeaturesExampleResult> {
  const wh = typeof warehouse === 'string' ? await Warehouse.open(warehouse) : warehouse;
  for (const ns of ['raw', 'features', 'ml']) await wh.createNamespace(ns);
  const job = { name: 'daily_user_stats', runId: 'run-2026-01-15', codeVersion: 'v1.4.2' };

  // 1. Raw events, and the feature table with its data contract.
  const events = await wh.createTable('raw.events', rawEvents(0, 0, 1, 1).schema, { partitionBy: 'day(event_ts)' });
  const featureSchema = new arrow.Schema([
    new arrow.Field('user_id', new arrow.Int64(), false),
    new arrow.Field('day', new arrow.DateDay(), false),
    new arrow.Field('feature_ts', new arrow.TimestampMicrosecond('UTC'), false),
    new arrow.Field('amount_sum', new arrow.Float64(), true),
    new arrow.Field('n_events', new arrow.Int32(), true),
  ]);
  const features = await wh.createTable('features.user_daily', featureSchema, { partitionBy: 'month(day)' });
  await features.setConstraints([
    { kind: 'min', column: 'n_events', value: 1 },
    { kind: 'min', column: 'amount_sum', value: 0 },
    { kind: 'max-null-fraction', column: 'amount_sum', value: 0.01 },
    { kind: 'unique', columns: ['user_id', 'day'] },
  ]);

  // 2. Three event batches, the last one late (old days): each upserts the days it touches.
  const batches = [rawEvents(2000, 0, 5, 11), rawEvents(2000, 5, 10, 12), rawEvents(300, 1, 4, 13)];
  for (const [i, batch] of batches.entries()) {
    await events.append(batch, { summary: lineageSummary({ job: { name: 'ingest', runId: `batch-${i}` } }) });
    const daily = await dailyFeatures(events, batch);
    const snap = await features.upsert(daily, { on: ['user_id', 'day'], summary: lineageSummary({ inputs: [events], job }) });
    log(`batch ${i}: ${batch.numRows} events → upserted ${daily.numRows} (user, day) rows; rewrote ${snap.summary['deleted-data-files'] ?? 0} file(s); ${snap.summary['total-records']} feature rows`);
  }

  // 3. A bad batch (negative sums) is stopped by the contract: nothing is committed.
  let blockedBadBatch = false;
  const bad = await dailyFeatures(events, batches[0]!);
  const negative = new arrow.Table({ ...Object.fromEntries(bad.schema.fields.map((f) => [f.name, bad.getChild(f.name)!])), amount_sum: arrow.makeVector(Float64Array.from({ length: bad.numRows }, () => -1)) });
  try {
    await features.upsert(negative, { on: ['user_id', 'day'] });
  } catch (e) {
    if (!isFloeError(e, 'CONSTRAINT_VIOLATION')) throw e;
    blockedBadBatch = true;
    log(`contract stopped a bad batch: ${e.message.split(':')[0]}`);
  }

  // 4. Labels, and the point-in-time training set from a pinned feature snapshot.
  const labelTable = await wh.createTable('ml.labels', labels(7).schema);
  await labelTable.append(labels(7));
  const featureSnapshot = features.currentSnapshot()!.snapshotId;
  const joined = await asOfJoin({
    left: labels(7),
    right: features,
    on: 'user_id',
    leftTime: 'label_ts',
    rightTime: 'feature_ts',
    columns: ['feature_ts', 'amount_sum', 'n_events'],
    ttl: 3 * DAY_MS,
    snapshotId: featureSnapshot,
  });
  let rowsWithoutFeatures = 0;
  let lookedAhead = 0;
  for (const r of joined) {
    if (r.feature_ts === null) rowsWithoutFeatures++;
    else if ((r.feature_ts as number) > (r.label_ts as number)) lookedAhead++;
  }
  const training = await wh.createTable('ml.training', joined.schema);
  await training.append(joined, {
    summary: lineageSummary({ inputs: [{ table: features, snapshotId: featureSnapshot }, labelTable], job: { name: 'build_training_set', runId: job.runId } }),
  });
  log(`training set: ${joined.numRows} labels, ${rowsWithoutFeatures} without features in the 3-day window, ${lookedAhead} from the future`);

  // 5. Pin it as a dataset, "train", and register the model with its dataset and metrics.
  const dataset = await training.dataset({ columns: ['amount_sum', 'n_events', 'churned'] });
  let sum = 0;
  let n = 0;
  for (const r of await training.scan({ columns: ['amount_sum'] }).toArrow()) {
    if (r.amount_sum !== null) {
      sum += r.amount_sum as number;
      n++;
    }
  }
  const weights = new Float64Array([n === 0 ? 0 : sum / n, 0.5, -1.25]);
  const artifacts = await wh.artifacts('ml');
  const artifact = await artifacts.put('churn', '1', new Uint8Array(weights.buffer), { dataset: dataset.spec, metrics: { auc: 0.73, rows: dataset.recordCount } });
  log(`model churn v1: ${artifact.sizeBytes} bytes, sha256 ${artifact.sha256.slice(0, 12)}…, trained on ${dataset.spec.tableUuid.slice(0, 8)}@${dataset.spec.snapshotId}`);

  // 6. Lineage: from the registry entry back to the raw events.
  const registry = artifacts.registry;
  const graph = await registry.lineage(registry.currentSnapshot()!.snapshotId, { warehouse: wh });
  for (const node of graph.nodes) {
    log(`  ${node.table}@${node.snapshotId} ${node.operation ?? '?'}${node.job ? ` by ${node.job.name}` : ''} ← ${node.inputs.length === 0 ? '(source)' : `${node.inputs.length} input(s)`}`);
  }
  return { trainingRows: joined.numRows, rowsWithoutFeatures, lookedAhead, artifact, lineageTables: graph.nodes.map((x) => x.table), blockedBadBatch };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2]);
}
