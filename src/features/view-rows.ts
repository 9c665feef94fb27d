/**
 * Reading a view's rows at one snapshot of its source table: projected to the view's columns
 * (and any extra ones asked), its source filter applied, streamed in batches.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { parseFilter } from '../expr/index.js';
import type { Table } from '../table.js';
import type { FeatureViewDefinition } from './view.js';

/** The columns a view reads: entities, event time, features (then `extra`), each once. */
export function viewColumns(view: FeatureViewDefinition, extra: readonly string[] = []): string[] {
  return [...new Set([...view.entities.map((e) => e.name), view.eventTime, ...view.features.map((f) => f.name), ...extra])];
}

/** The view's rows in `table` at `snapshotId`, as batches. @throws SnapshotNotFoundError for an unknown (or expired) snapshot */
export function viewBatches(view: FeatureViewDefinition, table: Table, snapshotId: bigint, extra: readonly string[] = []): AsyncIterable<arrow.RecordBatch> {
  return table
    .scan({
      snapshotId,
      columns: viewColumns(view, extra),
      ...(view.source.filter !== undefined ? { filter: parseFilter(view.source.filter) } : {}),
    })
    .batches();
}
