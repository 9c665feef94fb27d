/**
 * Expiring snapshots (Iceberg's `ExpireSnapshots`): old snapshots leave the metadata, then the
 * files only they referenced (manifest lists, manifests, data and delete files) are deleted.
 *
 * What is kept: the snapshot every branch and tag points at; on each branch, its newest
 * `retainLast` ancestors and every ancestor newer than `olderThanMs`; every other snapshot newer
 * than `olderThanMs`. Metadata files are never deleted (spec/commit-protocol.md §C4).
 *
 * The metadata change re-derives what to expire from each fresh base, so it commutes with
 * concurrent commits (§C7). Files are deleted only after the commit, and only those no retained
 * snapshot of the committed version reaches.
 *
 * @module
 */
import type { TableState } from '../commit/index.js';
import { InvalidArgumentError, isFloeError } from '../errors.js';
import { readLiveFiles, readSnapshotManifests } from '../scan/index.js';
import type { Snapshot, TableMetadata } from '../spec/index.js';
import type { TableContext } from './table-context.js';
import { metadataChange } from './metadata-change.js';
import type { Change } from './change.js';

/** Options of expiring snapshots (defaults follow Java's `history.expire.*` properties). */
export interface ExpireOptions {
  /** Expire snapshots older than this (ms since the epoch); default now − `history.expire.max-snapshot-age-ms` (5 days). */
  readonly olderThanMs?: number;
  /** Keep at least this many ancestors of each branch head; default `history.expire.min-snapshots-to-keep` (1). */
  readonly retainLast?: number;
  /** Delete the files only expired snapshots referenced (default true). */
  readonly cleanFiles?: boolean;
}

/** What an expiry did. */
export interface ExpireResult {
  /** The snapshots removed from the metadata. */
  readonly expiredSnapshotIds: readonly bigint[];
  /** Files deleted (manifest lists, manifests, data and delete files). */
  readonly deletedFiles: number;
}

function ancestors(metadata: TableMetadata, head: bigint): Snapshot[] {
  const out: Snapshot[] = [];
  let cur = metadata.snapshots.find((s) => s.snapshotId === head);
  while (cur) {
    out.push(cur);
    const parent = cur.parentSnapshotId;
    cur = parent === undefined ? undefined : metadata.snapshots.find((s) => s.snapshotId === parent);
  }
  return out;
}

/** The snapshots to expire from a base (pure). */
export function snapshotsToExpire(metadata: TableMetadata, olderThanMs: number, retainLast: number): bigint[] {
  const keep = new Set<bigint>();
  for (const ref of Object.values(metadata.refs)) {
    keep.add(ref.snapshotId);
    if (ref.type !== 'branch') continue;
    ancestors(metadata, ref.snapshotId).forEach((s, i) => {
      if (i < Math.max(1, ref.minSnapshotsToKeep ?? retainLast) || s.timestampMs >= olderThanMs) keep.add(s.snapshotId);
    });
  }
  if (metadata.currentSnapshotId !== null) keep.add(metadata.currentSnapshotId);
  return metadata.snapshots.filter((s) => !keep.has(s.snapshotId) && s.timestampMs < olderThanMs).map((s) => s.snapshotId);
}

/** Resolves options against table properties and the clock. */
export function expireSettings(metadata: TableMetadata, nowMs: number, options: ExpireOptions): { olderThanMs: number; retainLast: number } {
  const maxAge = Number(metadata.properties['history.expire.max-snapshot-age-ms'] ?? 5 * 24 * 3_600_000);
  const minKeep = Number(metadata.properties['history.expire.min-snapshots-to-keep'] ?? 1);
  const retainLast = options.retainLast ?? minKeep;
  if (!Number.isInteger(retainLast) || retainLast < 1) throw new InvalidArgumentError(`retainLast must be a positive integer, got ${retainLast}`);
  return { olderThanMs: options.olderThanMs ?? nowMs - maxAge, retainLast };
}

/** The metadata change that removes the expired snapshots (re-derived per attempt). */
export function expireChange(options: ExpireOptions, nowMs: number): Change<bigint[]> {
  return metadataChange((base: TableState) => {
    const { olderThanMs, retainLast } = expireSettings(base.metadata, nowMs, options);
    const expired = snapshotsToExpire(base.metadata, olderThanMs, retainLast);
    return { updates: expired.length > 0 ? [{ action: 'remove-snapshots', snapshotIds: expired }] : [], result: expired };
  });
}

/**
 * Every file the snapshots reach. With `skipMissing`, a manifest list or manifest already
 * deleted is skipped (another writer expired the same snapshots and cleaned up first, e.g. when a
 * catalog re-applied this expiry on a newer head); without it, a missing one fails, since the
 * retained set must be complete before anything is deleted.
 */
async function filesOf(ctx: TableContext, metadata: TableMetadata, snapshots: readonly Snapshot[], skipMissing = false): Promise<Set<string>> {
  const files = new Set<string>();
  const planCtx = { table: ctx.name, metadata, locator: ctx.locator };
  const seenManifests = new Set<string>();
  const tolerant = async <T>(read: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await read();
    } catch (e) {
      if (skipMissing && (isFloeError(e, 'NOT_FOUND') || isFloeError(e, 'DATA_FILE_NOT_FOUND'))) return [];
      throw e;
    }
  };
  for (const s of snapshots) {
    // A v1 snapshot may list its manifests inline, with no manifest list (spec §Snapshots).
    if (s.manifestList) files.add(s.manifestList);
    for (const m of await tolerant(() => readSnapshotManifests(planCtx, s))) {
      files.add(m.manifestPath);
      if (seenManifests.has(m.manifestPath)) continue;
      seenManifests.add(m.manifestPath);
      for (const live of await tolerant(() => readLiveFiles(planCtx, m))) files.add(live.file.filePath);
    }
  }
  return files;
}

/**
 * Deletes the files that only the expired snapshots reach, given the metadata before and after
 * the expiry. Best effort per file: a failed delete leaves an orphan, never a broken table.
 */
export async function deleteExpiredFiles(ctx: TableContext, before: TableMetadata, after: TableMetadata, expired: readonly bigint[]): Promise<number> {
  if (expired.length === 0) return 0;
  const gone = new Set(expired);
  const expiredSnaps = before.snapshots.filter((s) => gone.has(s.snapshotId));
  const candidates = await filesOf(ctx, before, expiredSnaps, true);
  const retained = await filesOf(ctx, after, after.snapshots);
  let deleted = 0;
  for (const f of candidates) {
    if (retained.has(f)) continue;
    try {
      const { store, key } = ctx.locator.resolve(f);
      await store.delete(key);
      deleted += 1;
    } catch {
      // best effort: an undeleted file is an orphan, which later cleanup may remove
    }
  }
  return deleted;
}
