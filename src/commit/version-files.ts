/**
 * Names of metadata files (spec/commit-protocol.md §C1 Layout).
 *
 * Floe writes Iceberg's file-system-table names, `metadata/v<N>.metadata.json` plus
 * `metadata/version-hint.text`, because that is what DuckDB's `iceberg_scan`, Spark's
 * `HadoopTables` and PyIceberg's `StaticTable` find without a catalog. Versions are not
 * zero-padded for the same reason; discovery never relies on listing order.
 *
 * It reads two other namings written by catalog-backed engines (Athena, PyIceberg, Java with a
 * catalog): `<NNNNN>-<uuid>.metadata.json` (a sequence prefix) and the same with a codec infix
 * (`.gz.metadata.json` is not supported: see spec/table-format.md).
 *
 * @module
 */

/** The folder of metadata files under a table's root. */
export const METADATA_DIR = 'metadata';
/** The best-effort hint naming the latest version (Iceberg's `version-hint.text`). */
export const VERSION_HINT_FILE = `${METADATA_DIR}/version-hint.text`;

/** The path of metadata version `version` relative to the table root. */
export function metadataFilePath(version: number): string {
  return `${METADATA_DIR}/v${version}.metadata.json`;
}

/** A metadata file name understood by discovery, with the version it encodes. */
export interface MetadataFileName {
  /** The version (`v3` → 3) or sequence prefix (`00003-…` → 3). */
  readonly version: number;
  /** Which naming scheme the file uses. */
  readonly scheme: 'hadoop' | 'sequence-uuid';
}

const HADOOP_NAME = /^v(\d+)\.metadata\.json$/;
const SEQUENCE_NAME = /^(\d+)-[0-9a-fA-F-]{36}\.metadata\.json$/;

/**
 * Parses a metadata file's base name, or returns undefined for anything else.
 * @param baseName the file name without folders
 */
export function parseMetadataFileName(baseName: string): MetadataFileName | undefined {
  let m = HADOOP_NAME.exec(baseName);
  if (m?.[1] !== undefined) return { version: Number(m[1]), scheme: 'hadoop' };
  m = SEQUENCE_NAME.exec(baseName);
  if (m?.[1] !== undefined) return { version: Number(m[1]), scheme: 'sequence-uuid' };
  return undefined;
}
