/**
 * The feature store, built on the public table API: feature views and their registry,
 * point-in-time training sets over many views, feature statistics, and (in `online/`)
 * materialization to an online store and serving.
 *
 * Guarantees: a view definition is checked (zod) before anything is stored or read; references
 * name a view and optionally its version (`view@3:feature`), and a pinned version resolves to
 * the same definition forever.
 * Needs from below: `Warehouse` / `Table` (scans pinned to snapshots), the object store of the
 * warehouse for the registry documents, `ml` (as-of joins, dataset specs, lineage).
 *
 * @module
 */
export {
  FEATURE_NAME_PATTERN,
  FeatureEntitySchema,
  FeatureNameSchema,
  FeatureSchema,
  FeatureSourceSchema,
  FeatureTypeSchema,
  FeatureViewDefinitionSchema,
  FeatureViewSchema,
  TtlSchema,
  definitionOf,
  type Feature,
  type FeatureEntity,
  type FeatureSource,
  type FeatureView,
  type FeatureViewDefinition,
} from './view.js';
export { FeatureRefSchema, featureRefToString, type FeatureRef } from './feature-ref.js';
export { FeatureRegistry, type AppliedView, type ViewValidation } from './registry.js';
export { FEATURE_REGISTRY_PREFIX, FEATURE_VIEW_FORMAT, viewVersionPath } from './registry-store.js';
export { checkViewAgainstSchema, type ViewProblem } from './source-check.js';
export { diffDefinitions, sameDefinition, type FeatureViewChange } from './view-diff.js';
export { getHistoricalFeatures, TRAINING_SET_SUMMARY_KEY, type HistoricalFeaturesOptions, type TrainingSet } from './training-set.js';
export {
  TRAINING_SET_SPEC_FORMAT,
  TrainingSetSpecSchema,
  decodeTrainingSetSpec,
  encodeTrainingSetSpec,
  type TrainingSetEntities,
  type TrainingSetSpec,
  type TrainingSetView,
} from './training-set-spec.js';
export { FEATURE_STATS_PREFIX, computeFeatureStats, featureStats, type FeatureColumnStats, type FeatureRowStats, type FeatureStats, type FeatureStatsOptions } from './stats.js';
export { checkViewExpectations, type ExpectationReport, type ViewExpectationsOptions } from './expectations.js';
export { viewBatches, viewColumns } from './view-rows.js';
