/**
 * Names of metadata files (spec/commit-protocol.md §C1 Layout).
 *
 * Floe writes Iceberg's file-system-table names, `metadata/v<N>.metadata.json` plus
 * `metadata/version-hint.text`, because that is what DuckDB's `iceberg_scan`, Spark's
 * `HadoopTables` and PyIceberg's `StaticTable` find without a catalog. Versions are not
 * zero-padded for the same reason; discovery never relies on listing order.
 *
 * It reads every name other writers use (Iceberg spec "File System Tables", "Metastore Tables",
 * Appendix F "Naming for GZIP compressed Metadata JSON files"):
 *
 * | name | scheme | version | written by |
 * |---|---|---|---|
 * | `v<N>.metadata.json`, `v<N>.gz.metadata.json`, `v<N>.metadata.json.gz` | hadoop | N | Java `HadoopTableOperations` (three codec spellings, `metadataFilePath` / `oldMetadataFilePath`), Spark, DuckDB, Floe |
 * | `<N>-<anything>.metadata.json` (`00003-<uuid>`), `v<N>-…`, `<N>_…`, with or without `.gz` | numbered | N | catalog-backed writers (Java `BaseMetastoreTableOperations`: `%05d-<uuid>`), Athena, PyIceberg, writers that add suffixes |
 * | `<uuid>.metadata.json` | uuid | none | the temporary file of a file-system commit (spec "File System Tables", step 3), or a writer naming versions by uuid only |
 * | anything else ending in `.metadata.json` | free-form | none | other writers |
 *
 * Java derives the version of a metastore name from the digits before the first `-`
 * (`BaseMetastoreTableOperations.parseVersion`) and of a Hadoop name from what follows `v` up to
 * the first `.` (`HadoopTableOperations.version`); a file is gzip-compressed when its name ends in
 * `.metadata.json.gz` or in `.gz.metadata.json` (`TableMetadataParser.Codec.fromFileName`).
 *
 * @module
 */

/** The folder of metadata files under a table's root. */
export const METADATA_DIR = 'metadata';
/** The best-effort hint naming the latest version (Iceberg's `version-hint.text`). */
export const VERSION_HINT_FILE = `${METADATA_DIR}/version-hint.text`;

/** The path of metadata version `version` as Floe writes it (its commit point), relative to the table root. */
export function metadataFilePath(version: number): string {
  return `${METADATA_DIR}/v${version}.metadata.json`;
}

/**
 * The paths a Hadoop table may hold version `version` under, in the order Java's
 * `HadoopTableOperations.getMetadataFile` tries them: plain, `.gz.metadata.json`, then the older
 * `.metadata.json.gz`.
 * @param version the version number
 */
export function hadoopMetadataPaths(version: number): readonly string[] {
  return [metadataFilePath(version), `${METADATA_DIR}/v${version}.gz.metadata.json`, `${METADATA_DIR}/v${version}.metadata.json.gz`];
}

/** How a metadata file is named: see the module table. */
export type MetadataNaming = 'hadoop' | 'numbered' | 'uuid' | 'free-form';

/** A metadata file name understood by discovery. */
export interface MetadataFileName {
  /** The version the name encodes (`v3` → 3, `00003-…` → 3); undefined for uuid and free-form names. */
  readonly version: number | undefined;
  /** Which naming scheme the file uses. */
  readonly scheme: MetadataNaming;
  /** Whether the name says the file is gzip-compressed. */
  readonly gzip: boolean;
}

const HADOOP_STEM = /^v(\d+)$/;
const UUID_STEM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBERED_STEM = /^v?(\d+)[-_.]/;

function versionOf(digits: string | undefined): number | undefined {
  const n = Number(digits);
  return digits !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses a metadata file's base name, or returns undefined for anything that is not a metadata
 * file (manifests, the hint, hidden files such as Hadoop's `.v1.metadata.json.crc`).
 * @param baseName the file name without folders
 */
export function parseMetadataFileName(baseName: string): MetadataFileName | undefined {
  if (baseName.startsWith('.')) return undefined;
  let stem: string;
  let gzip: boolean;
  if (baseName.endsWith('.metadata.json.gz')) {
    stem = baseName.slice(0, -'.metadata.json.gz'.length);
    gzip = true;
  } else if (baseName.endsWith('.metadata.json')) {
    stem = baseName.slice(0, -'.metadata.json'.length);
    gzip = stem.endsWith('.gz');
    if (gzip) stem = stem.slice(0, -'.gz'.length);
  } else {
    return undefined;
  }
  if (stem === '') return undefined;
  const hadoop = versionOf(HADOOP_STEM.exec(stem)?.[1]);
  if (hadoop !== undefined) return { version: hadoop, scheme: 'hadoop', gzip };
  if (UUID_STEM.test(stem)) return { version: undefined, scheme: 'uuid', gzip };
  const numbered = versionOf(NUMBERED_STEM.exec(stem)?.[1]);
  if (numbered !== undefined) return { version: numbered, scheme: 'numbered', gzip };
  return { version: undefined, scheme: 'free-form', gzip };
}

/**
 * Whether `path` is the name Floe's commit point writes for `version`: other names (another
 * writer's, a compressed one) are not what a concurrent Floe writer would create next.
 * @param version the version number
 * @param path the file's path relative to the table root
 */
export function isFloeMetadataPath(version: number, path: string): boolean {
  return path === metadataFilePath(version);
}

/** The base name of a path or URI. */
export function baseNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
