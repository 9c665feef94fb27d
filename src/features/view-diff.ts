/**
 * What changed between two versions of a view, field by field. Entities and features are
 * matched by name (so reordering them is no change, and a changed feature is reported as
 * `features.<name>.type` rather than as one whole list changed).
 *
 * @module
 */
import stringify from 'fast-json-stable-stringify';
import type { FeatureViewDefinition } from './view.js';

/** One changed field. */
export interface FeatureViewChange {
  /** The field (`ttlMs`, `source.filter`, `features.ctr.type`, `features.ctr` when added or removed). */
  readonly field: string;
  /** Its value before (absent when added). */
  readonly before?: unknown;
  /** Its value after (absent when removed). */
  readonly after?: unknown;
}

/** Flattens a definition into field → value, entities and features keyed by name. */
function flatten(d: FeatureViewDefinition): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const put = (prefix: string, o: object): void => {
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out.set(`${prefix}${k}`, v);
  };
  const { entities, features, source, ...top } = d;
  put('', top);
  put('source.', source);
  for (const e of entities) put(`entities.${e.name}.`, e);
  for (const f of features) put(`features.${f.name}.`, f);
  return out;
}

/** The fields that differ between `a` and `b`, sorted by field (empty when they are the same definition). */
export function diffDefinitions(a: FeatureViewDefinition, b: FeatureViewDefinition): FeatureViewChange[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const changes: FeatureViewChange[] = [];
  for (const field of new Set([...fa.keys(), ...fb.keys()])) {
    const before = fa.get(field);
    const after = fb.get(field);
    if (stringify(before) === stringify(after)) continue;
    changes.push({ field, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
  }
  return changes.sort((x, y) => (x.field < y.field ? -1 : x.field > y.field ? 1 : 0));
}

/**
 * Whether two definitions are the same: no field differs. The order of entities and features
 * is not part of a definition (rows are joined and served by name), so re-applying a file
 * with its features reordered is a no-op, not a new version.
 */
export function sameDefinition(a: FeatureViewDefinition, b: FeatureViewDefinition): boolean {
  return diffDefinitions(a, b).length === 0;
}
