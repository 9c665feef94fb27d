/**
 * Read cursors: where a reader stopped, and which dataset and shard it was reading. A cursor
 * names everything that decides the order and content of the rows it continues: the dataset
 * (table uuid, pinned snapshot, seed, batch size, and digests of its columns, filter and file
 * list) and the read (workers, worker, epoch, shuffle buffer, dropLast). A cursor is accepted
 * only by a reader of the same dataset and read, so a resumed read can never continue another
 * order (two datasets pinning the same snapshot with different seeds share nothing else).
 *
 * A cursor is plain JSON data. Its shape is checked with zod on resume: a malformed or edited
 * cursor is refused, never read as "from the start".
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import type { DatasetSpec } from './dataset-spec.js';
import { sha256Hex } from './digest.js';
import { CountSchema, PositiveSchema, parseOptions } from './options.js';

/**
 * The `format` tag of cursors. Version 1 cursors named only the snapshot, so they cannot be
 * told apart between datasets of one snapshot and are refused.
 */
export const READ_CURSOR_FORMAT = 'floe.cursor/2';

/** What identifies a dataset in a cursor (see the module notes). */
export interface DatasetFingerprint {
  /** The table's uuid. */
  readonly tableUuid: string;
  /** The pinned snapshot id (decimal). */
  readonly snapshotId: string;
  /** The shuffle seed, or null. */
  readonly seed: number | null;
  /** Rows per batch. */
  readonly batchSize: number;
  /** A digest of the schema id and the column list. */
  readonly columns: string;
  /** A digest of the filter, or null for none. */
  readonly filter: string | null;
  /** A digest of the file list (paths, sizes, row groups). */
  readonly files: string;
}

/**
 * Where a reader stopped: small, JSON-serializable, and enough (with the same dataset) to
 * continue exactly there.
 */
export interface ReadCursor {
  /** Always {@link READ_CURSOR_FORMAT}. */
  readonly format: typeof READ_CURSOR_FORMAT;
  /** The dataset read (checked on resume). */
  readonly dataset: DatasetFingerprint;
  /** Workers sharing the epoch. */
  readonly workers: number;
  /** This worker. */
  readonly worker: number;
  /** The epoch. */
  readonly epoch: number;
  /** The shuffle-buffer size the reader used. */
  readonly shuffleBuffer: number;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;
  /** Index (in this worker's row-group sequence) of the first row group of the current block. */
  readonly unit: number;
  /** Rows of that block already returned. */
  readonly skip: number;
}

/** Digests are cut to 64 bits: they tell datasets apart by accident, not against an adversary. */
const DIGEST_HEX = 16;

const DigestSchema = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits');

/** {@link ReadCursor} as checked on resume. */
export const ReadCursorSchema = z
  .strictObject({
    format: z.literal(READ_CURSOR_FORMAT, { error: `must be ${JSON.stringify(READ_CURSOR_FORMAT)} (older cursors do not name their dataset: start the epoch again)` }),
    dataset: z.strictObject({
      tableUuid: z.string().min(1),
      snapshotId: z.string().regex(/^-?\d+$/, 'must be a decimal snapshot id'),
      seed: z.number().int().min(0).max(0xffffffff).nullable(),
      batchSize: PositiveSchema,
      columns: DigestSchema,
      filter: DigestSchema.nullable(),
      files: DigestSchema,
    }),
    workers: PositiveSchema,
    worker: CountSchema,
    epoch: CountSchema,
    shuffleBuffer: CountSchema,
    dropLast: z.boolean(),
    unit: CountSchema,
    skip: CountSchema,
  })
  .refine((c) => c.worker < c.workers, { error: 'must be below workers', path: ['worker'] });

async function digest(value: unknown): Promise<string> {
  return (await sha256Hex(new TextEncoder().encode(JSON.stringify(value)))).slice(0, DIGEST_HEX);
}

/** The fingerprint of a dataset spec (async: WebCrypto digests are). */
export async function datasetFingerprint(spec: DatasetSpec): Promise<DatasetFingerprint> {
  const files = spec.files.map((f) => [f.path, f.fileSizeInBytes, f.recordCount, f.rowGroups, f.specId, f.hasDeletes]);
  return Object.freeze({
    tableUuid: spec.tableUuid,
    snapshotId: spec.snapshotId,
    seed: spec.seed,
    batchSize: spec.batchSize,
    columns: await digest([spec.schemaId, spec.columns]),
    filter: spec.filter === null ? null : await digest(spec.filter),
    files: await digest(files),
  });
}

/** How each part of a fingerprint is named in a refusal. */
const PARTS: Record<keyof DatasetFingerprint, string> = {
  tableUuid: 'table',
  snapshotId: 'snapshot',
  seed: 'seed',
  batchSize: 'batch size',
  columns: 'columns (digest)',
  filter: 'filter (digest)',
  files: 'file list (digest)',
};

/**
 * Checks a cursor's shape and that it was made by a reader of the dataset `dataset`.
 * @throws InvalidArgumentError for a malformed cursor (naming the field), or one of another
 * dataset (naming the part that differs in `context.part`)
 */
export function checkCursor(cursor: unknown, dataset: DatasetFingerprint): ReadCursor {
  const c = parseOptions(ReadCursorSchema, cursor, 'dataset reader', ['cursor']) as ReadCursor;
  for (const part of Object.keys(PARTS) as (keyof DatasetFingerprint)[]) {
    const got = c.dataset[part];
    const want = dataset[part];
    if (got !== want) {
      const show = (v: string | number | null): string => (v === null ? 'none' : String(v));
      throw new InvalidArgumentError(`cursor is for another dataset: its ${PARTS[part]} is ${show(got)}, this dataset's ${PARTS[part]} is ${show(want)}`, {
        context: { part, cursor: show(got), dataset: show(want) },
        help: 'resume a reader with a cursor of the same dataset (the same spec), shard and epoch',
      });
    }
  }
  return c;
}
