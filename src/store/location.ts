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
  let store = s3Stores.get(key);
  if (!store) {
    store = new S3Store({ ...options.s3, bucket });
    s3Stores.set(key, store);
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

function parseUri(uri: string): ParsedUri {
  if (uri === '') throw new InvalidArgumentError('a location must not be empty');
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
