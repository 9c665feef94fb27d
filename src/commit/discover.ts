/**
 * Finding a table's latest metadata version (spec/commit-protocol.md §C2 Version discovery).
 *
 * 1. Read `metadata/version-hint.text` (best effort: it may lag, be missing or be garbage).
 * 2. From the hinted version, probe `v<N+1>`, `v<N+2>`, … with HEAD until one is missing. The
 *    commit point only ever creates `v<base+1>`, so versions are contiguous and the first gap is
 *    the end.
 * 3. With no usable hint, LIST `metadata/` and take the highest version; tables written by
 *    catalog-backed engines name files `<NNNNN>-<uuid>.metadata.json` and are ordered by that
 *    sequence prefix.
 *
 * @module
 */
import { NotFoundError, TableNotFoundError, isFloeError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { METADATA_DIR, VERSION_HINT_FILE, metadataFilePath, parseMetadataFileName } from './version-files.js';

/** Where a metadata version lives. */
export interface VersionLocation {
  /** The version number (or sequence prefix). */
  readonly version: number;
  /** The metadata file's path relative to the table root. */
  readonly path: string;
}

async function exists(store: ObjectStore, path: string): Promise<boolean> {
  try {
    await store.head(path);
    return true;
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return false;
    throw e;
  }
}

/**
 * Reads the version hint; any problem (missing, unreadable, not a number) yields undefined,
 * because the hint is only a cache and never the truth.
 */
export async function readVersionHint(store: ObjectStore): Promise<number | undefined> {
  try {
    const { bytes } = await store.get(VERSION_HINT_FILE);
    const text = new TextDecoder().decode(bytes).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

/** Lists the metadata files under `metadata/` with their versions. */
export async function listMetadataVersions(store: ObjectStore): Promise<VersionLocation[]> {
  const found: { version: number; path: string; hadoop: boolean }[] = [];
  for await (const meta of store.list(`${METADATA_DIR}/`)) {
    const base = meta.path.slice(meta.path.lastIndexOf('/') + 1);
    const parsed = parseMetadataFileName(base);
    if (parsed) found.push({ version: parsed.version, path: meta.path, hadoop: parsed.scheme === 'hadoop' });
  }
  // Hadoop names win over sequence names at the same version; ties among sequence names (two
  // writers without a catalog) are broken by path so that the choice is at least deterministic.
  found.sort((a, b) => a.version - b.version || Number(a.hadoop) - Number(b.hadoop) || (a.path < b.path ? -1 : 1));
  return found.map(({ version, path }) => ({ version, path }));
}

/**
 * Finds the latest metadata version of the table rooted at `store`.
 * @param store a store rooted at the table's location
 * @param table the table's name, for errors
 * @throws TableNotFoundError when the table has no metadata file at all
 */
export async function findLatestVersion(store: ObjectStore, table: string): Promise<VersionLocation> {
  const hint = await readVersionHint(store);
  if (hint !== undefined && hint > 0 && (await exists(store, metadataFilePath(hint)))) {
    let version = hint;
    while (await exists(store, metadataFilePath(version + 1))) version += 1;
    return { version, path: metadataFilePath(version) };
  }
  const versions = await listMetadataVersions(store);
  const latest = versions.at(-1);
  if (!latest) throw new TableNotFoundError(table, { context: { reason: 'no metadata file under metadata/' } });
  // A Hadoop-named latest may still have successors the listing missed on an eventually
  // consistent store; probing forward costs one HEAD when there are none.
  if (/\/v\d+\.metadata\.json$/.test(`/${latest.path}`)) {
    let version = latest.version;
    while (await exists(store, metadataFilePath(version + 1))) version += 1;
    return { version, path: metadataFilePath(version) };
  }
  return latest;
}

/**
 * Finds a given metadata file by name or version: `'v3.metadata.json'`, `'metadata/v3.metadata.json'`,
 * `'00001-…metadata.json'` or `3`.
 * @throws NotFoundError when there is no such file
 */
export async function findVersion(store: ObjectStore, which: string | number): Promise<VersionLocation> {
  if (typeof which === 'number') {
    const path = metadataFilePath(which);
    if (await exists(store, path)) return { version: which, path };
    const match = (await listMetadataVersions(store)).find((v) => v.version === which);
    if (match) return match;
    throw new NotFoundError(path);
  }
  const path = which.includes('/') ? which : `${METADATA_DIR}/${which}`;
  const base = path.slice(path.lastIndexOf('/') + 1);
  const parsed = parseMetadataFileName(base);
  if (!(await exists(store, path))) throw new NotFoundError(path);
  return { version: parsed?.version ?? 0, path };
}
