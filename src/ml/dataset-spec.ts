/**
 * The `DatasetSpec`: the exact name of a training dataset. It pins a table (uuid and location),
 * one snapshot, the schema that snapshot was written with, the columns (by their names in that
 * schema, so later renames do not matter), the filter, the seed and batch size, and the ordered
 * list of data files with their sizes, row counts and row-group row counts. Re-opening a spec
 * reads exactly those files in that order, so it yields the same rows in the same order forever
 * (as long as the files are kept).
 *
 * A spec is plain JSON data: snapshot ids (int64) are decimal strings, so it survives any JSON
 * round trip. {@link encodeDatasetSpec} / {@link decodeDatasetSpec} convert it to and from text.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { parseJson } from '../util/index.js';

/** The `format` tag of specs this version writes and reads. */
export const DATASET_SPEC_FORMAT = 'floe.dataset/1';

/** One data file of a dataset, in read order. */
export interface DatasetFile {
  /** The file's location as recorded in the table's manifests. */
  readonly path: string;
  /** Its size in bytes, as recorded. */
  readonly fileSizeInBytes: number;
  /** Its row count (before the filter). */
  readonly recordCount: number;
  /** The row count of each Parquet row group, in file order (the unit of sharding and shuffling). */
  readonly rowGroups: readonly number[];
  /** The partition spec it was written with. */
  readonly specId: number;
  /** Whether delete files applied to it in the pinned snapshot (then re-reading needs that snapshot). */
  readonly hasDeletes: boolean;
}

/** A frozen, serializable description of a training dataset (see the module notes). */
export interface DatasetSpec {
  /** Always {@link DATASET_SPEC_FORMAT}. */
  readonly format: typeof DATASET_SPEC_FORMAT;
  /** The table's uuid (`table-uuid`): re-opening checks it. */
  readonly tableUuid: string;
  /** The table's location, as recorded in its metadata. */
  readonly location: string;
  /** The pinned snapshot id, as a decimal string (int64). */
  readonly snapshotId: string;
  /** The schema the snapshot was written with; columns and filter are resolved in it. */
  readonly schemaId: number;
  /** Top-level column names (in that schema), in output order. */
  readonly columns: readonly string[];
  /** The row filter in `parseFilter` syntax, or null. */
  readonly filter: string | null;
  /** The shuffle seed (uint32), or null for the files' own order. */
  readonly seed: number | null;
  /** Rows per training batch. */
  readonly batchSize: number;
  /** The data files, in read order. */
  readonly files: readonly DatasetFile[];
}

/** Serializes a spec to JSON text. */
export function encodeDatasetSpec(spec: DatasetSpec, indent?: number): string {
  return JSON.stringify(spec, null, indent);
}

/**
 * Parses and checks a spec (from text or already-parsed JSON), returning a frozen copy.
 * @throws ValidationError naming the first field that is wrong
 */
export function decodeDatasetSpec(input: string | unknown): DatasetSpec {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      // Lossless: a snapshot id mistakenly written as a number stays exact (and is then rejected).
      raw = parseJson(input);
    } catch (e) {
      throw new ValidationError(`dataset spec is not JSON: ${(e as Error).message}`, { context: { field: '$' }, cause: e });
    }
  }
  const o = record(raw, '$');
  if (o.format !== DATASET_SPEC_FORMAT) fail('format', `expected ${JSON.stringify(DATASET_SPEC_FORMAT)}, got ${JSON.stringify(o.format)}`);
  const snapshotId = str(o.snapshotId, 'snapshotId');
  if (!/^-?\d+$/.test(snapshotId)) fail('snapshotId', `not a decimal int64: ${JSON.stringify(snapshotId)}`);
  const seed = o.seed === null ? null : int(o.seed, 'seed');
  if (seed !== null && (seed < 0 || seed > 0xffffffff)) fail('seed', `must be a uint32, got ${seed}`);
  const batchSize = int(o.batchSize, 'batchSize');
  if (batchSize < 1) fail('batchSize', `must be ≥ 1, got ${batchSize}`);
  const filter = o.filter === null ? null : str(o.filter, 'filter');
  const files = arr(o.files, 'files').map((f, i) => {
    const at = `files[${i}]`;
    const r = record(f, at);
    if (typeof r.hasDeletes !== 'boolean') fail(`${at}.hasDeletes`, 'expected a boolean');
    return Object.freeze({
      path: str(r.path, `${at}.path`),
      fileSizeInBytes: int(r.fileSizeInBytes, `${at}.fileSizeInBytes`),
      recordCount: int(r.recordCount, `${at}.recordCount`),
      rowGroups: Object.freeze(arr(r.rowGroups, `${at}.rowGroups`).map((n, j) => int(n, `${at}.rowGroups[${j}]`))),
      specId: int(r.specId, `${at}.specId`),
      hasDeletes: r.hasDeletes as boolean,
    });
  });
  return Object.freeze({
    format: DATASET_SPEC_FORMAT,
    tableUuid: str(o.tableUuid, 'tableUuid'),
    location: str(o.location, 'location'),
    snapshotId,
    schemaId: int(o.schemaId, 'schemaId'),
    columns: Object.freeze(arr(o.columns, 'columns').map((c, i) => str(c, `columns[${i}]`))),
    filter,
    seed,
    batchSize,
    files: Object.freeze(files),
  });
}

function fail(field: string, message: string): never {
  throw new ValidationError(`dataset spec field ${field}: ${message}`, { context: { field } });
}

function record(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, 'expected an object');
  return v as Record<string, unknown>;
}

function arr(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) fail(at, 'expected an array');
  return v;
}

function str(v: unknown, at: string): string {
  if (typeof v !== 'string') fail(at, 'expected a string');
  return v;
}

function int(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(at, 'expected an integer');
  return v;
}
