/**
 * Manifests and manifest lists: Iceberg's Avro metadata files below a snapshot (spec
 * §Manifests, §Manifest Lists).
 *
 * Owns:
 * - the Avro writer schemas, field for field as Java Iceberg writes v2 (`manifest_entry` with
 *   the partition record `r102` built from the spec's partition type, `manifest_file` with
 *   field ids 500–519, maps as `k117_v118`-style key/value arrays), so files Floe writes are
 *   read by Java, Spark, Trino, PyIceberg and DuckDB, and decode with plain avsc;
 * - the header keys readers rely on (`schema`, `schema-id`, `partition-spec`,
 *   `partition-spec-id`, `format-version`, `content`; `snapshot-id`, `parent-snapshot-id`,
 *   `sequence-number` on lists);
 * - decoding of v1 and v2 files from any writer, by field id against each file's own schema
 *   (codecs null, deflate, snappy), with longs as exact `bigint`s;
 * - sequence number and snapshot id inheritance, and partition summaries.
 *
 * Guarantees: decoding never lets an avsc or zlib error escape (bad bytes are a
 * `CorruptFileError` naming the file); writing never overwrites (put mode `create`).
 *
 * Needs from below: the model and value codecs of `spec/` (partition types, schema JSON,
 * single-value serialization) and an `ObjectStore` for the IO wrappers.
 *
 * @module
 */
export { inheritFirstRowIds, inheritSequenceNumbers } from './inherit.js';
export { manifestFileFromManifest, type InlineManifestOptions } from './inline-manifest.js';
export { encodeManifestFile, readManifest, readManifestList, writeManifest, writeManifestList, type ReadManifestOptions } from './io.js';
export {
  decodeManifest,
  encodeManifest,
  type DecodedManifest,
  type DecodeManifestOptions,
  type EncodeManifestOptions,
} from './manifest-codec.js';
export {
  decodeManifestList,
  encodeManifestList,
  UNASSIGNED_SEQUENCE_NUMBER,
  UNKNOWN_COUNT,
  type DecodeManifestListOptions,
  type EncodeManifestListOptions,
} from './manifest-list-codec.js';
export { summarizePartitions } from './summary.js';
