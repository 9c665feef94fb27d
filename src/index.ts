/**
 * Floe: Apache Iceberg v2 tables on object storage, for ML teams in TypeScript.
 *
 * The universal entry point: everything but the local-folder backend, which `floe`'s Node entry
 * point (`src/node.ts`, what `import … from 'floe'` resolves to on Node) adds. This file only
 * re-exports.
 *
 * @module
 */
export * from './errors.js';
export { Warehouse, DEFAULT_WAREHOUSE, type WarehouseOptions, type CreateTableOptions } from './warehouse.js';
export { StorageCatalog, type NamespacePropertiesChange, type Page, type PageRequest } from './catalog/index.js';
export {
  RestCatalog,
  type RestCatalogOptions,
  GovernanceClient,
  type NewGrant,
  type NewPrincipal,
  type PrincipalChange,
  PRIVILEGE_NAMES,
  type ColumnMaskJson,
  type CredentialJson,
  type GovernanceChangeJson,
  type GrantJson,
  type PrincipalJson,
  type PrivilegeName,
  type SecurableJson,
} from './catalog/rest/client/index.js';
export { Table, type LoadTableOptions, type WriteOptions, type ContractOptions, type HistoryEntry, type TableAccess } from './table.js';
export {
  CHANGE_ORDINAL_COLUMN,
  CHANGE_TYPE_COLUMN,
  COMMIT_SEQUENCE_NUMBER_COLUMN,
  COMMIT_SNAPSHOT_ID_COLUMN,
  Changes,
  type ChangeType,
  type ChangelogSnapshot,
  type ChangesOptions,
} from './scan/index.js';
export { DataFileReader, type DataFileReaderOptions, Scan, type ScanOptions, type ScanPlan, type FileScanTask, type PlanStats, type SnapshotSelector } from './scan/index.js';
export { SchemaUpdate, PartitionSpecUpdate, type Constraint, type ConstraintKind } from './transaction/index.js';
export type { CommitEvery, PositionedBatch, StreamAppendOptions, StreamCommit, StreamPosition } from './transaction/index.js';
export type { OrphanFile, RemoveOrphanFilesOptions, RemoveOrphanFilesResult } from './maintenance/index.js';
export type { RewriteDataFilesOptions, RewriteDataFilesResult } from './maintenance/index.js';
export type { RewriteManifestsResult } from './transaction/index.js';
export {
  asOfJoin,
  ARTIFACT_REGISTRY_TABLE,
  ArtifactStore,
  sha256Hex,
  type ArtifactVersion,
  type PutArtifactOptions,
  lineageGraph,
  lineageFromSummary,
  lineageSummary,
  LINEAGE_INPUTS_KEY,
  LINEAGE_JOB_PREFIX,
  type AsOfJoinOptions,
  type Lineage,
  type LineageGraph,
  type LineageInput,
  type LineageJob,
  type LineageNode,
  type LineageOptions,
} from './ml/features/index.js';
export {
  FEATURE_REGISTRY_PREFIX,
  FeatureRefSchema,
  FeatureRegistry,
  FeatureViewDefinitionSchema,
  FeatureViewSchema,
  TRAINING_SET_SPEC_FORMAT,
  TRAINING_SET_SUMMARY_KEY,
  checkViewExpectations,
  featureStats,
  decodeTrainingSetSpec,
  definitionOf,
  encodeTrainingSetSpec,
  featureRefToString,
  getHistoricalFeatures,
  type Feature,
  type FeatureEntity,
  type AppliedView,
  type FeatureRef,
  type FeatureSource,
  type FeatureViewChange,
  type HistoricalFeaturesOptions,
  type ExpectationReport,
  type FeatureColumnStats,
  type FeatureRowStats,
  type FeatureStats,
  type TrainingSet,
  type TrainingSetSpec,
  type TrainingSetView,
  type ViewProblem,
  type ViewValidation,
  type FeatureView,
  type FeatureViewDefinition,
} from './features/index.js';
export type { CommitStats } from './commit/index.js';
export * as expr from './expr/index.js';
export {
  alwaysFalse,
  alwaysTrue,
  and,
  eq,
  gt,
  gtEq,
  isIn,
  isNaN,
  isNull,
  lt,
  ltEq,
  not,
  notEq,
  notIn,
  notNaN,
  notNull,
  or,
  parseFilter,
  startsWith,
  type Expression,
} from './expr/index.js';
export type { IcebergType, NestedField, PrimitiveType, Schema, StructType, ListType, MapType } from './spec/index.js';
export type { Snapshot, SnapshotRef, SnapshotSummary } from './spec/index.js';
export type { PartitionSpec, PartitionField, Transform } from './spec/index.js';
export type { TableMetadata } from './spec/index.js';
export type { DataFile } from './spec/index.js';
export type { Literal } from './spec/index.js';
export { MAIN_BRANCH } from './spec/index.js';
export { decodeSchema, encodeSchema, parseType, schemaFromShorthand, typeToString, type ShorthandOptions, type ShorthandSchema } from './spec/index.js';
export { datetime } from './spec/index.js';
export { readParquet, readParquetSchema, writeParquet } from './io/index.js';
export { closeWorkerThreads, setWorkerThreads, workerThreads } from './io/index.js';
export {
  MemoryStore,
  S3Store,
  prefixed,
  instrumented,
  faulty,
  ignoringConditions,
  type FaultRule,
  type IoStats,
  type ObjectStore,
  type ObjectMeta,
  type ObjectVersion,
  type PutMode,
  type StoreCapabilities,
} from './store/index.js';
export { openLocation, type StoreOptions, type OpenedLocation } from './store/index.js';
export {
  Dataset,
  DatasetShard,
  DatasetReader,
  DATASET_SPEC_FORMAT,
  DEFAULT_BATCH_SIZE,
  READ_CURSOR_FORMAT,
  decodeDatasetSpec,
  encodeDatasetSpec,
  distanceFunction,
  nearest,
  numericColumn,
  vectorColumn,
  VectorCache,
  type ColumnArray,
  type DatasetFile,
  type DatasetFingerprint,
  type DatasetOptions,
  type DatasetSpec,
  type DistanceMetric,
  type FromSpecOptions,
  type NearestHit,
  type NearestOptions,
  type NumericArray,
  type ReadCursor,
  type ReaderOptions,
  type ReadUnit,
  type ShardOptions,
  type VectorCacheOptions,
  type VectorCacheStats,
} from './ml/index.js';
