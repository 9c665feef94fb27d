/**
 * Plan ids and plan tasks (rest-catalog-open-api.yaml `PlanTask`, the `plan-id` of
 * `CompletedPlanningWithIDResult`): opaque strings to clients, and to this server the whole
 * planning query they stand for, so that any server on the warehouse can answer them and none
 * keeps state (spec/catalog.md §K6).
 *
 * A token is the base64url of a JSON object: the table's uuid, the snapshot planned (and the
 * exclusive start of an incremental range), the schema names were resolved in, the filter (in
 * the REST expression JSON), case sensitivity, the stats fields asked for, and for a plan task
 * the data manifests it covers (with a range of one manifest's live entries when that manifest
 * alone holds more files than a task may). Tokens are not signed: whoever holds one could have
 * sent the same query, so everything in them is checked again on use — the uuid against the
 * table the path names, the snapshot against its metadata, and every manifest against that
 * snapshot's manifest list, before anything is read (planning.ts).
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../../../errors.js';
import { type JsonValue, parseJson, stringifyJson } from '../../../util/index.js';

/** What a planning request asks, after validation: what a plan id carries. */
export interface PlanQuery {
  /** The table's uuid, so a token only answers for the table it was issued for. */
  readonly tableUuid: string;
  /** The snapshot read (the end of an incremental range), or null for a table without one. */
  readonly snapshotId: bigint | null;
  /** For an incremental append scan: the exclusive start of the range. */
  readonly startSnapshotId?: bigint;
  /** The schema column names (filter, stats fields) were resolved in. */
  readonly schemaId: number;
  /** The filter in the REST expression JSON, if any. */
  readonly filter?: JsonValue;
  /** Whether names match case-sensitively. */
  readonly caseSensitive: boolean;
  /** The fields whose column stats the data files carry (none when absent). */
  readonly statsFields?: readonly string[];
}

/** One unit of planning work: a query restricted to some data manifests of its snapshot. */
export interface PlanTaskToken extends PlanQuery {
  /** The data manifests (paths as the manifest list records them). */
  readonly manifests: readonly string[];
  /** For a task covering part of one manifest: its live data entries `[from, to)` (`to` absent: to the end). */
  readonly range?: { readonly from: number; readonly to?: number };
}

const Int64 = z.union([z.bigint(), z.number().int()]).transform((v) => BigInt(v));
const Json = z.custom<JsonValue>(() => true);

const QueryWire = {
  t: z.string().min(1),
  s: Int64.nullable(),
  st: Int64.optional(),
  sc: z.number().int(),
  f: Json.optional(),
  cs: z.boolean(),
  sf: z.array(z.string()).optional(),
};
const PlanIdWire = z.strictObject({ k: z.literal('plan'), ...QueryWire });
const PlanTaskWire = z.strictObject({
  k: z.literal('task'),
  ...QueryWire,
  m: z.array(z.string().min(1)).min(1),
  r: z.tuple([z.number().int().min(0), z.number().int().min(1).optional()]).optional(),
});

function queryWire(q: PlanQuery): Record<string, JsonValue> {
  return {
    t: q.tableUuid,
    s: q.snapshotId,
    ...(q.startSnapshotId !== undefined ? { st: q.startSnapshotId } : {}),
    sc: q.schemaId,
    ...(q.filter !== undefined ? { f: q.filter } : {}),
    cs: q.caseSensitive,
    ...(q.statsFields !== undefined ? { sf: [...q.statsFields] } : {}),
  };
}

function queryOf(w: z.infer<typeof PlanIdWire> | z.infer<typeof PlanTaskWire>): PlanQuery {
  return {
    tableUuid: w.t,
    snapshotId: w.s,
    ...(w.st !== undefined ? { startSnapshotId: w.st } : {}),
    schemaId: w.sc,
    ...(w.f !== undefined ? { filter: w.f } : {}),
    caseSensitive: w.cs,
    ...(w.sf !== undefined ? { statsFields: w.sf } : {}),
  };
}

function encode(body: Record<string, JsonValue>): string {
  return Buffer.from(stringifyJson(body), 'utf8').toString('base64url');
}

/** The JSON inside a token, or undefined when it is not base64url of JSON. */
function decode(token: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    return parseJson(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The plan id of a query. */
export function encodePlanId(query: PlanQuery): string {
  return encode({ k: 'plan', ...queryWire(query) });
}

/** The query a plan id stands for, or undefined when the string is not a plan id this server issues. */
export function decodePlanId(token: string): PlanQuery | undefined {
  const r = PlanIdWire.safeParse(decode(token));
  return r.success ? queryOf(r.data) : undefined;
}

/** The plan task for some data manifests of a query's snapshot. */
export function encodePlanTask(task: PlanTaskToken): string {
  return encode({
    k: 'task',
    ...queryWire(task),
    m: [...task.manifests],
    ...(task.range ? { r: task.range.to === undefined ? [task.range.from] : [task.range.from, task.range.to] } : {}),
  });
}

/**
 * The work a plan task stands for.
 * @throws InvalidArgumentError when the string is not a plan task this server issues (HTTP 400)
 */
export function decodePlanTask(token: string): PlanTaskToken {
  const r = PlanTaskWire.safeParse(decode(token));
  if (!r.success) throw new InvalidArgumentError('plan-task is not a plan task this server issued', { help: 'pass a plan task from a planTableScan or fetchPlanningResult response unchanged' });
  const [from, to] = r.data.r ?? [];
  if (from !== undefined && to !== undefined && to <= from) throw new InvalidArgumentError('plan-task is not a plan task this server issued (an empty entry range)');
  return { ...queryOf(r.data), manifests: r.data.m, ...(from !== undefined ? { range: { from, ...(to !== undefined ? { to } : {}) } } : {}) };
}
