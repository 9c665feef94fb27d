/**
 * A table's metadata through a REST catalog (Iceberg Java's `RESTTableOperations`): loads go to
 * `GET …/tables/{t}`, commits to `POST …/tables/{t}` as requirements + updates. The data and
 * manifests a change wrote are already on storage; the catalog only moves the metadata pointer.
 *
 * Each commit carries the requirements its updates imply on its base (transaction/
 * update-requirements.ts) so that the catalog never applies a snapshot to a head it was not
 * built on, and the commit's id as the `floe.commit-id` property, so that after an unknown
 * outcome the commit loop can tell whether it landed (spec/commit-protocol.md §C6): in the latest
 * metadata, or in a metadata file its `metadata-log` lists since the base.
 *
 * @module
 */
import { COMMIT_ID_PROPERTY, type TableState } from '../../../commit/index.js';
import { isFloeError } from '../../../errors.js';
import { tableMetadataFromJson } from '../../../spec/index.js';
import type { ObjectStore } from '../../../store/index.js';
import { type CatalogCommit, type TableOperations, requirementsForCatalog } from '../../../transaction/index.js';
import { type JsonValue, parseJson } from '../../../util/index.js';
import { encodeTableRequirement, encodeTableUpdate } from '../wire/index.js';
import { type RestHttp, segment } from './http.js';

/** The version number a metadata file's name carries (`v12.metadata.json`, `00012-<uuid>.metadata.json`). */
export function versionOfMetadataFile(location: string): number | undefined {
  const name = location.split('/').at(-1) ?? '';
  const m = /^v(\d+)(?:\.gz)?\.metadata\.json(?:\.gz)?$/.exec(name) ?? /^(\d+)-.*\.metadata\.json(?:\.gz)?$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** A table state from a `LoadTableResult` / `CommitTableResponse` body. */
export function stateFromResult(body: JsonValue | undefined, table: string): TableState {
  const b = (body ?? {}) as Record<string, JsonValue>;
  const metadataLocation = typeof b['metadata-location'] === 'string' ? b['metadata-location'] : '';
  const metadata = tableMetadataFromJson(b['metadata'] ?? null, metadataLocation || table);
  const root = metadata.location.replace(/\/+$/, '');
  const path = metadataLocation.startsWith(`${root}/`) ? metadataLocation.slice(root.length + 1) : metadataLocation;
  return { version: versionOfMetadataFile(metadataLocation) ?? metadata.metadataLog.length + 1, path, metadata };
}

/** Where a table is in the catalog. */
export interface RestTableAddress {
  /** The table's dotted name. */
  readonly name: string;
  /** Its namespace's parts. */
  readonly namespace: readonly string[];
  /** Its own name. */
  readonly table: string;
  /** The catalog's path prefix. */
  readonly prefix: string;
}

/** The path of a table's endpoint. */
export function tablePath(a: RestTableAddress): string {
  return `/v1/${segment(a.prefix)}/namespaces/${segment(a.namespace.join('\u001f'))}/tables/${segment(a.table)}`;
}

/** {@link TableOperations} over a REST catalog. */
export class RestTableOperations implements TableOperations {
  /**
   * @param http the catalog's client
   * @param address the table
   * @param store the table's files (rooted at its location), to read older metadata files
   */
  constructor(
    private readonly http: RestHttp,
    private readonly address: RestTableAddress,
    private readonly store: ObjectStore,
  ) {}

  /** Loads the latest committed state. */
  async load(): Promise<TableState> {
    const r = await this.http.send({ method: 'GET', path: tablePath(this.address), subject: { table: this.address.name } });
    return stateFromResult(r.body, this.address.name);
  }

  /** Commits a change (see the module doc for what it carries). */
  async commit(c: CatalogCommit): Promise<TableState> {
    const requirements = requirementsForCatalog(c.base.metadata, c.updates, c.requirements);
    const updates = [...c.updates, { action: 'set-properties' as const, updates: { [COMMIT_ID_PROPERTY]: c.commitId } }];
    const r = await this.http.send({
      method: 'POST',
      path: tablePath(this.address),
      body: {
        identifier: { namespace: [...this.address.namespace], name: this.address.table },
        requirements: requirements.map(encodeTableRequirement),
        updates: updates.map(encodeTableUpdate),
      },
      subject: { table: this.address.name },
    });
    return stateFromResult(r.body, this.address.name);
  }

  /** After an unknown outcome: the committed state carrying `commitId` since `base`, if any. */
  async findCommit(base: TableState, latest: TableState, commitId: string): Promise<TableState | undefined> {
    if (latest.metadata.properties[COMMIT_ID_PROPERTY] === commitId) return latest;
    const root = latest.metadata.location.replace(/\/+$/, '');
    // The metadata log lists earlier files newest last; walk back to the base.
    for (const entry of [...latest.metadata.metadataLog].reverse()) {
      const file = entry.metadataFile;
      if (file === `${root}/${base.path}` || file === base.path) return undefined;
      if (!file.startsWith(`${root}/`)) return undefined;
      const path = file.slice(root.length + 1);
      try {
        const { bytes } = await this.store.get(path);
        const metadata = tableMetadataFromJson(parseJson(new TextDecoder().decode(bytes)), file);
        if (metadata.properties[COMMIT_ID_PROPERTY] === commitId) return { version: versionOfMetadataFile(file) ?? latest.version, path, metadata };
      } catch (e) {
        if (isFloeError(e, 'NOT_FOUND')) return undefined;
        throw e;
      }
    }
    return undefined;
  }
}
