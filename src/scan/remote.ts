/**
 * Reads that a catalog serves instead of the table's files: a table whose catalog limits what
 * its caller may read (a column mask or a row filter, spec/governance.md §G7) is read through the
 * catalog's read endpoint, which plans and reads the files itself and applies the policy; the
 * caller never touches the files, which hold the unmasked values. `Scan` and `DataFileReader`
 * take such a reader in their context and then send every read there.
 *
 * Which columns a mask hides is decided by field id, over every schema the table has had: a
 * field is hidden when any of its names, in any schema, is named by the mask. Renaming a masked
 * column or reading an old snapshot whose schema spelt it differently thus never unmasks it.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { decodeIpcStream } from '../io/index.js';
import { DataFileContent, type NestedField, type Schema, type TableMetadata } from '../spec/index.js';
import type { JsonValue } from '../util/index.js';
import type { FileScanTask, ScanPlan } from './plan.js';

/** What a remote read is limited to, as the catalog told its caller (column names). */
export interface RemoteReadPolicy {
  /** Columns left out of every read. */
  readonly drop: readonly string[];
  /** Columns read as nulls. */
  readonly nullify: readonly string[];
  /** The row filters, one of which a row must match (informative: the catalog applies them). */
  readonly rowFilters: readonly string[];
}

/** Rows asked of the catalog. */
export interface RemoteRowsRequest {
  /** The snapshot read. */
  readonly snapshotId: bigint;
  /** The schema columns and filter are resolved in. */
  readonly schemaId: number;
  /** Top-level columns to return, in order. */
  readonly columns: readonly string[];
  /** The caller's filter (the REST spec's expression JSON), ANDed with the policy's. */
  readonly filter?: JsonValue;
  /** At most this many rows. */
  readonly limit?: number;
  /** Only these data files of the snapshot (and of each, only these row groups), in this order. */
  readonly files?: readonly { readonly path: string; readonly rowGroups?: readonly number[] }[];
}

/** A data file as the catalog planned it: no column statistics and no partition values. */
export interface RemotePlannedFile {
  /** The file's location as recorded. */
  readonly path: string;
  /** Its size. */
  readonly fileSizeInBytes: number;
  /** Its rows before any filter. */
  readonly recordCount: number;
  /** Its partition spec. */
  readonly specId: number;
  /** The snapshot that added it. */
  readonly addedSnapshotId: bigint;
  /** Rows per row group, in file order. */
  readonly rowGroups: readonly number[];
  /** The delete files that apply to it. */
  readonly deleteFiles: readonly string[];
}

/** The files asked of the catalog. */
export interface RemoteFilesRequest extends Omit<RemoteRowsRequest, 'limit' | 'files'> {
  /** Only these files (those of the snapshot; others are left out of the answer). */
  readonly paths?: readonly string[];
}

/** A catalog that serves a table's reads. */
export interface RemoteReader {
  /** The policy the catalog applies. */
  readonly policy: RemoteReadPolicy;
  /** Rows, the policy applied by the catalog. */
  rows(request: RemoteRowsRequest): Promise<AsyncIterable<arrow.RecordBatch>>;
  /** The data files a read would read (pruned by the filters). */
  files(request: RemoteFilesRequest): Promise<RemotePlannedFile[]>;
}

/**
 * The ids of the top-level fields a list of column names hides: every field that any schema of
 * the table names so (see the module doc).
 */
export function hiddenFieldIds(metadata: TableMetadata, names: readonly string[]): Set<number> {
  const wanted = new Set(names);
  const ids = new Set<number>();
  for (const s of metadata.schemas) for (const f of s.fields) if (wanted.has(f.name)) ids.add(f.id);
  return ids;
}

/** The fields a read may return under a policy: dropped ones left out, nullified ones optional. */
export function maskedFields(metadata: TableMetadata, fields: readonly NestedField[], policy: Pick<RemoteReadPolicy, 'drop' | 'nullify'>): NestedField[] {
  const dropped = hiddenFieldIds(metadata, policy.drop);
  const nulled = hiddenFieldIds(metadata, policy.nullify);
  return fields.filter((f) => !dropped.has(f.id)).map((f) => (nulled.has(f.id) ? { ...f, required: false } : f));
}

/** A schema as a masked read returns it. */
export function maskedSchema(metadata: TableMetadata, schema: Schema, policy: Pick<RemoteReadPolicy, 'drop' | 'nullify'>): Schema {
  return { ...schema, fields: maskedFields(metadata, schema.fields, policy) };
}

/**
 * A scan plan from the files a catalog planned. Its tasks name the files, sizes and row counts;
 * they carry no statistics or partition values (the catalog keeps those), and their delete files
 * are named only: a remote plan is read remotely, never by this client.
 */
export function remotePlan(files: readonly RemotePlannedFile[]): ScanPlan {
  const tasks = files.map(
    (f): FileScanTask => ({
      file: { content: DataFileContent.DATA, filePath: f.path, fileFormat: 'PARQUET', partition: [], recordCount: f.recordCount, fileSizeInBytes: f.fileSizeInBytes },
      dataSequenceNumber: 0n,
      fileSequenceNumber: 0n,
      snapshotId: f.addedSnapshotId,
      specId: f.specId,
      manifestPath: '',
      deletes: f.deleteFiles.map((path) => ({
        file: { content: DataFileContent.POSITION_DELETES, filePath: path, fileFormat: 'PARQUET', partition: [], recordCount: 0, fileSizeInBytes: 0 },
        dataSequenceNumber: 0n,
        fileSequenceNumber: 0n,
        snapshotId: f.addedSnapshotId,
        specId: f.specId,
        manifestPath: '',
      })),
    }),
  );
  return { tasks, stats: { manifestsTotal: 0, manifestsPruned: 0, dataFilesScanned: tasks.length, dataFilesPruned: 0, deleteFilesMatched: tasks.reduce((n, t) => n + t.deletes.length, 0) } };
}

/** How a catalog's read endpoint is reached (the REST client provides it). */
export interface RemoteReadTransport {
  /** The policy the catalog applies to this caller. */
  readonly policy: RemoteReadPolicy;
  /** Posts a read request; the answer's bytes (an Arrow IPC stream). */
  rows(body: JsonValue): Promise<AsyncIterable<Uint8Array>>;
  /** Posts a `files` request; the answer's JSON. */
  files(body: JsonValue): Promise<JsonValue>;
}

const Int64Text = z.union([z.bigint(), z.number().int()]).transform((v) => BigInt(v));
const FilesAnswerSchema = z.object({
  files: z.array(
    z.object({
      path: z.string(),
      'file-size-in-bytes': Int64Text,
      'record-count': Int64Text,
      'spec-id': z.number().int(),
      'added-snapshot-id': Int64Text,
      'row-groups': z.array(z.number().int().min(0)),
      'delete-files': z.array(z.string()),
    }),
  ),
});

function requestJson(r: RemoteRowsRequest, mode: 'rows' | 'files'): JsonValue {
  return {
    'snapshot-id': r.snapshotId,
    'schema-id': r.schemaId,
    columns: [...r.columns],
    ...(r.filter !== undefined ? { filter: r.filter } : {}),
    ...(r.limit !== undefined ? { limit: r.limit } : {}),
    ...(r.files ? { files: r.files.map((f) => ({ path: f.path, ...(f.rowGroups ? { 'row-groups': [...f.rowGroups] } : {}) })) } : {}),
    ...(mode === 'files' ? { mode } : {}),
  };
}

/** A {@link RemoteReader} over a catalog's read endpoint. */
export function remoteReaderOver(transport: RemoteReadTransport): RemoteReader {
  return {
    policy: transport.policy,
    async rows(request) {
      return (await decodeIpcStream(await transport.rows(requestJson(request, 'rows')))).batches;
    },
    async files(request) {
      const { paths, ...rest } = request;
      const json = await transport.files(requestJson({ ...rest, ...(paths ? { files: paths.map((path) => ({ path })) } : {}) }, 'files'));
      const r = FilesAnswerSchema.safeParse(json);
      if (!r.success) throw new ValidationError(`the catalog's files answer is malformed: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return r.data.files.map((f) => ({
        path: f.path,
        fileSizeInBytes: Number(f['file-size-in-bytes']),
        recordCount: Number(f['record-count']),
        specId: f['spec-id'],
        addedSnapshotId: f['added-snapshot-id'],
        rowGroups: f['row-groups'],
        deleteFiles: f['delete-files'],
      }));
    },
  };
}
