/**
 * `floe history <table> [--branch NAME]`: the snapshot log, oldest first: when each snapshot
 * became current, its operation, rows added and total, whether it is the current snapshot or
 * an ancestor of it, and the branches and tags pointing at it. With `--branch`, the history of
 * that branch instead: its head and the head's ancestors (spec §Snapshots: each snapshot names
 * its parent), since the snapshot log records only what became current on `main`.
 *
 * @module
 */
import { Command } from 'commander';
import { RefNotFoundError, type Snapshot, type Table } from '../../index.js';
import { formatTable } from '../format-table.js';
import { contextOf } from '../context.js';
import { isoTime, summaryCount } from './common.js';

/** One line of the history (`--json` prints these). */
interface HistoryRow {
  readonly madeCurrentAt: string;
  readonly timestampMs: number;
  readonly snapshotId: bigint;
  readonly parentSnapshotId: bigint | null;
  readonly operation: string | null;
  readonly addedRecords: number | null;
  readonly deletedRecords: number | null;
  readonly totalRecords: number | null;
  readonly isCurrent: boolean;
  readonly isCurrentAncestor: boolean;
  readonly refs: string[];
  readonly schemaId: number | null;
}

/** A snapshot and its ancestors, oldest first (a parent missing after expiry ends the walk). */
function lineOf(byId: ReadonlyMap<bigint, Snapshot>, head: Snapshot): Snapshot[] {
  const out: Snapshot[] = [];
  const seen = new Set<bigint>();
  for (let cur: Snapshot | undefined = head; cur && !seen.has(cur.snapshotId); cur = cur.parentSnapshotId === undefined ? undefined : byId.get(cur.parentSnapshotId)) {
    seen.add(cur.snapshotId);
    out.push(cur);
  }
  return out.reverse();
}

function rowsOf(table: Table, branch: string | undefined): HistoryRow[] {
  const refsBySnapshot = new Map<bigint, string[]>();
  for (const [refName, ref] of Object.entries(table.refs())) refsBySnapshot.set(ref.snapshotId, [...(refsBySnapshot.get(ref.snapshotId) ?? []), refName]);
  const byId = new Map(table.snapshots().map((s) => [s.snapshotId, s]));
  const row = (timestampMs: number, snapshotId: bigint, isCurrent: boolean, isCurrentAncestor: boolean): HistoryRow => {
    const snap = byId.get(snapshotId);
    const summary = snap?.summary ?? {};
    return {
      madeCurrentAt: isoTime(timestampMs),
      timestampMs,
      snapshotId,
      parentSnapshotId: snap?.parentSnapshotId ?? null,
      operation: snap?.summary.operation ?? null,
      addedRecords: summaryCount(summary, 'added-records'),
      deletedRecords: summaryCount(summary, 'deleted-records'),
      totalRecords: summaryCount(summary, 'total-records'),
      isCurrent,
      isCurrentAncestor,
      refs: refsBySnapshot.get(snapshotId) ?? [],
      schemaId: snap?.schemaId ?? null,
    };
  };
  if (branch !== undefined) {
    const ref = table.refs()[branch];
    const head = ref?.type === 'branch' ? byId.get(ref.snapshotId) : undefined;
    if (!head) throw new RefNotFoundError(branch, { context: { table: table.name } });
    return lineOf(byId, head).map((s) => row(s.timestampMs, s.snapshotId, s === head, true));
  }
  const log = table.history();
  const currentId = table.currentSnapshot()?.snapshotId;
  // After a rollback the log names a snapshot twice; only its latest entry is "current".
  const currentIndex = log.findLastIndex((h) => h.snapshotId === currentId);
  return log.map((h, i) => row(h.timestampMs, h.snapshotId, i === currentIndex, h.isCurrentAncestor));
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** `floe history`. */
export function historyCommand(): Command {
  return new Command('history')
    .description('list the snapshots that were current, oldest first (or a branch\'s snapshots)')
    .argument('<table>', 'the table')
    .option('--branch <name>', 'the history of this branch: its head and the head\'s ancestors')
    .addHelpText(
      'after',
      `
current: the snapshot the table (or the --branch) reads now; ancestor: the current snapshot
or one it was built on (after a rollback, the snapshots rolled back past are not). With
--branch, made_current_at is when each snapshot was committed.`,
    )
    .action(async (name: string, opts: { branch?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const entries = rowsOf(table, opts.branch);
      await ctx.print(entries, () =>
        entries.length === 0
          ? `table ${table.name} has no snapshots yet\n`
          : formatTable(
              ['made_current_at', 'snapshot_id', 'parent_id', 'operation', 'added_rows', 'total_rows', 'current', 'ancestor', 'refs'],
              entries.map((e) => [
                e.madeCurrentAt,
                String(e.snapshotId),
                e.parentSnapshotId === null ? '' : String(e.parentSnapshotId),
                e.operation ?? '',
                e.addedRecords === null ? '' : String(e.addedRecords),
                e.totalRecords === null ? '' : String(e.totalRecords),
                yesNo(e.isCurrent),
                yesNo(e.isCurrentAncestor),
                e.refs.join(', '),
              ]),
            ),
      );
    });
}
