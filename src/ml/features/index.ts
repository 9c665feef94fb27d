/**
 * Feature jobs, built on the public table API only: point-in-time-correct joins of labels with
 * feature tables (`asOfJoin`), lineage graphs across tables, and model artifacts.
 *
 * Guarantees: `asOfJoin` never returns a feature value from after its label's time, and reads a
 * pinned snapshot when given one, resolving names with that snapshot's schema, so the same call
 * returns the same training set forever (whatever schema changes follow).
 * Needs from below: `Table.scan` (pruned, streamed batches), `io` row gathering.
 * Upserts and data contracts are table writes: see `Table.upsert` and `Table.setConstraints`.
 * Loading this module adds `lineage()` to `Table.prototype` and `artifacts()` to `Warehouse.prototype`.
 *
 * @module
 */
export { asOfJoin, type AsOfJoinOptions } from './asof-join.js';
export {
  LINEAGE_INPUTS_KEY,
  LINEAGE_JOB_PREFIX,
  lineageFromSummary,
  lineageSummary,
  type Lineage,
  type LineageInput,
  type LineageJob,
} from './lineage-summary.js';
export { lineageGraph, type LineageGraph, type LineageNode, type LineageOptions } from './lineage-graph.js';
export { ARTIFACT_REGISTRY_TABLE, ArtifactStore, sha256Hex, type ArtifactVersion, type PutArtifactOptions } from './artifacts-store.js';
