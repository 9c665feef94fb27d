/**
 * How a REST-loaded table's files are reached: the S3 settings from the catalog's and the
 * table's config (`s3.endpoint`, `client.region`, `s3.path-style-access`) and, when the catalog
 * vends them, its short-lived credentials — from `storage-credentials` (the most specific prefix
 * of the table's location wins, as the REST spec's `LoadTableResult` says) or the config's
 * `s3.access-key-id` / `s3.secret-access-key` / `s3.session-token` — before this client's own.
 * The store layer stays the one seam to bytes: this only chooses its options.
 *
 * @module
 */
import type { StoreOptions } from '../../../store/index.js';
import type { JsonValue } from '../../../util/index.js';

type S3Options = NonNullable<StoreOptions['s3']>;

function vendedConfig(credentials: JsonValue | undefined, location: string | undefined): Record<string, string> | undefined {
  if (!Array.isArray(credentials) || location === undefined) return undefined;
  let best: { prefix: string; config: Record<string, string> } | undefined;
  for (const c of credentials) {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) continue;
    const prefix = c['prefix'];
    const config = c['config'];
    if (typeof prefix !== 'string' || typeof config !== 'object' || config === null || Array.isArray(config)) continue;
    if (!location.startsWith(prefix)) continue;
    if (!best || prefix.length > best.prefix.length) {
      best = { prefix, config: Object.fromEntries(Object.entries(config).filter((e): e is [string, string] => typeof e[1] === 'string')) };
    }
  }
  return best?.config;
}

/**
 * S3 options for a table (or the catalog's warehouse when `location` is absent), or undefined
 * to use the environment's defaults.
 * @param config catalog config merged with the table's
 * @param storageCredentials the `storage-credentials` of a `LoadTableResult`, if any
 * @param own this client's own S3 options
 * @param location the table's location
 */
export function storageOptionsFor(
  config: Readonly<Record<string, string>>,
  storageCredentials: JsonValue | undefined,
  own: StoreOptions['s3'],
  location?: string,
): StoreOptions['s3'] {
  const vended = { ...config, ...vendedConfig(storageCredentials, location) };
  const endpoint = own?.endpoint ?? vended['s3.endpoint'];
  const region = own?.region ?? vended['client.region'] ?? vended['s3.region'];
  const pathStyle = vended['s3.path-style-access'];
  const accessKeyId = vended['s3.access-key-id'];
  const secretAccessKey = vended['s3.secret-access-key'];
  const sessionToken = vended['s3.session-token'];
  const credentials =
    accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } : own?.credentials;
  const out: S3Options = {
    ...own,
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(own?.forcePathStyle === undefined && pathStyle !== undefined ? { forcePathStyle: pathStyle === 'true' } : {}),
    ...(credentials ? { credentials } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}
