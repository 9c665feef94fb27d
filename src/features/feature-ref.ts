/**
 * Feature references: `view:feature` (the view's latest version) or `view@3:feature` (version
 * 3), as training-set and online calls name what they want. Feast writes references the same
 * way (`sdk/python/feast/feature_service.py`, "feature_view:feature").
 *
 * @module
 */
import { z } from 'zod';
import { FEATURE_NAME_PATTERN } from './view.js';

/** A parsed feature reference. */
export interface FeatureRef {
  /** The view name. */
  readonly view: string;
  /** The pinned view version, or undefined for the latest. */
  readonly version?: number;
  /** The feature name. */
  readonly feature: string;
}

const REF_PATTERN = new RegExp(`^(${FEATURE_NAME_PATTERN.source.slice(1, -1)})(?:@([1-9][0-9]*))?:(${FEATURE_NAME_PATTERN.source.slice(1, -1)})$`);

/** A reference string, checked and parsed into a {@link FeatureRef}. */
export const FeatureRefSchema = z.string({ error: 'must be a feature reference string' }).transform((s, ctx): FeatureRef => {
  const m = REF_PATTERN.exec(s);
  if (m === null) {
    ctx.addIssue({ code: 'custom', message: `is not a feature reference: ${JSON.stringify(s)} (expected view:feature or view@version:feature)` });
    return z.NEVER;
  }
  return { view: m[1]!, ...(m[2] !== undefined ? { version: Number(m[2]) } : {}), feature: m[3]! };
});

/** The text of a reference (`view:feature` or `view@3:feature`). */
export function featureRefToString(ref: FeatureRef): string {
  return `${ref.view}${ref.version !== undefined ? `@${ref.version}` : ''}:${ref.feature}`;
}
