/**
 * The storage catalog: namespaces and tables as folders (prefixes) of one warehouse, with no
 * service behind them (ARCHITECTURE §catalog).
 *
 *     <warehouse>/<ns>/namespace.floe.json        the namespace marker (its properties)
 *     <warehouse>/<ns>/<table>/metadata/…         an Iceberg file-system table
 *
 * A namespace exists when its marker does; a table exists when its first metadata version does.
 * Both are created with conditional puts, so of concurrent creators exactly one wins.
 *
 * @module
 */
import {
  NamespaceAlreadyExistsError,
  NamespaceNotEmptyError,
  NamespaceNotFoundError,
  TableNotFoundError,
  isFloeError,
} from '../errors.js';
import { childLocation, type OpenedLocation } from '../store/index.js';
import { parseJson, stringifyJson } from '../util/index.js';
import { type TableIdentifier, formatTableIdentifier, parseNamespace, parseTableIdentifier } from './identifiers.js';

/** The marker object of a namespace, relative to its folder. */
export const NAMESPACE_MARKER = 'namespace.floe.json';

/** Namespaces and tables of one warehouse. */
export class StorageCatalog {
  /** @param root the warehouse location */
  constructor(readonly root: OpenedLocation) {}

  private async exists(path: string): Promise<boolean> {
    try {
      await this.root.store.head(path);
      return true;
    } catch (e) {
      if (isFloeError(e, 'NOT_FOUND')) return false;
      throw e;
    }
  }

  /**
   * Creates a namespace (its parent must exist for nested ones).
   * @throws NamespaceAlreadyExistsError / NamespaceNotFoundError (parent) / InvalidArgumentError (name)
   */
  async createNamespace(namespace: string | readonly string[], properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const parts = parseNamespace(namespace);
    const name = parts.join('.');
    if (parts.length > 1 && !(await this.namespaceExists(parts.slice(0, -1)))) {
      throw new NamespaceNotFoundError(parts.slice(0, -1).join('.'), { help: 'create the parent namespace first' });
    }
    const body = new TextEncoder().encode(stringifyJson({ namespace: parts, properties }, 2));
    try {
      await this.root.store.put(`${parts.join('/')}/${NAMESPACE_MARKER}`, body, { mode: { kind: 'create' }, contentType: 'application/json' });
    } catch (e) {
      if (isFloeError(e, 'ALREADY_EXISTS')) throw new NamespaceAlreadyExistsError(name, { cause: e });
      throw e;
    }
  }

  /** Whether a namespace exists. */
  async namespaceExists(namespace: string | readonly string[]): Promise<boolean> {
    return this.exists(`${parseNamespace(namespace).join('/')}/${NAMESPACE_MARKER}`);
  }

  /**
   * A namespace's properties.
   * @throws NamespaceNotFoundError
   */
  async namespaceProperties(namespace: string | readonly string[]): Promise<Record<string, string>> {
    const parts = parseNamespace(namespace);
    try {
      const { bytes } = await this.root.store.get(`${parts.join('/')}/${NAMESPACE_MARKER}`);
      const json = parseJson(new TextDecoder().decode(bytes)) as { properties?: Record<string, string> };
      return { ...json.properties };
    } catch (e) {
      if (isFloeError(e, 'NOT_FOUND')) throw new NamespaceNotFoundError(parts.join('.'));
      throw e;
    }
  }

  /** Namespaces directly under `parent` (top-level ones by default), sorted. */
  async listNamespaces(parent?: string | readonly string[]): Promise<string[]> {
    const base = parent === undefined ? [] : parseNamespace(parent);
    const prefix = base.length === 0 ? '' : `${base.join('/')}/`;
    const { prefixes } = await this.root.store.listWithDelimiter(prefix);
    const out: string[] = [];
    for (const p of prefixes) {
      if (await this.exists(`${p}${NAMESPACE_MARKER}`)) out.push(p.slice(0, -1).split('/').join('.'));
    }
    return out.sort();
  }

  /**
   * Tables of a namespace, as `ns.table` identifiers, sorted.
   * @throws NamespaceNotFoundError
   */
  async listTables(namespace: string | readonly string[]): Promise<string[]> {
    const parts = parseNamespace(namespace);
    if (!(await this.namespaceExists(parts))) throw new NamespaceNotFoundError(parts.join('.'));
    const { prefixes } = await this.root.store.listWithDelimiter(`${parts.join('/')}/`);
    const out: string[] = [];
    for (const p of prefixes) {
      if (await this.exists(`${p}metadata/v1.metadata.json`)) out.push([...parts, p.slice(0, -1).split('/').at(-1)!].join('.'));
    }
    return out.sort();
  }

  /**
   * Drops an empty namespace.
   * @throws NamespaceNotFoundError / NamespaceNotEmptyError
   */
  async dropNamespace(namespace: string | readonly string[]): Promise<void> {
    const parts = parseNamespace(namespace);
    const name = parts.join('.');
    if (!(await this.namespaceExists(parts))) throw new NamespaceNotFoundError(name);
    const { prefixes } = await this.root.store.listWithDelimiter(`${parts.join('/')}/`);
    if (prefixes.length > 0) throw new NamespaceNotEmptyError(name, { help: 'drop its tables and namespaces first' });
    await this.root.store.delete(`${parts.join('/')}/${NAMESPACE_MARKER}`);
  }

  /** The location of a table (whether or not it exists). */
  tableLocation(identifier: string | TableIdentifier): OpenedLocation {
    const id = typeof identifier === 'string' ? parseTableIdentifier(identifier) : identifier;
    return childLocation(this.root, [...id.namespace, id.name].join('/'));
  }

  /** Whether a table exists. */
  async tableExists(identifier: string): Promise<boolean> {
    const id = parseTableIdentifier(identifier);
    return this.exists(`${[...id.namespace, id.name].join('/')}/metadata/v1.metadata.json`);
  }

  /**
   * Deletes every object of a table: data and manifests first, metadata versions last (highest
   * first), so that the table stops being listed only once nothing else is left.
   * @throws TableNotFoundError
   */
  async dropTable(identifier: string): Promise<void> {
    const id = parseTableIdentifier(identifier);
    if (!(await this.tableExists(identifier))) throw new TableNotFoundError(formatTableIdentifier(id));
    const prefix = `${[...id.namespace, id.name].join('/')}/`;
    const files: string[] = [];
    for await (const meta of this.root.store.list(prefix)) files.push(meta.path);
    const isVersion = (p: string): boolean => /\/metadata\/v\d+\.metadata\.json$/.test(p);
    const version = (p: string): number => Number(/\/v(\d+)\.metadata\.json$/.exec(p)?.[1] ?? 0);
    for (const f of files.filter((p) => !isVersion(p))) await this.root.store.delete(f);
    for (const f of files.filter(isVersion).sort((a, b) => version(b) - version(a))) await this.root.store.delete(f);
  }
}
