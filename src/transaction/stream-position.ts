/**
 * Where a streamed append stands: the snapshot-summary keys an exactly-once stream commits its
 * source position under, and reading the last committed position back from a branch's ancestry
 * (spec/streaming.md §S2). This is what Iceberg's Flink sink does with
 * `flink.max-committed-checkpoint-id` and `flink.job-id` (iceberg `flink/.../sink/IcebergFilesCommitter.java`
 * `getMaxCommittedCheckpointId`): walk back from the head to the first snapshot the same writer
 * committed, and take its checkpoint.
 *
 * @module
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { MAIN_BRANCH, type Snapshot, type TableMetadata } from '../spec/index.js';
import { branchHead } from './head-manifests.js';

/** Summary key: the source id of the stream that committed the snapshot. */
export const STREAM_SOURCE_ID_KEY = 'floe.stream.source-id';
/** Summary key: the last source position the snapshot covers (a decimal integer). */
export const STREAM_POSITION_KEY = 'floe.stream.position';
/** Summary key: the first source position the snapshot covers (a decimal integer). */
export const STREAM_FIRST_POSITION_KEY = 'floe.stream.first-position';
/** The prefix of the keys above: a caller's own summary entries may not use it. */
export const STREAM_SUMMARY_PREFIX = 'floe.stream.';

/**
 * A source position: a non-negative integer that grows with every batch of a source (a Kafka
 * offset, a file's sequence number, a micro-batch counter). A `number` must be a safe integer.
 */
export type StreamPosition = bigint | number;

/** A {@link StreamPosition}, read as a bigint. */
export const StreamPositionSchema = z
  .union([z.bigint(), z.number().int('expected an integer').refine(Number.isSafeInteger, 'expected a safe integer (use a bigint above 2^53)')], {
    error: 'expected a non-negative integer position (a bigint or a safe-integer number)',
  })
  .transform((v) => BigInt(v))
  .refine((v) => v >= 0n, 'expected a non-negative position');

/** A source id: names one ordered source (a Kafka topic partition, a directory of files). */
export const SourceIdSchema = z.string({ error: 'expected a source id (a non-empty string)' }).min(1, 'a source id must not be empty').max(512, 'a source id is at most 512 characters');

const STORED_POSITION = /^(0|[1-9][0-9]*)$/;

/**
 * The last position committed for `sourceId` on `branch`: the `floe.stream.position` of the
 * newest snapshot in the branch's ancestry that `sourceId` committed, or `undefined` when none
 * did (or the ancestry that held it was expired).
 * @param metadata the table metadata
 * @param sourceId the source
 * @param branch the branch (default `main`)
 * @throws ValidationError when that snapshot's stored position is not a decimal integer
 */
export function committedStreamPosition(metadata: TableMetadata, sourceId: string, branch: string = MAIN_BRANCH): bigint | undefined {
  const byId = new Map(metadata.snapshots.map((s) => [s.snapshotId, s]));
  const seen = new Set<bigint>();
  for (let s: Snapshot | undefined = branchHead(metadata, branch); s !== undefined && !seen.has(s.snapshotId); s = s.parentSnapshotId === undefined ? undefined : byId.get(s.parentSnapshotId)) {
    seen.add(s.snapshotId);
    if (s.summary[STREAM_SOURCE_ID_KEY] !== sourceId) continue;
    const stored = s.summary[STREAM_POSITION_KEY];
    if (stored === undefined || !STORED_POSITION.test(stored)) {
      throw new ValidationError(`snapshot ${s.snapshotId} of source ${sourceId} has ${STREAM_POSITION_KEY} ${JSON.stringify(stored)}, not a decimal integer`, {
        context: { snapshotId: s.snapshotId.toString(), sourceId, key: STREAM_POSITION_KEY },
      });
    }
    return BigInt(stored);
  }
  return undefined;
}

/**
 * The summary entries of a stream commit covering positions `first`…`last` of `sourceId`.
 * @param sourceId the source
 * @param first the first position the commit covers
 * @param last the last position it covers
 */
export function streamSummary(sourceId: string, first: bigint, last: bigint): Record<string, string> {
  return { [STREAM_SOURCE_ID_KEY]: sourceId, [STREAM_FIRST_POSITION_KEY]: first.toString(), [STREAM_POSITION_KEY]: last.toString() };
}
