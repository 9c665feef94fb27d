/**
 * Expiring snapshots (Iceberg's `ExpireSnapshots`): old snapshots leave the metadata, then the
 * files only they referenced (manifest lists, manifests, data and delete files) are deleted.
 *
 * What is kept follows the spec's "Snapshot Retention Policy" with the table's `history.expire.*`
 * properties and each ref's own `min-snapshots-to-keep`, `max-snapshot-age-ms` and
 * `max-ref-age-ms` ({@link planExpiry}). Metadata files are never deleted
 * (spec/commit-protocol.md §C4).
 *
 * The metadata change re-derives what to expire from each fresh base, so it commutes with
 * concurrent commits (§C7). A table with `gc.enabled=false` is refused, as Java's
 * `RemoveSnapshots` refuses it, unless `cleanFiles` is false (then no file is deleted). Files are deleted only after the commit, and only those no retained
 * snapshot of the committed version reaches.
 *
 * @module
 */
import type { TableState } from '../commit/index.js';
import { InvalidArgumentError, ValidationError, isFloeError } from '../errors.js';
import { readLiveFiles, readSnapshotManifests } from '../scan/index.js';
import { MAIN_BRANCH, type Snapshot, type SnapshotRef, type TableMetadata } from '../spec/index.js';
import type { TableContext } from './table-context.js';
import { metadataChange } from './metadata-change.js';
import type { Change } from './change.js';
import { requireGcEnabled } from '../spec/index.js';

/** Options of expiring snapshots (defaults follow Java's `history.expire.*` properties). */
export interface ExpireOptions {
  /** Expire snapshots older than this (ms since the epoch); default now − `history.expire.max-snapshot-age-ms` (5 days). */
  readonly olderThanMs?: number;
  /** Keep at least this many ancestors of each branch head; default `history.expire.min-snapshots-to-keep` (1). */
  readonly retainLast?: number;
  /** Delete the files only expired snapshots referenced (default true; must be false on a table with `gc.enabled=false`). */
  readonly cleanFiles?: boolean;
  /** Only say what would expire, against the latest metadata: nothing is committed or deleted (default false). */
  readonly dryRun?: boolean;
}

/** What an expiry did. */
export interface ExpireResult {
  /** The snapshots removed from the metadata. */
  readonly expiredSnapshotIds: readonly bigint[];
  /** Tags and branches removed because they outlived their `max-ref-age-ms`. */
  readonly removedRefs: readonly string[];
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

/** What an expiry removes from a base. */
export interface ExpirePlan {
  /** Snapshots removed. */
  readonly snapshotIds: bigint[];
  /** Refs removed because their snapshot is older than their `max-ref-age-ms`. */
  readonly refs: string[];
}

/**
 * What to expire from a base (pure), by the Iceberg spec's "Snapshot Retention Policy" as Java's
 * `RemoveSnapshots` applies it:
 * 1. refs other than `main` whose snapshot is older than their `max-ref-age-ms` (default
 *    `history.expire.max-ref-age-ms`, default never) are removed;
 * 2. every remaining ref's snapshot is kept;
 * 3. on each remaining branch, ancestors are kept while they are among the first
 *    `min-snapshots-to-keep` (the ref's, else `retainLast`) or newer than the branch's cut-off
 *    (now − the ref's `max-snapshot-age-ms`, else `olderThanMs`);
 * 4. a snapshot on no remaining branch or tag is kept when newer than `olderThanMs`;
 * 5. everything else expires.
 */
export function planExpiry(metadata: TableMetadata, settings: { readonly nowMs: number; readonly olderThanMs: number; readonly retainLast: number; readonly maxRefAgeMs: number }): ExpirePlan {
  const byId = new Map(metadata.snapshots.map((s) => [s.snapshotId, s]));
  const refs: string[] = [];
  const retained: [string, SnapshotRef][] = [];
  for (const [name, ref] of Object.entries(metadata.refs)) {
    const snap = byId.get(ref.snapshotId);
    if (name === MAIN_BRANCH || (snap !== undefined && settings.nowMs - snap.timestampMs <= (ref.maxRefAgeMs ?? settings.maxRefAgeMs))) retained.push([name, ref]);
    else refs.push(name);
  }
  const keep = new Set<bigint>();
  const onRefs = new Set<bigint>();
  for (const [, ref] of retained) {
    keep.add(ref.snapshotId);
    onRefs.add(ref.snapshotId);
    if (ref.type !== 'branch') continue;
    const cutoff = ref.maxSnapshotAgeMs !== undefined ? settings.nowMs - ref.maxSnapshotAgeMs : settings.olderThanMs;
    const minKeep = Math.max(1, ref.minSnapshotsToKeep ?? settings.retainLast);
    let kept = 0;
    let walking = true;
    for (const s of ancestors(metadata, ref.snapshotId)) {
      onRefs.add(s.snapshotId);
      if (walking && (kept < minKeep || s.timestampMs >= cutoff)) {
        keep.add(s.snapshotId);
        kept += 1;
      } else walking = false;
    }
  }
  if (metadata.currentSnapshotId !== null) keep.add(metadata.currentSnapshotId);
  for (const s of metadata.snapshots) if (!onRefs.has(s.snapshotId) && s.timestampMs >= settings.olderThanMs) keep.add(s.snapshotId);
  return { snapshotIds: metadata.snapshots.filter((s) => !keep.has(s.snapshotId)).map((s) => s.snapshotId), refs };
}

/** A non-negative integer `history.expire.*` property, or its default; a malformed one is an error naming it. */
function retentionProperty(metadata: TableMetadata, key: string, fallback: number, table: string, min = 0): number {
  const raw = metadata.properties[key];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new ValidationError(`table ${table} has a malformed ${key}: ${JSON.stringify(raw)} (expected an integer >= ${min})`, { context: { table, property: key } });
  }
  return Number(raw);
}

/** Resolves options against table properties (`history.expire.*`, Java's defaults) and the clock. */
export function expireSettings(metadata: TableMetadata, nowMs: number, options: ExpireOptions, table = 'table'): { olderThanMs: number; retainLast: number; maxRefAgeMs: number; nowMs: number } {
  const maxAge = retentionProperty(metadata, 'history.expire.max-snapshot-age-ms', 5 * 24 * 3_600_000, table);
  const minKeep = retentionProperty(metadata, 'history.expire.min-snapshots-to-keep', 1, table, 1);
  const maxRefAge = metadata.properties['history.expire.max-ref-age-ms'] === undefined ? Number.POSITIVE_INFINITY : retentionProperty(metadata, 'history.expire.max-ref-age-ms', 0, table);
  const retainLast = options.retainLast ?? minKeep;
  if (!Number.isInteger(retainLast) || retainLast < 1) throw new InvalidArgumentError(`retainLast must be a positive integer, got ${retainLast}`);
  return { olderThanMs: options.olderThanMs ?? nowMs - maxAge, retainLast, maxRefAgeMs: maxRefAge, nowMs };
}

/** The metadata change that removes the expired snapshots and refs (re-derived per attempt). */
export function expireChange(options: ExpireOptions, nowMs: number, table = 'table'): Change<ExpirePlan> {
  return metadataChange((base: TableState) => {
    // Checked on each base the change is built on: a concurrent commit may have just disabled GC.
    if (options.cleanFiles !== false) requireGcEnabled(base.metadata.properties, table, 'expire snapshots of');
    const plan = planExpiry(base.metadata, expireSettings(base.metadata, nowMs, options, table));
    return {
      updates: [
        ...plan.refs.map((refName) => ({ action: 'remove-snapshot-ref' as const, refName })),
        ...(plan.snapshotIds.length > 0 ? [{ action: 'remove-snapshots' as const, snapshotIds: plan.snapshotIds }] : []),
      ],
      result: plan,
    };
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
