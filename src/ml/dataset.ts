/**
 * `Dataset`: a pinned, reproducible view of one table snapshot for training. Created from a
 * table (`Dataset.create(table, …)`, or `table.dataset(…)`), it freezes a {@link DatasetSpec};
 * `Dataset.fromSpec(spec)` re-opens one later (after new commits, schema changes, or even after
 * the pinned snapshot expired, as long as its files are kept) and yields the same rows in the
 * same order.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { z } from 'zod';
import { DataFileNotFoundError, InvalidArgumentError, SnapshotNotFoundError, UnsupportedError } from '../errors.js';
import { type Expression, expressionToString, parseFilter } from '../expr/index.js';
import { arrowSchemaFromIceberg } from '../io/index.js';
import type { DataFileReader, FileScanTask, SnapshotSelector } from '../scan/index.js';
import { DataFileContent } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import { Table, type LoadTableOptions } from '../table.js';
import type { Warehouse } from '../warehouse.js';
import { type DatasetFingerprint, datasetFingerprint } from './cursor.js';
import { DATASET_SPEC_FORMAT, type DatasetFile, type DatasetSpec, decodeDatasetSpec } from './dataset-spec.js';
import { CountSchema, FilterSchema, NameSchema, PositiveSchema, SeedSchema, SnapshotSelectorShape, parseOptions } from './options.js';
import { DatasetReader, type ReaderOptions } from './reader.js';
import { type ReadUnit, type ShardOptions, ShardOptionsSchema, checkShard, epochOrder, shardUnits } from './shard.js';

/** Options of {@link Dataset.create}: which snapshot, which rows and columns, and how to batch them. */
export interface DatasetOptions extends SnapshotSelector {
  /** Top-level column names, in output order (default all). */
  readonly columns?: readonly string[];
  /** A row filter (expression or `parseFilter` string). */
  readonly filter?: Expression | string;
  /** The shuffle seed (uint32); none reads in the files' order. */
  readonly seed?: number;
  /** Rows per batch (default 1024). */
  readonly batchSize?: number;
}

/** {@link DatasetOptions} as checked: unknown options are refused, not ignored. */
const DatasetOptionsSchema = z.strictObject({
  columns: z
    .array(NameSchema)
    .refine((c) => new Set(c).size === c.length, 'must not name a column twice')
    .optional(),
  filter: FilterSchema.optional(),
  seed: SeedSchema.optional(),
  batchSize: PositiveSchema.optional(),
  ...SnapshotSelectorShape,
});

/** {@link Dataset.units} options as checked. */
const UnitsOptionsSchema = ShardOptionsSchema.extend({ epoch: CountSchema.optional() });

/** Options of {@link Dataset.fromSpec}. */
export interface FromSpecOptions extends Pick<LoadTableOptions, 's3' | 'remap' | 'store'> {
  /** The table, already open (else it is loaded from `location`). */
  readonly table?: Table;
  /** Where the table is now (default: the spec's recorded location, rewritten by `remap` when a prefix matches). */
  readonly location?: string;
  /**
   * Opens the spec's table through this warehouse's catalog, so that the catalog's grants apply
   * (a governed REST catalog refuses a principal without `READ` on it, naming the table, and
   * serves a masked principal's reads itself): the table the spec's location names under the
   * warehouse's root. Without it (and without `table`), the table is opened from storage.
   */
  readonly warehouse?: Warehouse;
}

/**
 * Files a dataset keeps what it read of (their footers, or the whole files on a store without
 * range reads) after reading one of their row groups: enough that a file's row groups read one
 * after another (no seed, or the prefetch window) fetch its footer once.
 */
const CACHED_FILES = 3;

/** The default rows per batch. */
export const DEFAULT_BATCH_SIZE = 1024;

/** A pinned, reproducible training dataset (see the module notes). */
export class Dataset {
  /** The frozen spec: serialize it with `JSON.stringify` (or `encodeDatasetSpec`) to name this data exactly. */
  readonly spec: DatasetSpec;
  /** The Iceberg schema of the rows (the selected columns). */
  readonly schema: Schema;

  private constructor(
    private readonly table: Table,
    spec: DatasetSpec,
    private readonly tasks: readonly FileScanTask[],
    private readonly files: DataFileReader,
    private readonly fingerprint: DatasetFingerprint,
  ) {
    this.spec = spec;
    this.schema = files.schema;
  }

  /**
   * Pins a snapshot of `table` (default: the head of `main`) and plans it.
   * @throws SnapshotNotFoundError when the table has no snapshot, or the one asked for does not exist
   * @throws InvalidArgumentError naming the option for a bad or unknown option (columns, filter,
   * seed, batch size), or for a column the snapshot's schema does not have
   */
  static async create(table: Table, input: DatasetOptions = {}): Promise<Dataset> {
    const options = parseOptions(DatasetOptionsSchema, input, 'dataset');
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const seed = options.seed ?? null;
    const filter = options.filter === undefined ? null : expressionToString(typeof options.filter === 'string' ? parseFilter(options.filter) : options.filter);
    const scan = table.scan({
      ...(options.snapshotId !== undefined ? { snapshotId: options.snapshotId } : {}),
      ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
      ...(options.ref !== undefined ? { ref: options.ref } : {}),
      ...(options.columns ? { columns: options.columns } : {}),
      ...(filter !== null ? { filter } : {}),
    });
    const snapshot = scan.snapshot;
    if (!snapshot) throw new SnapshotNotFoundError(`table ${table.name} has no snapshot to pin a dataset to`, { context: { table: table.name } });
    const columns = scan.schema.fields.map((f) => f.name);
    const reader = table.fileReader({ schemaId: scan.schema.schemaId, snapshotId: snapshot.snapshotId, columns, cachedFiles: CACHED_FILES, ...(filter !== null ? { filter } : {}) });
    const plan = await scan.planFiles();
    const rowGroups = await mapLimited(plan.tasks, 16, (t) => reader.rowGroupRowCounts(t));
    const files: DatasetFile[] = plan.tasks.map((t, i) =>
      Object.freeze({
        path: t.file.filePath,
        fileSizeInBytes: t.file.fileSizeInBytes,
        recordCount: t.file.recordCount,
        rowGroups: Object.freeze(rowGroups[i]!),
        specId: t.specId,
        hasDeletes: t.deletes.length > 0,
      }),
    );
    const spec: DatasetSpec = Object.freeze({
      format: DATASET_SPEC_FORMAT,
      tableUuid: table.uuid(),
      location: table.location(),
      snapshotId: snapshot.snapshotId.toString(),
      schemaId: scan.schema.schemaId,
      columns: Object.freeze(columns),
      filter,
      seed,
      batchSize,
      files: Object.freeze(files),
    });
    return new Dataset(table, spec, plan.tasks, reader, await datasetFingerprint(spec));
  }

  /**
   * Re-opens a dataset from its spec (an object or its JSON text). The table is loaded from the
   * spec's location unless given. The pinned snapshot may have expired since: its files are then
   * read from the spec's list (unless delete files applied to them, which only the snapshot names).
   * @throws ValidationError for a malformed spec
   * @throws InvalidArgumentError when the table is not the one the spec was made from
   * @throws DataFileNotFoundError naming every file of the spec that is gone
   * @throws UnsupportedError when the snapshot expired and some file had delete files
   */
  static async fromSpec(input: DatasetSpec | string, options: FromSpecOptions = {}): Promise<Dataset> {
    const spec = decodeDatasetSpec(input);
    const table =
      options.table ??
      (options.warehouse ? await tableInWarehouse(options.warehouse, spec.location) : undefined) ??
      (await Table.load(options.location ?? remapLocation(spec.location, options.remap ?? {}), {
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.remap ? { remap: options.remap } : {}),
        ...(options.store ? { store: options.store } : {}),
      }));
    if (table.uuid() !== spec.tableUuid) {
      throw new InvalidArgumentError(`table ${table.name} has uuid ${table.uuid()}, but the dataset spec was made from table ${spec.tableUuid}`, {
        context: { table: table.name, tableUuid: table.uuid(), specTableUuid: spec.tableUuid },
      });
    }
    const reader = table.fileReader({ schemaId: spec.schemaId, snapshotId: spec.snapshotId, columns: spec.columns, cachedFiles: CACHED_FILES, ...(spec.filter !== null ? { filter: spec.filter } : {}) });
    const missing = await reader.missingFiles(spec.files.map((f) => f.path));
    if (missing.length > 0) {
      throw new DataFileNotFoundError(missing.join(', '), {
        context: { table: table.name, snapshotId: spec.snapshotId, missingFiles: missing.length },
      });
    }
    const snapshotId = BigInt(spec.snapshotId);
    const live = table.snapshots().some((s) => s.snapshotId === snapshotId);
    // With the snapshot still there, take each file's task from its plan (delete files, partition
    // tuple); without it, rebuild the task from the spec, which is exact only for files no delete
    // file applied to (copy-on-write tables; under merge-on-read a file with deletes cannot be
    // rebuilt once its snapshot expired, and says so).
    const planned = new Map<string, FileScanTask>();
    if (live) for (const t of (await table.scan({ snapshotId }).planFiles()).tasks) planned.set(t.file.filePath, t);
    const tasks = spec.files.map((f): FileScanTask => {
      const task = planned.get(f.path);
      if (task) return task;
      if (f.hasDeletes) {
        throw new UnsupportedError(`snapshot ${spec.snapshotId} of table ${table.name} has expired and delete files applied to ${f.path}; its rows can no longer be reproduced`, {
          context: { table: table.name, snapshotId: spec.snapshotId, path: f.path },
        });
      }
      return {
        file: { content: DataFileContent.DATA, filePath: f.path, fileFormat: 'PARQUET', partition: [], recordCount: f.recordCount, fileSizeInBytes: f.fileSizeInBytes },
        dataSequenceNumber: 0n,
        fileSequenceNumber: 0n,
        snapshotId,
        specId: f.specId,
        manifestPath: '',
        deletes: [],
      };
    });
    return new Dataset(table, spec, tasks, reader, await datasetFingerprint(spec));
  }

  /** Rows in the dataset's files before the filter. */
  get recordCount(): number {
    return this.spec.files.reduce((s, f) => s + f.recordCount, 0);
  }

  /** The Arrow schema of the batches (vector columns as fixed-size lists). */
  arrowSchema(): arrow.Schema {
    return arrowSchemaFromIceberg(this.schema, { vectorDimensions: this.table.vectorDimensions() });
  }

  /**
   * The row groups worker `worker` of `workers` reads in an epoch, in read order.
   * @throws InvalidArgumentError for bad shard options
   */
  units(input: ShardOptions & { readonly epoch?: number } = {}): ReadUnit[] {
    const options = parseOptions(UnitsOptionsSchema, input, 'dataset units');
    return shardUnits(epochOrder(this.spec.files, this.spec.seed, options.epoch ?? 0), options);
  }

  /**
   * One worker's share: `shard({ workers: N, worker: i }).reader({ epoch })`.
   * @throws InvalidArgumentError for bad shard options
   */
  shard(options: ShardOptions): DatasetShard {
    return new DatasetShard(this, checkShard(parseOptions(ShardOptionsSchema, options, 'dataset shard')));
  }

  /**
   * A reader of batches (one worker's, one epoch's; from a cursor to resume).
   * @throws InvalidArgumentError for bad options, a malformed cursor, or a cursor of another dataset, shard or epoch
   */
  reader(options: ReaderOptions = {}): DatasetReader {
    return new DatasetReader({ spec: this.spec, fingerprint: this.fingerprint, arrowSchema: this.arrowSchema(), readUnit: (u) => this.readUnit(u) }, options);
  }

  /** Reads one row group (filter applied). */
  readUnit(unit: ReadUnit): Promise<arrow.RecordBatch[]> {
    const task = this.tasks[unit.file];
    if (!task) throw new InvalidArgumentError(`dataset has no file ${unit.file}`);
    return this.files.read(task, { rowGroups: [unit.rowGroup] });
  }
}

/** One worker's share of a dataset. */
export class DatasetShard {
  /** @internal use {@link Dataset.shard} */
  constructor(
    readonly dataset: Dataset,
    private readonly shard: { readonly workers: number; readonly worker: number },
  ) {}

  /** Workers sharing the dataset. */
  get workers(): number {
    return this.shard.workers;
  }

  /** This worker. */
  get worker(): number {
    return this.shard.worker;
  }

  /** The row groups this worker reads in an epoch. */
  units(epoch = 0): ReadUnit[] {
    return this.dataset.units({ ...this.shard, epoch });
  }

  /**
   * A reader of this worker's batches in an epoch.
   * @throws InvalidArgumentError for bad options or a cursor of another shard
   */
  reader(options: Omit<ReaderOptions, 'workers' | 'worker'> = {}): DatasetReader {
    return this.dataset.reader({ ...options, ...this.shard });
  }
}

/** `location` with the longest matching recorded prefix of `remap` replaced. */
/** The table at `location` inside a warehouse, loaded through its catalog (its name is its path under the root). */
function tableInWarehouse(wh: Warehouse, location: string): Promise<Table> {
  const root = wh.catalog.root?.uri;
  const rest = root !== undefined && location.startsWith(`${root}/`) ? location.slice(root.length + 1).replace(/\/+$/, '') : undefined;
  const parts = rest?.split('/') ?? [];
  if (parts.length < 2 || parts.some((p) => p === '')) {
    throw new InvalidArgumentError(`the dataset spec's table at ${location} is not a table of warehouse ${wh.uri}`, { context: { location, warehouse: wh.uri } });
  }
  return wh.loadTable(parts.join('.'));
}

function remapLocation(location: string, remap: Readonly<Record<string, string>>): string {
  const prefix = Object.keys(remap)
    .filter((p) => location === p || location.startsWith(p.endsWith('/') ? p : `${p}/`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? location : remap[prefix]! + location.slice(prefix.length);
}

async function mapLimited<T, R>(items: readonly T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
