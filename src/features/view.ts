/**
 * Feature views: the declared shape of a set of features, the unit the registry versions and
 * the training-set and online readers resolve `view:feature` references against.
 *
 * A view names its entities (the join keys, with their Iceberg types), the source Floe table it
 * reads (optionally a row filter and a column projection), the event-time column, a ttl, and
 * its features (each a column of the source table, with a type, description, owner and tags).
 * Types are Iceberg type strings (`long`, `double`, `decimal(9,2)`, `list<float>`: Iceberg spec
 * §Primitive Types), checked with the same parser schemas use.
 *
 * Two shapes: a {@link FeatureViewDefinition} is what a user declares (a file in a repository,
 * an `apply` call); a {@link FeatureView} is a definition as the registry stored it, with its
 * version (1, 2, …) and registration time. Feast `sdk/python/feast/feature_view.py` is the
 * model for the fields; ttl there is also "how far back a row stays valid".
 *
 * @module
 */
import { z } from 'zod';
import { parseType } from '../spec/index.js';

/** Names of views, entities and features: what a `view:feature` reference and a column can hold. */
export const FEATURE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A view, entity or feature name. */
export const FeatureNameSchema = z
  .string({ error: 'must be a string' })
  .regex(FEATURE_NAME_PATTERN, 'must be a name of letters, digits and underscores, not starting with a digit');

/** An Iceberg type string (`long`, `decimal(9,2)`, `list<float>`), checked by the schema parser. */
export const FeatureTypeSchema = z.string({ error: 'must be an Iceberg type string' }).refine(
  (t) => {
    try {
      parseType(t);
      return true;
    } catch {
      return false;
    }
  },
  { error: (iss) => `is not an Iceberg type: ${JSON.stringify(iss.input)} (e.g. long, double, string, timestamptz, decimal(9,2), list<float>)` },
);

/** Units a ttl string may use: `90s`, `15m`, `12h`, `30d`, `2w`. */
const TTL_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A ttl as written in a definition: milliseconds, or a duration string (`30d`, `12h`, `1d12h`);
 * parsed to milliseconds. 0 means "no ttl": any older row stays valid.
 */
export const TtlSchema = z
  .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string()], { error: 'must be a duration: milliseconds (a non-negative integer) or a string like 30d, 12h' })
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const parts = [...v.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
    if (v.length === 0 || parts.map((p) => p[0]).join('') !== v) {
      ctx.addIssue({ code: 'custom', message: `is not a duration: ${JSON.stringify(v)} (e.g. 30d, 12h, 1d12h, or milliseconds as a number)` });
      return z.NEVER;
    }
    return parts.reduce((ms, p) => ms + Number(p[1]) * TTL_UNITS_MS[p[2]!]!, 0);
  });

/** An entity: a join key column of the source table, and its type. */
export interface FeatureEntity {
  /** The key column (the same name in entity rows and in the source table). */
  readonly name: string;
  /** Its Iceberg type (`long`, `string`, …). */
  readonly type: string;
  /** What the key identifies. */
  readonly description?: string;
}

/** A feature: a column of the source table served under the view's name. */
export interface Feature {
  /** The feature name: a column of the source table. */
  readonly name: string;
  /** Its Iceberg type; the column's type must be it or promote to it (int → long, float → double). */
  readonly type: string;
  /** What it means. */
  readonly description?: string;
  /** Who answers for it. */
  readonly owner?: string;
  /** Free-form labels (`pii: 'false'`, `team: 'growth'`). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Where a view reads its rows. */
export interface FeatureSource {
  /** The source table, `namespace.table`. */
  readonly table: string;
  /** A row filter in Floe's filter syntax (`country = 'fr' AND NOT is_test`), applied when reading. */
  readonly filter?: string;
  /**
   * Columns of the source table to read (default: the entities, the event time and the
   * features). Every entity, the event time and every feature must be among them.
   */
  readonly columns?: readonly string[];
}

/** A feature view as declared (in a file or an `apply` call). */
export interface FeatureViewDefinition {
  /** The view name, unique in the registry. */
  readonly name: string;
  /** The join keys (at least one). */
  readonly entities: readonly FeatureEntity[];
  /** The source table. */
  readonly source: FeatureSource;
  /** The event-time column of the source table (a date, timestamp or long of epoch milliseconds). */
  readonly eventTime: string;
  /** How long a row stays valid after its event time, in milliseconds; 0 = forever. */
  readonly ttlMs: number;
  /** The features (at least one). */
  readonly features: readonly Feature[];
  /** What the view is for. */
  readonly description?: string;
  /** Who answers for it. */
  readonly owner?: string;
  /** Free-form labels. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A definition as the registry stored it. */
export interface FeatureView extends FeatureViewDefinition {
  /** Its version: 1 for the first registration, +1 for each change. */
  readonly version: number;
  /** When this version was registered (ms since the epoch). */
  readonly registeredAtMs: number;
}

const TagsSchema = z.record(z.string(), z.string({ error: 'must be a string' }));

/** {@link FeatureEntity} as checked. */
export const FeatureEntitySchema = z.strictObject({
  name: FeatureNameSchema,
  type: FeatureTypeSchema,
  description: z.string().optional(),
});

/** {@link Feature} as checked. */
export const FeatureSchema = z.strictObject({
  name: FeatureNameSchema,
  type: FeatureTypeSchema,
  description: z.string().optional(),
  owner: z.string().optional(),
  tags: TagsSchema.optional(),
});

/** {@link FeatureSource} as checked. */
export const FeatureSourceSchema = z.strictObject({
  table: z.string().regex(/^[^.\s]+(\.[^.\s]+)+$/, 'must be a table name: namespace.table'),
  filter: z.string().min(1, 'must be a non-empty filter').optional(),
  columns: z
    .array(z.string().min(1, 'must be a non-empty column name'))
    .min(1, 'must name at least one column')
    .refine((c) => new Set(c).size === c.length, 'must not name a column twice')
    .optional(),
});

/** The fields of a definition, before the rules that span several of them. */
const DefinitionShape = {
  name: FeatureNameSchema,
  entities: z.array(FeatureEntitySchema).min(1, 'must declare at least one entity (join key)'),
  source: FeatureSourceSchema,
  eventTime: z.string().min(1, 'must name the event-time column'),
  features: z.array(FeatureSchema).min(1, 'must declare at least one feature'),
  description: z.string().optional(),
  owner: z.string().optional(),
  tags: TagsSchema.optional(),
};

/** Rules across fields: distinct names, nothing declared twice, the projection covering what is used. */
function checkDefinition(d: { entities: readonly { name: string }[]; features: readonly { name: string }[]; eventTime: string; source: { columns?: readonly string[] | undefined } }, ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  const claim = (name: string, what: string, path: (string | number)[]): void => {
    const prior = seen.get(name);
    if (prior !== undefined) ctx.addIssue({ code: 'custom', path, message: `${what} ${name} is already declared as ${prior}` });
    else seen.set(name, what);
  };
  d.entities.forEach((e, i) => claim(e.name, 'entity', ['entities', i, 'name']));
  claim(d.eventTime, 'the event time', ['eventTime']);
  d.features.forEach((f, i) => claim(f.name, 'feature', ['features', i, 'name']));
  const cols = d.source.columns;
  if (cols !== undefined) {
    for (const name of seen.keys()) {
      if (!cols.includes(name)) ctx.addIssue({ code: 'custom', path: ['source', 'columns'], message: `must include ${seen.get(name)} column ${name}` });
    }
  }
}

/**
 * A {@link FeatureViewDefinition} as written by users: `ttl` is milliseconds or a duration
 * string (`30d`), parsed to `ttlMs`; unknown keys are refused (a misspelt field is an error,
 * not ignored).
 */
export const FeatureViewDefinitionSchema = z
  .strictObject({ ...DefinitionShape, ttl: TtlSchema.optional() })
  .superRefine(checkDefinition)
  .transform(({ ttl, ...rest }): FeatureViewDefinition => stripUndefined<FeatureViewDefinition>({ ...rest, ttlMs: ttl ?? 0 }));

/** A {@link FeatureView} as the registry stores it (`ttlMs` in milliseconds, with its version). */
export const FeatureViewSchema = z
  .strictObject({
    ...DefinitionShape,
    ttlMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    registeredAtMs: z.number().int().min(0),
  })
  .superRefine(checkDefinition)
  .transform((v): FeatureView => stripUndefined<FeatureView>(v));

/** The definition part of a registered view (what `apply` compares to decide "changed"). */
export function definitionOf(view: FeatureView): FeatureViewDefinition {
  const { version: _version, registeredAtMs: _at, ...definition } = view;
  return definition;
}

/**
 * `o` without undefined-valued top-level keys, typed as the model: zod leaves absent optionals
 * absent (its output type still says `| undefined`, which `exactOptionalPropertyTypes` refuses).
 */
function stripUndefined<T>(o: object): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
