/**
 * One seeded random round of the changes merge-on-read and copy-on-write must agree on (delete
 * by a range or a value filter, overwrite by a range, upsert of known and new keys), applied
 * alike to every table given: the merge-on-read property tests compare the tables after each.
 */
import type { Table } from 'floe';

/** A row of the property tests' schema (`id long not null, cat string, v double`). */
export type RoundRow = {
  readonly id: number;
  readonly cat: string;
  readonly v: number;
};

/** Sizes of a round's changes. */
export interface RoundSizes {
  /** Widest id range a range delete covers. */
  readonly deleteRange: number;
  /** Ids an overwrite's filter covers. */
  readonly overwriteRange: number;
  /** Rows an overwrite adds. */
  readonly overwriteRows: number;
  /** Keys an upsert draws. */
  readonly upsertKeys: number;
}

/** Rows for ids, category by `id % 3`, value from `random`. */
export function roundRows(ids: readonly number[], random: () => number): RoundRow[] {
  return ids.map((id) => ({ id, cat: `c${id % 3}`, v: Math.round(random() * 1000) }));
}

/**
 * Applies one random change to each table.
 * @param ids the next unused id (advanced by rows added)
 * @returns the kind of change (0 delete, 1 overwrite, 2 upsert), for messages
 */
export async function applyRandomRound(tables: readonly Table[], options: { readonly random: () => number; readonly round: number; readonly ids: { next: number }; readonly sizes: RoundSizes }): Promise<number> {
  const { random, round, ids, sizes } = options;
  const pick = (): number => Math.floor(random() * ids.next);
  const fresh = (count: number): number[] => Array.from({ length: count }, () => ids.next++);
  const op = Math.floor(random() * 3);
  if (op === 0) {
    const lo = pick();
    const filter = random() < 0.5 ? `id >= ${lo} AND id < ${lo + Math.floor(random() * sizes.deleteRange)}` : `v < ${Math.floor(random() * 200)} AND cat = 'c${round % 3}'`;
    for (const t of tables) await t.delete(filter);
  } else if (op === 1) {
    const lo = pick();
    const filter = `id >= ${lo} AND id < ${lo + sizes.overwriteRange}`;
    const data = roundRows(fresh(sizes.overwriteRows), random);
    for (const t of tables) await t.overwrite(data, { filter });
  } else {
    const keys = new Set<number>();
    for (let i = 0; i < sizes.upsertKeys; i++) keys.add(random() < 0.8 ? pick() : ids.next++);
    const data = roundRows([...keys], random);
    for (const t of tables) await t.upsert(data, { on: 'id' });
  }
  return op;
}

/** Appends the same `files` batches of `rowsPerFile` fresh rows to each table. */
export async function appendSameRows(tables: readonly Table[], options: { readonly random: () => number; readonly ids: { next: number }; readonly files: number; readonly rowsPerFile: number }): Promise<void> {
  for (let f = 0; f < options.files; f++) {
    const batch = roundRows(Array.from({ length: options.rowsPerFile }, () => options.ids.next++), options.random);
    for (const t of tables) await t.append(batch);
  }
}
