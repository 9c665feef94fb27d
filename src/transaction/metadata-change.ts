/**
 * Changes that touch only table metadata (refs, properties, schema, partition spec): each
 * attempt derives its updates from the fresh base, so they re-apply after a conflict unless a
 * requirement says the base moved in a way that matters.
 *
 * @module
 */
import type { TableState } from '../commit/index.js';
import type { Change, ChangeAttempt } from './change.js';
import type { TableRequirement, TableUpdate } from './updates.js';

/**
 * A change computed from each base by `derive`.
 * @param derive returns requirements and updates for a base (throwing to refuse)
 */
export function metadataChange<R = void>(
  derive: (base: TableState) => { requirements?: readonly TableRequirement[]; updates: readonly TableUpdate[]; result: R },
): Change<R> {
  return {
    build(base): Promise<ChangeAttempt<R>> {
      const d = derive(base);
      return Promise.resolve({ requirements: d.requirements ?? [], updates: d.updates, result: d.result });
    },
  };
}
