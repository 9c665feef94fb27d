/**
 * The `Warehouse` facade: namespaces and tables through a catalog — the storage catalog of one
 * location (a local folder, an S3 prefix, or memory), or any Iceberg REST catalog (`http(s)://`).
 * A table behaves the same whichever catalog names it: with a REST catalog its data and
 * manifests are still written to storage by the table API, and only its metadata commits go
 * through the catalog (as requirements + updates).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { StorageCatalog, formatTableIdentifier, parseTableIdentifier } from './catalog/index.js';
import { RestCatalog, type RestLoadedTable } from './catalog/rest/client/index.js';
import { checkRetryProperties } from './commit/index.js';
import { InvalidArgumentError, NamespaceNotFoundError, TableNotFoundError, UnsupportedError, isFloeError } from './errors.js';
import { adoptSchema, type ArrowSchemaLike, icebergSchemaFromArrow, isArrowSchemaLike } from './io/index.js';
import { UNPARTITIONED_SPEC, parseArgument, parsePartitionSpec, schemaFromShorthand } from './spec/index.js';
import { validateSchemaIds } from './spec/index.js';
import type { NestedField, Schema } from './spec/index.js';
import { type OpenedLocation, type StoreOptions, checkLocation, openLocation } from './store/index.js';
import type { ObjectStore } from './store/index.js';
import { Table } from './table.js';
import { FORMAT_VERSION_PROPERTY, checkWriteModeProperties, commitNewTable, formatVersionOfCreate, vectorDimensionsToProperties } from './transaction/index.js';
import { type Clock, systemClock } from './util/index.js';

/** The warehouse a bare `Warehouse.open()` uses. */
export const DEFAULT_WAREHOUSE = './warehouse';

/** Options of {@link Warehouse.open}. */
export interface WarehouseOptions {
  /** S3 settings; without them `FLOE_S3_*` variables, then the AWS chain. */
  readonly s3?: StoreOptions['s3'];
  /** The clock commits take their timestamps from (tests inject skewed clocks). */
  readonly clock?: Clock;
  /**
   * The store to use instead of opening `uri` (keys relative to the warehouse root): wrap the
   * real one to count requests (`instrumented`) or inject faults (`faulty`).
   */
  readonly store?: ObjectStore;
  /**
   * How to reach an Iceberg REST catalog, when `uri` is one (`http://…`, `https://…`): a bearer
   * token (default `FLOE_CATALOG_TOKEN`) or client credentials `id:secret` exchanged for tokens
   * (default `FLOE_CATALOG_CREDENTIAL`), the warehouse to ask for (default
   * `FLOE_CATALOG_WAREHOUSE`), a prefix for servers whose config names none, extra headers, and a
   * `fetch` to use.
   */
  readonly catalog?: {
    readonly token?: string;
    readonly credential?: string;
    readonly warehouse?: string;
    readonly prefix?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly fetch?: typeof fetch;
  };
}

/** Options of {@link Warehouse.createTable}. */
export interface CreateTableOptions {
  /** A partition spec, e.g. `'day(ts), bucket(16, user_id)'`. */
  readonly partitionBy?: string;
  /** Table properties. `format-version` (`'2'` or `'3'`) chooses the format version, as in Iceberg Java and PyIceberg, and is not stored. */
  readonly properties?: Readonly<Record<string, string>>;
  /**
   * The Iceberg format version: 2 (default) or 3 (row lineage; spec/table-format.md §F1). The
   * same as the `format-version` property; giving both with different values is refused.
   */
  readonly formatVersion?: 2 | 3;
}

const WarehouseOptionsSchema = z.strictObject({
  // The S3 store checks its own settings; here only that they are an object.
  s3: z.looseObject({}).optional(),
  clock: z.custom<Clock>((v) => typeof (v as { nowMs?: unknown } | null)?.nowMs === 'function', 'expected a Clock (an object with nowMs())').optional(),
  store: z.custom<ObjectStore>((v) => typeof (v as { get?: unknown } | null)?.get === 'function' && typeof (v as { put?: unknown }).put === 'function', 'expected an ObjectStore').optional(),
  catalog: z
    .strictObject({
      token: z.string().min(1).optional(),
      credential: z.string().regex(/^[^:]+:.+$/, 'expected client-id:client-secret').optional(),
      warehouse: z.string().optional(),
      prefix: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'expected a fetch function').optional(),
    })
    .optional(),
});

const CreateTableOptionsSchema = z.strictObject({
  partitionBy: z.string({ error: "expected a partition spec such as 'day(ts), bucket(16, user_id)'" }).optional(),
  properties: z.record(z.string(), z.string({ error: 'expected a string value' })).optional(),
  formatVersion: z.union([z.literal(2), z.literal(3)], { error: 'expected format version 2 or 3' }).optional(),
});

/** The schema forms {@link Warehouse.createTable} takes. */
export type TableSchemaInput = arrow.Schema | ArrowSchemaLike | Schema | Readonly<Record<string, string>> | string;

function maxId(fields: readonly NestedField[]): number {
  let max = 0;
  const visit = (f: NestedField): void => {
    max = Math.max(max, f.id);
    const t = f.type;
    if (t.type === 'struct') t.fields.forEach(visit);
    else if (t.type === 'list') {
      max = Math.max(max, t.elementId);
      if (t.element.type === 'struct') t.element.fields.forEach(visit);
    } else if (t.type === 'map') max = Math.max(max, t.keyId, t.valueId);
  };
  fields.forEach(visit);
  return max;
}

/** The Iceberg schema (schema id 0) of a new table, its highest field id, and the properties its vector columns need. */
function tableSchemaOf(schema: TableSchemaInput, table: string): { iceberg: Schema; lastColumnId: number; vectorProps: Record<string, string> } {
  if (isArrowSchemaLike(schema)) {
    // Floe's apache-arrow or another copy of it (io/arrow-adopt.ts).
    const converted = icebergSchemaFromArrow(adoptSchema(schema, 'schema'), { schemaId: 0 });
    return { iceberg: converted.schema, lastColumnId: converted.lastColumnId, vectorProps: vectorDimensionsToProperties(converted.vectorDimensions) };
  }
  if (typeof schema === 'object' && schema !== null && Array.isArray((schema as Schema).fields)) {
    const iceberg = { ...(schema as Schema), schemaId: 0 };
    validateSchemaIds(iceberg);
    return { iceberg, lastColumnId: maxId(iceberg.fields), vectorProps: {} };
  }
  if (typeof schema === 'string' || (typeof schema === 'object' && schema !== null && Object.getPrototypeOf(schema) === Object.prototype)) {
    const read = schemaFromShorthand(schema as Readonly<Record<string, string>> | string, { where: `schema of table ${table}` });
    return { iceberg: read.schema, lastColumnId: maxId(read.schema.fields), vectorProps: vectorDimensionsToProperties(read.vectorDimensions) };
  }
  throw new InvalidArgumentError(`the schema of table ${table} must be an apache-arrow Schema, an Iceberg schema, or a column → type object or JSON text`, {
    context: { table },
    help: `e.g. { user_id: 'long not null', ts: 'timestamptz', emb: 'vector(384)' }`,
  });
}

/** A warehouse of Iceberg tables on one storage location. */
export class Warehouse {
  /** The catalog: the storage catalog over the warehouse root, or a REST catalog client. */
  readonly catalog: StorageCatalog | RestCatalog;

  /** The clock commits take their timestamps from. */
  get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  /** A table loaded through a REST catalog: files reached as its config says, commits through the catalog. */
  private restTable(loaded: RestLoadedTable): Table {
    const { location, state, operations, name, s3, access, reads } = loaded;
    // A masked reader reads through the catalog (spec/governance.md §G7).
    return new Table({ name, uri: location.uri, store: location.store, remap: {}, s3, clock: this.clock, operations, ...(access ? { access } : {}), ...(reads ? { reads } : {}) }, state);
  }

  /**
   * The warehouse's storage root (where artifacts and other non-table objects live): the
   * warehouse folder, or for a REST catalog the warehouse location its config names.
   * @throws UnsupportedError for a REST catalog that names no storage location this client can open
   */
  get root(): OpenedLocation {
    const root = this.catalog.root;
    if (!root) {
      throw new UnsupportedError(`the REST catalog at ${this.uri} names no warehouse location this client can open (its config has no s3:// or file:// "warehouse")`, {
        help: 'store artifacts in a warehouse opened by its storage location',
      });
    }
    return root;
  }

  /** The S3 settings the warehouse was opened with, if any. */
  get s3Options(): StoreOptions['s3'] | undefined {
    return this.options.s3;
  }

  private constructor(readonly uri: string, catalog: StorageCatalog | RestCatalog, private readonly options: WarehouseOptions) {
    this.catalog = catalog;
  }

  /**
   * Opens a warehouse: `'file:///…'` or a local path (default `./warehouse`), `'s3://bucket/prefix'`,
   * or `'memory://name'` (process-wide, shared by every open of the same name).
   * @throws InvalidArgumentError for a malformed location (empty, control characters) or option
   */
  static async open(uri: string = DEFAULT_WAREHOUSE, options: WarehouseOptions = {}): Promise<Warehouse> {
    parseArgument(WarehouseOptionsSchema, options, 'options of Warehouse.open');
    if (typeof uri === 'string' && /^https?:\/\//i.test(uri)) {
      const rest = await RestCatalog.connect({ uri, ...options.catalog, ...(options.s3 ? { s3: options.s3 } : {}) });
      return new Warehouse(uri, rest, options);
    }
    checkLocation(uri, 'uri of Warehouse.open');
    const opened = openLocation(uri, options.s3 ? { s3: options.s3 } : {});
    const root = options.store ? { uri: opened.uri, store: options.store } : opened;
    return new Warehouse(root.uri, new StorageCatalog(root, options.s3 ? { s3: options.s3 } : {}), options);
  }

  /** Creates a namespace (`'ml'`, or nested `'ml.features'`). */
  createNamespace(namespace: string, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    return this.catalog.createNamespace(namespace, properties);
  }

  /** Namespaces (top-level, or under `parent`). */
  listNamespaces(parent?: string): Promise<string[]> {
    return this.catalog.listNamespaces(parent);
  }

  /** Whether a namespace exists. */
  namespaceExists(namespace: string): Promise<boolean> {
    return this.catalog.namespaceExists(namespace);
  }

  /** Drops an empty namespace. */
  dropNamespace(namespace: string): Promise<void> {
    return this.catalog.dropNamespace(namespace);
  }

  /** Tables of a namespace, as `ns.table`. */
  listTables(namespace: string): Promise<string[]> {
    return this.catalog.listTables(namespace);
  }

  /** Whether a table exists. */
  tableExists(identifier: string): Promise<boolean> {
    return this.catalog.tableExists(identifier);
  }

  /**
   * Creates a table from an Arrow schema (field ids assigned, `FixedSizeList<Float32>` kept as a
   * vector column; Floe's apache-arrow or another copy of it), an Iceberg schema (ids as given), or the shorthand `floe create --schema`
   * takes: an object of column → type, `{ user_id: 'long not null', ts: 'timestamptz', emb:
   * 'vector(384)' }`, or its JSON text (which may also be an Iceberg schema JSON); see
   * `schemaFromShorthand`.
   * @throws NamespaceNotFoundError / TableAlreadyExistsError
   * @throws InvalidArgumentError for a bad name, schema, partition spec or option (a malformed
   *   `commit.retry.*` property value too); no table is created
   */
  async createTable(identifier: string, schema: TableSchemaInput, options: CreateTableOptions = {}): Promise<Table> {
    const id = parseTableIdentifier(identifier);
    const name = formatTableIdentifier(id);
    parseArgument(CreateTableOptionsSchema, options, `options of createTable for table ${name}`);
    checkRetryProperties(options.properties ?? {}, name);
    checkWriteModeProperties(options.properties ?? {}, name);
    const { formatVersion, properties } = formatVersionOfCreate(name, options.properties ?? {}, options.formatVersion);
    const { iceberg, lastColumnId, vectorProps } = tableSchemaOf(schema, name);
    if (!(await this.catalog.namespaceExists(id.namespace))) {
      throw new NamespaceNotFoundError(id.namespace.join('.'), { context: { table: name }, help: `create it with createNamespace('${id.namespace.join('.')}')` });
    }
    const spec = options.partitionBy?.trim()
      ? parsePartitionSpec(options.partitionBy, iceberg, { specId: 0, lastPartitionId: 999 })
      : UNPARTITIONED_SPEC;
    const clock = this.options.clock ?? systemClock;
    if (this.catalog instanceof RestCatalog) {
      // The REST create request carries the version as Iceberg clients send it: the reserved property.
      const loaded = await this.catalog.createTable(id, { schema: iceberg, spec, properties: { ...vectorProps, ...properties, [FORMAT_VERSION_PROPERTY]: String(formatVersion) } });
      return this.restTable(loaded);
    }
    const { location, state } = await this.catalog.createTable(id, (at) =>
      commitNewTable(at.store, name, {
        location: at.uri,
        schema: iceberg,
        lastColumnId,
        spec,
        properties: { ...vectorProps, ...properties },
        formatVersion,
        clock,
      }),
    );
    return new Table({ name, uri: location.uri, store: location.store, remap: {}, s3: this.options.s3, clock }, state);
  }

  /**
   * Loads a table by name.
   * @throws TableNotFoundError
   */
  async loadTable(identifier: string): Promise<Table> {
    const id = parseTableIdentifier(identifier);
    const name = formatTableIdentifier(id);
    if (this.catalog instanceof RestCatalog) {
      // As for a storage catalog: a table in a namespace that does not exist is not found.
      const loaded = await this.catalog.loadTable(id).catch((e: unknown) => {
        throw isFloeError(e, 'NAMESPACE_NOT_FOUND') ? new TableNotFoundError(name, { cause: e, help: `list tables with listTables('${id.namespace.join('.')}')` }) : e;
      });
      return this.restTable(loaded);
    }
    const notFound = (cause?: unknown): TableNotFoundError =>
      new TableNotFoundError(name, { ...(cause ? { cause } : {}), help: `list tables with listTables('${id.namespace.join('.')}')` });
    const resolved = await this.catalog.resolveTable(id).catch((e: unknown) => {
      throw isFloeError(e, 'NAMESPACE_NOT_FOUND') ? notFound(e) : e;
    });
    if (!resolved) throw notFound();
    try {
      return await Table.open(resolved.location, {
        name,
        ...(this.options.s3 ? { s3: this.options.s3 } : {}),
        ...(this.options.clock ? { clock: this.options.clock } : {}),
      });
    } catch (e) {
      if (isFloeError(e, 'TABLE_NOT_FOUND')) throw notFound(e);
      throw e;
    }
  }

  /**
   * Drops a table: its name is unbound at once; with `purge` (the default) its files are then
   * deleted, otherwise they stay where they are (the table can be registered again).
   * @throws TableNotFoundError
   */
  dropTable(identifier: string, options: { readonly purge?: boolean } = {}): Promise<void> {
    return this.catalog.dropTable(identifier, { purge: options.purge ?? true });
  }

  /**
   * Renames a table within its namespace (its files stay where they are).
   * @throws TableNotFoundError / TableAlreadyExistsError / UnsupportedError (to another namespace)
   */
  renameTable(from: string, to: string): Promise<void> {
    return this.catalog.renameTable(from, to);
  }

  /**
   * Registers an existing Iceberg table (its root folder, e.g. one written by Spark) under a name.
   * @param location the table's root URI
   * @param options `overwrite`: replace a table bound to the name (its files are kept)
   * @throws NamespaceNotFoundError / TableAlreadyExistsError / TableNotFoundError (no table there)
   */
  async registerTable(identifier: string, location: string, options: { readonly overwrite?: boolean } = {}): Promise<Table> {
    if (this.catalog instanceof RestCatalog) {
      const existing = await Table.load(location, this.options.s3 ? { s3: this.options.s3 } : {});
      return this.restTable(await this.catalog.registerTable(identifier, `${existing.uri}/${existing.metadataFile}`, options));
    }
    const opened = openLocation(location, this.options.s3 ? { s3: this.options.s3 } : {});
    await Table.open(opened, { name: location });
    await this.catalog.registerTable(identifier, opened, options);
    return this.loadTable(identifier);
  }
}
