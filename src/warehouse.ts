/**
 * The `Warehouse` facade: one storage location (a local folder, an S3 prefix, or memory) holding
 * namespaces and tables through the storage catalog.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { z } from 'zod';
import { StorageCatalog, formatTableIdentifier, parseTableIdentifier } from './catalog/index.js';
import { checkRetryProperties } from './commit/index.js';
import { InvalidArgumentError, NamespaceNotFoundError, TableNotFoundError, isFloeError } from './errors.js';
import { icebergSchemaFromArrow } from './io/index.js';
import { UNPARTITIONED_SPEC, parseArgument, parsePartitionSpec, schemaFromShorthand } from './spec/index.js';
import { validateSchemaIds } from './spec/index.js';
import type { NestedField, Schema } from './spec/index.js';
import { type StoreOptions, checkLocation, openLocation } from './store/index.js';
import type { ObjectStore } from './store/index.js';
import { Table } from './table.js';
import { commitNewTable, vectorDimensionsToProperties } from './transaction/index.js';
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
}

/** Options of {@link Warehouse.createTable}. */
export interface CreateTableOptions {
  /** A partition spec, e.g. `'day(ts), bucket(16, user_id)'`. */
  readonly partitionBy?: string;
  /** Table properties. */
  readonly properties?: Readonly<Record<string, string>>;
}

const WarehouseOptionsSchema = z.strictObject({
  // The S3 store checks its own settings; here only that they are an object.
  s3: z.looseObject({}).optional(),
  clock: z.custom<Clock>((v) => typeof (v as { nowMs?: unknown } | null)?.nowMs === 'function', 'expected a Clock (an object with nowMs())').optional(),
  store: z.custom<ObjectStore>((v) => typeof (v as { get?: unknown } | null)?.get === 'function' && typeof (v as { put?: unknown }).put === 'function', 'expected an ObjectStore').optional(),
});

const CreateTableOptionsSchema = z.strictObject({
  partitionBy: z.string({ error: "expected a partition spec such as 'day(ts), bucket(16, user_id)'" }).optional(),
  properties: z.record(z.string(), z.string({ error: 'expected a string value' })).optional(),
});

/** The schema forms {@link Warehouse.createTable} takes. */
export type TableSchemaInput = arrow.Schema | Schema | Readonly<Record<string, string>> | string;

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
  if (schema instanceof arrow.Schema) {
    const converted = icebergSchemaFromArrow(schema, { schemaId: 0 });
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
  /** The catalog over the warehouse root. */
  readonly catalog: StorageCatalog;

  private constructor(readonly uri: string, catalog: StorageCatalog, private readonly options: WarehouseOptions) {
    this.catalog = catalog;
  }

  /**
   * Opens a warehouse: `'file:///…'` or a local path (default `./warehouse`), `'s3://bucket/prefix'`,
   * or `'memory://name'` (process-wide, shared by every open of the same name).
   * @throws InvalidArgumentError for a malformed location (empty, control characters) or option
   */
  static async open(uri: string = DEFAULT_WAREHOUSE, options: WarehouseOptions = {}): Promise<Warehouse> {
    checkLocation(uri, 'uri of Warehouse.open');
    parseArgument(WarehouseOptionsSchema, options, 'options of Warehouse.open');
    const opened = openLocation(uri, options.s3 ? { s3: options.s3 } : {});
    const root = options.store ? { uri: opened.uri, store: options.store } : opened;
    return new Warehouse(root.uri, new StorageCatalog(root), options);
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
   * vector column), an Iceberg schema (ids as given), or the shorthand `floe create --schema`
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
    const { iceberg, lastColumnId, vectorProps } = tableSchemaOf(schema, name);
    if (!(await this.catalog.namespaceExists(id.namespace))) {
      throw new NamespaceNotFoundError(id.namespace.join('.'), { context: { table: name }, help: `create it with createNamespace('${id.namespace.join('.')}')` });
    }
    const spec = options.partitionBy?.trim()
      ? parsePartitionSpec(options.partitionBy, iceberg, { specId: 0, lastPartitionId: 999 })
      : UNPARTITIONED_SPEC;
    const location = this.catalog.tableLocation(id);
    const state = await commitNewTable(location.store, name, {
      location: location.uri,
      schema: iceberg,
      lastColumnId,
      spec,
      properties: { ...vectorProps, ...options.properties },
      clock: this.options.clock ?? systemClock,
    });
    return new Table(
      { name, uri: location.uri, store: location.store, remap: {}, s3: this.options.s3, clock: this.options.clock ?? systemClock },
      state,
    );
  }

  /**
   * Loads a table by name.
   * @throws TableNotFoundError
   */
  async loadTable(identifier: string): Promise<Table> {
    const id = parseTableIdentifier(identifier);
    const name = formatTableIdentifier(id);
    try {
      return await Table.open(this.catalog.tableLocation(id), {
        name,
        ...(this.options.s3 ? { s3: this.options.s3 } : {}),
        ...(this.options.clock ? { clock: this.options.clock } : {}),
      });
    } catch (e) {
      if (isFloeError(e, 'TABLE_NOT_FOUND')) throw new TableNotFoundError(name, { cause: e, help: `list tables with listTables('${id.namespace.join('.')}')` });
      throw e;
    }
  }

  /**
   * Drops a table and deletes its files.
   * @throws TableNotFoundError
   */
  dropTable(identifier: string): Promise<void> {
    return this.catalog.dropTable(identifier);
  }
}
