/**
 * Finding a table's latest metadata version (spec/commit-protocol.md §C2 Version discovery).
 *
 * 1. **Hint.** Read `metadata/version-hint.text` (best effort, see `version-hint.ts`).
 *    - A number `N` whose `v<N>` exists (any of Java's three codec spellings): probe `v<N+1>`,
 *      `v<N+2>`, … with HEAD until one is missing, as Java's `HadoopTableOperations.refresh`
 *      does. The commit point only ever creates `v<base+1>`, so Hadoop versions are contiguous.
 *    - A file that exists: a Hadoop name is probed forward as above; any other name is the
 *      floor of step 2, and wins its ties.
 * 2. **Listing** (no usable hint, or a hint naming a non-Hadoop file): LIST `metadata/` and
 *    parse every name (`version-files.ts`). Beside Hadoop names, bare `<uuid>.metadata.json`
 *    files are the file-system commit's temporary files (spec "File System Tables", step 3) and
 *    never a version. The highest version number wins; among files of that number, Java's codec
 *    order decides between Hadoop spellings, and a Hadoop winner is probed forward (a listing
 *    may lag). Files with no version in their name, and several files of the top number, are
 *    read and ordered by their metadata (`version-order.ts`); when that cannot decide, discovery
 *    throws `ValidationError` naming the candidates instead of guessing.
 *
 * A file with no version in its name gets the highest version number in the folder (0 when
 * there is none), so that Floe's next commit, `v<N+1>`, is named above every file there.
 *
 * @module
 */
import { NotFoundError, TableNotFoundError, ValidationError, isFloeError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { readTableState } from './metadata-file.js';
import type { TableState } from './table-state.js';
import { readVersionHint } from './version-hint.js';
import { newestState } from './version-order.js';
import { METADATA_DIR, type MetadataFileName, baseNameOf, hadoopMetadataPaths, parseMetadataFileName } from './version-files.js';

/** Where a metadata version lives. */
export interface VersionLocation {
  /** The version number: from the name, else the highest in the folder (see the module comment). */
  readonly version: number;
  /** The metadata file's path relative to the table root. */
  readonly path: string;
  /** The file, when discovery had to read it already. */
  readonly state?: TableState;
}

/** A metadata file found by listing. */
interface ListedFile extends MetadataFileName {
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

/** The first of `paths` that exists (all asked at once), or undefined. */
async function firstExisting(store: ObjectStore, paths: readonly string[]): Promise<string | undefined> {
  const found = await Promise.all(paths.map((p) => exists(store, p)));
  return paths[found.indexOf(true)];
}

/**
 * Hadoop version `version` under the first of Java's spellings that exists. The plain name is
 * asked alone first: it is what Floe, Spark and Java without a codec write, so a hit costs one
 * HEAD; the gzip spellings are asked (together) only when it is missing.
 */
async function findHadoopVersion(store: ObjectStore, version: number): Promise<VersionLocation | undefined> {
  const [plain, ...gzip] = hadoopMetadataPaths(version);
  const path = (await exists(store, plain!)) ? plain : await firstExisting(store, gzip);
  return path === undefined ? undefined : { version, path };
}

/** Follows a Hadoop version forward while `v<N+1>` exists (Java `HadoopTableOperations.refresh`). */
async function probeForward(store: ObjectStore, from: VersionLocation): Promise<VersionLocation> {
  let latest = from;
  for (;;) {
    const next = await findHadoopVersion(store, latest.version + 1);
    if (!next) return latest;
    latest = next;
  }
}

/** The metadata files directly under `metadata/`, parsed. */
export async function listMetadataFiles(store: ObjectStore): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  for await (const meta of store.list(`${METADATA_DIR}/`)) {
    const rest = meta.path.slice(METADATA_DIR.length + 1);
    if (rest.includes('/')) continue;
    const parsed = parseMetadataFileName(rest);
    if (parsed) out.push({ ...parsed, path: meta.path });
  }
  return out;
}

/** Java's preference among the spellings of one Hadoop version (plain, `.gz.metadata.json`, `.metadata.json.gz`). */
function codecRank(f: ListedFile): number {
  const rank = hadoopMetadataPaths(f.version ?? 0).indexOf(f.path);
  return rank < 0 ? Number.MAX_SAFE_INTEGER : rank;
}

async function readAll(store: ObjectStore, files: readonly { version: number; path: string }[]): Promise<TableState[]> {
  const out: TableState[] = [];
  // A few at a time: a folder of uuid-named versions can hold hundreds.
  for (let i = 0; i < files.length; i += 8) {
    out.push(...(await Promise.all(files.slice(i, i + 8).map((f) => readTableState(store, f.version, f.path)))));
  }
  return out;
}

/** Step 2 of the module comment: the newest metadata file by listing. */
async function newestListed(store: ObjectStore, table: string, preferredPath?: string): Promise<VersionLocation> {
  const files = await listMetadataFiles(store);
  if (files.length === 0) throw new TableNotFoundError(table, { context: { reason: 'no metadata file under metadata/' } });
  const hasHadoop = files.some((f) => f.scheme === 'hadoop');
  const candidates = files.filter((f) => !(hasHadoop && f.scheme === 'uuid') || f.path === preferredPath);
  let topVersion = 0;
  for (const f of candidates) if (f.version !== undefined && f.version > topVersion) topVersion = f.version;
  let top = candidates.filter((f) => f.version === topVersion);
  if (top.length > 0 && top.every((f) => f.scheme === 'hadoop')) top = [top.reduce((a, b) => (codecRank(b) < codecRank(a) ? b : a))];
  const unversioned = candidates.filter((f) => f.version === undefined);
  let contenders: { version: number; path: string }[] = [...top, ...unversioned].map((f) => ({ version: topVersion, path: f.path }));
  const only = top.length === 1 ? top[0]! : undefined;
  if (only?.scheme === 'hadoop') {
    const probed = await probeForward(store, { version: topVersion, path: only.path });
    if (probed.version !== topVersion) {
      topVersion = probed.version;
      contenders = [probed, ...unversioned.map((f) => ({ version: topVersion, path: f.path }))];
    }
  }
  if (contenders.length === 1) return contenders[0]!;
  const newest = newestState(await readAll(store, contenders), { table, ...(preferredPath === undefined ? {} : { preferredPath }) });
  return { version: newest.version, path: newest.path, state: newest };
}

/**
 * Finds the latest metadata version of the table rooted at `store` (see the module comment).
 * @param store a store rooted at the table's location
 * @param table the table's name, for errors
 * @throws TableNotFoundError when the table has no metadata file at all
 * @throws ValidationError naming the candidates when the metadata files do not say which is newest
 */
export async function findLatestVersion(store: ObjectStore, table: string): Promise<VersionLocation> {
  const hint = await readVersionHint(store);
  if (hint?.kind === 'version') {
    const hinted = await findHadoopVersion(store, hint.version);
    if (hinted) return probeForward(store, hinted);
  } else if (hint?.kind === 'file') {
    const path = await firstExisting(store, hint.paths);
    const parsed = path === undefined ? undefined : parseMetadataFileName(baseNameOf(path));
    if (path !== undefined && parsed?.scheme === 'hadoop') return probeForward(store, { version: parsed.version!, path });
    if (path !== undefined) return newestListed(store, table, path);
  }
  return newestListed(store, table);
}

/**
 * Finds a given metadata file by name or version: `'v3.metadata.json'`, `'metadata/v3.metadata.json'`,
 * `'00001-….metadata.json'`, `'v2.gz.metadata.json'` or `3` (Java's three Hadoop spellings,
 * then any listed file of that version).
 * @throws NotFoundError when there is no such file
 * @throws ValidationError when several files claim version `which`
 */
export async function findVersion(store: ObjectStore, which: string | number): Promise<VersionLocation> {
  if (typeof which === 'number') {
    const hadoop = await findHadoopVersion(store, which);
    if (hadoop) return hadoop;
    const matches = (await listMetadataFiles(store)).filter((f) => f.version === which);
    if (matches.length === 1) return { version: which, path: matches[0]!.path };
    if (matches.length > 1) {
      throw new ValidationError(`several metadata files claim version ${which}: ${matches.map((m) => m.path).join(', ')}`, {
        context: { version: which, candidates: matches.map((m) => m.path).join(', ') },
        help: 'open one by its file name',
      });
    }
    throw new NotFoundError(hadoopMetadataPaths(which)[0]!);
  }
  const path = which.includes('/') ? which : `${METADATA_DIR}/${which}`;
  if (!(await exists(store, path))) throw new NotFoundError(path);
  return { version: parseMetadataFileName(baseNameOf(path))?.version ?? 0, path };
}
