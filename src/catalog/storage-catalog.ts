/**
 * The storage catalog: namespaces and tables of one warehouse, kept in the warehouse itself with
 * no service and no database behind them (spec/catalog.md §K1–§K4).
 *
 *     <warehouse>/<ns>/namespace.floe.json        the namespace document (properties, bindings)
 *     <warehouse>/<ns>/<table>/metadata/…         an Iceberg file-system table in its default folder
 *
 * A name resolves (spec/catalog.md §K3) through the namespace document's binding for it when
 * there is one (a location, or a tombstone after a drop), else to the default folder when that
 * holds a table (`metadata/v1.metadata.json`). Namespaces are created with a conditional create
 * and every later change to one — properties, table bindings, renames, drops — is a
 * compare-and-swap on its document, so concurrent catalog changes are linearized by the store
 * exactly as table commits are; the tables' own commits never touch the document.
 *
 * @module
 */
import {
  NamespaceAlreadyExistsError,
  NamespaceNotEmptyError,
  NamespaceNotFoundError,
  NotAuthorizedError,
  TableAlreadyExistsError,
  TableNotFoundError,
  UnsupportedError,
  isFloeError,
} from '../errors.js';
import { type OpenedLocation, type StoreOptions, childLocation, openLocation } from '../store/index.js';
import { loadTableState } from '../commit/index.js';
import { requireGcEnabled } from '../spec/index.js';
import { newUuid } from '../util/index.js';
import { type TableIdentifier, formatTableIdentifier, parseNamespace, parseTableIdentifier } from './identifiers.js';
import {
  type NamespaceDoc,
  type TableBinding,
  NAMESPACE_MARKER,
  decodeNamespaceDoc,
  encodeNamespaceDoc,
  namespaceDocPath,
  readNamespaceDoc,
  updateNamespaceDoc,
} from './namespace-doc.js';
import { isReservedPath, locationsOverlap, trimLocation } from './location-rules.js';
import { type Page, type PageRequest, pageOf } from './paging.js';
import { type PurgeOptions, purgeLocation } from './purge.js';


/**
 * Whether a dropped table's files must stay (`gc.enabled` false or not a boolean, in its latest
 * metadata). A table whose metadata cannot be read is purged whole, as before: it references
 * nothing that could be checked.
 */
async function gcDisabled(location: OpenedLocation, name: string): Promise<boolean> {
  let properties: Readonly<Record<string, string>>;
  try {
    properties = (await loadTableState(location.store, name)).metadata.properties;
  } catch {
    return false;
  }
  try {
    requireGcEnabled(properties, name, 'purge');
    return false;
  } catch {
    return true;
  }
}

/** Where a table lives, as the catalog resolved its name. */
export interface ResolvedTable {
  /** The table's dotted name. */
  readonly name: string;
  /** Its location (a store rooted at the table). */
  readonly location: OpenedLocation;
  /** For a registered table: the metadata file it was registered with (never read older). */
  readonly metadataFile?: string;
}

/** What a properties update changed (the REST spec's `UpdateNamespacePropertiesResponse`). */
export interface NamespacePropertiesChange {
  /** Keys set. */
  readonly updated: string[];
  /** Keys removed. */
  readonly removed: string[];
  /** Keys asked to be removed that were not there. */
  readonly missing: string[];
}

/** Options of {@link StorageCatalog}. */
export interface StorageCatalogOptions {
  /** S3 settings for table locations outside the warehouse root (registered tables). */
  readonly s3?: StoreOptions['s3'];
}

/** Whether an error says an object is absent. */
function isNotFound(e: unknown): boolean {
  return isFloeError(e, 'NOT_FOUND');
}

/** Namespaces and tables of one warehouse. */
export class StorageCatalog {
  /**
   * @param root the warehouse location
   * @param options settings for locations outside it
   */
  constructor(readonly root: OpenedLocation, private readonly options: StorageCatalogOptions = {}) {}

  private async exists(path: string): Promise<boolean> {
    try {
      await this.root.store.head(path);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  // ------------------------------------------------------------------------------ namespaces

  /**
   * Creates a namespace (its parent must exist for nested ones).
   * @throws NamespaceAlreadyExistsError / NamespaceNotFoundError (parent) / InvalidArgumentError (name)
   */
  async createNamespace(namespace: string | readonly string[], properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const parts = parseNamespace(namespace);
    const name = parts.join('.');
    if (parts.length > 1) {
      const parent = await readNamespaceDoc(this.root.store, parts.slice(0, -1));
      if (!parent) throw new NamespaceNotFoundError(parts.slice(0, -1).join('.'), { help: 'create the parent namespace first' });
      // The namespace's folder must not be (or hold, or lie in) a table's folder of its parent:
      // table `a.b` lives at `<warehouse>/a/b`, where namespace `a.b` keeps its document and tables.
      const folder = `${this.root.uri}/${parts.join('/')}`;
      for (const t of await this.liveTableLocations(parts.slice(0, -1), parent.doc)) {
        if (!locationsOverlap(t.uri, folder)) continue;
        const clash = t.name === name ? `table ${name} exists, and its files are` : `a table of namespace ${parts.slice(0, -1).join('.')} has its files`;
        throw new NamespaceAlreadyExistsError(name, {
          help: `${clash} in ${folder}, where the namespace would keep its document and tables: choose another name`,
        });
      }
    }
    const fresh: NamespaceDoc = { namespace: parts, properties: { ...properties }, tables: {}, dropped: false, writes: [] };
    const path = namespaceDocPath(parts);
    try {
      await this.root.store.put(path, encodeNamespaceDoc(fresh), { mode: { kind: 'create' }, contentType: 'application/json' });
      return;
    } catch (e) {
      if (!isFloeError(e, 'ALREADY_EXISTS')) throw e;
    }
    // A document exists: a live namespace, or one being dropped, which this create revives
    // (keeping its tombstones, so that tables dropped with their files kept stay dropped).
    const { bytes, meta } = await this.root.store.get(path);
    const old = decodeNamespaceDoc(bytes, path);
    if (!old.dropped) throw new NamespaceAlreadyExistsError(name);
    const tombstones = Object.fromEntries(Object.entries(old.tables).filter(([, b]) => 'dropped' in b));
    try {
      await this.root.store.put(path, encodeNamespaceDoc({ ...fresh, tables: tombstones }), {
        mode: { kind: 'update', expected: { ...(meta.etag !== undefined ? { etag: meta.etag } : {}), ...(meta.version !== undefined ? { version: meta.version } : {}) } },
        contentType: 'application/json',
      });
    } catch (e) {
      if (isFloeError(e, 'PRECONDITION_FAILED')) throw new NamespaceAlreadyExistsError(name, { cause: e });
      throw e;
    }
  }

  /** Whether a namespace exists. */
  async namespaceExists(namespace: string | readonly string[]): Promise<boolean> {
    return (await readNamespaceDoc(this.root.store, parseNamespace(namespace))) !== undefined;
  }

  /**
   * A namespace's properties.
   * @throws NamespaceNotFoundError
   */
  async namespaceProperties(namespace: string | readonly string[]): Promise<Record<string, string>> {
    const parts = parseNamespace(namespace);
    const found = await readNamespaceDoc(this.root.store, parts);
    if (!found) throw new NamespaceNotFoundError(parts.join('.'));
    return { ...found.doc.properties };
  }

  /**
   * Sets and removes namespace properties in one compare-and-swap.
   * @throws NamespaceNotFoundError
   */
  async updateNamespaceProperties(
    namespace: string | readonly string[],
    change: { readonly updates?: Readonly<Record<string, string>>; readonly removals?: readonly string[] },
  ): Promise<NamespacePropertiesChange> {
    const parts = parseNamespace(namespace);
    const updates = change.updates ?? {};
    const removals = change.removals ?? [];
    return updateNamespaceDoc(this.root.store, parts, (doc) => {
      const properties = { ...doc.properties };
      const removed: string[] = [];
      const missing: string[] = [];
      for (const k of removals) {
        if (k in properties) {
          delete properties[k];
          removed.push(k);
        } else missing.push(k);
      }
      Object.assign(properties, updates);
      return { doc: { ...doc, properties }, result: { updated: Object.keys(updates), removed, missing } };
    });
  }

  /** Namespaces directly under `parent` (top-level ones by default), as dotted names, sorted. */
  async listNamespaces(parent?: string | readonly string[]): Promise<string[]> {
    return (await this.listNamespacePage(parent)).items.map((p) => p.join('.'));
  }

  /**
   * One page of the namespaces directly under `parent`, as parts, sorted.
   * @throws NamespaceNotFoundError when `parent` does not exist
   */
  async listNamespacePage(parent?: string | readonly string[], page: PageRequest = {}): Promise<Page<string[]>> {
    const base = parent === undefined ? [] : parseNamespace(parent);
    if (base.length > 0 && !(await this.namespaceExists(base))) throw new NamespaceNotFoundError(base.join('.'));
    const prefix = base.length === 0 ? '' : `${base.join('/')}/`;
    const { prefixes } = await this.root.store.listWithDelimiter(prefix);
    const names: string[][] = [];
    for (const p of prefixes) {
      const parts = p.slice(0, -1).split('/');
      if (await readNamespaceDoc(this.root.store, parts).catch(() => undefined)) names.push(parts);
    }
    names.sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
    return pageOf(names, (n) => n.at(-1)!, page);
  }

  /**
   * Drops an empty namespace (no tables, no nested namespaces).
   * @throws NamespaceNotFoundError / NamespaceNotEmptyError
   */
  async dropNamespace(namespace: string | readonly string[]): Promise<void> {
    const parts = parseNamespace(namespace);
    const name = parts.join('.');
    if ((await this.listNamespacePage(parts, { pageSize: 1 })).items.length > 0) {
      throw new NamespaceNotEmptyError(name, { help: 'drop its nested namespaces first' });
    }
    await updateNamespaceDoc(this.root.store, parts, async (doc) => {
      const live = await this.liveTableNames(parts, doc);
      if (live.length > 0) throw new NamespaceNotEmptyError(name, { context: { tables: live.length }, help: `drop its tables first (${live.slice(0, 3).join(', ')}${live.length > 3 ? ', …' : ''})` });
      // The document stays, marked dropped: deleting it could race with a create that revives
      // the namespace (a store has no conditional delete), and its tombstones must outlive the
      // namespace while the files of tables dropped without purge remain.
      return { doc: { ...doc, dropped: true }, result: undefined };
    });
  }

  // ------------------------------------------------------------------------------ tables

  /** The default folder of a table (whether or not a table is there). */
  tableLocation(identifier: string | TableIdentifier): OpenedLocation {
    const id = typeof identifier === 'string' ? parseTableIdentifier(identifier) : identifier;
    return childLocation(this.root, [...id.namespace, id.name].join('/'));
  }

  private locationOf(binding: { readonly location: string }): OpenedLocation {
    const loc = binding.location;
    if (!loc.includes('://')) return childLocation(this.root, loc);
    if (loc === this.root.uri || loc.startsWith(`${this.root.uri}/`)) {
      const rel = loc.slice(this.root.uri.length + 1);
      return rel ? childLocation(this.root, rel) : this.root;
    }
    return openLocation(loc, this.options.s3 ? { s3: this.options.s3 } : {});
  }

  /** A location as recorded in a binding: relative to the warehouse when inside it. */
  private recordedLocation(location: OpenedLocation): string {
    return location.uri.startsWith(`${this.root.uri}/`) ? location.uri.slice(this.root.uri.length + 1) : location.uri;
  }

  private async hasDefaultTable(parts: readonly string[], name: string): Promise<boolean> {
    return this.exists(`${[...parts, name].join('/')}/metadata/v1.metadata.json`);
  }

  private async bindingOf(parts: readonly string[], name: string, doc: NamespaceDoc): Promise<TableBinding | undefined> {
    const bound = doc.tables[name];
    if (bound) return bound;
    return (await this.hasDefaultTable(parts, name)) ? { location: [...parts, name].join('/') } : undefined;
  }

  private async liveTableNames(parts: readonly string[], doc: NamespaceDoc): Promise<string[]> {
    const names = new Set<string>();
    for (const [n, b] of Object.entries(doc.tables)) if ('location' in b) names.add(n);
    const { prefixes } = await this.root.store.listWithDelimiter(`${parts.join('/')}/`);
    for (const p of prefixes) {
      const n = p.slice(0, -1).split('/').at(-1)!;
      if (!(n in doc.tables) && (await this.hasDefaultTable(parts, n))) names.add(n);
    }
    return [...names].sort();
  }

  /** The live tables of one namespace with their locations (URIs without trailing slash). */
  private async liveTableLocations(parts: readonly string[], doc: NamespaceDoc): Promise<{ name: string; uri: string }[]> {
    const out: { name: string; uri: string }[] = [];
    for (const name of await this.liveTableNames(parts, doc)) {
      const binding = await this.bindingOf(parts, name, doc);
      if (binding && 'location' in binding) out.push({ name: [...parts, name].join('.'), uri: trimLocation(this.locationOf(binding).uri) });
    }
    return out;
  }

  /** Every live table of the catalog with its location: the namespaces are walked from the root. */
  private async allLiveTableLocations(): Promise<{ name: string; uri: string }[]> {
    const out: { name: string; uri: string }[] = [];
    const walk = async (parent: readonly string[]): Promise<void> => {
      const { prefixes } = await this.root.store.listWithDelimiter(parent.length === 0 ? '' : `${parent.join('/')}/`);
      for (const p of prefixes) {
        const parts = p.slice(0, -1).split('/');
        const found = await readNamespaceDoc(this.root.store, parts).catch(() => undefined);
        if (!found) continue;
        if (!found.doc.dropped) out.push(...(await this.liveTableLocations(parts, found.doc)));
        await walk(parts);
      }
    };
    await walk([]);
    return out;
  }

  /** A location's path relative to the warehouse root, or undefined when it lies outside it. */
  private relativeOf(uri: string): string | undefined {
    const clean = trimLocation(uri);
    if (clean === this.root.uri) return '';
    return clean.startsWith(`${this.root.uri}/`) ? clean.slice(this.root.uri.length + 1) : undefined;
  }

  /**
   * Checks that a table may live at a location a client chose (spec/catalog.md §K1, as Polaris's
   * location-overlap checks): inside the warehouse, strictly inside the folder of the table's own
   * namespace and not in the folder of a namespace nested in it; anywhere (outside the warehouse
   * the server was allowed to write) never equal to, inside or around another live table's
   * location. The refusal names no other table (the caller may not be allowed to see it).
   * @param replacing the table bound to `identifier` is being replaced (its own location is no conflict)
   * @throws NotAuthorizedError naming the rule broken
   */
  async checkTableLocation(identifier: string | TableIdentifier, location: OpenedLocation, options: { readonly replacing?: boolean } = {}): Promise<void> {
    const id = typeof identifier === 'string' ? parseTableIdentifier(identifier) : identifier;
    const name = formatTableIdentifier(id);
    const uri = trimLocation(location.uri);
    const refuse = (why: string): never => {
      throw new NotAuthorizedError(`table ${name} may not live at ${JSON.stringify(uri.slice(0, 200))}: ${why}`, {
        context: { table: name },
        help: `use the table's default location ${this.tableLocation(id).uri}, or another folder inside its namespace's folder that no other table uses`,
      });
    };
    const rel = this.relativeOf(uri);
    const folder = id.namespace.join('/');
    if (rel !== undefined) {
      if (rel === '' || isReservedPath(rel)) refuse(`it is the warehouse root or one of the warehouse's reserved folders (beginning with _)`);
      if (!rel.startsWith(`${folder}/`)) refuse(`it is not inside the folder of the table's namespace, ${this.root.uri}/${folder}`);
      const first = rel.slice(folder.length + 1).split('/')[0]!;
      if (await this.exists(namespaceDocPath([...id.namespace, first]))) refuse('it is the folder of a nested namespace, or inside one');
    }
    const others = rel === undefined ? await this.allLiveTableLocations() : await this.namespaceTableLocations(id.namespace);
    for (const t of others) {
      if (t.name === name) {
        // The name is taken: answered as a create of a taken name is, whatever the location.
        if (!options.replacing) throw new TableAlreadyExistsError(name);
        continue;
      }
      if (locationsOverlap(t.uri, uri)) refuse('another table lives at it, inside it or around it');
    }
  }

  private async namespaceTableLocations(parts: readonly string[]): Promise<{ name: string; uri: string }[]> {
    const found = await readNamespaceDoc(this.root.store, parts);
    if (!found) throw new NamespaceNotFoundError(parts.join('.'));
    return this.liveTableLocations(parts, found.doc);
  }

  /**
   * Where a table lives, or undefined when no table has that name.
   * @throws NamespaceNotFoundError when its namespace does not exist
   */
  async resolveTable(identifier: string | TableIdentifier): Promise<ResolvedTable | undefined> {
    const id = typeof identifier === 'string' ? parseTableIdentifier(identifier) : identifier;
    const name = formatTableIdentifier(id);
    const found = await readNamespaceDoc(this.root.store, id.namespace);
    if (!found) throw new NamespaceNotFoundError(id.namespace.join('.'), { context: { table: name } });
    const binding = await this.bindingOf(id.namespace, id.name, found.doc);
    if (!binding || 'dropped' in binding) return undefined;
    return { name, location: this.locationOf(binding), ...(binding.metadataFile ? { metadataFile: binding.metadataFile } : {}) };
  }

  /** Whether a table exists (false also when its namespace does not). */
  async tableExists(identifier: string | TableIdentifier): Promise<boolean> {
    try {
      return (await this.resolveTable(identifier)) !== undefined;
    } catch (e) {
      if (isFloeError(e, 'NAMESPACE_NOT_FOUND')) return false;
      throw e;
    }
  }

  /**
   * Tables of a namespace, as `ns.table` identifiers, sorted.
   * @throws NamespaceNotFoundError
   */
  async listTables(namespace: string | readonly string[]): Promise<string[]> {
    const parts = parseNamespace(namespace);
    return (await this.listTablePage(parts)).items.map((n) => [...parts, n].join('.'));
  }

  /**
   * One page of a namespace's table names (without the namespace), sorted.
   * @throws NamespaceNotFoundError
   */
  async listTablePage(namespace: string | readonly string[], page: PageRequest = {}): Promise<Page<string>> {
    const parts = parseNamespace(namespace);
    const found = await readNamespaceDoc(this.root.store, parts);
    if (!found) throw new NamespaceNotFoundError(parts.join('.'));
    return pageOf(await this.liveTableNames(parts, found.doc), (n) => n, page);
  }

  /**
   * Creates a table: picks its location (the default folder, unless files of a dropped table
   * are still there), lets `commitFirstVersion` write its first metadata version there with a
   * conditional create, then binds the name in the namespace document. Of concurrent creators
   * (and renames onto the name) exactly one wins.
   * @param identifier the table's name
   * @param commitFirstVersion writes version 1 at the location; throws TableAlreadyExistsError when one is there
   * @param options `location`: a folder of the warehouse to use instead of the default
   * @throws NamespaceNotFoundError / TableAlreadyExistsError / InvalidArgumentError
   */
  async createTable<S>(
    identifier: string | TableIdentifier,
    commitFirstVersion: (location: OpenedLocation) => Promise<S>,
    options: { readonly location?: OpenedLocation } = {},
  ): Promise<{ location: OpenedLocation; state: S }> {
    const id = typeof identifier === 'string' ? parseTableIdentifier(identifier) : identifier;
    const name = formatTableIdentifier(id);
    const found = await readNamespaceDoc(this.root.store, id.namespace);
    if (!found) {
      throw new NamespaceNotFoundError(id.namespace.join('.'), { context: { table: name }, help: `create it first: createNamespace('${id.namespace.join('.')}')` });
    }
    const binding = await this.bindingOf(id.namespace, id.name, found.doc);
    if (binding && 'location' in binding) throw new TableAlreadyExistsError(name);
    let location = options.location ?? this.tableLocation(id);
    // A tombstone with the dropped table's files still in the default folder: a fresh folder.
    if (!options.location && binding && (await this.hasDefaultTable(id.namespace, id.name))) {
      location = childLocation(this.root, `${[...id.namespace, id.name].join('/')}-${newUuid().slice(0, 8)}`);
    }
    // A namespace of the same name keeps its document and tables in the default folder
    // (`<warehouse>/ml/a` for both table and namespace `ml.a`).
    if (!options.location && (await this.exists(namespaceDocPath([...id.namespace, id.name])))) {
      throw new TableAlreadyExistsError(name, { help: `namespace ${name} exists and keeps its document and tables in ${location.uri}, the table's folder: choose another name` });
    }
    const uri = trimLocation(location.uri);
    for (const t of await this.liveTableLocations(id.namespace, found.doc)) {
      if (locationsOverlap(t.uri, uri)) throw new TableAlreadyExistsError(name, { help: `another table's files are in or around ${uri}: choose another name or location` });
    }
    const state = await commitFirstVersion(location);
    const recorded = this.recordedLocation(location);
    await updateNamespaceDoc(this.root.store, id.namespace, (doc) => {
      const now = doc.tables[id.name];
      if (now && 'location' in now && now.location !== recorded) {
        throw new TableAlreadyExistsError(name, { help: 'another writer bound the name while this table was being created' });
      }
      return { doc: { ...doc, tables: { ...doc.tables, [id.name]: { location: recorded } } }, result: undefined };
    });
    return { location, state };
  }

  /**
   * Registers an existing table (any Iceberg table's root) under a name.
   * @param overwrite replace a table bound to that name (its files are kept)
   * @throws NamespaceNotFoundError / TableAlreadyExistsError
   */
  async registerTable(identifier: string | TableIdentifier, location: OpenedLocation, options: { readonly metadataFile?: string; readonly overwrite?: boolean } = {}): Promise<void> {
    const id = typeof identifier === 'string' ? parseTableIdentifier(identifier) : identifier;
    const name = formatTableIdentifier(id);
    const recorded = this.recordedLocation(location);
    const rel = this.relativeOf(location.uri);
    if (rel !== undefined && (rel === '' || isReservedPath(rel))) {
      throw new NotAuthorizedError(`table ${name} may not be registered at ${location.uri}: it is the warehouse root or one of its reserved folders (beginning with _)`, { context: { table: name } });
    }
    await updateNamespaceDoc(this.root.store, id.namespace, async (doc) => {
      const binding = await this.bindingOf(id.namespace, id.name, doc);
      if (binding && 'location' in binding && !options.overwrite) throw new TableAlreadyExistsError(name);
      const entry: TableBinding = { location: recorded, ...(options.metadataFile ? { metadataFile: options.metadataFile } : {}) };
      return { doc: { ...doc, tables: { ...doc.tables, [id.name]: entry } }, result: undefined };
    });
  }

  /**
   * Renames a table within its namespace: one compare-and-swap of the namespace document; the
   * table's files stay where they are. Moving a table to another namespace would need two
   * documents changed atomically, which conditional puts cannot do, so it is refused.
   * @throws TableNotFoundError / TableAlreadyExistsError / UnsupportedError (across namespaces)
   */
  async renameTable(from: string | TableIdentifier, to: string | TableIdentifier): Promise<void> {
    const src = typeof from === 'string' ? parseTableIdentifier(from) : from;
    const dst = typeof to === 'string' ? parseTableIdentifier(to) : to;
    const srcName = formatTableIdentifier(src);
    const dstName = formatTableIdentifier(dst);
    if (src.namespace.join('.') !== dst.namespace.join('.')) {
      throw new UnsupportedError(`cannot rename ${srcName} to ${dstName}: moving a table to another namespace is not supported by the storage catalog`, {
        context: { table: srcName, to: dstName },
        help: 'rename within the namespace, or register the table in the other namespace and drop it here (without purge)',
      });
    }
    await updateNamespaceDoc(this.root.store, src.namespace, async (doc) => {
      const source = await this.bindingOf(src.namespace, src.name, doc);
      if (!source || 'dropped' in source) throw new TableNotFoundError(srcName);
      if (src.name === dst.name) return { doc, result: undefined };
      const target = await this.bindingOf(dst.namespace, dst.name, doc);
      if (target && 'location' in target) throw new TableAlreadyExistsError(dstName);
      return { doc: { ...doc, tables: { ...doc.tables, [dst.name]: source, [src.name]: { dropped: true } } }, result: undefined };
    });
  }

  /**
   * Refuses to purge a location holding more than the table's own files: the warehouse root, a
   * reserved folder, a folder holding a namespace document, or one another live table's location
   * equals, lies inside or contains (those files are the other table's).
   */
  private async checkPurge(name: string, location: OpenedLocation): Promise<void> {
    const uri = trimLocation(location.uri);
    const refuse = (why: string): never => {
      throw new NotAuthorizedError(`table ${name} is not dropped: its files at ${uri} are not purged, because ${why}`, {
        context: { table: name },
        help: 'drop it without purge (its files stay)',
      });
    };
    const rel = this.relativeOf(uri);
    if (rel !== undefined && (rel === '' || isReservedPath(rel))) refuse('that is the warehouse root or one of its reserved folders (beginning with _)');
    for (const t of await this.allLiveTableLocations()) {
      if (t.name !== name && locationsOverlap(t.uri, uri)) refuse('another table lives at that location, inside it or around it');
    }
    for await (const meta of location.store.list('')) {
      if (meta.path.split('/').at(-1) === NAMESPACE_MARKER) refuse('a namespace keeps its document there');
    }
  }

  /**
   * Drops a table: its name is unbound at once (a tombstone in the namespace document); with
   * `purge`, every object under its location is then deleted (metadata versions last; only the
   * `metadata/` folder when the table's `gc.enabled` is false).
   * @throws TableNotFoundError
   */
  async dropTable(identifier: string | TableIdentifier, options: { readonly purge?: boolean } & PurgeOptions = {}): Promise<void> {
    const id = typeof identifier === 'string' ? parseTableIdentifier(identifier) : identifier;
    const name = formatTableIdentifier(id);
    let unbound: TableBinding | undefined;
    try {
      unbound = await updateNamespaceDoc(this.root.store, id.namespace, async (doc) => {
        const binding = await this.bindingOf(id.namespace, id.name, doc);
        if (!binding || 'dropped' in binding) throw new TableNotFoundError(name);
        if (options.purge !== false) await this.checkPurge(name, this.locationOf(binding));
        return { doc: { ...doc, tables: { ...doc.tables, [id.name]: { dropped: true } } }, result: binding };
      });
    } catch (e) {
      if (isFloeError(e, 'NAMESPACE_NOT_FOUND')) throw new TableNotFoundError(name, { cause: e });
      throw e;
    }
    if (options.purge !== false && 'location' in unbound) {
      const location = this.locationOf(unbound);
      await purgeLocation(location, { ...options, metadataOnly: await gcDisabled(location, name) });
    }
  }
}
