/**
 * `floe compact` (data-file compaction, spec/maintenance.md §M4) and `floe rewrite-manifests`
 * (§M5): both commit one `replace` snapshot that leaves the table's rows as they are.
 *
 * @module
 */
import { Command } from 'commander';
import { z } from 'zod';
import { InvalidArgumentError } from '../../index.js';
import { contextOf } from '../context.js';
import { formatBytes } from '../progress.js';
import { collect, positiveInt } from './common.js';

interface CompactCliOptions {
  readonly filter?: string;
  readonly targetFileSize?: string;
  readonly sortBy?: string[];
  readonly minInputFiles?: string;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

const SIZE = z
  .string()
  .trim()
  .regex(/^(\d+)\s*(b|kb|mb|gb|kib|mib|gib)?$/i)
  .transform((s) => {
    const m = /^(\d+)\s*([a-z]*)$/i.exec(s)!;
    return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  })
  .pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));

/**
 * Parses a size option (`536870912`, `512MiB`, `128MB`).
 * @param value the text
 * @param option the option's name, for the message
 * @throws InvalidArgumentError when it is not a positive size
 */
export function byteSize(value: string, option: string): number {
  const parsed = SIZE.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`${option} must be a positive size in bytes (e.g. 536870912, 512MiB, 128MB), got ${JSON.stringify(value)}`, { context: { option, value } });
  return parsed.data;
}

const count = (n: number, what: string): string => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** `floe compact`. */
export function compactCommand(): Command {
  return new Command('compact')
    .description('rewrite small data files (and the delete files applying to them) into files of the target size, sorted if asked, as one replace snapshot; rows stay the same')
    .argument('<table>', 'the table')
    .option('--filter <expr>', "only files that may hold matching rows (e.g. \"day = '2026-01-01'\")")
    .option('--target-file-size <size>', 'the size new files aim at: bytes or 512MiB, 128MB (default: write.target-file-size-bytes, else 512MiB)')
    .option('--sort-by <term>', "sort rows by a column: 'id', 'ts DESC', 'v NULLS LAST'; repeat for more (default: write.sort-order, else the table's sort order)", collect)
    .option('--min-input-files <n>', "leave a partition's group of fewer small files alone (default 5)")
    .addHelpText(
      'after',
      `
Files smaller than 75% of the target (larger than 180% of it, or with deletes) are packed per
partition into groups; a concurrent append does not conflict, a concurrent delete of a file being
rewritten does (nothing is committed then). spec/maintenance.md §M4.

Examples:
  floe compact ml.events
  floe compact ml.events --target-file-size 128MiB --sort-by user_id --json`,
    )
    .action(async (name: string, opts: CompactCliOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const options = {
        ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
        ...(opts.targetFileSize !== undefined ? { targetFileSizeBytes: byteSize(opts.targetFileSize, '--target-file-size') } : {}),
        ...(opts.sortBy !== undefined ? { sortBy: opts.sortBy } : {}),
        ...(opts.minInputFiles !== undefined ? { minInputFiles: positiveInt(opts.minInputFiles, '--min-input-files') } : {}),
      };
      const table = await ctx.table(name);
      const r = await table.rewriteDataFiles(options);
      const { snapshot, ...counts } = r;
      await ctx.print({ table: table.name, snapshotId: snapshot?.snapshotId ?? null, ...counts }, () =>
        snapshot
          ? `compacted ${table.name}: ${count(r.rewrittenDataFiles, 'data file')} (${formatBytes(r.rewrittenBytes)}) into ${r.addedDataFiles}, ${count(r.removedDeleteFiles, 'delete file')} folded in; snapshot ${snapshot.snapshotId}\n`
          : `nothing to compact in ${table.name}\n`,
      );
    });
}

/** `floe rewrite-manifests`. */
export function rewriteManifestsCommand(): Command {
  return new Command('rewrite-manifests')
    .description('rewrite the current snapshot\'s manifests into fewer, clustered by partition, as one replace snapshot with no data change')
    .argument('<table>', 'the table')
    .addHelpText(
      'after',
      `
Manifests of each content and partition spec become as few as commit.manifest.target-size-bytes
(default 8 MiB) allows. spec/maintenance.md §M5.

Examples:
  floe rewrite-manifests ml.events --json`,
    )
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const r = await table.rewriteManifests();
      const { snapshot, ...counts } = r;
      await ctx.print({ table: table.name, snapshotId: snapshot?.snapshotId ?? null, ...counts }, () =>
        snapshot
          ? `rewrote ${count(r.rewrittenManifests, 'manifest')} of ${table.name} into ${r.addedManifests} (${r.entries.toLocaleString('en-US')} ${r.entries === 1 ? 'entry' : 'entries'}); snapshot ${snapshot.snapshotId}\n`
          : `nothing to rewrite in ${table.name}: one manifest per content and spec already\n`,
      );
    });
}
