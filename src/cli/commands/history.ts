/**
 * `floe history <table>`: the snapshot log, oldest first: when each snapshot became current,
 * its operation, rows added and total, and the branches and tags pointing at it.
 *
 * @module
 */
import { Command } from 'commander';
import { formatTable } from '../format-table.js';
import { contextOf } from '../context.js';
import { isoTime } from './common.js';

/** `floe history`. */
export function historyCommand(): Command {
  return new Command('history')
    .description('list the snapshots that were current, oldest first')
    .argument('<table>', 'the table')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const refsBySnapshot = new Map<bigint, string[]>();
      for (const [refName, ref] of Object.entries(table.refs())) refsBySnapshot.set(ref.snapshotId, [...(refsBySnapshot.get(ref.snapshotId) ?? []), refName]);
      const entries = table.history().map((h) => {
        const snap = table.snapshots().find((s) => s.snapshotId === h.snapshotId);
        return {
          madeCurrentAt: isoTime(h.timestampMs),
          timestampMs: h.timestampMs,
          snapshotId: h.snapshotId,
          parentSnapshotId: h.parentSnapshotId ?? null,
          operation: h.operation ?? null,
          addedRecords: snap?.summary['added-records'] ?? null,
          deletedRecords: snap?.summary['deleted-records'] ?? null,
          totalRecords: snap?.summary['total-records'] ?? null,
          isCurrentAncestor: h.isCurrentAncestor,
          refs: refsBySnapshot.get(h.snapshotId) ?? [],
          schemaId: snap?.schemaId ?? null,
        };
      });
      await ctx.print(entries, () =>
        entries.length === 0
          ? `table ${table.name} has no snapshots yet\n`
          : formatTable(
              ['made_current_at', 'snapshot_id', 'parent_id', 'operation', 'added_rows', 'total_rows', 'current', 'refs'],
              entries.map((e) => [
                e.madeCurrentAt,
                String(e.snapshotId),
                e.parentSnapshotId === null ? '' : String(e.parentSnapshotId),
                e.operation ?? '',
                e.addedRecords ?? '',
                e.totalRecords ?? '',
                e.isCurrentAncestor ? 'yes' : 'no',
                e.refs.join(', '),
              ]),
            ),
      );
    });
}
