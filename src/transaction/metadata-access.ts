/**
 * Lookups on table metadata that every action needs.
 *
 * @module
 */
import { InternalError } from '../errors.js';
import type { PartitionSpec } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { Schema } from '../spec/index.js';

/** The current schema. */
export function currentSchema(metadata: TableMetadata): Schema {
  const s = metadata.schemas.find((x) => x.schemaId === metadata.currentSchemaId);
  if (!s) throw new InternalError(`current schema ${metadata.currentSchemaId} missing from validated metadata`);
  return s;
}

/** The default partition spec. */
export function defaultSpec(metadata: TableMetadata): PartitionSpec {
  const s = metadata.partitionSpecs.find((x) => x.specId === metadata.defaultSpecId);
  if (!s) throw new InternalError(`default spec ${metadata.defaultSpecId} missing from validated metadata`);
  return s;
}
