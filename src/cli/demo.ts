/**
 * `npm run demo`: builds a small, realistic ML warehouse with the public API and prints what
 * happened: an events table partitioned by day, a feature table updated over several commits
 * (with a schema change in between), an embeddings table (`FixedSizeList<Float32>[384]`), the
 * history, the schema before and after, an old version read next to the current one, and
 * where every file is. Deterministic (seeded data), a few seconds.
 *
 * Usage: `node dist/cli/demo.js [warehouse]` (default `./warehouse`; `$FLOE_WAREHOUSE` is not
 * read, so a demo never lands in a warehouse the shell happens to point at). It says where it
 * writes before anything else.
 *
 * It writes only in its own namespace, `floe_demo`, which it creates with the property
 * `floe.demo=true`; its tables carry the same property. A later run drops and rebuilds only
 * tables with that mark, in a namespace with that mark; a `floe_demo` namespace without it, or
 * a table of the demo's name without it, belongs to someone else: the demo then refuses and
 * changes nothing.
 *
 * @module
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { DEFAULT_WAREHOUSE, InvalidArgumentError, Warehouse, isFloeError, type Snapshot, type Table } from '../node.js';
import { isoTime, partitionSpecText, schemaRows } from './commands/common.js';
import { DAY0_US, DEMO_SEED, embeddingsTable, eventRows, eventsTable, featuresTable, seededRandom, type EventRows } from './demo-data.js';
import { formatTable } from './format-table.js';
import { formatBytes } from './progress.js';
import { textOf, valueAt } from './values.js';

/** The namespace the demo writes in, and nowhere else. */
export const DEMO_NAMESPACE = 'floe_demo';

/** The property (on the namespace and on each table) that marks what a demo run created. */
export const DEMO_MARK = 'floe.demo';

const MARK = { [DEMO_MARK]: 'true' } as const;

/** How much data the demo makes. */
export interface DemoSizes {
  /** Distinct users. */
  readonly users: number;
  /** Distinct items (and embeddings; even). */
  readonly items: number;
  /** Events appended per day (three days). */
  readonly eventsPerDay: number;
  /** Embedding dimension. */
  readonly dim: number;
}

/** What `npm run demo` makes. */
export const DEMO_SIZES: DemoSizes = { users: 300, items: 2_000, eventsPerDay: 4_000, dim: 384 };

const DAY_US = 86_400_000_000n;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The warehouse: a folder, `file:///…`, `s3://…` or `memory://…`. */
  readonly warehouse: string;
  /** Receives the output, one line at a time (without the newline). */
  readonly write: (line: string) => void;
  /** How much data (default {@link DEMO_SIZES}). */
  readonly sizes?: DemoSizes;
}

/** The output helpers of one run. */
function printer(write: (line: string) => void): { out: (text?: string) => void; heading: (text: string) => void; block: (text: string) => void } {
  const out = (text = ''): void => {
    for (const line of text.split('\n')) write(line);
  };
  return {
    out,
    heading: (text) => {
      out();
      out(`━━ ${text} ${'━'.repeat(Math.max(0, 76 - text.length))}`);
    },
    // A block of lines indented, then a blank line.
    block: (text) => {
      out(
        text
          .trimEnd()
          .split('\n')
          .map((l) => (l === '' ? l : `  ${l}`))
          .join('\n'),
      );
      out();
    },
  };
}

const n = (x: number | bigint): string => x.toLocaleString('en-US');

function cell(t: arrow.Table, column: string, row: number): string {
  const v = t.getChild(column);
  return v === null ? '' : textOf(valueAt(v, row), { maxListItems: 4 });
}

/** Rows of the table keyed by a column's text. */
function byKey(t: arrow.Table, key: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let r = 0; r < t.numRows; r++) m.set(cell(t, key, r), r);
  return m;
}

function historyText(table: Table): string {
  const refs = new Map<bigint, string[]>();
  for (const [name, ref] of Object.entries(table.refs())) refs.set(ref.snapshotId, [...(refs.get(ref.snapshotId) ?? []), name]);
  return formatTable(
    ['made_current_at', 'snapshot_id', 'operation', 'added_rows', 'deleted_rows', 'total_rows', 'schema', 'refs'],
    table.history().map((h) => {
      const s = table.snapshot(h.snapshotId);
      return [
        isoTime(h.timestampMs),
        String(h.snapshotId),
        h.operation ?? '',
        s.summary['added-records'] ?? '0',
        s.summary['deleted-records'] ?? '0',
        s.summary['total-records'] ?? '',
        String(s.schemaId ?? ''),
        (refs.get(h.snapshotId) ?? []).join(', '),
      ];
    }),
  );
}

function schemaText(table: Table, schemaId: number): string[] {
  const schema = table.metadata().schemas.find((s) => s.schemaId === schemaId)!;
  return formatTable(['id', 'name', 'type'], schemaRows(schema, table.vectorDimensions()).map((r) => [String(r.id), r.name, `${r.type}${r.required ? ' not null' : ''}`]), { rightAlign: [0] })
    .trimEnd()
    .split('\n');
}

function sideBySide(left: readonly string[], right: readonly string[], titles: readonly [string, string]): string {
  let width = titles[0].length;
  for (const l of left) width = Math.max(width, l.length);
  width += 6;
  const lines = [`${titles[0].padEnd(width)}${titles[1]}`];
  for (let i = 0; i < Math.max(left.length, right.length); i++) lines.push(`${(left[i] ?? '').padEnd(width)}${right[i] ?? ''}`.trimEnd());
  return `${lines.join('\n')}\n`;
}

async function filesText(table: Table, root: string): Promise<string> {
  const plan = await table.scan().planFiles();
  const rel = (p: string): string => (p.startsWith(root) ? p.slice(root.length).replace(/^\//, '') : p);
  const lines = [`${rel(`${table.uri}/${table.metadataFile}`)}   (current metadata, version ${table.version})`];
  let bytes = 0;
  for (const task of plan.tasks) {
    bytes += task.file.fileSizeInBytes;
    lines.push(`${rel(task.file.filePath)}   ${formatBytes(task.file.fileSizeInBytes)}, ${n(task.file.recordCount)} rows`);
  }
  lines.push(`${n(plan.tasks.length)} data file${plan.tasks.length === 1 ? '' : 's'} live in the current snapshot, ${formatBytes(bytes)}`);
  return `${lines.join('\n')}\n`;
}

/** Where a warehouse is, for people: a local folder's absolute path, else its URI. */
function placeOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/**
 * Makes the demo's namespace, or clears what an earlier run made in it. Every check comes before
 * the first drop, so a refusal changes nothing.
 * @throws InvalidArgumentError when `floe_demo` or one of its tables was not made by the demo
 */
async function prepareNamespace(wh: Warehouse, place: string, tables: readonly string[], out: (text: string) => void): Promise<void> {
  const elsewhere = `run the demo on another warehouse: npm run demo -- /tmp/floe-demo`;
  if (!(await wh.namespaceExists(DEMO_NAMESPACE))) {
    try {
      await wh.createNamespace(DEMO_NAMESPACE, MARK);
      return;
    } catch (e) {
      // Someone else made it meanwhile: check its mark below.
      if (!isFloeError(e, 'NAMESPACE_ALREADY_EXISTS')) throw e;
    }
  }
  const props = await wh.catalog.namespaceProperties(DEMO_NAMESPACE);
  if (props[DEMO_MARK] !== 'true') {
    throw new InvalidArgumentError(`namespace ${DEMO_NAMESPACE} in ${place} was not made by the demo (it has no ${DEMO_MARK}=true property); the demo changed nothing`, {
      context: { warehouse: place, namespace: DEMO_NAMESPACE },
      help: elsewhere,
    });
  }
  const stale: string[] = [];
  for (const name of tables) {
    if (!(await wh.tableExists(name))) continue;
    if ((await wh.loadTable(name)).properties()[DEMO_MARK] !== 'true') {
      throw new InvalidArgumentError(`table ${name} in ${place} was not made by the demo (it has no ${DEMO_MARK}=true property); the demo changed nothing`, {
        context: { warehouse: place, table: name },
        help: elsewhere,
      });
    }
    stale.push(name);
  }
  for (const name of stale) {
    await wh.dropTable(name);
    out(`  (dropped ${name} from an earlier demo run)`);
  }
}

/**
 * Builds the demo warehouse and prints what happened.
 * @param options where, how much, and where the output goes
 * @throws InvalidArgumentError when the `floe_demo` namespace, or a table of the demo's name in it, was not made by the demo (nothing is changed)
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const { users: USERS, items: ITEMS, eventsPerDay: EVENTS_PER_DAY, dim: DIM } = options.sizes ?? DEMO_SIZES;
  const { out, heading, block } = printer(options.write);
  const started = Date.now();
  const wh = await Warehouse.open(options.warehouse);
  const root = wh.uri.replace(/\/$/, '');
  const place = placeOf(root);
  const random = seededRandom(DEMO_SEED);
  out(`Floe demo: writing to ${place}, in namespace ${DEMO_NAMESPACE} only (seed ${DEMO_SEED})`);

  const ns = DEMO_NAMESPACE;
  await prepareNamespace(wh, place, [`${ns}.events`, `${ns}.user_features`, `${ns}.item_embeddings`], out);

  // ---------------------------------------------------------------- events, partitioned by day
  heading(`${ns}.events: click-stream events, partitioned by day(ts)`);
  const { Schema, Field, Int64, TimestampMicrosecond, Utf8, Float64, Int32, FixedSizeList, Float32 } = arrow;
  const events = await wh.createTable(
    `${ns}.events`,
    new Schema([
      new Field('user_id', new Int64(), false),
      new Field('ts', new TimestampMicrosecond('UTC'), false),
      new Field('event', new Utf8(), false),
      new Field('item_id', new Int64(), false),
      new Field('value', new Float64(), true),
    ]),
    { partitionBy: 'day(ts)', properties: MARK },
  );
  const days: EventRows[] = [];
  for (let d = 0; d < 3; d++) {
    const rows = eventRows(random, d, EVENTS_PER_DAY, USERS, ITEMS);
    days.push(rows);
    const snap = await events.append(eventsTable(rows));
    out(`  appended ${n(EVENTS_PER_DAY)} events of ${isoTime(Number((DAY0_US + BigInt(d) * DAY_US) / 1000n)).slice(0, 10)} → snapshot ${snap.snapshotId}`);
  }
  const lastDay = events.scan({ filter: "ts >= '2026-01-07T00:00:00Z'" });
  const planned = (await lastDay.planFiles()).tasks.length;
  const allFiles = (await events.scan().planFiles()).tasks.length;
  const lastDayRows = (await lastDay.toArrow()).numRows;
  out(`  scan with filter ts >= '2026-01-07T00:00:00Z': ${n(lastDayRows)} rows from ${planned} of ${allFiles} data files (the other days are pruned by partition)`);

  // ---------------------------------------------------------------- features, several commits
  heading(`${ns}.user_features: recomputed after each day (one overwrite per day)`);
  const features = await wh.createTable(
    `${ns}.user_features`,
    new Schema([
      new Field('user_id', new Int64(), false),
      new Field('clicks', new Int32(), true),
      new Field('purchases', new Int32(), true),
      new Field('avg_value', new Float64(), true),
      new Field('updated_at', new TimestampMicrosecond('UTC'), true),
    ]),
    { properties: MARK },
  );
  const endOfDay = (d: number): bigint => DAY0_US + BigInt(d + 1) * DAY_US;
  const v1 = await features.append(featuresTable(days.slice(0, 1), endOfDay(0), { withCtr: false, avgName: 'avg_value' }));
  await features.createTag('day-1', v1.snapshotId);
  out(`  v1  append     features after day 1 → snapshot ${v1.snapshotId} (tagged day-1)`);
  const v2 = await features.overwrite(featuresTable(days.slice(0, 2), endOfDay(1), { withCtr: false, avgName: 'avg_value' }));
  out(`  v2  overwrite  features after day 2 → snapshot ${v2.snapshotId}`);
  const before = features.schema();
  const after = await features.updateSchema().addColumn('ctr', 'double', { doc: 'clicks / views' }).renameColumn('avg_value', 'avg_order_value').commit();
  out(`      schema     add column ctr, rename avg_value → avg_order_value (schema ${before.schemaId} → ${after.schemaId}; no data rewritten)`);
  const v3: Snapshot = await features.overwrite(featuresTable(days, endOfDay(2), { withCtr: true, avgName: 'avg_order_value' }));
  out(`  v3  overwrite  features after day 3, with ctr → snapshot ${v3.snapshotId}`);

  out();
  out(`History (floe history ${ns}.user_features):`);
  block(historyText(features));
  out(`Schema before and after (floe schema ${ns}.user_features [--snapshot ID]):`);
  block(sideBySide(schemaText(features, before.schemaId), schemaText(features, after.schemaId), [`schema ${before.schemaId} (v1, v2)`, `schema ${after.schemaId} (v3, current)`]));

  const old = await features.scan({ snapshotId: v1.snapshotId }).toArrow();
  const asOf = await features.scan({ asOf: v1.timestampMs }).toArrow();
  const now = await features.scan().toArrow();
  const oldRows = byKey(old, 'user_id');
  const heavy = [...byKey(now, 'user_id').entries()].slice(0, 6);
  out(`Time travel: v1 (read by snapshot id, and as of ${isoTime(v1.timestampMs)}: ${n(old.numRows)} = ${n(asOf.numRows)} rows) next to the current version (${n(now.numRows)} rows):`);
  block(
    formatTable(
      ['user_id', 'clicks@v1', 'clicks@now', 'avg_value@v1', 'avg_order_value@now', 'ctr@now'],
      heavy.map(([user, r]) => {
        const o = oldRows.get(user);
        return [user, o === undefined ? '—' : cell(old, 'clicks', o), cell(now, 'clicks', r), o === undefined ? '—' : cell(old, 'avg_value', o) || 'null', cell(now, 'avg_order_value', r) || 'null', cell(now, 'ctr', r) || 'null'];
      }),
    ),
  );
  out("  v1 is read with the schema it was written with: it has avg_value and no ctr; the current version sees the same column (same field id) as avg_order_value.");

  // ---------------------------------------------------------------- embeddings
  heading(`${ns}.item_embeddings: ${n(ITEMS)} × ${DIM} embeddings as FixedSizeList<Float32>[${DIM}]`);
  const embeddings = await wh.createTable(
    `${ns}.item_embeddings`,
    new Schema([
      new Field('item_id', new Int64(), false),
      new Field('model', new Utf8(), false),
      new Field('embedding', new FixedSizeList(DIM, new Field('element', new Float32(), false)), false),
    ]),
    { properties: MARK },
  );
  const half = ITEMS / 2;
  const e1 = await embeddings.append(embeddingsTable(random, { firstId: 1, count: half, dim: DIM, model: 'minilm-l6-v2' }));
  const e2 = await embeddings.append(embeddingsTable(random, { firstId: half + 1, count: half, dim: DIM, model: 'minilm-l6-v2' }));
  await embeddings.createTag('v1', e2.snapshotId);
  out(`  appended items 1–${n(half)} → snapshot ${e1.snapshotId}`);
  out(`  appended items ${n(half + 1)}–${n(ITEMS)} → snapshot ${e2.snapshotId} (tagged v1)`);
  const sample = await embeddings.scan({ ref: 'v1', filter: 'item_id <= 3' }).toArrow();
  out(`  read back as ${String(sample.schema.fields.find((f) => f.name === 'embedding')?.type)} (floe scan ${ns}.item_embeddings --ref v1 --filter "item_id <= 3"):`);
  block(formatTable(['item_id', 'model', 'embedding'], Array.from({ length: sample.numRows }, (_, r) => ['item_id', 'model', 'embedding'].map((c) => cell(sample, c, r))), { maxCellWidth: 100 }));

  // ---------------------------------------------------------------- where the files are
  heading(`Where the files are (under ${place})`);
  for (const t of [events, features, embeddings]) {
    out(`${t.name}  (${partitionSpecText(t.spec(), [t.schema()])})`);
    block(await filesText(t, root));
  }
  out('Each table is an Iceberg v2 table in the file-system layout (metadata/vN.metadata.json is the commit');
  out('point): DuckDB iceberg_scan, PyIceberg StaticTable and Spark read these folders with no catalog.');

  heading('Try the CLI');
  const w = /[\s'"]/.test(place) ? `'${place}'` : place;
  for (const line of [
    `npx floe --warehouse ${w} tables ${ns}`,
    `npx floe --warehouse ${w} history ${ns}.user_features`,
    `npx floe --warehouse ${w} scan ${ns}.user_features --ref day-1 --limit 5`,
    `npx floe --warehouse ${w} scan ${ns}.events --filter "event = 'purchase' AND value > 90" --columns user_id,ts,value`,
    `npx floe --warehouse ${w} info ${ns}.item_embeddings`,
  ]) {
    out(`  ${line}`);
  }
  out();
  out(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// Run when executed (`node dist/cli/demo.js [warehouse]`), not when imported.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `npm run demo | head` ends quietly, as `floe` does.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  runDemo({ warehouse: process.argv[2] ?? DEFAULT_WAREHOUSE, write: (line) => process.stdout.write(`${line}\n`) }).catch((e: unknown) => {
    if (isFloeError(e, 'INVALID_ARGUMENT')) {
      process.stderr.write(`demo: ${e.message}\n${e.help ? `  help: ${e.help}\n` : ''}`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  });
}
