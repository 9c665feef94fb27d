/**
 * The `Table` facade users hold: it keeps one metadata version in memory (so `schema()`,
 * `snapshots()` and friends are synchronous), commits changes through the commit loop, and
 * points at its own commit afterwards. `refresh()` picks up other writers' commits.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { type CommitStats, type TableState, loadTableState, retryPolicyFromProperties } from './commit/index.js';
import { CommitConflictError, ConstraintViolationError, InvalidArgumentError, NotAuthorizedError, RefNotFoundError, SnapshotNotFoundError, UnsupportedError } from './errors.js';
import { type Expression, bindExpression, toExpression } from './expr/index.js';
import { arrowSchemaFromIceberg, conformToSchema, takeRows } from './io/index.js';
import { type RemoveOrphanFilesOptions, type RemoveOrphanFilesResult, parseOrphanOptions, removeOrphanFiles } from './maintenance/index.js';
import { type RewriteDataFilesOptions, type RewriteDataFilesResult, parseRewriteDataFilesOptions, rewriteDataFiles } from './maintenance/index.js';
import { remoteReaderOver } from './scan/index.js';
import { Changes, type ChangesOptions, DataFileReader, type DataFileReaderOptions, type RemoteReadPolicy, type RemoteReadTransport, type RemoteReader, Scan, type ScanOptions, parseFileReaderOptions, snapshotById, toSnapshotId } from './scan/index.js';
import { type PartitionSpec, parseArgument } from './spec/index.js';
import { MAIN_BRANCH, type Snapshot, type SnapshotRef } from './spec/index.js';
import type { TableMetadata } from './spec/index.js';
import type { Schema } from './spec/index.js';
import { FileLocator } from './store/index.js';
import { type OpenedLocation, type StoreOptions, checkLocation, openLocation, openLocationRoot } from './store/index.js';
import type { ObjectStore } from './store/index.js';
import {
  type Change,
  type Constraint,
  CONSTRAINT_PROPERTY_PREFIX,
  checkConstraints,
  constraintsFromProperties,
  constraintsToProperties,
  keyAt,
  keyMembershipExpression,
  toArrowTable,
  type TableContext,
  type TableOperations,
  type WriteInput,
  commitChange,
  currentSchema,
  deleteExpiredFiles,
  expireChange,
  expireSettings,
  planExpiry,
  type ExpireOptions,
  type ExpireResult,
  checkPropertyChanges,
  FORMAT_VERSION_PROPERTY,
  formatVersionProperty,
  defaultSpec,
  metadataChange,
  PartitionSpecUpdate,
  prepareAppend,
  type PositionedBatch,
  type StreamAppendOptions,
  SourceIdSchema,
  committedStreamPosition,
  parseStreamOptions,
  runStreamAppend,
  streamSource,
  ManifestListMemo,
  SchemaUpdate,
  prepareRewrite,
  prepareRewriteManifests,
  type RewriteManifestsResult,
  prepareUpsert,
  writeModeOf,
  parseAppendOptions,
  parseDeleteOptions,
  parseExpireOptions,
  parseOverwriteOptions,
  parseUpsertOptions,
  vectorDimensionsFromProperties,
} from './transaction/index.js';
import { type Clock, systemClock } from './util/index.js';
import { newUuid } from './util/index.js';

/** Options of {@link Table.load}. */
export interface LoadTableOptions {
  /** A given metadata version (`'v3.metadata.json'`, `'00001-….metadata.json'` or a number); default the latest. */
  readonly metadata?: string | number;
  /** Recorded location prefix → where those files are now (e.g. `{'s3a://b/wh/t': 'file:///data/t'}`). */
  readonly remap?: Readonly<Record<string, string>>;
  /** S3 connection settings for `s3://` locations. */
  readonly s3?: StoreOptions['s3'];
  /** The clock commits take their timestamps from. */
  readonly clock?: Clock;
  /** The name to show in messages (default: the location). */
  readonly name?: string;
  /** The store to use instead of opening `uri` (keys relative to the table root), e.g. an instrumented one. */
  readonly store?: ObjectStore;
}

const LoadTableOptionsSchema = z.strictObject({
  metadata: z.union([z.string().min(1), z.number().int().min(0)], { error: "expected a metadata file name ('v3.metadata.json') or a version number" }).optional(),
  remap: z.record(z.string(), z.string({ error: 'expected the location files are at now' })).optional(),
  // The S3 store checks its own settings; here only that they are an object.
  s3: z.looseObject({}).optional(),
  clock: z.custom<Clock>((v) => typeof (v as { nowMs?: unknown } | null)?.nowMs === 'function', 'expected a Clock (an object with nowMs())').optional(),
  name: z.string().min(1).optional(),
  store: z.custom<ObjectStore>((v) => typeof (v as { get?: unknown } | null)?.get === 'function' && typeof (v as { put?: unknown }).put === 'function', 'expected an ObjectStore').optional(),
});

/** Options shared by writes. */
export interface WriteOptions {
  /** The branch to write to (default `main`). */
  readonly branch?: string;
  /** Extra snapshot-summary entries (lineage, job). */
  readonly summary?: Readonly<Record<string, string>>;
}

/** How writes that add rows (append, overwrite, upsert) treat the table's constraints. */
export interface ContractOptions {
  /**
   * On rows that break a row constraint (not null, min, max, allowed, regex, unique): `'fail'`
   * (default) throws `ConstraintViolationError` and commits nothing; `'quarantine'` appends
   * the bad rows to `quarantine` first, then commits the good ones. Commit constraints (null
   * fraction, row count) always fail.
   */
  readonly onViolation?: 'fail' | 'quarantine';
  /** The table bad rows go to with `onViolation: 'quarantine'` (same columns; e.g. in the same warehouse). */
  readonly quarantine?: Table;
}

/** One entry of a table's history (its snapshot log). */
export interface HistoryEntry {
  /** When the snapshot became current. */
  readonly timestampMs: number;
  /** The snapshot. */
  readonly snapshotId: bigint;
  /** Its parent, if any. */
  readonly parentSnapshotId: bigint | undefined;
  /** Whether it is an ancestor of (or is) the current snapshot (false after a rollback past it). */
  readonly isCurrentAncestor: boolean;
  /** The summary's operation. */
  readonly operation: string | undefined;
}

/** The `extraSummary` option from the caller's entries and the contract's. */
function summaryOption(user: Readonly<Record<string, string>> | undefined, contract: Readonly<Record<string, string>>): { extraSummary?: Readonly<Record<string, string>> } {
  const merged = { ...contract, ...user };
  return Object.keys(merged).length > 0 ? { extraSummary: merged } : {};
}

/**
 * What a governing catalog (Floe's REST catalog server) told this client about its access to a
 * table when it loaded it (spec/governance.md §G7). Advisory: the catalog enforces; the client
 * uses it to refuse early and to read through the catalog when reads are limited.
 */
export interface TableAccess {
  /** The privileges the caller holds on the table (`READ`, `WRITE`, …), when the catalog says. */
  readonly privileges?: readonly string[];
  /** What the caller's reads are limited to (columns hidden, row filters), when they are. */
  readonly readPolicy?: RemoteReadPolicy;
}

/** What the table keeps of where it lives. @internal */
export interface TableHome {
  readonly name: string;
  readonly uri: string;
  readonly store: ObjectStore;
  readonly remap: Readonly<Record<string, string>>;
  readonly s3: StoreOptions['s3'] | undefined;
  readonly clock: Clock;
  /** The catalog its metadata is loaded from and committed to, when not its own folder (REST). */
  readonly operations?: TableOperations;
  /** The catalog's read endpoint, which serves its reads instead of its files when the caller's reads are limited. */
  readonly reads?: RemoteReadTransport;
  /** What the catalog said about the caller's access. */
  readonly access?: TableAccess;
}

/** An Iceberg table. */
export class Table {
  private state: TableState;
  private ctx: TableContext;
  private lastStats: CommitStats | undefined;
  private readonly remote: RemoteReader | undefined;

  /** @internal use {@link Table.load} or a `Warehouse` */
  constructor(private readonly home: TableHome, state: TableState) {
    this.state = state;
    this.remote = home.reads ? remoteReaderOver(home.reads) : undefined;
    this.ctx = Table.contextFor(home, state.metadata);
  }

  private static contextFor(home: TableHome, metadata: TableMetadata): TableContext {
    const locator = new FileLocator({
      rootUri: home.uri,
      rootStore: home.store,
      recordedLocation: metadata.location,
      remap: home.remap,
      openRoot: (uri) => openLocationRoot(uri, home.s3 ? { s3: home.s3 } : {}),
    });
    return { name: home.name, store: home.store, locator, clock: home.clock, manifestLists: new ManifestListMemo(), ...(home.operations ? { operations: home.operations } : {}) };
  }

  /**
   * Opens any Iceberg table by its location, without a catalog.
   * @param uri the table root: `file:///…`, a local path, `s3://bucket/prefix/table` or `memory://name/…`
   * @throws TableNotFoundError when there is no metadata there
   * @throws InvalidArgumentError for a malformed location (empty, control characters) or option
   */
  static async load(uri: string, options: LoadTableOptions = {}): Promise<Table> {
    checkLocation(uri, 'uri of Table.load');
    parseArgument(LoadTableOptionsSchema, options, 'options of Table.load');
    const opened = openLocation(uri, options.s3 ? { s3: options.s3 } : {});
    return Table.open(options.store ? { uri: opened.uri, store: options.store } : opened, options);
  }

  /** @internal opens a table at an already opened location */
  static async open(opened: OpenedLocation, options: LoadTableOptions = {}): Promise<Table> {
    const name = options.name ?? opened.uri;
    const state = await loadTableState(opened.store, name, options.metadata);
    return new Table(
      { name, uri: opened.uri, store: opened.store, remap: options.remap ?? {}, s3: options.s3, clock: options.clock ?? systemClock },
      state,
    );
  }

  /** The table's name (or location, when opened without a catalog). */
  get name(): string {
    return this.home.name;
  }

  /** The URI the table was opened from. */
  get uri(): string {
    return this.home.uri;
  }

  /** The metadata version this object holds. */
  get version(): number {
    return this.state.version;
  }

  /** The metadata file this object holds, relative to the table root (`metadata/v3.metadata.json`). */
  get metadataFile(): string {
    return this.state.path;
  }

  /** The whole metadata this object holds. */
  metadata(): TableMetadata {
    return this.state.metadata;
  }

  /** The table's location as recorded in its metadata. */
  location(): string {
    return this.state.metadata.location;
  }

  /**
   * What the catalog said about this caller's access to the table (Floe's REST catalog server
   * says it; undefined for other catalogs and tables opened from storage).
   */
  access(): TableAccess | undefined {
    return this.home.access;
  }

  /**
   * Refuses a data write that would read the table's files past a read policy, before anything
   * is written (spec/governance.md §G7).
   */
  private checkDataWrite(what: string): void {
    if (this.home.access?.readPolicy) {
      throw new NotAuthorizedError(`this principal's reads of table ${this.name} are masked, so Floe's client does not ${what} it (writes read the table's manifests and files, which hold the unmasked values)`, {
        context: { table: this.name },
        help: 'write as a principal whose READ on the table is not masked',
      });
    }
  }

  /** The table's uuid. */
  uuid(): string {
    return this.state.metadata.tableUuid;
  }

  /** The current schema. */
  schema(): Schema {
    return currentSchema(this.state.metadata);
  }

  /** The current schema as an Arrow schema (vector columns as fixed-size lists). */
  arrowSchema(): arrow.Schema {
    return arrowSchemaFromIceberg(this.schema(), { vectorDimensions: this.vectorDimensions() });
  }

  /** The default partition spec. */
  spec(): PartitionSpec {
    return defaultSpec(this.state.metadata);
  }

  /** Table properties. */
  properties(): Readonly<Record<string, string>> {
    return this.state.metadata.properties;
  }

  /** Every snapshot still tracked, oldest first. */
  snapshots(): readonly Snapshot[] {
    return this.state.metadata.snapshots;
  }

  /** The head of `main`, or undefined for a table with no snapshot. */
  currentSnapshot(): Snapshot | undefined {
    const id = this.state.metadata.refs[MAIN_BRANCH]?.snapshotId ?? this.state.metadata.currentSnapshotId;
    return id === null || id === undefined ? undefined : this.state.metadata.snapshots.find((s) => s.snapshotId === id);
  }

  /**
   * A snapshot by id.
   * @throws SnapshotNotFoundError when there is none
   */
  snapshot(id: bigint | number | string): Snapshot {
    return snapshotById(this.state.metadata, toSnapshotId(id), this.name);
  }

  /** Branches and tags. */
  refs(): Readonly<Record<string, SnapshotRef>> {
    return this.state.metadata.refs;
  }

  /** The snapshot log: which snapshot became current when. */
  history(): HistoryEntry[] {
    const m = this.state.metadata;
    const ancestors = new Set<bigint>();
    let cur = this.currentSnapshot();
    while (cur) {
      ancestors.add(cur.snapshotId);
      const parent = cur.parentSnapshotId;
      cur = parent === undefined ? undefined : m.snapshots.find((s) => s.snapshotId === parent);
    }
    return m.snapshotLog.map((e) => {
      const snap = m.snapshots.find((s) => s.snapshotId === e.snapshotId);
      return {
        timestampMs: e.timestampMs,
        snapshotId: e.snapshotId,
        parentSnapshotId: snap?.parentSnapshotId,
        isCurrentAncestor: ancestors.has(e.snapshotId),
        operation: snap?.summary.operation,
      };
    });
  }

  /** Counters of this object's last commit (attempts, conflicts, unknown outcomes). */
  lastCommitStats(): CommitStats | undefined {
    return this.lastStats;
  }

  /** Field id → dimension of vector columns. */
  vectorDimensions(): Map<number, number> {
    return vectorDimensionsFromProperties(this.state.metadata.properties);
  }

  /**
   * Opens another table by its location with this table's connection settings (S3 endpoint and
   * credentials, clock): for following references between tables on one store, e.g. lineage.
   * @throws TableNotFoundError when there is no table there
   */
  loadTableAt(uri: string, options: Pick<LoadTableOptions, 'metadata' | 'remap' | 'name'> = {}): Promise<Table> {
    return Table.load(uri, { ...options, ...(this.home.s3 ? { s3: this.home.s3 } : {}), clock: this.home.clock });
  }

  /** Re-reads the latest version (other writers' commits). */
  async refresh(): Promise<this> {
    this.setState(this.home.operations ? await this.home.operations.load() : await loadTableState(this.home.store, this.name));
    return this;
  }

  private setState(state: TableState): void {
    const moved = state.metadata.location !== this.state.metadata.location;
    this.state = state;
    if (moved) this.ctx = Table.contextFor(this.home, state.metadata);
  }

  /**
   * @internal commits a change and moves this object to the result; `commitId` is the change's
   * id when another party chose it (the REST server commits with its client's, so that the client
   * can find its commit after an unknown outcome)
   */
  async commit<R>(prepare: (state: TableState, commitId: string) => Promise<Change<R>> | Change<R>, options: { readonly commitId?: string } = {}): Promise<R> {
    // Before `prepare` writes any file: the staging window starts here (spec/maintenance.md §M2).
    return this.commitStaged(prepare, options.commitId ?? newUuid(), this.home.clock.nowMs());
  }

  /** {@link Table.commit} of files staged since `stagedAtMs` (the staging window's start). */
  private async commitStaged<R>(prepare: (state: TableState, commitId: string) => Promise<Change<R>> | Change<R>, commitId: string, stagedAtMs: number): Promise<R> {
    const change = await prepare(this.state, commitId);
    const outcome = await commitChange(this.ctx, this.state, change, { commitId, stagedAtMs });
    this.setState(outcome.state);
    this.lastStats = outcome.stats;
    return outcome.result;
  }

  /** @internal the table context actions run in */
  context(): TableContext {
    return this.ctx;
  }

  /**
   * Appends rows (split by the partition spec) in one snapshot, after checking the table's
   * constraints (a `unique` key also against the rows already in the table).
   * @param data an Arrow Table, RecordBatch or array of RecordBatches (of any apache-arrow 14+
   *   copy), or an array of plain row objects converted with the table's schema (`io/rows.ts`)
   * @throws InvalidArgumentError when `data` is none of those, or a row value does not fit (named; nothing is committed)
   * @throws SchemaMismatchError when the rows do not fit the schema (nothing is committed)
   * @throws ConstraintViolationError when rows break the table's constraints (nothing is committed)
   */
  async append(data: WriteInput, options: WriteOptions & ContractOptions = {}): Promise<Snapshot> {
    parseAppendOptions(options, this.name);
    this.checkDataWrite('append to');
    const checked = await this.enforceContract(this.writeTable(data), options, true);
    return this.commit((state, commitId) =>
      prepareAppend(this.ctx, state, checked.data, {
        commitId,
        vectorDimensions: this.vectorDimensions(),
        ...(options.branch ? { branch: options.branch } : {}),
        ...summaryOption(options.summary, checked.summary),
      }),
    );
  }

  /**
   * Appends rows that arrive in batches (a large file read chunk by chunk, a queue): each batch is
   * written as data files as it arrives, so memory holds about one batch plus the pending commit's
   * list of files, never the whole input (spec/streaming.md). By default the files are committed
   * in one snapshot after the last batch; with `commitEvery: { rows?, bytes?, ms? }` a snapshot is
   * committed whenever the batches since the last one reach any of those limits (`ms` is measured
   * by the table's clock from the pending commit's first batch, checked as batches arrive).
   *
   * With `sourceId`, the stream is exactly-once: `source` yields `{ data, position }` with growing
   * integer positions, each commit records `sourceId` and its last position in the snapshot summary
   * (`floe.stream.source-id`, `floe.stream.position`), batches at or before the committed position
   * ({@link Table.committedStreamPosition}) are skipped, and a commit whose positions another writer
   * of the same source committed first is dropped. A writer that crashes and replays the same
   * positions with the same rows adds each row exactly once.
   *
   * If a batch does not fit or `source` throws, the pending commit's files are deleted (best effort;
   * no snapshot references them) and commits already made stay. A table with constraints has its
   * batches collected and checked together as by {@link Table.append} (one commit; `commitEvery`
   * and `sourceId` are refused there), since a unique key or a row count holds over all the rows.
   * @param source the batches, each accepted by {@link Table.append}, or `{ data, position }` with a `sourceId`
   * @returns the last snapshot committed, or `undefined` when nothing was (no rows, or all positions already committed)
   * @throws InvalidArgumentError when `source` is not iterable, an option or batch is malformed, or positions do not grow
   * @throws as {@link Table.append}, or what `source` throws
   */
  async appendStream(source: AsyncIterable<WriteInput | PositionedBatch> | Iterable<WriteInput | PositionedBatch>, options: WriteOptions & ContractOptions & StreamAppendOptions = {}): Promise<Snapshot | undefined> {
    const { commitEvery, sourceId, onCommit, ...appendOptions } = typeof options === 'object' && options !== null ? options : ({} as typeof options);
    parseAppendOptions(typeof options === 'object' && options !== null ? appendOptions : options, this.name);
    // Every key given goes to the check, whatever its value: `commitEvery: null` is refused, not ignored.
    const streamOptions = parseStreamOptions({ ...(commitEvery !== undefined ? { commitEvery } : {}), ...(sourceId !== undefined ? { sourceId } : {}), ...(onCommit !== undefined ? { onCommit } : {}) }, appendOptions.summary, this.name);
    this.checkDataWrite('append to');
    if (this.constraints().length > 0) {
      if (streamOptions.commitEvery || streamOptions.sourceId !== undefined) {
        throw new InvalidArgumentError(`appendStream with ${streamOptions.commitEvery ? 'commitEvery' : 'sourceId'} on table ${this.name}: the table has constraints, which are checked over all the rows of one commit`, {
          context: { table: this.name },
          help: 'append in one commit (no commitEvery / sourceId), or drop the constraints',
        });
      }
      const batches: arrow.RecordBatch[] = [];
      for await (const data of streamSource(source, this.name) as AsyncIterable<WriteInput>) batches.push(...this.writeTable(data).batches);
      return batches.some((b) => b.numRows > 0) ? this.append(batches, options) : undefined;
    }
    return runStreamAppend(
      {
        table: this.name,
        context: () => this.ctx,
        state: () => this.state,
        clock: this.home.clock,
        vectorDimensions: this.vectorDimensions(),
        refresh: () => this.refresh(),
        // The files are staged before the commit begins: the staging window starts with the first
        // (spec/maintenance.md §M2), so a run of batches longer than the window is refused, never
        // committed with files orphan cleanup may have deleted.
        commit: (prepare, commitId, stagedAtMs) => this.commitStaged(prepare, commitId, stagedAtMs),
      },
      source,
      { ...streamOptions, ...(appendOptions.branch ? { branch: appendOptions.branch } : {}), ...(appendOptions.summary ? { summary: appendOptions.summary } : {}) },
    );
  }

  /**
   * The last source position an exactly-once {@link Table.appendStream} of `sourceId` committed on
   * `branch`: the `floe.stream.position` of the newest snapshot of the branch's ancestry that the
   * source committed (spec/streaming.md §S2); a restarted writer resumes after it.
   * @param sourceId the source
   * @returns the position, or `undefined` when the source never committed on the branch (or those snapshots were expired)
   * @throws InvalidArgumentError for a malformed source id or branch
   */
  committedStreamPosition(sourceId: string, options: { readonly branch?: string } = {}): bigint | undefined {
    const id = parseArgument(SourceIdSchema, sourceId, `source id of committedStreamPosition on table ${this.name}`);
    const { branch } = parseArgument(z.strictObject({ branch: z.string().min(1).optional() }), options, `options of committedStreamPosition on table ${this.name}`);
    return committedStreamPosition(this.state.metadata, id, branch ?? MAIN_BRANCH);
  }

  /** The table's declared constraints (its data contract), from its properties. */
  constraints(): Constraint[] {
    return constraintsFromProperties(this.state.metadata.properties);
  }

  /**
   * Replaces the table's constraints (one commit of properties `floe.constraint.*`).
   * @throws InvalidArgumentError for a malformed constraint or an unknown column
   */
  async setConstraints(constraints: readonly Constraint[]): Promise<void> {
    const columns = new Set(this.schema().fields.map((f) => f.name));
    for (const c of constraints) {
      const named = c.kind === 'unique' ? c.columns : c.kind === 'min-rows' || c.kind === 'max-rows' ? [] : [c.column];
      const unknown = named.find((n) => !columns.has(n));
      if (unknown !== undefined) throw new InvalidArgumentError(`constraint on unknown column ${unknown} of table ${this.name}`, { context: { table: this.name, column: unknown } });
    }
    const set = constraintsToProperties(constraints);
    const remove = Object.keys(this.state.metadata.properties).filter((k) => k.startsWith(CONSTRAINT_PROPERTY_PREFIX) && !(k in set));
    await this.setProperties(set, remove);
  }

  /**
   * Checks rows against the constraints; returns the rows to commit (all, or the good ones
   * after quarantining the bad) and summary entries recording a quarantine.
   */
  private async enforceContract(data: arrow.Table, options: ContractOptions, checkExisting: boolean): Promise<{ data: WriteInput; summary: Record<string, string> }> {
    const constraints = this.constraints();
    if (options.onViolation === 'quarantine' && !options.quarantine) {
      throw new InvalidArgumentError(`onViolation 'quarantine' needs a quarantine table for writes to table ${this.name}`, { context: { table: this.name } });
    }
    if (constraints.length === 0) return { data, summary: {} };
    const rows = conformToSchema(data, this.schema(), { table: this.name, vectorDimensions: this.vectorDimensions() });
    const report = await checkConstraints(rows, constraints, checkExisting ? { existingKeys: (columns, data, keyRows) => this.existingKeys(columns, data, keyRows) } : {});
    if (report.violations.length === 0) return { data: rows, summary: {} };
    if (options.onViolation !== 'quarantine' || report.commitFailed || !options.quarantine) {
      throw new ConstraintViolationError(this.name, report.violations);
    }
    const good: number[] = [];
    const bad: number[] = [];
    report.badRows.forEach((b, i) => (b ? bad : good).push(i));
    await options.quarantine.append(takeRows(rows, Int32Array.from(bad)));
    return {
      data: good.length > 0 ? takeRows(rows, Int32Array.from(good)) : new arrow.Table(rows.schema),
      summary: { 'floe.quarantined-rows': String(bad.length), 'floe.quarantine-table': options.quarantine.uuid() },
    };
  }

  /**
   * A write's `data` argument as one Arrow table of Floe's apache-arrow: Arrow objects of any
   * supported copy adopted, plain row objects converted with the current schema; checked before
   * anything is written.
   */
  private writeTable(data: WriteInput): arrow.Table {
    return toArrowTable(data, { schema: this.schema(), vectorDimensions: this.vectorDimensions(), table: this.name });
  }

  /** Which of these keys (canonical, `keyAt`) the current snapshot holds: a pruned scan of the key columns. */
  private async existingKeys(columns: readonly string[], data: arrow.Table, rows: readonly number[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (!this.currentSnapshot()) return found;
    const filter = keyMembershipExpression(data, rows, columns, this.schema());
    for await (const batch of this.scan({ columns: [...columns], filter }).batches()) {
      const vectors = columns.map((c) => batch.getChild(c)!);
      for (let i = 0; i < batch.numRows; i++) found.add(keyAt(vectors, i));
    }
    return found;
  }

  /**
   * Replaces rows: those matching `filter` (every row without one) are removed and `data` added,
   * in one snapshot.
   * The new rows are checked against the table's constraints first (`unique` among themselves only).
   * @param data as for {@link Table.append}
   * @throws InvalidArgumentError when `data` is not accepted input (see {@link Table.append}), or for a malformed option or filter (see {@link Table.delete}); nothing is committed
   * @throws CommitConflictError when a concurrent commit touched the same files or (serializable) added matching rows
   * @throws ConstraintViolationError when rows break the table's constraints (nothing is committed)
   */
  async overwrite(data: WriteInput, options: WriteOptions & ContractOptions & { readonly filter?: Expression | string } = {}): Promise<Snapshot> {
    parseOverwriteOptions(options, this.name);
    this.checkDataWrite('overwrite');
    // A filter key given as undefined is a caller's mistake, not "replace every row".
    const filter = 'filter' in options ? toExpression(options.filter, { what: `filter of overwrite on table ${this.name}` }) : undefined;
    const checked = await this.enforceContract(this.writeTable(data), options, false);
    return this.commit((state, commitId) =>
      prepareRewrite(this.ctx, state, {
        commitId,
        mode: writeModeOf(state.metadata.properties, 'update', this.name),
        data: checked.data,
        vectorDimensions: this.vectorDimensions(),
        ...(filter !== undefined ? { filter: this.bind(filter, state) } : {}),
        ...(options.branch ? { branch: options.branch } : {}),
        ...summaryOption(options.summary, checked.summary),
      }),
    );
  }

  /**
   * Deletes the rows matching `filter` (copy-on-write: only files holding such rows are rewritten).
   *
   * The filter is a string (`"id = 1"`) or an expression: a builder's result (`eq('id', 1)`) or
   * plain data of the same shape (`{ kind: 'literal', op: 'eq', column: 'id', value: 1 }`).
   * Anything else — `undefined`, `{}`, a wrong `kind` or `op`, a `String` object, a tree deeper
   * than 256 levels — is refused; to delete every row, pass `'TRUE'` or `alwaysTrue()`.
   * @throws InvalidArgumentError for a malformed filter or option, or a filter naming unknown
   *   columns (nothing is committed)
   */
  async delete(filter: Expression | string, options: WriteOptions = {}): Promise<Snapshot> {
    const expr = toExpression(filter, { what: `filter of delete on table ${this.name}` });
    parseDeleteOptions(options, this.name);
    this.checkDataWrite('delete from');
    return this.commit((state, commitId) =>
      prepareRewrite(this.ctx, state, {
        commitId,
        mode: writeModeOf(state.metadata.properties, 'delete', this.name),
        filter: this.bind(expr, state),
        vectorDimensions: this.vectorDimensions(),
        ...(options.branch ? { branch: options.branch } : {}),
        ...(options.summary ? { extraSummary: options.summary } : {}),
      }),
    );
  }

  /**
   * Upserts by key (merge): rows of the table whose key (`on` columns) appears in `data` are
   * replaced by `data`'s rows, other rows of `data` are inserted, in one `overwrite` snapshot.
   * Copy-on-write of only the files that may hold the keys (pruned by partition and column
   * metrics). When a concurrent commit conflicts (it rewrote those files, or may have added one
   * of the keys), the upsert is planned again on the new base, up to `commit.retry.num-retries`
   * times (default 4).
   * @param data as for {@link Table.append}
   * @param options `on`: the key column, or key columns (a non-empty list of distinct top-level columns)
   * @throws InvalidArgumentError for `data` that is not accepted input (see {@link Table.append}), a malformed option, unknown key columns, null keys, or duplicate keys in `data` (named)
   * @throws SchemaMismatchError when the rows do not fit the schema (nothing is committed)
   * @throws CommitConflictError when conflicts persist after the re-plans
   * @throws ConstraintViolationError when rows break the table's constraints (nothing is committed)
   */
  async upsert(data: WriteInput, options: WriteOptions & ContractOptions & { readonly on: string | readonly string[] }): Promise<Snapshot> {
    const { on } = parseUpsertOptions(options, this.name);
    this.checkDataWrite('upsert into');
    const checked = await this.enforceContract(this.writeTable(data), options, false);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.commit((state, commitId) =>
          prepareUpsert(this.ctx, state, checked.data, {
            commitId,
            on,
            mode: writeModeOf(state.metadata.properties, 'merge', this.name),
            vectorDimensions: this.vectorDimensions(),
            ...(options.branch ? { branch: options.branch } : {}),
            ...summaryOption(options.summary, checked.summary),
          }),
        );
      } catch (e) {
        // A non-retryable conflict means the plan is stale, not that the upsert is wrong:
        // re-plan on the new base (the retryable ones were already retried by the loop).
        if (!(e instanceof CommitConflictError) || e.retryable || !(attempt < this.upsertReplans())) throw e;
        await this.refresh();
      }
    }
  }

  /** How often an upsert re-plans after a conflict: `commit.retry.num-retries`, default 4 (read when needed, so a malformed value fails with its name). */
  private upsertReplans(): number {
    const props = this.state.metadata.properties;
    return props['commit.retry.num-retries'] === undefined ? 4 : retryPolicyFromProperties(props, this.name).numRetries;
  }

  private bind(filter: Expression, state: TableState): ReturnType<typeof bindExpression> {
    return bindExpression(filter, currentSchema(state.metadata), { caseSensitive: true });
  }

  /** Starts a schema change; nothing happens until its `commit()`. */
  updateSchema(): SchemaUpdate {
    return new SchemaUpdate(this);
  }

  /** Starts a partition-spec change; nothing happens until its `commit()`. Old files keep their spec. */
  updateSpec(): PartitionSpecUpdate {
    return new PartitionSpecUpdate(this);
  }

  /**
   * Sets (and with `remove`, removes) table properties. `format-version` is reserved, as in
   * Iceberg Java (`ALTER TABLE … SET TBLPROPERTIES ('format-version'='3')`): setting it upgrades
   * the table (2 → 3; spec/table-format.md §F1) and it is not stored.
   * @throws InvalidArgumentError for a value that is not a string, a malformed `commit.retry.*`
   *   value (a non-negative integer), a key both set and removed, a `format-version` below the
   *   table's or removed (nothing is committed)
   * @throws UnsupportedError for `format-version` 4 or later (nothing is committed)
   */
  async setProperties(updates: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<void> {
    checkPropertyChanges(updates, remove, this.name);
    if (remove.includes(FORMAT_VERSION_PROPERTY)) {
      throw new InvalidArgumentError(`property ${FORMAT_VERSION_PROPERTY} of table ${this.name} cannot be removed: it is the table's format version`, {
        context: { table: this.name, property: FORMAT_VERSION_PROPERTY },
      });
    }
    const { [FORMAT_VERSION_PROPERTY]: version, ...set } = updates;
    const formatVersion = version === undefined ? undefined : formatVersionProperty(this.name, version);
    await this.commit(() =>
      metadataChange(() => ({
        updates: [
          ...(formatVersion === undefined ? [] : [{ action: 'upgrade-format-version' as const, formatVersion }]),
          ...(Object.keys(set).length > 0 ? [{ action: 'set-properties' as const, updates: set }] : []),
          ...(remove.length > 0 ? [{ action: 'remove-properties' as const, removals: remove }] : []),
        ],
        result: undefined,
      })),
    );
  }

  /**
   * Tags a snapshot (default: the current one). Tags never move.
   * @throws InvalidArgumentError when a ref by that name exists
   * @throws SnapshotNotFoundError when the snapshot does not exist
   */
  createTag(name: string, snapshotId?: bigint | number | string, options: { maxRefAgeMs?: number } = {}): Promise<SnapshotRef> {
    return this.createRef(name, 'tag', snapshotId, options);
  }

  /**
   * Creates a branch at a snapshot (default: the current one).
   * @throws InvalidArgumentError when a ref by that name exists
   */
  createBranch(name: string, snapshotId?: bigint | number | string): Promise<SnapshotRef> {
    return this.createRef(name, 'branch', snapshotId, {});
  }

  private createRef(name: string, type: 'tag' | 'branch', snapshotId: bigint | number | string | undefined, options: { maxRefAgeMs?: number }): Promise<SnapshotRef> {
    if (!/^[^\s/][^\s]*$/.test(name)) throw new InvalidArgumentError(`not a valid ref name: ${JSON.stringify(name)}`);
    const existedBefore = this.state.metadata.refs[name] !== undefined;
    return this.commit(() =>
      metadataChange((base) => {
        const taken = base.metadata.refs[name];
        if (taken && existedBefore) {
          throw new InvalidArgumentError(`table ${this.name} already has a ${taken.type} named ${name}`, { context: { table: this.name, ref: name } });
        }
        if (taken) {
          // spec/commit-protocol.md §C7: the name was taken by a concurrent commit.
          throw new CommitConflictError(`a concurrent commit created a ${taken.type} named ${name} in table ${this.name}`, { context: { table: this.name, ref: name } }, false);
        }
        const id = snapshotId === undefined ? this.headOf(base.metadata) : snapshotById(base.metadata, toSnapshotId(snapshotId), this.name).snapshotId;
        const ref: SnapshotRef = { snapshotId: id, type, ...(options.maxRefAgeMs !== undefined ? { maxRefAgeMs: options.maxRefAgeMs } : {}) };
        return { updates: [{ action: 'set-snapshot-ref', refName: name, ref }], result: ref };
      }),
    );
  }

  private headOf(metadata: TableMetadata): bigint {
    const id = metadata.refs[MAIN_BRANCH]?.snapshotId ?? metadata.currentSnapshotId;
    if (id === null || id === undefined) throw new SnapshotNotFoundError(`table ${this.name} has no current snapshot to point a ref at`, { context: { table: this.name } });
    return id;
  }

  /**
   * Removes a tag or branch (not `main`).
   * @throws InvalidArgumentError for `main` or a name that is not a string
   * @throws RefNotFoundError when the table has no such ref (nothing is committed)
   */
  async removeRef(name: string): Promise<void> {
    if (typeof name !== 'string') throw new InvalidArgumentError(`a ref name must be a string, got ${typeof name}`, { context: { table: this.name } });
    if (name === MAIN_BRANCH) throw new InvalidArgumentError('the main branch cannot be removed');
    await this.commit(() =>
      metadataChange((base) => {
        if (base.metadata.refs[name] === undefined) throw this.refNotFound(base.metadata, name);
        return { updates: [{ action: 'remove-snapshot-ref', refName: name }], result: undefined };
      }),
    );
  }

  private refNotFound(metadata: TableMetadata, name: string): RefNotFoundError {
    const refs = Object.keys(metadata.refs);
    return new RefNotFoundError(name, { context: { table: this.name }, help: refs.length > 0 ? `the refs of table ${this.name} are ${refs.join(', ')}` : `table ${this.name} has no refs` });
  }

  /**
   * Makes an earlier snapshot current again on `main` (a new metadata version; history is kept).
   * @param target a snapshot id (bigint, safe integer or decimal string) or the name of a tag
   *   or branch, whose snapshot becomes current; a string naming both a ref and a different
   *   snapshot is refused as ambiguous
   * @throws SnapshotNotFoundError when the snapshot does not exist
   * @throws RefNotFoundError when a non-numeric name is not a ref of the table
   * @throws InvalidArgumentError for anything else (nothing is committed)
   */
  rollbackTo(target: bigint | number | string): Promise<Snapshot> {
    if (typeof target !== 'bigint' && typeof target !== 'number' && typeof target !== 'string') {
      return Promise.reject(new InvalidArgumentError(`rollbackTo takes a snapshot id or a ref name, got ${target === null ? 'null' : typeof target}`, { context: { table: this.name } }));
    }
    return this.commit(() =>
      metadataChange((base) => {
        const snap = this.rollbackTarget(base.metadata, target);
        return { updates: [{ action: 'set-snapshot-ref', refName: MAIN_BRANCH, ref: { ...base.metadata.refs[MAIN_BRANCH], snapshotId: snap.snapshotId, type: 'branch' } }], result: snap };
      }),
    );
  }

  /** The snapshot `rollbackTo(target)` makes current. */
  private rollbackTarget(metadata: TableMetadata, target: bigint | number | string): Snapshot {
    if (typeof target !== 'string') return snapshotById(metadata, toSnapshotId(target), this.name);
    const ref = metadata.refs[target];
    const isId = /^-?\d+$/.test(target.trim());
    if (ref === undefined) {
      if (!isId) throw this.refNotFound(metadata, target);
      return snapshotById(metadata, toSnapshotId(target), this.name);
    }
    if (isId && ref.snapshotId !== BigInt(target.trim()) && metadata.snapshots.some((s) => s.snapshotId === BigInt(target.trim()))) {
      throw new InvalidArgumentError(`rollbackTo(${JSON.stringify(target)}) on table ${this.name} is ambiguous: it names a ${ref.type} and a different snapshot`, {
        context: { table: this.name, ref: target },
        help: 'pass the snapshot id as a bigint, or the ref\'s snapshot id',
      });
    }
    return snapshotById(metadata, ref.snapshotId, this.name);
  }

  /**
   * Expires old snapshots and deletes the files only they referenced, by the retention policy
   * of the Iceberg spec: options left out come from the `history.expire.*` table properties
   * (`max-snapshot-age-ms`, default 5 days; `min-snapshots-to-keep`, default 1;
   * `max-ref-age-ms`, default never), and each ref's own `min-snapshots-to-keep`,
   * `max-snapshot-age-ms` and `max-ref-age-ms` win over them; tags and branches (not `main`)
   * older than their max ref age are removed (spec/maintenance.md §M3).
   * Reading an expired snapshot afterwards fails with `SnapshotNotFoundError`. With `dryRun`,
   * returns what would be expired and removed on the latest metadata, committing nothing.
   * @throws ValidationError when a `history.expire.*` property is malformed (nothing is committed)
   * @throws InvalidArgumentError for a malformed option (`olderThanMs` not a finite number,
   *   `retainLast` not a positive integer, an unknown key); nothing is committed
   */
  async expireSnapshots(options: ExpireOptions = {}): Promise<ExpireResult> {
    options = parseExpireOptions(options, this.name);
    this.checkDataWrite('expire snapshots of');
    if (options.dryRun) {
      await this.refresh();
      const plan = planExpiry(this.state.metadata, expireSettings(this.state.metadata, this.home.clock.nowMs(), options, this.name));
      return { expiredSnapshotIds: plan.snapshotIds, removedRefs: plan.refs, deletedFiles: 0 };
    }
    const before = this.state.metadata;
    const plan = await this.commit(() => expireChange(options, this.home.clock.nowMs(), this.name));
    const deletedFiles = options.cleanFiles === false ? 0 : await deleteExpiredFiles(this.ctx, before, this.state.metadata, plan.snapshotIds);
    return { expiredSnapshotIds: plan.snapshotIds, removedRefs: plan.refs, deletedFiles };
  }

  /**
   * Deletes orphan files: files under the table's `data/` and `metadata/` folders that no
   * reachable metadata version references (a crashed writer's, a failed expiry's) and that were
   * last modified before `olderThanMs` (default 3 days ago; at least 24 hours ago). Files of a
   * commit in flight are never deleted: a writer refuses to commit files staged more than 12
   * hours earlier (spec/maintenance.md §M2). Metadata files and the version hint are never
   * deleted. With `dryRun`, only lists them.
   * @throws InvalidArgumentError for a malformed option or an `olderThanMs` less than 24 hours
   *   ago, or when `gc.enabled` is false; nothing is deleted
   * @throws DataFileNotFoundError when a file the current metadata references is missing (nothing is deleted)
   */
  async removeOrphanFiles(options: RemoveOrphanFilesOptions = {}): Promise<RemoveOrphanFilesResult> {
    const checked = parseOrphanOptions(options, this.name, this.home.clock.nowMs());
    this.checkDataWrite('remove orphan files of');
    const reload = async (): Promise<{ state: TableState; locator: FileLocator }> => {
      await this.refresh();
      return { state: this.state, locator: this.ctx.locator };
    };
    return removeOrphanFiles({ table: this.name, store: this.home.store, reload }, checked);
  }

  /**
   * Compacts data files (spec/maintenance.md §M4): per partition, files smaller than 75% of the
   * target size (larger than 180% of it, or with delete files applying) are bin-packed into
   * groups of up to the target size (`targetFileSizeBytes`, default the
   * `write.target-file-size-bytes` property, else 512 MiB) and each group of at least
   * `minInputFiles` files (default 5), or with deletes, is written again as new files, its deletes
   * applied and its rows sorted by `sortBy` (else `write.sort-order`, else the table's sort
   * order); one `replace` snapshot swaps them in. The rows are unchanged. A concurrent append
   * does not conflict; a concurrent commit that removed a file being rewritten, or added delete
   * files that may apply to one, does (`CommitConflictError`, nothing committed).
   * @throws InvalidArgumentError for a malformed option, filter or sort term (nothing is committed)
   * @throws CommitConflictError as above
   */
  async rewriteDataFiles(options: RewriteDataFilesOptions = {}): Promise<RewriteDataFilesResult> {
    const checked = parseRewriteDataFilesOptions(options, this.name);
    this.checkDataWrite('rewrite data files of');
    const target = { ctx: this.ctx, state: this.state, vectorDimensions: this.vectorDimensions(), nowMs: () => this.home.clock.nowMs() };
    return rewriteDataFiles({ ...target, commit: (prepare, stagedAtMs) => this.commitStaged(prepare, newUuid(), stagedAtMs) }, checked);
  }

  /**
   * Rewrites the current snapshot's manifests into as few as `commit.manifest.target-size-bytes`
   * (default 8 MiB) allows per content and partition spec, entries clustered by partition, as a
   * `replace` snapshot that changes no data (spec/maintenance.md §M5). Nothing is committed when
   * there is at most one manifest of each content and spec.
   * @throws CommitConflictError when a concurrent commit replaced a manifest being rewritten (nothing committed)
   */
  async rewriteManifests(): Promise<RewriteManifestsResult> {
    this.checkDataWrite('rewrite manifests of');
    const stagedAtMs = this.home.clock.nowMs();
    const commitId = newUuid();
    const change = await prepareRewriteManifests(this.ctx, this.state, commitId);
    if (!change) return { snapshot: undefined, rewrittenManifests: 0, addedManifests: 0, entries: 0 };
    return this.commitStaged(() => change, commitId, stagedAtMs);
  }

  /**
   * Starts a scan of the current snapshot, or of one chosen by id, time, tag or branch.
   * @throws InvalidArgumentError for unknown columns or a bad filter
   * @throws SnapshotNotFoundError / RefNotFoundError when that version does not exist
   */
  scan(options: ScanOptions = {}): Scan {
    return new Scan({ table: this.name, metadata: this.state.metadata, locator: this.ctx.locator, vectorDimensions: this.vectorDimensions(), ...(this.remote ? { remote: this.remote } : {}) }, options);
  }

  /**
   * Reads what changed between two snapshots of one line of history: the rows each snapshot after
   * `fromSnapshot` (exclusive) up to `toSnapshot` (inclusive, default the current one) inserted
   * and deleted, with `_change_type`, `_change_ordinal`, `_commit_snapshot_id` and
   * `_commit_sequence_number` columns; `replace` snapshots add nothing, and a row deleted and
   * re-inserted unchanged by one snapshot is not a change (spec/changelog.md).
   * @throws InvalidArgumentError for a malformed option, unknown columns, a bad filter, or a
   *   `fromSnapshot` that is not an ancestor of `toSnapshot`
   * @throws SnapshotNotFoundError naming the snapshot when one is unknown or has expired
   * @throws UnsupportedError for a table read through the catalog with a masking policy
   */
  changes(options: ChangesOptions): Changes {
    if (this.remote) {
      throw new UnsupportedError(`changes of table ${this.name} cannot be read: its rows are read through the catalog under a masking policy, which serves snapshot reads only`, { context: { table: this.name } });
    }
    return new Changes({ table: this.name, metadata: this.state.metadata, locator: this.ctx.locator, vectorDimensions: this.vectorDimensions() }, options);
  }

  /**
   * A reader of individual data files (planned by {@link Table.scan}, or named by a pinned plan
   * whose snapshot has since expired), whole or by row group, with the schema `schemaId`
   * (default: the current one), the columns and the filter given. Training readers build on it.
   * @throws InvalidArgumentError for an unknown schema id, unknown columns or a bad filter
   */
  fileReader(options: DataFileReaderOptions & { readonly schemaId?: number } = {}): DataFileReader {
    options = parseFileReaderOptions(options, this.name);
    const m = this.state.metadata;
    const schema = options.schemaId === undefined ? currentSchema(m) : m.schemas.find((s) => s.schemaId === options.schemaId);
    if (!schema) {
      throw new InvalidArgumentError(`table ${this.name} has no schema with id ${options.schemaId}`, { context: { table: this.name, schemaId: options.schemaId ?? -1 } });
    }
    const { schemaId: _ignored, ...rest } = options;
    return new DataFileReader({ table: this.name, metadata: m, locator: this.ctx.locator, vectorDimensions: this.vectorDimensions(), ...(this.remote ? { remote: this.remote } : {}) }, schema, rest);
  }
}
