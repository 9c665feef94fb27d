/**
 * The registry's documents on object storage, under the warehouse root:
 *
 *     _floe/features/views/<view>/v<0000000001>.json     version 1 of <view> (created only if absent, never rewritten)
 *     _floe/features/views/<view>/v<0000000002>.json     version 2, …
 *
 * Each version is one immutable document written with a create-only put (`If-None-Match: *` on
 * S3), which is the commit point of that version exactly as `v<N>.metadata.json` is a table's
 * (spec/commit-protocol.md): two writers that both read version N race on `v<N+1>`, one wins,
 * the other reads again and writes `v<N+2>` (or finds its definition already there), so no
 * version is lost. Numbers are zero-padded so that a listing sorts them (delta-rs
 * `commit_uri_from_version`). There is no head pointer to go stale: the latest version is the
 * highest listed, and the create of the next one fails if a newer one exists.
 *
 * @module
 */
import { CorruptFileError, isFloeError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { parseJson, stringifyJson } from '../util/index.js';
import { type FeatureView, FeatureViewSchema } from './view.js';

/** Where the registry lives under the warehouse root. */
export const FEATURE_REGISTRY_PREFIX = '_floe/features/views';

/** The `format` every version document carries, so a future layout is recognized. */
export const FEATURE_VIEW_FORMAT = 'floe-feature-view/1';

const VERSION_FILE = /^v(\d{10})\.json$/;

/** The path of a view's version document. */
export function viewVersionPath(view: string, version: number): string {
  return `${FEATURE_REGISTRY_PREFIX}/${view}/v${String(version).padStart(10, '0')}.json`;
}

/** The registered view names, sorted. */
export async function listViewNames(store: ObjectStore): Promise<string[]> {
  const { prefixes } = await store.listWithDelimiter(`${FEATURE_REGISTRY_PREFIX}/`);
  return prefixes.map((p) => p.slice(FEATURE_REGISTRY_PREFIX.length + 1).replace(/\/$/, '')).sort();
}

/** The versions of a view, ascending (empty when it was never registered). */
export async function listViewVersions(store: ObjectStore, view: string): Promise<number[]> {
  const prefix = `${FEATURE_REGISTRY_PREFIX}/${view}/`;
  const out: number[] = [];
  for await (const o of store.list(prefix)) {
    const m = VERSION_FILE.exec(o.path.slice(prefix.length));
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/**
 * Reads one version, or undefined when it does not exist.
 * @throws CorruptFileError when the document is not a valid view of that name and version
 */
export async function readViewVersion(store: ObjectStore, view: string, version: number): Promise<FeatureView | undefined> {
  const path = viewVersionPath(view, version);
  let bytes: Uint8Array;
  try {
    bytes = (await store.get(path)).bytes;
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
  let json: unknown;
  try {
    json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new CorruptFileError(path, 'feature view document is not JSON', { cause: e });
  }
  const { format, ...rest } = (typeof json === 'object' && json !== null ? json : {}) as { format?: unknown };
  if (format !== FEATURE_VIEW_FORMAT) throw new CorruptFileError(path, `feature view document has format ${String(format)}, expected ${FEATURE_VIEW_FORMAT}`);
  const r = FeatureViewSchema.safeParse(rest);
  if (!r.success) throw new CorruptFileError(path, `feature view document is malformed: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (r.data.name !== view || r.data.version !== version) throw new CorruptFileError(path, `holds ${r.data.name} version ${r.data.version}, not ${view} version ${version}`);
  return r.data;
}

/**
 * Writes a version if absent (the commit point of that version).
 * @returns true when written; false when that version already exists (another writer won)
 * @throws OutcomeUnknownError passed through: the caller re-reads to decide
 */
export async function createViewVersion(store: ObjectStore, view: FeatureView): Promise<boolean> {
  const bytes = new TextEncoder().encode(stringifyJson({ format: FEATURE_VIEW_FORMAT, ...view }, 2));
  try {
    await store.put(viewVersionPath(view.name, view.version), bytes, { mode: { kind: 'create' }, contentType: 'application/json' });
    return true;
  } catch (e) {
    if (isFloeError(e, 'ALREADY_EXISTS')) return false;
    throw e;
  }
}
