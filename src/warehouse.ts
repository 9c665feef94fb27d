/**
 * The `Warehouse` facade: one storage location (a local folder, an S3 prefix, or memory) holding
 * namespaces and tables through the storage catalog.
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { StorageCatalog, formatTableIdentifier, parseTableIdentifier } from './catalog/index.js';
import { InvalidArgumentError, NamespaceNotFoundError, TableNotFoundError, isFloeError } from './errors.js';
import { adoptSchema, type ArrowSchemaLike, icebergSchemaFromArrow, isArrowSchemaLike } from './io/index.js';
import { UNPARTITIONED_SPEC, parsePartitionSpec } from './spec/index.js';
import { validateSchemaIds } from './spec/index.js';
import type { NestedField, Schema } from './spec/index.js';
import { type StoreOptions, openLocation } from './store/index.js';
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
   */
  static async open(uri: string = DEFAULT_WAREHOUSE, options: WarehouseOptions = {}): Promise<Warehouse> {
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
   * vector column; Floe's apache-arrow or another copy of it) or an Iceberg schema (ids as given).
   * @throws NamespaceNotFoundError / TableAlreadyExistsError / InvalidArgumentError (bad name or partition spec)
   */
  async createTable(identifier: string, schema: arrow.Schema | ArrowSchemaLike | Schema, options: CreateTableOptions = {}): Promise<Table> {
    const id = parseTableIdentifier(identifier);
    const name = formatTableIdentifier(id);
    if (!(await this.catalog.namespaceExists(id.namespace))) {
      throw new NamespaceNotFoundError(id.namespace.join('.'), { context: { table: name }, help: `create it with createNamespace('${id.namespace.join('.')}')` });
    }
    let iceberg: Schema;
    let lastColumnId: number;
    let vectorProps: Record<string, string> = {};
    if (isArrowSchemaLike(schema)) {
      const converted = icebergSchemaFromArrow(adoptSchema(schema, 'schema'), { schemaId: 0 });
      iceberg = converted.schema;
      lastColumnId = converted.lastColumnId;
      vectorProps = vectorDimensionsToProperties(converted.vectorDimensions);
    } else {
      const given = schema as Schema; // not an Arrow schema of any copy (isArrowSchemaLike)
      if (!Array.isArray(given.fields)) throw new InvalidArgumentError('schema must be an apache-arrow Schema or an Iceberg schema with fields');
      iceberg = { ...given, schemaId: 0 };
      validateSchemaIds(iceberg);
      lastColumnId = maxId(iceberg.fields);
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
