/**
 * Model artifacts: large binary objects (checkpoints, weights) stored as plain immutable
 * objects under content-addressed keys, and registered in an Iceberg table so a model version
 * names the exact dataset (a `DatasetSpec`: table uuid + snapshot) it was trained on.
 *
 *     <warehouse>/<ns>/_artifacts/sha256/<hex>                         the bytes (never rewritten)
 *     <warehouse>/<ns>/_artifacts/versions/<name>/<version>.json      the version claim (created only if absent)
 *     <ns>.model_registry                                             one row per version (an Iceberg table)
 *
 * Guarantees: a version is claimed with a conditional create, so of two writers of the same
 * version exactly one wins and versions are never overwritten; the bytes' key is their sha256,
 * so a re-upload of the same bytes is harmless; `get` re-computes the digest and size and fails
 * with `CorruptFileError` when they differ from the registered ones. On S3 large artifacts are
 * multipart uploads (the store does this for plain puts above its threshold).
 *
 * `Warehouse#artifacts(namespace)` is added to `Warehouse.prototype` here (the warehouse layer
 * sits below `ml/`).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { AlreadyExistsError, CorruptFileError, InvalidArgumentError, NotAuthorizedError, NotFoundError, isFloeError } from '../../errors.js';
import { and, eq } from '../../expr/index.js';
import type { Table } from '../../table.js';
import { parseJson, stringifyJson } from '../../util/index.js';
import { Warehouse } from '../../warehouse.js';
import { type DatasetSpec, decodeDatasetSpec, encodeDatasetSpec } from '../dataset-spec.js';
import { sha256Hex } from '../digest.js';
import { lineageSummary } from './lineage-summary.js';

/** The registry table's name within the namespace. */
export const ARTIFACT_REGISTRY_TABLE = 'model_registry';

/** A registered artifact version. */
export interface ArtifactVersion {
  /** The model (artifact) name. */
  readonly name: string;
  /** The version (any string; never reused). */
  readonly version: string;
  /** Where the bytes are. */
  readonly uri: string;
  /** Their sha256, hex. */
  readonly sha256: string;
  /** Their size. */
  readonly sizeBytes: number;
  /** When the version was registered. */
  readonly createdAtMs: number;
  /** The training dataset, when given. */
  readonly dataset: DatasetSpec | undefined;
  /** Metrics, when given. */
  readonly metrics: Readonly<Record<string, unknown>> | undefined;
}

/** Options of {@link ArtifactStore.put}. */
export interface PutArtifactOptions {
  /** The dataset the model was trained on (its snapshot is recorded as the registry commit's lineage input). */
  readonly dataset?: DatasetSpec;
  /** Metrics (JSON-serializable). */
  readonly metrics?: Readonly<Record<string, unknown>>;
}

type Store = Warehouse['root']['store'];

export { sha256Hex };

function registrySchema(): arrow.Schema {
  return new arrow.Schema([
    new arrow.Field('name', new arrow.Utf8(), false),
    new arrow.Field('version', new arrow.Utf8(), false),
    new arrow.Field('uri', new arrow.Utf8(), false),
    new arrow.Field('sha256', new arrow.Utf8(), false),
    new arrow.Field('size_bytes', new arrow.Int64(), false),
    new arrow.Field('created_at', new arrow.TimestampMicrosecond('UTC'), false),
    new arrow.Field('dataset_spec', new arrow.Utf8(), true),
    new arrow.Field('metrics', new arrow.Utf8(), true),
  ]);
}

/** A path segment for a user-chosen name or version (no `/`, no `..`). */
function segment(kind: string, s: string): string {
  if (s === '' || s.length > 200) throw new InvalidArgumentError(`artifact ${kind} must be 1 to 200 characters: ${JSON.stringify(s)}`, { context: { [kind]: s } });
  return encodeURIComponent(s).replace(/\./g, '%2E');
}

/** The version claim object, as stored. */
interface VersionClaim {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly key: string;
}

/** Artifacts of one namespace (see the module doc). Get one with `wh.artifacts(namespace)`. */
export class ArtifactStore {
  private constructor(
    private readonly store: Store,
    private readonly rootUri: string,
    private readonly prefix: string,
    /** The registry table. */
    readonly registry: Table,
  ) {}

  /**
   * Opens (creating its registry table if needed) the artifact store of a namespace.
   * @throws NamespaceNotFoundError when the namespace does not exist
   */
  static async open(wh: Warehouse, namespace: string): Promise<ArtifactStore> {
    const id = `${namespace}.${ARTIFACT_REGISTRY_TABLE}`;
    let registry: Table;
    try {
      registry = await wh.loadTable(id);
    } catch (e) {
      if (!isFloeError(e, 'TABLE_NOT_FOUND')) throw e;
      try {
        registry = await wh.createTable(id, registrySchema());
      } catch (e2) {
        // A concurrent opener created it first.
        if (!isFloeError(e2, 'TABLE_ALREADY_EXISTS')) throw e2;
        registry = await wh.loadTable(id);
      }
    }
    const prefix = `${namespace.split('.').join('/')}/_artifacts`;
    const root = wh.root;
    return new ArtifactStore(root.store, root.uri, prefix, registry);
  }

  private claimPath(name: string, version: string): string {
    return `${this.prefix}/versions/${segment('name', name)}/${segment('version', version)}.json`;
  }

  /**
   * Stores bytes as a new version of `name` and registers it.
   * @throws AlreadyExistsError when that version exists with other bytes (versions are never overwritten)
   * @throws InvalidArgumentError for an empty or too long name or version
   * @throws NotAuthorizedError when the catalog says the caller may not write the registry table
   */
  async put(name: string, version: string, bytes: Uint8Array, options: PutArtifactOptions = {}): Promise<ArtifactVersion> {
    // A governing catalog said the caller may not write the registry: refuse before the bytes and
    // the version claim are stored, or a refused registration would keep the version taken (the
    // catalog refuses the registry commit anyway; spec/governance.md §G9).
    const privileges = this.registry.access()?.privileges;
    if (privileges && !privileges.includes('WRITE')) {
      throw new NotAuthorizedError(`registering artifact ${name} version ${version} needs WRITE on table ${this.registry.name}, which this principal lacks`, {
        context: { table: this.registry.name, artifact: name, version },
      });
    }
    const claimPath = this.claimPath(name, version);
    const sha256 = await sha256Hex(bytes);
    const key = `${this.prefix}/sha256/${sha256}`;
    let exists = true;
    try {
      await this.store.head(key);
    } catch (e) {
      if (!isFloeError(e, 'NOT_FOUND')) throw e;
      exists = false;
    }
    // Content-addressed: an overwrite could only write the same bytes.
    if (!exists) await this.store.put(key, bytes, { mode: { kind: 'overwrite' }, contentType: 'application/octet-stream' });
    const claim: VersionClaim = { name, version, sha256, sizeBytes: bytes.byteLength, key };
    try {
      await this.store.put(claimPath, new TextEncoder().encode(JSON.stringify(claim)), { mode: { kind: 'create' }, contentType: 'application/json' });
    } catch (e) {
      if (!isFloeError(e, 'ALREADY_EXISTS')) throw e;
      const existing = await this.readClaim(name, version);
      if (existing.sha256 !== sha256) {
        throw new AlreadyExistsError(claimPath, {
          cause: e,
          context: { artifact: name, version, sha256: existing.sha256 },
          help: 'versions are never overwritten: register the new bytes under a new version',
        });
      }
      // The same bytes again (a retried put): finish the registration if it is missing.
      const found = await this.info(name, version);
      if (found) return found;
    }
    const createdAtMs = Date.now();
    const row = new arrow.Table({
      name: arrow.vectorFromArray([name], new arrow.Utf8()),
      version: arrow.vectorFromArray([version], new arrow.Utf8()),
      uri: arrow.vectorFromArray([`${this.rootUri}/${key}`], new arrow.Utf8()),
      sha256: arrow.vectorFromArray([sha256], new arrow.Utf8()),
      size_bytes: arrow.makeVector(BigInt64Array.of(BigInt(bytes.byteLength))),
      created_at: arrow.vectorFromArray([createdAtMs], new arrow.TimestampMicrosecond('UTC')),
      dataset_spec: arrow.vectorFromArray([options.dataset ? encodeDatasetSpec(options.dataset) : null], new arrow.Utf8()),
      metrics: arrow.vectorFromArray([options.metrics ? stringifyJson(options.metrics) : null], new arrow.Utf8()),
    });
    await this.registry.append(row, {
      summary: lineageSummary({ ...(options.dataset ? { inputs: [options.dataset] } : {}), job: { name: `register ${name}`, runId: version } }),
    });
    return { name, version, uri: `${this.rootUri}/${key}`, sha256, sizeBytes: bytes.byteLength, createdAtMs, dataset: options.dataset, metrics: options.metrics };
  }

  private async readClaim(name: string, version: string): Promise<VersionClaim> {
    const path = this.claimPath(name, version);
    try {
      return parseJson(new TextDecoder().decode((await this.store.get(path)).bytes)) as unknown as VersionClaim;
    } catch (e) {
      if (isFloeError(e, 'NOT_FOUND')) throw new NotFoundError(path, { cause: e, context: { artifact: name, version } });
      throw e;
    }
  }

  /**
   * The bytes of a version, verified against its registered sha256 and size.
   * @throws NotFoundError when there is no such version
   * @throws CorruptFileError when the stored bytes do not match the registered digest or size
   */
  async get(name: string, version: string): Promise<Uint8Array> {
    const claim = await this.readClaim(name, version);
    const { bytes } = await this.store.get(claim.key);
    const actual = await sha256Hex(bytes);
    if (actual !== claim.sha256 || bytes.byteLength !== claim.sizeBytes) {
      throw new CorruptFileError(claim.key, `artifact ${name} version ${version} does not match its registered digest: expected sha256 ${claim.sha256} (${claim.sizeBytes} bytes), found ${actual} (${bytes.byteLength} bytes)`, {
        context: { artifact: name, version, expectedSha256: claim.sha256, actualSha256: actual },
      });
    }
    return bytes;
  }

  /** The registered versions (of `name`, or all), oldest first. */
  async list(name?: string): Promise<ArtifactVersion[]> {
    await this.registry.refresh();
    if (!this.registry.currentSnapshot()) return [];
    const t = await this.registry.scan(name !== undefined ? { filter: eq('name', name) } : {}).toArrow();
    const out: ArtifactVersion[] = [];
    for (const r of t) {
      const spec = r.dataset_spec as string | null;
      const metrics = r.metrics as string | null;
      out.push({
        name: r.name as string,
        version: r.version as string,
        uri: r.uri as string,
        sha256: r.sha256 as string,
        sizeBytes: Number(r.size_bytes as bigint),
        createdAtMs: r.created_at as number,
        dataset: spec === null ? undefined : decodeDatasetSpec(spec),
        metrics: metrics === null ? undefined : (parseJson(metrics) as unknown as Record<string, unknown>),
      });
    }
    return out.sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  /** One registered version, or undefined. */
  async info(name: string, version: string): Promise<ArtifactVersion | undefined> {
    await this.registry.refresh();
    if (!this.registry.currentSnapshot()) return undefined;
    const t = await this.registry.scan({ filter: and(eq('name', name), eq('version', version)) }).toArrow();
    if (t.numRows === 0) return undefined;
    return (await this.list(name)).find((v) => v.version === version);
  }
}

declare module '../../warehouse.js' {
  interface Warehouse {
    /**
     * The model-artifact store of a namespace (its registry table is created on first use).
     * @throws NamespaceNotFoundError when the namespace does not exist
     */
    artifacts(namespace: string): Promise<ArtifactStore>;
  }
}

Warehouse.prototype.artifacts = function artifacts(this: Warehouse, namespace: string): Promise<ArtifactStore> {
  return ArtifactStore.open(this, namespace);
};
