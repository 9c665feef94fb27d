/**
 * A scan of one table snapshot: `planFiles()` (metadata only) and `batches()` / `toArrow()`
 * (data). A scan pins its snapshot when it is created, so it returns the same rows forever,
 * whatever is committed meanwhile.
 *
 * Memory is bounded: at most `concurrency` files are being read at once, and batches are
 * yielded in plan order as soon as their file is done. A scan with a `limit` reads one file at a
 * time, row group by row group, and stops fetching once it has the rows.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError, NotAuthorizedError } from '../errors.js';
import { type BoundExpression, type Expression, bindExpression, boundExpressionToJson, referencedFieldIds, toExpression } from '../expr/index.js';
import { arrowSchemaFromIceberg } from '../io/index.js';
import { DataFileContent, ROW_LINEAGE_FIELDS, rowLineageField } from '../spec/index.js';
import type { Snapshot } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { NestedField, Schema } from '../spec/index.js';
import type { FileLocator } from '../store/index.js';
import { DeleteLoader } from './deletes.js';
import { type FileScanTask, type ScanPlan, planFiles } from './plan.js';
import { readTask } from './read-task.js';
import { type RemoteReadPolicy, type RemoteReader, type RemoteRowsRequest, hiddenFieldIds, maskedFields, remotePlan } from './remote.js';
import { parseScanOptions } from './scan-options.js';
import { type SnapshotSelector, selectSnapshot } from './select-snapshot.js';

/** What a scan reads: a snapshot selector plus columns, filter and limit. */
export interface ScanOptions extends SnapshotSelector {
  /** Top-level column names to return, in this order; default all. */
  readonly columns?: readonly string[];
  /** A row filter: an expression or a string such as `x > 5 AND cat IN ('a','b')`. */
  readonly filter?: Expression | string;
  /**
   * Return at most this many rows. A limited scan reads one file at a time, row group by row
   * group (by byte ranges where the store has them), and fetches nothing once it has the rows.
   */
  readonly limit?: number;
  /** Files read at once (default 4; 1 under a `limit`). */
  readonly concurrency?: number;
  /** Match column names case-sensitively in `columns` and `filter` (default true). */
  readonly caseSensitive?: boolean;
}

/** What a scan needs from its table. */
export interface ScanContext {
  /** The table's name, for errors. */
  readonly table: string;
  /** The metadata version the scan reads. */
  readonly metadata: TableMetadata;
  /** Resolves recorded locations. */
  readonly locator: FileLocator;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
  /** The catalog that serves this table's reads instead of its files (a masked read, see remote.ts). */
  readonly remote?: RemoteReader;
}

/** A planned-on-demand read of one snapshot. */
export class Scan {
  /** The snapshot read, or null for a table without one. */
  readonly snapshot: Snapshot | null;
  /** The schema of the rows returned (the selected columns). */
  readonly schema: Schema;
  private readonly readSchema: Schema;
  private readonly filter: BoundExpression | undefined;
  private plan: Promise<ScanPlan> | undefined;
  private readonly options: ScanOptions;

  /**
   * @param ctx the table's metadata and locator
   * @param options what to read
   * @throws InvalidArgumentError for a malformed or unknown option, unknown columns, a bad
   *   filter, or a bad limit or concurrency
   * @throws SnapshotNotFoundError / RefNotFoundError when the version does not exist
   */
  constructor(private readonly ctx: ScanContext, options: ScanOptions = {}) {
    this.options = options = parseScanOptions(options, ctx.table);
    const selected = selectSnapshot(ctx.metadata, options, ctx.table);
    this.snapshot = selected.snapshot;
    const full = selected.schema;
    const caseSensitive = options.caseSensitive ?? true;
    const visible = ctx.remote ? { ...full, fields: maskedFields(ctx.metadata, full.fields, ctx.remote.policy) } : full;
    const outFields = options.columns ? options.columns.map((c) => pickScanColumn(ctx, full, visible, c, caseSensitive)) : [...visible.fields];
    this.schema = { schemaId: full.schemaId, fields: outFields };
    if (options.filter !== undefined) {
      const expr = toExpression(options.filter, { what: `filter of scan on table ${ctx.table}` });
      this.filter = bindExpression(expr, full, { caseSensitive });
      if (ctx.remote) checkFilterVisible(ctx.table, ctx.metadata, ctx.remote.policy, full, this.filter);
    }
    // Read every output column plus whatever the filter needs; equality-delete columns are
    // added per file when a plan has equality deletes (see `batches`).
    const needed = new Set(outFields.map((f) => f.id));
    if (this.filter) for (const id of referencedFieldIds(this.filter)) needed.add(topLevelOwner(full, id));
    this.readSchema = { schemaId: full.schemaId, fields: [...full.fields.filter((f) => needed.has(f.id)), ...outFields.filter((f) => isRowLineageField(f, full))] };
  }

  /** Plans the scan (once; later calls share the result). */
  planFiles(): Promise<ScanPlan> {
    if (this.ctx.remote) {
      const remote = this.ctx.remote;
      this.plan ??= this.snapshot ? remote.files(this.remoteRequest()).then(remotePlan) : Promise.resolve(remotePlan([]));
      return this.plan;
    }
    this.plan ??= planFiles(this.ctx, {
      snapshot: this.snapshot,
      schema: this.readSchema,
      ...(this.filter ? { filter: this.filter } : {}),
    });
    return this.plan;
  }

  /** The Arrow schema of the batches this scan yields. */
  arrowSchema(): arrow.Schema {
    return arrowSchemaFromIceberg(this.schema, this.ctx.vectorDimensions ? { vectorDimensions: this.ctx.vectorDimensions } : undefined);
  }

  /** What a remote read of this scan asks the catalog for. */
  private remoteRequest(): RemoteRowsRequest {
    return {
      snapshotId: this.snapshot!.snapshotId,
      schemaId: this.schema.schemaId,
      columns: this.schema.fields.map((f) => f.name),
      ...(this.filter ? { filter: boundExpressionToJson(this.filter) } : {}),
      ...(this.options.limit !== undefined ? { limit: this.options.limit } : {}),
    };
  }

  /** Streams the rows as Arrow record batches, in plan order. */
  async *batches(): AsyncGenerator<arrow.RecordBatch> {
    if (this.ctx.remote) {
      if (!this.snapshot || this.options.limit === 0) return;
      const names = this.schema.fields.map((f) => f.name);
      for await (const batch of await this.ctx.remote.rows(this.remoteRequest())) {
        if (!sameColumns(batch, names)) throw new InvalidArgumentError(`the catalog answered a read of table ${this.ctx.table} with columns ${batch.schema.fields.map((f) => f.name).join(', ')} instead of ${names.join(', ')}`, { context: { table: this.ctx.table } });
        yield batch;
      }
      return;
    }
    const plan = await this.planFiles();
    let remaining = this.options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining === 0) return;
    const readSchema = this.withEqualityColumns(plan);
    const deletes = new DeleteLoader(this.ctx);
    const names = this.schema.fields.map((f) => f.name);
    const limited = this.options.limit !== undefined;
    const read = (task: FileScanTask): Promise<arrow.RecordBatch[]> =>
      readTask(task, {
        ...(limited ? { limit: remaining } : {}),
        table: this.ctx.table,
        metadata: this.ctx.metadata,
        locator: this.ctx.locator,
        readSchema,
        deletes,
        ...(this.filter ? { filter: this.filter } : {}),
        ...(this.ctx.vectorDimensions ? { vectorDimensions: this.ctx.vectorDimensions } : {}),
      });
    // Under a limit, files are read one at a time (each row group by row group, see readTask),
    // so nothing is fetched past the file that completes the limit.
    const window = limited ? 1 : (this.options.concurrency ?? 4);
    const inFlight: Promise<arrow.RecordBatch[]>[] = [];
    let next = 0;
    const fill = (): void => {
      while (inFlight.length < window && next < plan.tasks.length) {
        const p = read(plan.tasks[next++]!);
        p.catch(() => undefined); // surfaced when awaited below; avoids an unhandled rejection meanwhile
        inFlight.push(p);
      }
    };
    fill();
    while (inFlight.length > 0) {
      const batches = await inFlight.shift()!;
      // Under a limit the next file starts only once this one's rows are counted (and short).
      if (!limited) fill();
      for (const batch of batches) {
        const projected = sameColumns(batch, names) ? batch : selectColumns(batch, names);
        if (projected.numRows <= remaining) {
          remaining -= projected.numRows;
          yield projected;
        } else {
          yield projected.slice(0, remaining);
          remaining = 0;
        }
        if (remaining === 0) return;
      }
      if (limited) fill();
    }
  }

  /** Reads all rows into one Arrow table. */
  async toArrow(): Promise<arrow.Table> {
    const batches: arrow.RecordBatch[] = [];
    for await (const b of this.batches()) batches.push(b);
    if (batches.length === 0) return new arrow.Table(this.arrowSchema());
    return new arrow.Table(batches);
  }

  private withEqualityColumns(plan: ScanPlan): Schema {
    const ids = new Set<number>();
    for (const t of plan.tasks) {
      for (const d of t.deletes) if (d.file.content === DataFileContent.EQUALITY_DELETES) for (const id of d.file.equalityIds ?? []) ids.add(id);
    }
    const present = new Set(this.readSchema.fields.map((f) => f.id));
    const extra = [...ids].filter((id) => !present.has(id));
    if (extra.length === 0) return this.readSchema;
    const full = this.ctx.metadata.schemas.find((s) => s.schemaId === this.readSchema.schemaId);
    const add = (full?.fields ?? []).filter((f) => extra.includes(f.id));
    return { ...this.readSchema, fields: [...this.readSchema.fields, ...add] };
  }
}

/**
 * @internal shared with `file-reader.ts`.
 * The batch's columns `names`, in that order. (arrow-js `RecordBatch.select` keeps the batch's
 * own column order, which misaligns names and data when the order differs.)
 */
export function selectColumns(batch: arrow.RecordBatch, names: readonly string[]): arrow.RecordBatch {
  const indices = names.map((n) => batch.schema.fields.findIndex((f) => f.name === n));
  const fields = indices.map((i) => batch.schema.fields[i]!);
  const children = indices.map((i) => batch.data.children[i]!);
  const schema = new arrow.Schema(fields, batch.schema.metadata);
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}

/** @internal whether the batch holds exactly `names`, in that order */
export function sameColumns(batch: arrow.RecordBatch, names: readonly string[]): boolean {
  const fields = batch.schema.fields;
  return fields.length === names.length && fields.every((f, i) => f.name === names[i]);
}

/** Whether a selected field is a row lineage metadata column (not a column of the table). */
function isRowLineageField(f: NestedField, full: Schema): boolean {
  return ROW_LINEAGE_FIELDS.some((l) => l.id === f.id) && !full.fields.some((g) => g.id === f.id);
}

/**
 * A column a scan selects: a table column by name, or on a v3 table a row lineage metadata column
 * (`_row_id`, `_last_updated_sequence_number`; spec §Row Lineage) that no table column shadows.
 * Through the catalog's read endpoint (a masked read) only table columns are offered.
 * @throws InvalidArgumentError naming the table's columns when there is none
 */
function pickScanColumn(ctx: ScanContext, full: Schema, visible: Schema, name: string, caseSensitive: boolean): NestedField {
  const lineage = ctx.metadata.formatVersion >= 3 && !ctx.remote ? rowLineageField(name, caseSensitive) : undefined;
  if (lineage && !full.fields.some((f) => (caseSensitive ? f.name === name : f.name.toLowerCase() === name.toLowerCase()))) return lineage;
  return pickVisibleColumn(full, visible, name, caseSensitive, ctx.table);
}

/**
 * @internal the top-level field named `name`
 * @throws InvalidArgumentError naming the table's columns when there is none
 */
export function pickColumn(schema: Schema, name: string, caseSensitive: boolean, table: string): NestedField {
  const found = schema.fields.find((f) => (caseSensitive ? f.name === name : f.name.toLowerCase() === name.toLowerCase()));
  if (!found) {
    throw new InvalidArgumentError(`table ${table} has no column ${JSON.stringify(name)}`, {
      context: { table, column: name },
      help: `columns are: ${schema.fields.map((f) => f.name).join(', ')}`,
    });
  }
  return found;
}

/**
 * @internal the top-level field named `name` among those a masked read returns
 * @throws NotAuthorizedError when the table has it but the caller's policy drops it
 */
export function pickVisibleColumn(full: Schema, visible: Schema, name: string, caseSensitive: boolean, table: string): NestedField {
  if (visible === full) return pickColumn(full, name, caseSensitive, table);
  const f = pickColumn(full, name, caseSensitive, table);
  const shown = visible.fields.find((v) => v.id === f.id);
  if (!shown) throw new NotAuthorizedError(`column ${f.name} of table ${table} is masked for this principal: it is not read`, { context: { table, column: f.name } });
  return shown;
}

/**
 * @internal refuses a filter on a column a read policy hides (dropped or read as nulls): its
 * matches would tell the hidden values. Used by Floe's client and by the catalog's read endpoint.
 * @throws NotAuthorizedError naming the column
 */
export function checkFilterVisible(table: string, metadata: TableMetadata, policy: Pick<RemoteReadPolicy, 'drop' | 'nullify'>, full: Schema, filter: BoundExpression): void {
  const hidden = new Set([...hiddenFieldIds(metadata, policy.drop), ...hiddenFieldIds(metadata, policy.nullify)]);
  for (const id of referencedFieldIds(filter)) {
    const owner = topLevelOwner(full, id);
    if (hidden.has(owner)) {
      const name = full.fields.find((f) => f.id === owner)?.name ?? String(owner);
      throw new NotAuthorizedError(`a filter of table ${table} may not use column ${name}, which is masked for this principal`, { context: { table, column: name } });
    }
  }
}

/** @internal the top-level field holding field `id` */
export function topLevelOwner(schema: Schema, id: number): number {
  const contains = (f: NestedField): boolean => {
    if (f.id === id) return true;
    const t = f.type;
    if (t.type === 'struct') return t.fields.some(contains);
    if (t.type === 'list') return t.elementId === id || (t.element.type === 'struct' && t.element.fields.some(contains));
    if (t.type === 'map') return t.keyId === id || t.valueId === id;
    return false;
  };
  return schema.fields.find(contains)?.id ?? id;
}
