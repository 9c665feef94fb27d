/**
 * Lineage recorded in a snapshot summary: what a commit read (table uuid + snapshot id per
 * input) and which job made it (name, run id, code version). Summary values are strings
 * (spec §Snapshots: `summary` is a string map), so inputs are one JSON array with int64
 * snapshot ids as decimal strings; other engines carry the entries along untouched.
 *
 * | key | value |
 * |---|---|
 * | `floe.lineage.inputs` | `[{"table-uuid": "…", "snapshot-id": "123", "name": "ns.t", "location": "s3://…"}]` |
 * | `floe.job.name` / `floe.job.run-id` / `floe.job.code-version` | strings |
 *
 * @module
 */
import { InvalidArgumentError, ValidationError } from '../../errors.js';
import type { Table } from '../../table.js';
import { parseJson } from '../../util/index.js';
import type { DatasetSpec } from '../dataset-spec.js';

/** Summary key of the inputs. */
export const LINEAGE_INPUTS_KEY = 'floe.lineage.inputs';
/** Summary key prefix of the job entries. */
export const LINEAGE_JOB_PREFIX = 'floe.job.';

/** One input of a commit: a table at a snapshot. */
export interface LineageInput {
  /** The table's uuid (`table-uuid`). */
  readonly tableUuid: string;
  /** The snapshot read. */
  readonly snapshotId: bigint;
  /** The table's name, when known (to find it again). */
  readonly name?: string;
  /** The table's location, when known. */
  readonly location?: string;
}

/** The job that made a commit. */
export interface LineageJob {
  /** The job's name. */
  readonly name: string;
  /** This run's id. */
  readonly runId?: string;
  /** The code version (a git sha, a package version). */
  readonly codeVersion?: string;
}

/** What a commit records: its inputs (tables, as their current snapshot, or pinned ones) and its job. */
export interface Lineage {
  /** Tables read (their current snapshot), `{ table, snapshotId }`, dataset specs, or explicit inputs. */
  readonly inputs?: readonly (Table | { readonly table: Table; readonly snapshotId: bigint } | DatasetSpec | LineageInput)[];
  /** The job. */
  readonly job?: LineageJob;
}

function isTable(x: unknown): x is Table {
  return typeof x === 'object' && x !== null && typeof (x as Table).uuid === 'function' && typeof (x as Table).currentSnapshot === 'function';
}

/** One input, resolved to uuid + snapshot id. @throws InvalidArgumentError for a table without a snapshot */
function toInput(x: NonNullable<Lineage['inputs']>[number]): LineageInput {
  if (isTable(x)) {
    const snap = x.currentSnapshot();
    if (!snap) throw new InvalidArgumentError(`lineage input table ${x.name} has no snapshot to record`, { context: { table: x.name } });
    return { tableUuid: x.uuid(), snapshotId: snap.snapshotId, name: x.name, location: x.location() };
  }
  if ('table' in x && isTable(x.table)) return { tableUuid: x.table.uuid(), snapshotId: x.snapshotId, name: x.table.name, location: x.table.location() };
  if ('format' in x) return { tableUuid: x.tableUuid, snapshotId: BigInt(x.snapshotId), location: x.location };
  return x as LineageInput;
}

/**
 * Snapshot-summary entries recording `lineage`; pass them as a write's `summary`
 * (`t.append(rows, { summary: lineageSummary({ inputs: [events], job: { name: 'features' } }) })`).
 * @throws InvalidArgumentError for an input table without a snapshot
 */
export function lineageSummary(lineage: Lineage): Record<string, string> {
  const out: Record<string, string> = {};
  const inputs = (lineage.inputs ?? []).map(toInput);
  if (inputs.length > 0) {
    out[LINEAGE_INPUTS_KEY] = JSON.stringify(
      inputs.map((i) => ({
        'table-uuid': i.tableUuid,
        'snapshot-id': i.snapshotId.toString(),
        ...(i.name !== undefined ? { name: i.name } : {}),
        ...(i.location !== undefined ? { location: i.location } : {}),
      })),
    );
  }
  if (lineage.job) {
    out[`${LINEAGE_JOB_PREFIX}name`] = lineage.job.name;
    if (lineage.job.runId !== undefined) out[`${LINEAGE_JOB_PREFIX}run-id`] = lineage.job.runId;
    if (lineage.job.codeVersion !== undefined) out[`${LINEAGE_JOB_PREFIX}code-version`] = lineage.job.codeVersion;
  }
  return out;
}

/**
 * The lineage a snapshot summary records (no inputs and no job when it records none).
 * @throws ValidationError when `floe.lineage.inputs` is malformed
 */
export function lineageFromSummary(summary: Readonly<Record<string, string>>): { inputs: LineageInput[]; job: LineageJob | undefined } {
  const raw = summary[LINEAGE_INPUTS_KEY];
  const inputs: LineageInput[] = [];
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = parseJson(raw);
    } catch (e) {
      throw new ValidationError(`snapshot summary ${LINEAGE_INPUTS_KEY} is not JSON`, { cause: e, context: { key: LINEAGE_INPUTS_KEY } });
    }
    if (!Array.isArray(parsed)) throw new ValidationError(`snapshot summary ${LINEAGE_INPUTS_KEY} is not a JSON array`, { context: { key: LINEAGE_INPUTS_KEY } });
    for (const [i, e] of parsed.entries()) {
      const o = e as Record<string, unknown>;
      if (typeof o?.['table-uuid'] !== 'string' || typeof o['snapshot-id'] !== 'string' || !/^-?\d+$/.test(o['snapshot-id'])) {
        throw new ValidationError(`snapshot summary ${LINEAGE_INPUTS_KEY}[${i}] needs a table-uuid and a decimal snapshot-id`, { context: { key: LINEAGE_INPUTS_KEY, index: i } });
      }
      inputs.push({
        tableUuid: o['table-uuid'],
        snapshotId: BigInt(o['snapshot-id']),
        ...(typeof o.name === 'string' ? { name: o.name } : {}),
        ...(typeof o.location === 'string' ? { location: o.location } : {}),
      });
    }
  }
  const name = summary[`${LINEAGE_JOB_PREFIX}name`];
  const runId = summary[`${LINEAGE_JOB_PREFIX}run-id`];
  const codeVersion = summary[`${LINEAGE_JOB_PREFIX}code-version`];
  const job = name === undefined ? undefined : { name, ...(runId !== undefined ? { runId } : {}), ...(codeVersion !== undefined ? { codeVersion } : {}) };
  return { inputs, job };
}
