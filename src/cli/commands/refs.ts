/**
 * Named versions and going back (spec §Snapshot References): `floe tag`, `floe branch` (create,
 * list, remove) and `floe rollback` (make an earlier snapshot current on `main` again, as a new
 * metadata version; the history is kept).
 *
 * @module
 */
import { Command } from 'commander';
import { InvalidArgumentError, MAIN_BRANCH, type SnapshotRef, type Table } from '../../index.js';
import { formatTable } from '../format-table.js';
import { type CliContext, contextOf } from '../context.js';
import { pluralOf } from '../plural.js';

type RefType = SnapshotRef['type'];

interface RefOptions {
  readonly snapshot?: string;
  readonly remove?: boolean;
}

async function listRefs(ctx: CliContext, table: Table, type: RefType): Promise<void> {
  const refs = Object.entries(table.refs())
    .filter(([, r]) => r.type === type)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, r]) => ({ name, type: r.type, snapshotId: r.snapshotId }));
  await ctx.print(refs, () =>
    refs.length === 0 ? `table ${table.name} has no ${pluralOf(type)}\n` : formatTable([type, 'snapshot_id'], refs.map((r) => [r.name, String(r.snapshotId)])),
  );
}

function refCommand(type: RefType): Command {
  const verb = type === 'tag' ? 'tag a snapshot (a tag never moves)' : 'create a branch at a snapshot (append to it with --branch)';
  return new Command(type)
    .description(`${verb}; without NAME, list the ${pluralOf(type)}`)
    .argument('<table>', 'the table')
    .argument('[name]', `the ${type}'s name`)
    .option('--snapshot <id>', 'the snapshot (default: the current one)')
    .option('--remove', `remove the ${type} instead`)
    .action(async (name: string, refName: string | undefined, opts: RefOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      if (refName === undefined) {
        if (opts.remove || opts.snapshot !== undefined) throw new InvalidArgumentError(`give the ${type}'s NAME`);
        await listRefs(ctx, table, type);
        return;
      }
      if (opts.remove) {
        const existing = table.refs()[refName];
        if (!existing || existing.type !== type) throw new InvalidArgumentError(`table ${table.name} has no ${type} named ${refName}`, { help: `list them with \`floe ${type} ${name}\`` });
        await table.removeRef(refName);
        await ctx.print({ table: table.name, removed: refName, type }, () => `removed ${type} ${refName} from ${table.name}\n`);
        return;
      }
      const ref = type === 'tag' ? await table.createTag(refName, opts.snapshot) : await table.createBranch(refName, opts.snapshot);
      await ctx.print({ table: table.name, name: refName, type, snapshotId: ref.snapshotId }, () => `${type} ${refName} → snapshot ${ref.snapshotId} in ${table.name}\n`);
    });
}

/** `floe tag`. */
export function tagCommand(): Command {
  return refCommand('tag');
}

/** `floe branch`. */
export function branchCommand(): Command {
  return refCommand('branch');
}

/** `floe rollback`. */
export function rollbackCommand(): Command {
  return new Command('rollback')
    .description('make an earlier snapshot current again on main (a new version; history is kept)')
    .argument('<table>', 'the table')
    .argument('<snapshot-id>', 'the snapshot: its id (see `floe history`), or a tag or branch naming it')
    .action(async (name: string, id: string, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const before = table.refs()[MAIN_BRANCH]?.snapshotId ?? null;
      const snap = await table.rollbackTo(id);
      await ctx.print({ table: table.name, snapshotId: snap.snapshotId, previousSnapshotId: before }, () =>
        `${table.name}: main is now at snapshot ${snap.snapshotId}${before === null ? '' : ` (was ${before})`}\n`,
      );
    });
}
