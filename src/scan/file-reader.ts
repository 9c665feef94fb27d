/**
 * Reading planned data files one at a time, down to chosen row groups, with a fixed schema,
 * columns and filter: what training readers need to split a snapshot finer than by file and to
 * re-read the files a pinned plan named, even after their snapshot has expired.
 *
 * The rows a read yields are exactly those a {@link Scan} with the same columns and filter yields
 * for that file (deletes and the residual filter applied), so reading every row group of every
 * planned task once reads the scan's rows once.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { DataFileNotFoundError, InvalidArgumentError, isFloeError } from '../errors.js';
import { canReadRanges, readLocated } from './read-located.js';
import { type BoundExpression, type Expression, bindExpression, boundExpressionToJson, referencedFieldIds, toExpression } from '../expr/index.js';
import { type AsyncBuffer, type ParquetTail, readParquetMetadataAsync } from '../io/index.js';
import { DataFileContent, MAIN_BRANCH } from '../spec/index.js';
import type { Schema } from '../spec/index.js';
import { type RemotePlannedFile, type RemoteRowsRequest, maskedFields } from './remote.js';
import { toSnapshotId } from './select-snapshot.js';
import { DeleteLoader } from './deletes.js';
import type { FileScanTask } from './plan.js';
import { type ReadTaskOptions, readTask } from './read-task.js';
import { parseFileReaderOptions } from './scan-options.js';
import { type ScanContext, checkFilterVisible, pickVisibleColumn, sameColumns, selectColumns, topLevelOwner } from './scan.js';

/** What a {@link DataFileReader} reads from each file. */
export interface DataFileReaderOptions {
  /** Top-level column names to return, in this order; default all. */
  readonly columns?: readonly string[];
  /** A row filter: an expression or a string such as `x > 5`. */
  readonly filter?: Expression | string;
  /**
   * Keep what was read of this many recently read files (default 0), so that reading the row
   * groups of one file one by one fetches its footer once. Where the store reads byte ranges,
   * a read fetches only the footer and the chosen row groups, and what is kept is the file's
   * tail (its footer, and at most 64 KiB of the data before it); on a store without range
   * reads, files are fetched whole and kept whole (memory grows by up to that many files).
   */
  readonly cachedFiles?: number;
  /**
   * The snapshot the files are planned from (default the current one). Only a masked read (a
   * table whose catalog serves its reads) needs it: the catalog reads a file only as a data
   * file of that snapshot, with that snapshot's delete files.
   */
  readonly snapshotId?: bigint | number | string;
}

/** Reads planned data files, whole or by row group, with one schema, column list and filter. */
export class DataFileReader {
  /** The schema of the rows returned (the selected columns). */
  readonly schema: Schema;
  private readonly readSchema: Schema;
  private readonly filter: BoundExpression | undefined;
  private readonly names: readonly string[];
  private readonly deletes: DeleteLoader;
  private readonly full: Schema;

  /**
   * @param ctx the table's metadata and locator
   * @param full the schema the files are read with (columns and filter are resolved in it)
   * @param options columns and filter
   * @throws InvalidArgumentError for a malformed or unknown option, unknown columns or a bad filter
   */
  constructor(private readonly ctx: ScanContext, full: Schema, options: DataFileReaderOptions = {}) {
    options = parseFileReaderOptions(options, ctx.table);
    const visible = ctx.remote ? { ...full, fields: maskedFields(ctx.metadata, full.fields, ctx.remote.policy) } : full;
    const outFields = options.columns ? options.columns.map((c) => pickVisibleColumn(full, visible, c, true, ctx.table)) : [...visible.fields];
    this.schema = { schemaId: full.schemaId, fields: outFields };
    this.names = outFields.map((f) => f.name);
    if (options.filter !== undefined) {
      const expr = toExpression(options.filter, { what: `filter of fileReader on table ${ctx.table}` });
      this.filter = bindExpression(expr, full, { caseSensitive: true });
      if (ctx.remote) checkFilterVisible(ctx.table, ctx.metadata, ctx.remote.policy, full, this.filter);
    }
    const current = ctx.metadata.refs[MAIN_BRANCH]?.snapshotId ?? ctx.metadata.currentSnapshotId;
    this.snapshotId = options.snapshotId !== undefined ? toSnapshotId(options.snapshotId) : (current ?? undefined);
    const needed = new Set(outFields.map((f) => f.id));
    if (this.filter) for (const id of referencedFieldIds(this.filter)) needed.add(topLevelOwner(full, id));
    // Equality deletes need their key columns too (spec §Equality Delete Files).
    this.readSchema = { schemaId: full.schemaId, fields: full.fields.filter((f) => needed.has(f.id)) };
    this.deletes = new DeleteLoader(ctx);
    this.full = full;
    this.cachedFiles = Math.max(0, options.cachedFiles ?? 0);
  }

  private readonly cachedFiles: number;
  private readonly byteCache = new Map<string, Promise<Uint8Array>>();
  private readonly tailCache = new Map<string, Promise<ParquetTail>>();
  private readonly snapshotId: bigint | undefined;
  private remoteFiles: Promise<Map<string, RemotePlannedFile>> | undefined;

  /** For a masked read: what the catalog is asked, for the given files. */
  private remoteRequest(files?: RemoteRowsRequest['files']): RemoteRowsRequest {
    if (this.snapshotId === undefined) throw new InvalidArgumentError(`table ${this.ctx.table} has no snapshot to read files of`, { context: { table: this.ctx.table } });
    return {
      snapshotId: this.snapshotId,
      schemaId: this.schema.schemaId,
      columns: this.names,
      ...(this.filter ? { filter: boundExpressionToJson(this.filter) } : {}),
      ...(files ? { files } : {}),
    };
  }

  /** For a masked read: the snapshot's data files as the catalog planned them (asked once). */
  private plannedRemotely(): Promise<Map<string, RemotePlannedFile>> {
    const { filter: _all, ...request } = this.remoteRequest();
    this.remoteFiles ??= this.ctx.remote!.files(request).then((files) => new Map(files.map((f) => [f.path, f])));
    this.remoteFiles.catch(() => (this.remoteFiles = undefined));
    return this.remoteFiles;
  }

  /** `load(path)` through a small LRU of `cachedFiles` entries (failed reads are not kept). */
  private cached<T>(cache: Map<string, Promise<T>>, path: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(path);
    if (hit) {
      cache.delete(path);
      cache.set(path, hit);
      return hit;
    }
    const p = load();
    cache.set(path, p);
    p.catch(() => cache.delete(path));
    while (cache.size > this.cachedFiles) cache.delete(cache.keys().next().value!);
    return p;
  }

  /**
   * The row count of each row group of a data file, in file order, from its footer (a ranged
   * read of the file's tail, not the whole file).
   * @throws DataFileNotFoundError when the file is missing
   * @throws CorruptFileError when its footer cannot be decoded
   */
  async rowGroupRowCounts(task: FileScanTask): Promise<number[]> {
    const path = task.file.filePath;
    if (this.ctx.remote) {
      const planned = (await this.plannedRemotely()).get(path);
      if (!planned) throw new DataFileNotFoundError(path, { context: { table: this.ctx.table, snapshotId: String(this.snapshotId) } });
      return [...planned.rowGroups];
    }
    const { store, key } = this.ctx.locator.resolve(path);
    const source: AsyncBuffer = {
      byteLength: Number(task.file.fileSizeInBytes),
      slice: async (start, end) => {
        const got = await this.translateMissing(path, () => store.get(key, { range: { start, ...(end === undefined ? {} : { end }) } }));
        const b = got.bytes;
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      },
    };
    const meta = await readParquetMetadataAsync(source, path);
    return meta.rowGroups.map((g) => g.numRows);
  }

  /**
   * The paths (as recorded) of the given files that are missing from storage, in the order given
   * (one HEAD request per file, `concurrency` at once).
   */
  async missingFiles(paths: readonly string[], concurrency = 16): Promise<string[]> {
    if (this.ctx.remote) {
      // The catalog reads only the data files of the snapshot: any other is missing to this reader.
      const planned = await this.plannedRemotely();
      return paths.filter((p) => !planned.has(p));
    }
    const missing: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < paths.length) {
        const path = paths[next++]!;
        const { store, key } = this.ctx.locator.resolve(path);
        try {
          await store.head(key);
        } catch (e) {
          if (isFloeError(e, 'NOT_FOUND')) missing.push(path);
          else throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, paths.length)) }, worker));
    const order = new Map(paths.map((p, i) => [p, i]));
    return missing.sort((a, b) => order.get(a)! - order.get(b)!);
  }

  /**
   * Reads one planned data file, or only some of its row groups (in the order given), as record
   * batches of the selected columns.
   * @throws InvalidArgumentError for a row group out of range
   * @throws DataFileNotFoundError when the file is missing
   * @throws CorruptFileError when it cannot be decoded
   */
  async read(task: FileScanTask, options: { readonly rowGroups?: readonly number[] } = {}): Promise<arrow.RecordBatch[]> {
    if (this.ctx.remote) {
      const out: arrow.RecordBatch[] = [];
      const request = this.remoteRequest([{ path: task.file.filePath, ...(options.rowGroups ? { rowGroups: options.rowGroups } : {}) }]);
      for await (const b of await this.ctx.remote.rows(request)) {
        if (!sameColumns(b, this.names)) throw new InvalidArgumentError(`the catalog answered a read of table ${this.ctx.table} with columns ${b.schema.fields.map((f) => f.name).join(', ')} instead of ${this.names.join(', ')}`, { context: { table: this.ctx.table } });
        out.push(b);
      }
      return out;
    }
    const batches = await readTask(task, {
      table: this.ctx.table,
      metadata: this.ctx.metadata,
      locator: this.ctx.locator,
      readSchema: this.withEqualityColumns(task),
      deletes: this.deletes,
      ...(this.filter ? { filter: this.filter } : {}),
      ...(this.ctx.vectorDimensions ? { vectorDimensions: this.ctx.vectorDimensions } : {}),
      ...(options.rowGroups ? { rowGroups: options.rowGroups } : {}),
      ...(this.cachedFiles > 0 ? this.caches(task.file.filePath) : {}),
    });
    return batches.map((b) => (sameColumns(b, this.names) ? b : selectColumns(b, this.names)));
  }

  /** What `readTask` reads through the caches: tails where the store reads ranges, else whole files. */
  private caches(path: string): Pick<ReadTaskOptions, 'fetchBytes' | 'tails'> {
    if (canReadRanges(this.ctx.locator, path)) return { tails: (p, load) => this.cached(this.tailCache, p, load) };
    return { fetchBytes: (p) => this.cached(this.byteCache, p, () => readLocated(this.ctx.locator, p, this.ctx.table)) };
  }

  private withEqualityColumns(task: FileScanTask): Schema {
    const ids = new Set<number>();
    for (const d of task.deletes) if (d.file.content === DataFileContent.EQUALITY_DELETES) for (const id of d.file.equalityIds ?? []) ids.add(id);
    const present = new Set(this.readSchema.fields.map((f) => f.id));
    const extra = this.full.fields.filter((f) => ids.has(f.id) && !present.has(f.id));
    return extra.length === 0 ? this.readSchema : { ...this.readSchema, fields: [...this.readSchema.fields, ...extra] };
  }

  private async translateMissing<T>(path: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (isFloeError(e, 'NOT_FOUND')) {
        throw new DataFileNotFoundError(path, { context: { table: this.ctx.table }, cause: e });
      }
      throw e;
    }
  }
}

