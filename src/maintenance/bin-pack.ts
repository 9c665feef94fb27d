/**
 * Which data files a compaction rewrites, and in which groups: Iceberg Java's bin-pack planner
 * (`core/src/main/java/org/apache/iceberg/actions/BinPackRewriteFilePlanner.java` over
 * `SizeBasedFileRewritePlanner.java`), with its defaults:
 * - a file is a candidate when it is smaller than `minFileSizeBytes` (75% of the target),
 *   larger than `maxFileSizeBytes` (180% of the target), or has delete files applying to it
 *   (Floe folds deletes into data, so its `delete-file-threshold` is 1, not Java's never);
 * - candidates are grouped per partition (spec id and partition tuple) and bin-packed, first
 *   fit by decreasing size, into groups of at most `maxFileGroupSizeBytes` (Java's
 *   `max-file-group-size-bytes`; Floe's default is the target size, not Java's 100 GB, since a
 *   group is held in memory), each written as files of the target size;
 * - a group is rewritten when it has at least `minInputFiles` files (default 5) and more than
 *   one, or more than one file and more than the target size of content, or any file with
 *   deletes, or a file above the max size (to split it).
 *
 * Pure: no IO.
 *
 * @module
 */
import type { FileScanTask } from '../scan/index.js';

/** Iceberg Java's `write.target-file-size-bytes` default: 512 MiB. */
export const DEFAULT_TARGET_FILE_SIZE_BYTES = 512 * 1024 * 1024;

/** The sizes and thresholds a plan uses. */
export interface BinPackSettings {
  /** The size output files aim at. */
  readonly targetFileSizeBytes: number;
  /** Files below this are rewritten (Java: 75% of the target). */
  readonly minFileSizeBytes: number;
  /** Files above this are rewritten (Java: 180% of the target). */
  readonly maxFileSizeBytes: number;
  /** A group of fewer files (and no deletes, and less content than the target) is left alone. */
  readonly minInputFiles: number;
  /** Groups hold at most this many bytes of input files (a larger file is a group of its own). */
  readonly maxFileGroupSizeBytes: number;
}

/**
 * Java's defaults around a target size.
 * @param targetFileSizeBytes the target size
 * @param minInputFiles Java's `min-input-files` (default 5)
 * @param maxFileGroupSizeBytes the group cap (default the target size)
 */
export function binPackSettings(targetFileSizeBytes: number, minInputFiles = 5, maxFileGroupSizeBytes = targetFileSizeBytes): BinPackSettings {
  return {
    targetFileSizeBytes,
    minFileSizeBytes: Math.floor(targetFileSizeBytes * 0.75),
    maxFileSizeBytes: Math.floor(targetFileSizeBytes * 1.8),
    minInputFiles,
    maxFileGroupSizeBytes,
  };
}

/** Files of one partition rewritten together into new files. */
export interface FileGroup {
  /** The partition spec of the files. */
  readonly specId: number;
  /** The files, with the delete files applying to each. */
  readonly tasks: readonly FileScanTask[];
  /** Their total size. */
  readonly sizeBytes: number;
}

function groupKey(task: FileScanTask): string {
  return `${task.specId}|${task.file.partition.map((v) => (v instanceof Uint8Array ? `b:${Buffer.from(v).toString('hex')}` : `${typeof v}:${String(v)}`)).join('|')}`;
}

/**
 * Plans the groups to rewrite.
 * @param tasks the live data files (those a filter selects), with their deletes
 * @param settings sizes and thresholds
 * @returns the groups, in a stable order (by partition as first met, then by bin)
 */
export function planFileGroups(tasks: readonly FileScanTask[], settings: BinPackSettings): FileGroup[] {
  const candidate = (t: FileScanTask): boolean =>
    t.deletes.length > 0 || t.file.fileSizeInBytes < settings.minFileSizeBytes || t.file.fileSizeInBytes > settings.maxFileSizeBytes;
  const byPartition = new Map<string, FileScanTask[]>();
  for (const t of tasks) {
    if (!candidate(t)) continue;
    const key = groupKey(t);
    const list = byPartition.get(key) ?? [];
    list.push(t);
    byPartition.set(key, list);
  }
  const groups: FileGroup[] = [];
  for (const files of byPartition.values()) {
    // First fit decreasing (Java's `BinPacking.ListPacker` with largest-first lookback): a stable
    // sort keeps the manifest order among equal sizes, so a plan is deterministic.
    const sorted = [...files].sort((a, b) => b.file.fileSizeInBytes - a.file.fileSizeInBytes);
    const bins: { tasks: FileScanTask[]; size: number }[] = [];
    for (const t of sorted) {
      const size = t.file.fileSizeInBytes;
      const bin = bins.find((b) => b.size + size <= settings.maxFileGroupSizeBytes);
      if (bin) {
        bin.tasks.push(t);
        bin.size += size;
      } else bins.push({ tasks: [t], size });
    }
    for (const b of bins) {
      const enoughFiles = b.tasks.length > 1 && b.tasks.length >= settings.minInputFiles;
      const enoughContent = b.tasks.length > 1 && b.size > settings.targetFileSizeBytes;
      const hasDeletes = b.tasks.some((t) => t.deletes.length > 0);
      const tooLarge = b.tasks.some((t) => t.file.fileSizeInBytes > settings.maxFileSizeBytes);
      if (enoughFiles || enoughContent || hasDeletes || tooLarge) groups.push({ specId: b.tasks[0]!.specId, tasks: b.tasks, sizeBytes: b.size });
    }
  }
  return groups;
}
