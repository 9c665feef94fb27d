/**
 * Locations as URIs → object stores (after arrow-rs-object-store's `parse_url`):
 *
 * | URI                         | store                                           |
 * |-----------------------------|-------------------------------------------------|
 * | `file:///abs/dir`, `./dir`  | local-fs rooted at the folder                   |
 * | `s3://bucket/prefix` (`s3a://`) | s3 over the bucket, prefixed                |
 * | `memory://name/prefix`      | the process-wide memory store `name`, prefixed  |
 *
 * Stores over the same bucket (or memory name) are shared, so S3 clients, connection pools and
 * concurrency limits are too, and `memory://x` opened twice sees the same objects.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError, NotImplementedError, UnsupportedError } from '../errors.js';
import { MemoryStore } from './memory.js';
import type { ObjectStore } from './object-store.js';
import { prefixed } from './prefixed.js';
import { S3Store, type S3StoreOptions } from './s3.js';

/** Connection settings for the backends that need them. */
export interface StoreOptions {
  /** S3 settings (endpoint, region, path style, credentials); the bucket comes from the URI. */
  readonly s3?: Omit<S3StoreOptions, 'bucket'>;
}

/** A location with the store rooted at it. */
export interface OpenedLocation {
  /** The normalised URI (no trailing slash). */
  readonly uri: string;
  /** A store whose keys are relative to `uri`. */
  readonly store: ObjectStore;
}

/**
 * Local folders need `node:fs`; the universal entry point has no such backend and the Node entry
 * point (`src/node.ts`) registers it here (STYLE §2: A6's platform entry points).
 */
export interface LocalBackend {
  /** Turns a path or a `file://` URI's path into an absolute path. */
  resolvePath(path: string): string;
  /** Opens a store rooted at an absolute folder. */
  open(root: string): ObjectStore;
}

let localBackend: LocalBackend | undefined;

/** Registers the local-folder backend (done by the Node entry point). */
export function registerLocalBackend(backend: LocalBackend): void {
  localBackend = backend;
}

function requireLocal(uri: string): LocalBackend {
  if (!localBackend) throw new NotImplementedError(`opening ${uri}`, 'this entry point (import floe from its Node entry for local folders)');
  return localBackend;
}

const memoryStores = new Map<string, MemoryStore>();
const s3Stores = new Map<string, S3Store>();
// Stores signed by a remote signer are one set per signer: a signer speaks for one table, so a
// store shared across signers would sign one table's requests at another's endpoint.
const signedS3Stores = new WeakMap<object, Map<string, S3Store>>();

/** The process-wide memory store of a name (created on first use). */
export function memoryStoreNamed(name: string): MemoryStore {
  let store = memoryStores.get(name);
  if (!store) {
    store = new MemoryStore({ name: `memory://${name}` });
    memoryStores.set(name, store);
  }
  return store;
}

function s3StoreFor(bucket: string, options: StoreOptions): S3Store {
  const key = `${bucket}\u0000${JSON.stringify(options.s3 ?? {}, (_k, v: unknown) => (typeof v === 'function' || (typeof v === 'object' && v !== null && 'send' in v) ? '[client]' : v))}`;
  const signer = options.s3?.signer;
  let stores = s3Stores;
  if (signer) {
    stores = signedS3Stores.get(signer) ?? new Map<string, S3Store>();
    signedS3Stores.set(signer, stores);
  }
  let store = stores.get(key);
  if (!store) {
    store = new S3Store({ ...options.s3, bucket });
    stores.set(key, store);
  }
  return store;
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

interface ParsedUri {
  readonly scheme: 'file' | 's3' | 'memory';
  /** `file://`, `s3://bucket`, `memory://name`: what keys are relative to at the root. */
  readonly rootUri: string;
  /** bucket or memory name (empty for file). */
  readonly authority: string;
  /** Path under the root, no leading or trailing slash. */
  readonly path: string;
  /** The scheme as written (`s3a` stays `s3a`, so recorded locations keep matching). */
  readonly written: string;
}

// C0 controls and DEL: no backend stores them in a key (local paths end at NUL, S3 keys in XML
// cannot hold most of them), so a location holding one is a caller's mistake.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function controlCharacterProblem(text: string, where: string): string | undefined {
  const m = CONTROL_CHARACTER.exec(text);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `${where} holds the control character U+${code} at position ${m.index}`;
}

/** The percent-decoded path of a `file:` URI, or undefined when it is not one. */
function filePath(uri: string): string | undefined {
  const m = /^file:\/\/[^/]*(\/.*)?$/i.exec(uri);
  return m ? decodeURIComponent(m[1] ?? '/') : undefined;
}

const LocationSchema = z.string({ error: 'expected a location string such as file:///data/wh, s3://bucket/prefix or memory://name' }).superRefine((uri, ctx) => {
  if (uri === '') {
    ctx.addIssue({ code: 'custom', message: 'a location must not be empty' });
    return;
  }
  let problem = controlCharacterProblem(uri, 'it');
  if (problem === undefined) {
    let path: string | undefined;
    try {
      path = filePath(uri);
    } catch {
      problem = 'its path has a malformed %-escape';
    }
    if (path !== undefined) problem ??= controlCharacterProblem(path, 'its decoded path');
  }
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Checks a location a caller passed: a non-empty string without control characters (also once
 * a `file:` URI's %-escapes are decoded).
 * @param uri what the caller passed
 * @param what the argument, for messages (`uri of Table.load`)
 * @throws InvalidArgumentError naming the argument and the offending character
 */
export function checkLocation(uri: unknown, what: string): string {
  const parsed = LocationSchema.safeParse(uri);
  if (parsed.success) return parsed.data;
  const shown = typeof uri === 'string' ? ` ${JSON.stringify(uri)}` : '';
  throw new InvalidArgumentError(`invalid ${what}${shown}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { context: { argument: what } });
}

function parseUri(uri: string): ParsedUri {
  checkLocation(uri, 'location');
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i.exec(uri);
  if (!m) {
    const abs = requireLocal(uri).resolvePath(uri);
    return { scheme: 'file', rootUri: 'file://', authority: '', path: trimSlashes(abs), written: 'file' };
  }
  const written = m[1]!.toLowerCase();
  const authority = m[2] ?? '';
  const rest = m[3] ?? '';
  switch (written) {
    case 'file': {
      if (authority !== '' && authority !== 'localhost') throw new InvalidArgumentError(`file URIs must be local: ${uri}`);
      const abs = requireLocal(uri).resolvePath(decodeURIComponent(rest || '/'));
      return { scheme: 'file', rootUri: 'file://', authority: '', path: trimSlashes(abs), written };
    }
    case 's3':
    case 's3a':
    case 's3n':
      if (!authority) throw new InvalidArgumentError(`S3 URIs need a bucket: ${uri}`, { help: 'use s3://bucket/prefix' });
      return { scheme: 's3', rootUri: `${written}://${authority}`, authority, path: trimSlashes(rest), written };
    case 'memory':
      return { scheme: 'memory', rootUri: `memory://${authority}`, authority, path: trimSlashes(rest), written };
    default:
      throw new UnsupportedError(`unsupported location scheme ${written}:// in ${uri}`, {
        context: { uri },
        help: 'use memory://, file:///path (or a plain path) or s3://bucket/prefix',
      });
  }
}

function rootStoreOf(p: ParsedUri, options: StoreOptions): ObjectStore {
  if (p.scheme === 'memory') return memoryStoreNamed(p.authority);
  if (p.scheme === 's3') return s3StoreFor(p.authority, options);
  return requireLocal('file:///').open('/');
}

function uriOf(p: ParsedUri): string {
  if (p.scheme === 'file') return `file:///${p.path}`;
  return p.path ? `${p.rootUri}/${p.path}` : p.rootUri;
}

/**
 * Opens a location: a store whose keys are relative to it.
 * @throws InvalidArgumentError for an unsupported scheme or a malformed URI
 */
export function openLocation(uri: string, options: StoreOptions = {}): OpenedLocation {
  const p = parseUri(uri);
  if (p.scheme === 'file') {
    // A local-fs store rooted at the folder itself refuses keys that escape it.
    return { uri: uriOf(p), store: requireLocal(uri).open(`/${p.path}`) };
  }
  const root = rootStoreOf(p, options);
  return { uri: uriOf(p), store: p.path ? prefixed(root, `${p.path}/`) : root };
}

/** Opens the root of a location's backend (filesystem root, bucket, memory store), for locators. */
export function openLocationRoot(uri: string, options: StoreOptions = {}): { store: ObjectStore; rootUri: string } {
  const p = parseUri(uri);
  return { store: rootStoreOf(p, options), rootUri: p.rootUri };
}

/** A location below another one, sharing its store. */
export function childLocation(parent: OpenedLocation, relative: string): OpenedLocation {
  const rel = trimSlashes(relative);
  return { uri: `${parent.uri}/${rel}`, store: prefixed(parent.store, `${rel}/`) };
}
