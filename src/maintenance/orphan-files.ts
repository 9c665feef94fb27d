/**
 * Orphan-file cleanup (Iceberg's `DeleteOrphanFiles` action; spec/maintenance.md §M1–§M3): list
 * the table's `data/` and `metadata/` folders, subtract every file a reachable metadata version
 * references, and delete what is left when it is older than the cut-off.
 *
 * The order is what makes it safe with writers running (§M2):
 * 1. the cut-off is fixed first, at least {@link MIN_ORPHAN_AGE_MS} in the past;
 * 2. the folders are listed, keeping only files last modified before the cut-off;
 * 3. only then is the latest metadata loaded and the referenced set collected.
 * A commit that lands after step 3 cannot reference a file older than the cut-off, because
 * writers refuse to commit files staged longer ago than {@link MAX_STAGED_AGE_MS}; a commit that
 * landed before it is in the metadata read. Metadata files (`*.metadata.json` in every spelling)
 * and the version hint are never deleted: a stale writer may still target a version file
 * (spec/commit-protocol.md §C4).
 *
 * @module
 */
import pLimit from 'p-limit';
import { z } from 'zod';
import { MIN_ORPHAN_AGE_MS, type TableState, VERSION_HINT_FILE, parseMetadataFileName } from '../commit/index.js';
import { InvalidArgumentError } from '../errors.js';
import { parseArgument } from '../spec/index.js';
import type { FileLocator, ObjectStore } from '../store/index.js';
import { requireGcEnabled } from '../spec/index.js';
import { reachableFiles } from './reachable-files.js';

/** The default age of files cleanup may delete: 3 days, as Iceberg Java's action. */
export const DEFAULT_ORPHAN_AGE_MS = 3 * 24 * 3_600_000;

/** Options of orphan-file cleanup. */
export interface RemoveOrphanFilesOptions {
  /**
   * Delete only files last modified before this time (ms since the epoch); default now − 3 days.
   * Must be at least 24 hours in the past (spec/maintenance.md §M2).
   */
  readonly olderThanMs?: number;
  /** List the orphans without deleting them (default false). */
  readonly dryRun?: boolean;
}

/** A file no reachable metadata references. */
export interface OrphanFile {
  /** Its path relative to the table root (`data/…/x.parquet`, `metadata/…-m0.avro`). */
  readonly path: string;
  /** Its size. */
  readonly sizeBytes: number;
  /** When the store says it was last written. */
  readonly lastModifiedMs: number;
}

/** What a cleanup found and did. */
export interface RemoveOrphanFilesResult {
  /** The orphans found, by path (deleted unless `dryRun` or listed in `failedPaths`). */
  readonly orphanFiles: readonly OrphanFile[];
  /** How many were deleted (0 for a dry run). */
  readonly deletedFiles: number;
  /** Orphans whose delete failed (they stay; a later run retries them). */
  readonly failedPaths: readonly string[];
  /** The cut-off used (ms since the epoch). */
  readonly olderThanMs: number;
  /** Whether this was a dry run. */
  readonly dryRun: boolean;
}

/** What cleanup needs from the table. */
export interface OrphanCleanupContext {
  /** The table's name, for messages. */
  readonly table: string;
  /** The store rooted at the table. */
  readonly store: ObjectStore;
  /** Loads the latest committed state and the locator for its recorded locations. */
  readonly reload: () => Promise<{ readonly state: TableState; readonly locator: FileLocator }>;
}

const OptionsSchema = z.strictObject({
  olderThanMs: z.number({ error: 'expected ms since the epoch (a finite number)' }).optional(),
  dryRun: z.boolean({ error: 'expected true or false' }).optional(),
});

/**
 * Checks the options of `removeOrphanFiles` and resolves the cut-off.
 * @param options what the caller passed
 * @param table the table, for messages
 * @param nowMs the clock's time
 * @throws InvalidArgumentError naming the option: an unknown key, a wrong type, or an
 *   `olderThanMs` less than 24 hours in the past
 */
export function parseOrphanOptions(options: unknown, table: string, nowMs: number): { readonly olderThanMs: number; readonly dryRun: boolean } {
  const parsed = parseArgument(OptionsSchema, options, `options of removeOrphanFiles on table ${table}`);
  const olderThanMs = parsed.olderThanMs ?? nowMs - DEFAULT_ORPHAN_AGE_MS;
  if (olderThanMs > nowMs - MIN_ORPHAN_AGE_MS) {
    throw new InvalidArgumentError(
      `invalid options of removeOrphanFiles on table ${table}: olderThanMs ${olderThanMs} is less than ${MIN_ORPHAN_AGE_MS} ms (24 h) before now (${nowMs}); files that recent may belong to a commit in flight`,
      { context: { argument: 'olderThanMs', table, olderThanMs, nowMs }, help: `pass olderThanMs <= ${nowMs - MIN_ORPHAN_AGE_MS}, or leave it out for 3 days` },
    );
  }
  return { olderThanMs, dryRun: parsed.dryRun ?? false };
}

/** Paths cleanup never deletes: metadata files in any spelling, the hint, hidden files (`.x`, `_x`). */
function isProtected(path: string): boolean {
  if (path === VERSION_HINT_FILE) return true;
  const segments = path.split('/');
  const name = segments[segments.length - 1] ?? '';
  if (segments.some((s) => s.startsWith('.')) || name.startsWith('_')) return true;
  return parseMetadataFileName(name) !== undefined;
}

/** The folders cleanup lists, relative to the table root (Java lists the data and metadata locations). */
const FOLDERS = ['data/', 'metadata/'] as const;

/**
 * Finds (and unless `dryRun`, deletes) the table's orphan files.
 * @param ctx the table
 * @param options the checked options (see {@link parseOrphanOptions})
 * @throws DataFileNotFoundError when a file the current metadata references is missing (nothing is deleted)
 */
export async function removeOrphanFiles(ctx: OrphanCleanupContext, options: { readonly olderThanMs: number; readonly dryRun: boolean }): Promise<RemoveOrphanFilesResult> {
  const { olderThanMs, dryRun } = options;
  const candidates: OrphanFile[] = [];
  for (const folder of FOLDERS) {
    for await (const meta of ctx.store.list(folder)) {
      if (meta.lastModifiedMs >= olderThanMs || isProtected(meta.path)) continue;
      candidates.push({ path: meta.path, sizeBytes: meta.sizeBytes, lastModifiedMs: meta.lastModifiedMs });
    }
  }
  // Only after listing: a commit that landed meanwhile is in the metadata read now.
  const { state, locator } = await ctx.reload();
  requireGcEnabled(state.metadata.properties, ctx.table, 'remove orphan files of');
  const reachable = await reachableFiles({ table: ctx.table, rootStore: ctx.store, locator, state });
  const orphanFiles = candidates.filter((f) => !reachable.keys.has(f.path) && !reachable.names.has(f.path.slice(f.path.lastIndexOf('/') + 1)));
  orphanFiles.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const failedPaths: string[] = [];
  let deletedFiles = 0;
  if (!dryRun) {
    const limit = pLimit(8);
    await Promise.all(
      orphanFiles.map((f) =>
        limit(async () => {
          try {
            await ctx.store.delete(f.path);
            deletedFiles += 1;
          } catch {
            // best effort, as Java's action: the file stays an orphan for the next run
            failedPaths.push(f.path);
          }
        }),
      ),
    );
  }
  failedPaths.sort();
  return { orphanFiles, deletedFiles, failedPaths, olderThanMs, dryRun };
}
