/**
 * Reading `metadata/version-hint.text`, the best-effort pointer file-system tables keep.
 *
 * Writers put different things in it, and readers follow each:
 * - a number `N` (Java `HadoopTableOperations.writeVersionHint`, Spark, DuckDB, Floe): version
 *   `v<N>` under one of Java's three codec spellings;
 * - a file name ending in `.metadata.json` (or `.metadata.json.gz`), possibly as a full path or
 *   URI: that file in `metadata/` (PyIceberg `StaticTable._metadata_location_from_version_hint`,
 *   `pyiceberg/table/__init__.py`, joins such a name to `metadata/`);
 * - anything else, e.g. `00003-<uuid>`: a name stem, tried as `v<text>.metadata.json` then
 *   `<text>.metadata.json` (DuckDB's default `version_name_format`
 *   `v%s%s.metadata.json,%s%s.metadata.json`, duckdb-iceberg
 *   `src/core/metadata/iceberg_table_metadata.cpp` `GenerateMetaDataUrl`; PyIceberg uses the second).
 *
 * The hint is a cache, never the truth: an unreadable or empty one is ignored, and discovery
 * checks what it names exists.
 *
 * @module
 */
import { isFloeError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { METADATA_DIR, VERSION_HINT_FILE, baseNameOf } from './version-files.js';

/** What a version hint names. */
export type VersionHint =
  /** A Hadoop version number. */
  | { readonly kind: 'version'; readonly version: number }
  /** A metadata file: the paths (relative to the table root) it may be, in the order to try. */
  | { readonly kind: 'file'; readonly text: string; readonly paths: readonly string[] };

/**
 * Interprets the text of a version hint (see the module comment), or undefined when it names nothing.
 * @param text the hint file's content
 */
export function versionHintFromText(text: string): VersionHint | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) {
    const version = Number(trimmed);
    return Number.isSafeInteger(version) ? { kind: 'version', version } : undefined;
  }
  const name = baseNameOf(trimmed);
  // Control characters (NUL included) name no object: such a hint is garbage, not a file.
  if (name === '' || name === '.' || name === '..' || /[\u0000-\u001f\u007f]/.test(name)) return undefined;
  if (name.endsWith('.metadata.json') || name.endsWith('.metadata.json.gz')) {
    return { kind: 'file', text: trimmed, paths: [`${METADATA_DIR}/${name}`] };
  }
  return { kind: 'file', text: trimmed, paths: [`${METADATA_DIR}/v${name}.metadata.json`, `${METADATA_DIR}/${name}.metadata.json`] };
}

/**
 * Reads the version hint; a missing, unreadable or empty one yields undefined, because the
 * hint is only a cache.
 * @param store the store rooted at the table
 * @throws whatever the store throws other than NotFoundError
 */
export async function readVersionHint(store: ObjectStore): Promise<VersionHint | undefined> {
  let bytes: Uint8Array;
  try {
    ({ bytes } = await store.get(VERSION_HINT_FILE));
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return versionHintFromText(text);
}
