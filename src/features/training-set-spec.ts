/**
 * The spec of a training set: which view versions it joined, at which snapshot of each source
 * table (and of the entity table when that was a Floe table), so `getHistoricalFeatures({ spec })`
 * rebuilds the same rows later, whatever was committed, renamed or expired since — unless the
 * pinned snapshots themselves were expired (their files may be gone; the call then fails with
 * `SnapshotNotFoundError` rather than returning other rows). Snapshot ids are decimal strings
 * (int64, beyond JSON's exact integers).
 *
 * @module
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { parseJson, stringifyJson } from '../util/index.js';

/** The `format` of a training-set spec. */
export const TRAINING_SET_SPEC_FORMAT = 'floe-training-set/1';

/** One view a training set read. */
export interface TrainingSetView {
  /** The view name. */
  readonly name: string;
  /** The view version used. */
  readonly version: number;
  /** The source table's name when read. */
  readonly table: string;
  /** The source table's uuid (to find it again after a rename). */
  readonly tableUuid: string;
  /** The source table's location. */
  readonly location: string;
  /** The snapshot read; null when the table had no snapshot (every feature null). */
  readonly snapshotId: string | null;
}

/** A Floe entity table and the snapshot read. */
export interface TrainingSetEntities {
  /** The entity table's name. */
  readonly table: string;
  /** Its uuid. */
  readonly tableUuid: string;
  /** The snapshot read. */
  readonly snapshotId: string;
}

/** What a training set was built from (see the module doc). */
export interface TrainingSetSpec {
  /** {@link TRAINING_SET_SPEC_FORMAT}. */
  readonly format: typeof TRAINING_SET_SPEC_FORMAT;
  /** The features, as pinned references (`user_stats@2:purchases`), in output order. */
  readonly features: readonly string[];
  /** The entity rows' time column. */
  readonly eventTime: string;
  /** Whether output columns are named `view__feature` (else `feature`). */
  readonly fullFeatureNames: boolean;
  /** The views read, each with its version and snapshot. */
  readonly views: readonly TrainingSetView[];
  /** The entity table, when the entities came from a Floe table. */
  readonly entities?: TrainingSetEntities;
}

/** {@link TrainingSetSpec} as checked. */
export const TrainingSetSpecSchema = z.strictObject({
  format: z.literal(TRAINING_SET_SPEC_FORMAT),
  features: z.array(z.string()).min(1),
  eventTime: z.string().min(1),
  fullFeatureNames: z.boolean(),
  views: z.array(
    z.strictObject({
      name: z.string().min(1),
      version: z.number().int().min(1),
      table: z.string().min(1),
      tableUuid: z.string().min(1),
      location: z.string().min(1),
      snapshotId: z.string().regex(/^-?\d+$/).nullable(),
    }),
  ),
  entities: z.strictObject({ table: z.string().min(1), tableUuid: z.string().min(1), snapshotId: z.string().regex(/^-?\d+$/) }).optional(),
});

/** The JSON text of a spec. */
export function encodeTrainingSetSpec(spec: TrainingSetSpec): string {
  return stringifyJson(spec);
}

/** A spec from its JSON text. @throws ValidationError naming the field when it is not a training-set spec */
export function decodeTrainingSetSpec(text: string): TrainingSetSpec {
  let json: unknown;
  try {
    json = parseJson(text);
  } catch (e) {
    throw new ValidationError('training-set spec is not JSON', { cause: e });
  }
  const r = TrainingSetSpecSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ValidationError(`training-set spec field ${z.core.toDotPath(i.path)} is invalid: ${i.message}`, { context: { path: z.core.toDotPath(i.path) } });
  }
  return r.data as TrainingSetSpec;
}
