/**
 * The table the scan planning tests plan: `ml.events`, partitioned by `city, day(ts)`, three
 * appends of 12 rows (6 files each: 3 cities × 2 days), and helpers to compare what the server
 * plans with what Floe's own scan planning keeps.
 */
import * as arrow from 'apache-arrow';
import type { ScanOptions, Table } from 'floe';
import type { Served } from './harness.js';

export const PLAN = '/v1/floe/namespaces/ml/tables/events/plan';
export const TASKS = '/v1/floe/namespaces/ml/tables/events/tasks';

const T0 = 1767225600000000n; // 2026-01-01T00:00:00Z in µs
const DAY = 86_400_000_000n;
const CITIES = ['ams', 'ber', 'cph'];

/** Rows `from … from+n-1`: city by id mod 3, day by id mod 2, score = id / 2. */
export function rows(from: number, n: number): arrow.Table {
  const ids = Array.from({ length: n }, (_, i) => from + i);
  return new arrow.Table({
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()),
    city: arrow.vectorFromArray(ids.map((i) => CITIES[i % 3]!), new arrow.Utf8()),
    ts: arrow.makeVector({ type: new arrow.TimestampMicrosecond('UTC'), data: BigInt64Array.from(ids, (i) => T0 + BigInt(i % 2) * DAY) } as never),
    score: arrow.vectorFromArray(ids.map((i) => i * 0.5), new arrow.Float64()),
  });
}

/** Creates `ml.<name>` (with table properties) and appends three batches; the snapshot ids of the appends. */
export async function setupEvents(s: Served, name = 'events', properties: Record<string, string> = {}): Promise<{ t: Table; snaps: bigint[] }> {
  if (!(await s.wh.listNamespaces()).includes('ml')) await s.wh.createNamespace('ml');
  const schema = new arrow.Schema(rows(0, 1).schema.fields.map((f) => (f.name === 'id' ? new arrow.Field('id', new arrow.Int64(), false) : f)));
  const t = await s.wh.createTable(`ml.${name}`, schema, { partitionBy: 'city, day(ts)', properties });
  const snaps: bigint[] = [];
  for (let k = 0; k < 3; k++) snaps.push((await t.append(rows(k * 12, 12))).snapshotId);
  return { t, snaps };
}

/** The data file paths of a `ScanTasks` body, sorted. */
export function pathsOf(body: { 'file-scan-tasks'?: { 'data-file': { 'file-path': string } }[] }): string[] {
  return (body['file-scan-tasks'] ?? []).map((x) => x['data-file']['file-path']).sort();
}

/** The data file paths Floe's own scan planning keeps, sorted. */
export async function floePaths(t: Table, options: ScanOptions = {}): Promise<string[]> {
  return (await t.scan(options).planFiles()).tasks.map((x) => x.file.filePath).sort();
}

/** Fetches every plan task and returns the data file paths of all of them, sorted (and the largest task's size). */
export async function pathsOfTasks(s: Served, tasksPath: string, tasks: readonly string[]): Promise<{ paths: string[]; largest: number }> {
  const paths: string[] = [];
  let largest = 0;
  for (const task of tasks) {
    const r = await s.call('POST', tasksPath, { 'plan-task': task });
    if (r.status !== 200) throw new Error(`fetchScanTasks answered ${r.status}: ${JSON.stringify(r.body)}`);
    if (r.body['plan-tasks'] !== undefined) throw new Error('fetchScanTasks handed out more plan tasks');
    paths.push(...pathsOf(r.body));
    largest = Math.max(largest, r.body['file-scan-tasks'].length);
  }
  return { paths: paths.sort(), largest };
}
