/**
 * Training reads and embeddings search, built on the public table API only.
 *
 * Owns: {@link Dataset} (a pinned snapshot named by a frozen, serializable {@link DatasetSpec}
 * that re-opens to the same rows in the same order), deterministic sharding of row groups over
 * N workers, seeded per-epoch shuffling with a bounded shuffle buffer, resumable readers with a
 * small cursor, fixed-size batches and typed-array views of numeric and vector columns, and exact
 * k-nearest-neighbour search (`nearest`, with an opt-in byte-bounded `VectorCache` of a snapshot's rows).
 *
 * Guarantees: the same spec and (seed, epoch, workers, worker) always yield the same batches;
 * the N shards of an epoch partition the dataset's rows (each row read by exactly one worker);
 * a reader resumed from a cursor continues exactly where the old one stopped, and accepts only a
 * cursor of its own dataset, shard and epoch; reads pinned to a snapshot resolve column names
 * with that snapshot's schema; `nearest` is exact; options are checked (zod) before any read.
 * Needs from below: `Table.scan` / `Scan.planFiles` and `Table.fileReader` (row-group reads).
 *
 * Loading this module adds `dataset()` and `nearest()` to `Table.prototype`.
 *
 * @module
 */
import './table-methods.js';

export { Dataset, DatasetShard, DEFAULT_BATCH_SIZE, type DatasetOptions, type FromSpecOptions } from './dataset.js';
export { DATASET_SPEC_FORMAT, decodeDatasetSpec, encodeDatasetSpec, type DatasetFile, type DatasetSpec } from './dataset-spec.js';
export { DatasetReader, type ReaderOptions } from './reader.js';
export { READ_CURSOR_FORMAT, type DatasetFingerprint, type ReadCursor } from './cursor.js';
export { type ReadUnit, type ShardOptions } from './shard.js';
export { seededRandom, type Random } from './prng.js';
export { numericColumn, vectorColumn, type ColumnArray, type NumericArray } from './tensors.js';
export { distanceFunction, type DistanceMetric } from './distance.js';
export { nearest, type NearestHit, type NearestOptions } from './nearest.js';
export { VectorCache, type VectorCacheOptions, type VectorCacheStats } from './vector-cache.js';
