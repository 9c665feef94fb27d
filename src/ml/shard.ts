/**
 * Sharding a dataset's row groups over N workers, per epoch.
 *
 * A unit is one Parquet row group of one data file. Each epoch has one global order of units:
 * the files' own order (file by file, row group by row group) without a seed, or a seeded
 * permutation keyed by (seed, epoch). That sequence is cut into N contiguous runs by cumulative
 * row count: a unit belongs to worker ⌊N · (rows before it + half its rows) / total rows⌋. So
 * every unit goes to exactly one worker (no row read twice or missed), each worker's row count
 * is within one row group of total/N, and N may exceed the number of files or row groups (some
 * workers then get nothing). Every worker computes the same assignment from the spec alone: no
 * coordination is needed.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import type { DatasetFile } from './dataset-spec.js';
import { CountSchema, PositiveSchema, parseOptions } from './options.js';
import { seededRandom, shuffleInPlace } from './prng.js';

/** One row group of one file. */
export interface ReadUnit {
  /** The file's index in the spec's file list. */
  readonly file: number;
  /** The row group's index in the file. */
  readonly rowGroup: number;
  /** Its row count (before the filter). */
  readonly rows: number;
}

/** Which part of the dataset a reader reads. */
export interface ShardOptions {
  /** How many workers share the dataset (default 1). */
  readonly workers?: number;
  /** This worker's index in [0, workers) (default 0). */
  readonly worker?: number;
}

/** {@link ShardOptions} as they come out of a zod parse (an absent option may be `undefined`). */
type CheckedShardOptions = { readonly [K in keyof ShardOptions]?: ShardOptions[K] | undefined };

/** {@link ShardOptions} as checked at the public calls (unknown options refused). */
export const ShardOptionsSchema = z.strictObject({ workers: PositiveSchema.optional(), worker: CountSchema.optional() });

/**
 * Completes shard options and checks them (types, and `worker` below `workers`).
 * @throws InvalidArgumentError naming the option when `workers` is not a positive integer or `worker` is out of range
 */
export function checkShard(options: CheckedShardOptions): { readonly workers: number; readonly worker: number } {
  const { workers = 1, worker = 0 } = parseOptions(ShardOptionsSchema, { workers: options.workers, worker: options.worker }, 'shard');
  if (worker >= workers) {
    throw new InvalidArgumentError(`shard: option worker is invalid: must be below workers (${workers}), got ${worker}`, { context: { option: 'worker', workers, worker } });
  }
  return { workers, worker };
}

/** Every unit of the files, in file order then row-group order. */
export function unitsOf(files: readonly DatasetFile[]): ReadUnit[] {
  const out: ReadUnit[] = [];
  files.forEach((f, file) => f.rowGroups.forEach((rows, rowGroup) => out.push({ file, rowGroup, rows })));
  return out;
}

/** The epoch's global order of units: file order without a seed, else a permutation keyed by (seed, epoch). */
export function epochOrder(files: readonly DatasetFile[], seed: number | null, epoch: number): ReadUnit[] {
  const units = unitsOf(files);
  return seed === null ? units : shuffleInPlace(units, seededRandom([seed, epoch, 0x0b5e55ed]));
}

/**
 * The units worker `worker` of `workers` reads in an epoch, in read order.
 * @throws InvalidArgumentError for bad shard options
 */
export function shardUnits(order: readonly ReadUnit[], options: CheckedShardOptions): ReadUnit[] {
  const { workers, worker } = checkShard(options);
  if (workers === 1) return [...order];
  const total = order.reduce((s, u) => s + u.rows, 0);
  const out: ReadUnit[] = [];
  let before = 0;
  order.forEach((u, i) => {
    // With no rows at all, deal units round-robin so the assignment stays a partition.
    const owner = total === 0 ? i % workers : Math.min(workers - 1, Math.floor((workers * (before + u.rows / 2)) / total));
    before += u.rows;
    if (owner === worker) out.push(u);
  });
  return out;
}
