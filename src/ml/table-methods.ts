/**
 * `table.dataset(…)` and `table.nearest(…)`: the training and search entry points as methods of
 * {@link Table}. The table layer cannot import `ml/` (it sits below it), so `ml/` adds the
 * methods to `Table.prototype` when it is loaded; the package entry points load it, so every
 * `Table` has them.
 *
 * @module
 */
import { Table } from '../table.js';
import { Dataset, type DatasetOptions } from './dataset.js';
import { type NearestHit, type NearestOptions, nearest } from './nearest.js';

declare module '../table.js' {
  interface Table {
    /**
     * Pins a snapshot as a reproducible training {@link Dataset} (see `Dataset.create`).
     * @throws SnapshotNotFoundError when there is no such snapshot
     * @throws InvalidArgumentError for unknown columns, a bad filter, seed or batch size
     */
    dataset(options?: DatasetOptions): Promise<Dataset>;
    /**
     * Exact k-nearest-neighbour search over a vector column (see `nearest`).
     * @throws InvalidArgumentError for bad options
     */
    nearest(options: NearestOptions): Promise<NearestHit[]>;
  }
}

Table.prototype.dataset = function dataset(this: Table, options: DatasetOptions = {}): Promise<Dataset> {
  return Dataset.create(this, options);
};

Table.prototype.nearest = function nearestMethod(this: Table, options: NearestOptions): Promise<NearestHit[]> {
  return nearest(this, options);
};
