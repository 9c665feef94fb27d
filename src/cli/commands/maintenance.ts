/**
 * Table maintenance: `floe expire` (snapshot retention, spec/maintenance.md §M3) and
 * `floe remove-orphans` (files no reachable metadata references, §M1–§M2). Both take
 * `--dry-run` to say what they would do without doing it.
 *
 * @module
 */
import { Command } from 'commander';
import { InvalidArgumentError, type OrphanFile } from '../../index.js';
import { formatTable } from '../format-table.js';
import { contextOf } from '../context.js';
import { formatBytes } from '../progress.js';
import { DEFAULT_MAX_ROWS } from '../scan-output.js';
import { parseSince } from './audit.js';
import { isoTime, positiveInt } from './common.js';

interface ExpireCliOptions {
  readonly olderThan?: string;
  readonly retainLast?: string;
  readonly dryRun?: boolean;
}

interface OrphanCliOptions {
  readonly olderThan?: string;
  readonly dryRun?: boolean;
}

const DAY_MS = 24 * 3_600_000;

const TIME_HELP = 'ISO-8601, ms since the epoch, or back from now (36h, 7d)';

const count = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** `floe expire`. */
export function expireCommand(): Command {
  return new Command('expire')
    .description("expire old snapshots and delete the files only they referenced (defaults: the table's history.expire.* properties)")
    .argument('<table>', 'the table')
    .option('--older-than <time>', `expire snapshots older than this: ${TIME_HELP} (default: history.expire.max-snapshot-age-ms, 5 days)`)
    .option('--retain-last <n>', 'keep at least this many snapshots of each branch (default: history.expire.min-snapshots-to-keep, 1)')
    .option('--dry-run', 'say what would be expired; change nothing')
    .addHelpText(
      'after',
      `
Examples:
  floe expire ml.events --dry-run
  floe expire ml.events --older-than 7d --retain-last 10`,
    )
    .action(async (name: string, opts: ExpireCliOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const r = await table.expireSnapshots({
        ...(opts.olderThan !== undefined ? { olderThanMs: parseSince(opts.olderThan, Date.now(), '--older-than').getTime() } : {}),
        ...(opts.retainLast !== undefined ? { retainLast: positiveInt(opts.retainLast, '--retain-last') } : {}),
        ...(opts.dryRun ? { dryRun: true } : {}),
      });
      const dry = opts.dryRun === true;
      await ctx.print({ table: table.name, dryRun: dry, expiredSnapshotIds: r.expiredSnapshotIds, removedRefs: r.removedRefs, deletedFiles: r.deletedFiles }, () => {
        const ids = r.expiredSnapshotIds.slice(0, DEFAULT_MAX_ROWS).map((id) => `  ${id}\n`).join('');
        const more = r.expiredSnapshotIds.length > DEFAULT_MAX_ROWS ? `  … ${count(r.expiredSnapshotIds.length - DEFAULT_MAX_ROWS, 'more snapshot')} (--json for all)\n` : '';
        const refs = r.removedRefs.length > 0 ? `${dry ? 'would remove' : 'removed'} refs past their max-ref-age-ms: ${r.removedRefs.join(', ')}\n` : '';
        const head = dry ? `would expire ${count(r.expiredSnapshotIds.length, 'snapshot')} of ${table.name} (dry run: nothing changed)` : `expired ${count(r.expiredSnapshotIds.length, 'snapshot')} of ${table.name}, deleted ${count(r.deletedFiles, 'file')}`;
        return `${head}${r.expiredSnapshotIds.length > 0 ? ':' : ''}\n${ids}${more}${refs}`;
      });
    });
}

/** `floe remove-orphans`. */
export function removeOrphansCommand(): Command {
  return new Command('remove-orphans')
    .description('delete files under the table no reachable metadata references (left by crashed writers or failed cleanups), older than a cut-off')
    .argument('<table>', 'the table')
    .option('--older-than <time>', `only files last modified before this: ${TIME_HELP}; at least 24h ago (default 3d)`)
    .option('--dry-run', 'list the orphan files; delete nothing')
    .addHelpText(
      'after',
      `
Files a commit in flight staged are never deleted: a writer refuses to commit files staged more
than 12 hours earlier, and the cut-off is at least 24 hours ago (spec/maintenance.md).

Examples:
  floe remove-orphans ml.events --dry-run
  floe remove-orphans ml.events --older-than 7d --json`,
    )
    .action(async (name: string, opts: OrphanCliOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const olderThanMs = opts.olderThan === undefined ? undefined : parseSince(opts.olderThan, Date.now(), '--older-than').getTime();
      if (olderThanMs !== undefined && olderThanMs > Date.now() - DAY_MS) {
        throw new InvalidArgumentError(`--older-than must be at least 24h ago (files that recent may belong to a commit in flight), got ${JSON.stringify(opts.olderThan)}`, { context: { option: '--older-than' } });
      }
      const r = await table.removeOrphanFiles({
        ...(olderThanMs !== undefined ? { olderThanMs } : {}),
        ...(opts.dryRun ? { dryRun: true } : {}),
      });
      await ctx.print({ table: table.name, ...r }, () => orphanText(table.name, r.orphanFiles, r));
    });
}

function orphanText(table: string, files: readonly OrphanFile[], r: { readonly dryRun: boolean; readonly deletedFiles: number; readonly failedPaths: readonly string[]; readonly olderThanMs: number }): string {
  const bytes = files.reduce((n, f) => n + f.sizeBytes, 0);
  const shown = files.slice(0, DEFAULT_MAX_ROWS).map((f) => [f.path, formatBytes(f.sizeBytes), isoTime(f.lastModifiedMs)]);
  const listing = shown.length > 0 ? formatTable(['path', 'size', 'last_modified'], shown, { maxCellWidth: 200 }) : '';
  const more = files.length > shown.length ? `… ${count(files.length - shown.length, 'more file')} (--json for all)\n` : '';
  const failed = r.failedPaths.length > 0 ? `could not delete ${count(r.failedPaths.length, 'file')} (left for the next run): ${r.failedPaths.slice(0, 5).join(', ')}${r.failedPaths.length > 5 ? ', …' : ''}\n` : '';
  const what = `${count(files.length, 'orphan file')} (${formatBytes(bytes)}) last modified before ${isoTime(r.olderThanMs)} in ${table}`;
  return `${listing}${more}${r.dryRun ? `${what} (dry run: nothing deleted)` : `deleted ${r.deletedFiles} of ${what}`}\n${failed}`;
}
