/**
 * Snapshots and refs (Iceberg spec §Snapshots, §Snapshot References), the snapshot log and the
 * metadata log: the model and the JSON wire forms (spec Appendix C "Table Metadata and
 * Snapshots").
 *
 * Snapshot ids are random int64s and always `bigint` in the model, whether the JSON number was
 * small enough to parse as a `number` or not.
 *
 * @module
 */
import { z } from 'zod';
import type { JsonValue } from '../util/index.js';
import { DurationMsSchema, LongSchema, MillisSchema, StringMapSchema } from './wire.js';
import { errorFromZod } from './zod-issues.js';

/** The branch every table has: its current state. */
export const MAIN_BRANCH = 'main';

/** Snapshot summary `operation` values (spec §Snapshots). */
export type SnapshotOperation = 'append' | 'replace' | 'overwrite' | 'delete';

/** A snapshot summary: `operation` plus string metrics such as `added-records`. */
export interface SnapshotSummary {
  /** What kind of change produced the snapshot. */
  readonly operation: SnapshotOperation;
  /** Every other summary entry, as recorded (all values are strings on the wire). */
  readonly [key: string]: string;
}

/** The state of a table at some time (spec §Snapshots). */
export interface Snapshot {
  /** Unique id; a random int64, so always a bigint. */
  readonly snapshotId: bigint;
  /** The snapshot this one was built on, if any. */
  readonly parentSnapshotId?: bigint;
  /** The table's sequence number at this snapshot (0 in v1 tables). */
  readonly sequenceNumber: bigint;
  /** When the snapshot was created, ms since the epoch (from metadata, never object mtimes). */
  readonly timestampMs: number;
  /** Location of the manifest list (empty for a v1 snapshot that lists `manifests` instead). */
  readonly manifestList: string;
  /** The summary. */
  readonly summary: SnapshotSummary;
  /** The schema id current when the snapshot was written. */
  readonly schemaId?: number;
  /** v1 only: manifest locations when there is no manifest list. */
  readonly manifests?: readonly string[];
  /**
   * v3: the first `_row_id` this snapshot assigned, the table's `next-row-id` when it was
   * committed (spec §Snapshot Row IDs). Absent on snapshots written before a table became v3.
   */
  readonly firstRowId?: bigint;
  /** v3: the upper bound of rows this snapshot assigned row ids to (spec §Snapshot Row IDs). */
  readonly addedRows?: bigint;
}

/** A named pointer to a snapshot (spec §Snapshot References). */
export interface SnapshotRef {
  /** The snapshot it points at. */
  readonly snapshotId: bigint;
  /** A branch moves with commits; a tag does not. */
  readonly type: 'branch' | 'tag';
  /** Branches: minimum snapshots to keep. */
  readonly minSnapshotsToKeep?: number;
  /** Branches: maximum snapshot age to keep, ms. */
  readonly maxSnapshotAgeMs?: number;
  /** Maximum age of the ref itself, ms. */
  readonly maxRefAgeMs?: number;
}

/** An entry of the snapshot log: which snapshot became current when. */
export interface SnapshotLogEntry {
  /** When it became current. */
  readonly timestampMs: number;
  /** The snapshot. */
  readonly snapshotId: bigint;
}

/** An entry of the metadata log: an earlier metadata file. */
export interface MetadataLogEntry {
  /** When it was written. */
  readonly timestampMs: number;
  /** Its location. */
  readonly metadataFile: string;
}

// ---------------------------------------------------------------- wire (zod)

const OPERATIONS: readonly string[] = ['append', 'replace', 'overwrite', 'delete'];

const SummarySchema = StringMapSchema.transform((m, ctx): SnapshotSummary => {
  const op = m['operation'];
  if (op === undefined || !OPERATIONS.includes(op)) {
    ctx.issues.push({
      code: 'custom',
      input: op,
      path: ['operation'],
      message: `expected one of ${OPERATIONS.join(', ')}, got ${op === undefined ? 'nothing' : JSON.stringify(op)}`,
    });
  }
  return m as SnapshotSummary;
});

/**
 * Fields common to every version's snapshots. `first-row-id` and `added-rows` are v3 fields, read
 * in any version as Java's `SnapshotParser` does; in v3 metadata a snapshot written before the
 * table's upgrade has neither (spec §Row Lineage for Upgraded Tables).
 */
const SnapshotCommon = {
  'snapshot-id': LongSchema,
  'parent-snapshot-id': LongSchema.nullish(),
  'timestamp-ms': MillisSchema,
  'schema-id': z.number().int().nullish(),
  'first-row-id': LongSchema.refine((v) => v >= 0n, { message: 'must not be negative' }).nullish(),
  'added-rows': LongSchema.refine((v) => v >= 0n, { message: 'must not be negative' }).nullish(),
};

function snapshotFromWire(s: {
  'snapshot-id': bigint;
  'parent-snapshot-id'?: bigint | null | undefined;
  'sequence-number'?: bigint | undefined;
  'timestamp-ms': number;
  'manifest-list'?: string | undefined;
  manifests?: string[] | undefined;
  summary?: SnapshotSummary | undefined;
  'schema-id'?: number | null | undefined;
  'first-row-id'?: bigint | null | undefined;
  'added-rows'?: bigint | null | undefined;
}): Snapshot {
  const out: { -readonly [K in keyof Snapshot]: Snapshot[K] } = {
    snapshotId: s['snapshot-id'],
    sequenceNumber: s['sequence-number'] ?? 0n,
    timestampMs: s['timestamp-ms'],
    manifestList: s['manifest-list'] ?? '',
    // spec §Snapshots: v1 summaries are optional; Java and iceberg-rust read a missing one as an append
    summary: s.summary ?? { operation: 'append' },
  };
  if (s['parent-snapshot-id'] !== undefined && s['parent-snapshot-id'] !== null) out.parentSnapshotId = s['parent-snapshot-id'];
  if (s['schema-id'] !== undefined && s['schema-id'] !== null) out.schemaId = s['schema-id'];
  if (s.manifests !== undefined && s['manifest-list'] === undefined) out.manifests = s.manifests;
  if (s['first-row-id'] !== undefined && s['first-row-id'] !== null) out.firstRowId = s['first-row-id'];
  if (s['added-rows'] !== undefined && s['added-rows'] !== null) out.addedRows = s['added-rows'];
  return out;
}

/**
 * zod schema of a v1 snapshot: `sequence-number` (default 0), `manifest-list` (or `manifests`)
 * and `summary` are optional (spec Appendix E "Reading v1 metadata for v2").
 */
export const SnapshotV1Schema = z
  .object({
    ...SnapshotCommon,
    'sequence-number': LongSchema.optional(),
    'manifest-list': z.string().optional(),
    manifests: z.array(z.string()).optional(),
    summary: SummarySchema.optional(),
  })
  .refine((s) => s['manifest-list'] !== undefined || s.manifests !== undefined, {
    message: 'a snapshot needs a manifest-list or manifests',
    path: ['manifest-list'],
  })
  .transform(snapshotFromWire);

/**
 * zod schema of a v2 snapshot: `sequence-number` and `summary` are required, and so is
 * `manifest-list`, except that a snapshot carried over from v1 may list `manifests` instead
 * (spec Appendix E: "tables that are upgraded from v1 may contain metadata that does not follow
 * these requirements"; Java's parser accepts both in any version).
 */
export const SnapshotV2Schema = z
  .object({
    ...SnapshotCommon,
    'sequence-number': LongSchema,
    'manifest-list': z.string().optional(),
    manifests: z.array(z.string()).optional(),
    summary: SummarySchema,
  })
  .refine((s) => s['manifest-list'] !== undefined || s.manifests !== undefined, {
    message: 'a snapshot needs a manifest-list',
    path: ['manifest-list'],
  })
  .transform(snapshotFromWire);

/** zod schema of a snapshot reference (spec §Snapshot References). */
export const SnapshotRefSchema = z
  .object({
    'snapshot-id': LongSchema,
    type: z.enum(['branch', 'tag']),
    'min-snapshots-to-keep': z.number().int().nullish(),
    'max-snapshot-age-ms': DurationMsSchema.nullish(),
    'max-ref-age-ms': DurationMsSchema.nullish(),
  })
  .transform((r): SnapshotRef => {
    const out: { -readonly [K in keyof SnapshotRef]: SnapshotRef[K] } = { snapshotId: r['snapshot-id'], type: r.type };
    if (r['min-snapshots-to-keep'] != null) out.minSnapshotsToKeep = r['min-snapshots-to-keep'];
    if (r['max-snapshot-age-ms'] != null) out.maxSnapshotAgeMs = r['max-snapshot-age-ms'];
    if (r['max-ref-age-ms'] != null) out.maxRefAgeMs = r['max-ref-age-ms'];
    return out;
  });

/** zod schema of a snapshot-log entry. */
export const SnapshotLogEntrySchema = z
  .object({ 'timestamp-ms': MillisSchema, 'snapshot-id': LongSchema })
  .transform((e): SnapshotLogEntry => ({ timestampMs: e['timestamp-ms'], snapshotId: e['snapshot-id'] }));

/** zod schema of a metadata-log entry. */
export const MetadataLogEntrySchema = z
  .object({ 'timestamp-ms': MillisSchema, 'metadata-file': z.string() })
  .transform((e): MetadataLogEntry => ({ timestampMs: e['timestamp-ms'], metadataFile: e['metadata-file'] }));

// ---------------------------------------------------------------- decode / encode

/** Options for {@link decodeSnapshot}. */
export interface DecodeSnapshotOptions {
  /** The metadata's format version (v1 snapshots may omit sequence numbers and manifest lists). */
  readonly formatVersion?: 1 | 2;
  /** The file it came from, for error context. */
  readonly file?: string;
}

/**
 * Decodes a snapshot from its JSON wire form.
 * @param json the snapshot object
 * @param options format version (default 2) and file
 * @throws ValidationError naming the JSON path
 */
export function decodeSnapshot(json: JsonValue, options: DecodeSnapshotOptions = {}): Snapshot {
  const schema = options.formatVersion === 1 ? SnapshotV1Schema : SnapshotV2Schema;
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  throw errorFromZod(r.error, { file: options.file, what: 'snapshot' });
}

/**
 * Encodes a snapshot in its JSON form, keys in Java's order (`sequence-number`, `snapshot-id`,
 * `parent-snapshot-id`, `timestamp-ms`, `summary`, `manifest-list`, `schema-id`, then the v3
 * `first-row-id` and `added-rows` when the snapshot has them, as Java's `SnapshotParser` writes).
 * A v1 snapshot without a manifest list keeps its `manifests` (as Java does after an upgrade).
 * @param s the snapshot
 */
export function encodeSnapshot(s: Snapshot): JsonValue {
  const out: { [key: string]: JsonValue } = { 'sequence-number': s.sequenceNumber, 'snapshot-id': s.snapshotId };
  if (s.parentSnapshotId !== undefined) out['parent-snapshot-id'] = s.parentSnapshotId;
  out['timestamp-ms'] = s.timestampMs;
  out['summary'] = { ...s.summary };
  if (s.manifestList !== '' || s.manifests === undefined) out['manifest-list'] = s.manifestList;
  else out['manifests'] = [...s.manifests];
  if (s.schemaId !== undefined) out['schema-id'] = s.schemaId;
  if (s.firstRowId !== undefined) out['first-row-id'] = s.firstRowId;
  if (s.addedRows !== undefined) out['added-rows'] = s.addedRows;
  return out;
}

/**
 * Decodes a snapshot reference.
 * @param json `{"snapshot-id":…,"type":"branch"|"tag",…}`
 * @param file the file it came from, for error context
 * @throws ValidationError naming the JSON path
 */
export function decodeSnapshotRef(json: JsonValue, file?: string): SnapshotRef {
  const r = SnapshotRefSchema.safeParse(json);
  if (r.success) return r.data;
  throw errorFromZod(r.error, { file, what: 'snapshot ref' });
}

/**
 * Encodes a snapshot reference, keys in Java's order.
 * @param ref the ref
 */
export function encodeSnapshotRef(ref: SnapshotRef): JsonValue {
  const out: { [key: string]: JsonValue } = { 'snapshot-id': ref.snapshotId, type: ref.type };
  if (ref.minSnapshotsToKeep !== undefined) out['min-snapshots-to-keep'] = ref.minSnapshotsToKeep;
  if (ref.maxSnapshotAgeMs !== undefined) out['max-snapshot-age-ms'] = ref.maxSnapshotAgeMs;
  if (ref.maxRefAgeMs !== undefined) out['max-ref-age-ms'] = ref.maxRefAgeMs;
  return out;
}

/**
 * Encodes a snapshot-log entry (`timestamp-ms`, `snapshot-id`).
 * @param e the entry
 */
export function encodeSnapshotLogEntry(e: SnapshotLogEntry): JsonValue {
  return { 'timestamp-ms': e.timestampMs, 'snapshot-id': e.snapshotId };
}

/**
 * Encodes a metadata-log entry (`timestamp-ms`, `metadata-file`).
 * @param e the entry
 */
export function encodeMetadataLogEntry(e: MetadataLogEntry): JsonValue {
  return { 'timestamp-ms': e.timestampMs, 'metadata-file': e.metadataFile };
}
