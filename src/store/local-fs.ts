/**
 * The local file-system store, Floe's embedded default (spec/storage.md §S5.2). One folder is the
 * root; a key `a/b/c` is the file `<root>/a/b/c`.
 *
 * How each guarantee of §S1 is met (A1 `src/local.rs` stages and links; A1 has no `update`):
 * - **atomic puts**: bytes go to a temp file in the target's folder, are fsynced, and only then
 *   become visible in one step: `link` (create) or `rename` (overwrite, update); then the folder
 *   is fsynced so the new name survives a crash.
 * - **create** = `link(temp, final)`: the kernel refuses an existing name (EEXIST), atomically,
 *   across processes.
 * - **update** = exclusive lock file (see fs-lock.ts) + compare the current content digest with
 *   the expected ETag + `rename(temp, final)`. `overwrite` and `delete` take the same lock so that
 *   they cannot slip between an update's compare and its rename.
 * - **ETag** = a SHA-256 digest of the content (first 128 bits, hex). Never inode, size or mtime:
 *   inodes are reused after a rename and coarse mtimes collide, which lets a stale writer through.
 * - Keys cannot leave the root: paths are validated (§S2) and the resolved file name must lie
 *   inside the root. Segments starting with `.floe-` are reserved for temp and lock files.
 *
 * Conditional puts are linearizable across processes **of one host** on a local file system
 * (not NFS or SMB, whose `link`/`O_EXCL` semantics vary).
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { type FileHandle, link, mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import * as nodePath from 'node:path';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  isFloeError,
  NotFoundError,
  PreconditionFailedError,
  StoreError,
} from '../errors.js';
import { acquireFileLock } from './fs-lock.js';
import type {
  GetOptions,
  GetResult,
  ListResult,
  ObjectMeta,
  ObjectStore,
  ObjectVersion,
  PutOptions,
  StoreCapabilities,
} from './object-store.js';
import { compareKeys, validatePath, validatePrefix } from './paths.js';
import { checkRange, resolveRange } from './range.js';

/** Names starting with this are the store's own temp and lock files: never listed, never keys. */
export const LOCAL_FS_RESERVED_PREFIX = '.floe-';

/** Options of {@link LocalFsStore}. */
export interface LocalFsStoreOptions {
  /** The root folder (created on first write). Relative paths resolve against the working directory. */
  readonly root: string;
  /** How long a write waits for another process's lock on the same key, ms; default 30 000. */
  readonly lockTimeoutMs?: number;
  /** A lock file older than this is stale and gets broken, ms; default 30 000. */
  readonly staleLockMs?: number;
  /** Jitter source for lock waits; default `Math.random`. */
  readonly random?: () => number;
}

const DIGEST_CACHE_LIMIT = 1024;

function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/**
 * `meta` with an `etag` computed on first read (then kept): only the callers of a conditional
 * update read it, and hashing every data file a scan fetched cost a tenth of a full scan (a
 * 24 MB file: SHA-256 of all of it). The digest is of the bytes as read, so `bytes` must not be
 * changed before the etag is asked for; no reader of a document that it updates changes them.
 */
function withLazyEtag(meta: ObjectMeta, bytes: Uint8Array): ObjectMeta {
  let etag: string | undefined;
  return Object.defineProperty({ ...meta }, 'etag', {
    enumerable: true,
    get: () => (etag ??= digestOf(bytes)),
  }) as ObjectMeta;
}

/** A store over a local folder; see the module doc. */
export class LocalFsStore implements ObjectStore {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly capabilities: StoreCapabilities = {
    conditionalUpdate: true,
    listIsLexicallyOrdered: true,
    rangeReads: true,
    crossProcessConditionalPuts: true,
  };
  /** The absolute root folder. */
  readonly root: string;
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;
  readonly #random: () => number;
  /** In-process queue per key, so that this process's writers wait in line instead of polling the lock file. */
  readonly #queues = new Map<string, Promise<void>>();
  /** Digest cache for `head`, keyed by the full stat identity (see #etagOfHandle). */
  readonly #digests = new Map<string, { identity: string; etag: string }>();

  /** @param options the root folder and lock timings */
  constructor(options: LocalFsStoreOptions) {
    this.root = nodePath.resolve(options.root);
    this.name = `local-fs:${this.root}`;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
    this.#staleLockMs = options.staleLockMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  // ------------------------------------------------------------------ reads

  /** @inheritdoc */
  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    const file = this.#fileOf(path);
    if (options.range !== undefined) checkRange(path, options.range);
    const handle = await this.#openForRead(path, file);
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new NotFoundError(path, { context: { store: this.name } });
      if (options.range === undefined) {
        // Read into one array of the stat's size (readFile's Buffer would be copied again to
        // hand out a plain Uint8Array); a Floe object is never rewritten in place (puts rename).
        const bytes = await readExactly(handle, 0, st.size);
        return { bytes, meta: withLazyEtag(this.#metaOf(path, st), bytes) };
      }
      const [start, end] = resolveRange(path, options.range, st.size);
      const bytes = await readExactly(handle, start, end - start);
      // No ETag on a ranged read: it would cost a read of the whole file (§S5.2).
      return { bytes, meta: this.#metaOf(path, st) };
    } catch (e) {
      throw this.#translate(e, 'get', path);
    } finally {
      await handle.close();
    }
  }

  /** @inheritdoc */
  async head(path: string): Promise<ObjectMeta> {
    const file = this.#fileOf(path);
    const handle = await this.#openForRead(path, file);
    try {
      const st = await handle.stat({ bigint: true });
      if (!st.isFile()) throw new NotFoundError(path, { context: { store: this.name } });
      // The full stat identity (inode, size, mtime and ctime in ns) guards the cache; a rename
      // over the file changes the inode and the ctime, so a cached digest is never served for
      // different content in practice. The update check never uses this cache.
      const identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
      const cached = this.#digests.get(file);
      let etag: string;
      if (cached?.identity === identity) {
        etag = cached.etag;
      } else {
        etag = digestOf(new Uint8Array(await handle.readFile()));
        if (this.#digests.size >= DIGEST_CACHE_LIMIT) this.#digests.clear();
        this.#digests.set(file, { identity, etag });
      }
      return { path, sizeBytes: Number(st.size), lastModifiedMs: Number(st.mtimeMs), etag };
    } catch (e) {
      throw this.#translate(e, 'head', path);
    } finally {
      await handle.close();
    }
  }

  // ------------------------------------------------------------------ writes

  /** @inheritdoc */
  async put(path: string, bytes: Uint8Array, options: PutOptions = {}): Promise<ObjectVersion> {
    const file = this.#fileOf(path);
    const mode = options.mode ?? { kind: 'overwrite' };
    if (mode.kind === 'update' && mode.expected.etag === undefined) {
      throw new InvalidArgumentError(`update of ${path} needs the expected etag (${this.name} keeps no version ids)`, {
        context: { path, store: this.name },
      });
    }
    const dir = nodePath.dirname(file);
    const etag = digestOf(bytes);
    const durable = options.durable !== false;
    const temp = await this.#writeTemp(path, dir, bytes, durable);
    try {
      if (mode.kind === 'create') {
        await this.#linkNew(path, temp, file);
      } else {
        await this.#withKeyLock(path, file, async (stillHeld) => {
          if (mode.kind === 'update') {
            const current = await this.#currentDigest(file);
            if (current !== mode.expected.etag) {
              throw new PreconditionFailedError(path, {
                context: { store: this.name, expected: mode.expected.etag ?? '', actual: current ?? '(missing)' },
              });
            }
            // Narrows the window of a broken lock (fs-lock.ts, residual risk) to nearly nothing.
            if (!(await stillHeld())) {
              throw new StoreError(this.name, `lost the lock on ${path} before writing: nothing was written`, { context: { path } }, true);
            }
          }
          await this.#renameOver(path, temp, file);
        });
      }
      if (durable) await fsyncDir(dir);
      return { etag };
    } catch (e) {
      throw this.#translate(e, 'put', path);
    } finally {
      await unlinkQuietly(temp); // after link (create) the temp is a second name; after rename it is gone
    }
  }

  /** @inheritdoc */
  async delete(path: string): Promise<void> {
    const file = this.#fileOf(path);
    try {
      await this.#withKeyLock(path, file, async () => {
        try {
          await unlink(file);
        } catch (e) {
          // A missing object, a folder of that name, or a file where a folder was expected: nothing to delete.
          if (!['ENOENT', 'EISDIR', 'ENOTDIR', 'EPERM'].includes(errnoOf(e) ?? '')) throw e;
          return;
        }
        await fsyncDir(nodePath.dirname(file));
      });
    } catch (e) {
      throw this.#translate(e, 'delete', path);
    }
    await this.#pruneEmptyDirs(nodePath.dirname(file));
  }

  // ------------------------------------------------------------------ listing

  /** @inheritdoc */
  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    validatePrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, slash + 1);
    const namePrefix = prefix.slice(slash + 1);
    yield* this.#walk(dirKey, namePrefix);
  }

  /** @inheritdoc */
  async listWithDelimiter(prefix: string): Promise<ListResult> {
    validatePrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, slash + 1);
    const namePrefix = prefix.slice(slash + 1);
    const objects: ObjectMeta[] = [];
    const prefixes: string[] = [];
    for (const entry of await this.#entries(dirKey, namePrefix)) {
      if (entry.isDir) {
        // A folder emptied by a delete and not yet pruned holds no object: S3 would not list it.
        const inner = this.#walk(`${entry.key}/`, '')[Symbol.asyncIterator]();
        const first = await inner.next();
        await inner.return?.(undefined);
        if (first.done !== true) prefixes.push(`${entry.key}/`);
      } else if (entry.stats !== undefined) {
        objects.push(this.#metaOf(entry.key, entry.stats));
      }
    }
    return { objects, prefixes };
  }

  // ------------------------------------------------------------------ internals

  /** Maps a key to its file, refusing anything that would leave the root (§S2). */
  #fileOf(path: string): string {
    validatePath(path);
    const segments = path.split('/');
    const reserved = segments.find((s) => s.startsWith(LOCAL_FS_RESERVED_PREFIX));
    if (reserved !== undefined) {
      throw new InvalidArgumentError(`path segment '${reserved}' is reserved by ${this.name} for temp and lock files: ${path}`, {
        context: { path, store: this.name },
      });
    }
    if (nodePath.sep !== '/' && path.includes(nodePath.sep)) {
      throw new InvalidArgumentError(`path holds the platform separator '${nodePath.sep}': ${path}`, { context: { path } });
    }
    const file = nodePath.resolve(this.root, ...segments);
    if (!file.startsWith(this.root + nodePath.sep)) {
      throw new InvalidArgumentError(`path resolves outside the store root ${this.root}: ${path}`, { context: { path, store: this.name } });
    }
    return file;
  }

  #metaOf(path: string, st: Stats): ObjectMeta {
    return { path, sizeBytes: st.size, lastModifiedMs: st.mtimeMs };
  }

  async #openForRead(path: string, file: string): Promise<FileHandle> {
    try {
      return await open(file, fsConstants.O_RDONLY);
    } catch (e) {
      throw this.#translate(e, 'open', path);
    }
  }

  /** Writes `bytes` to a fresh temp file in `dir` and fsyncs it (when `durable`); creates `dir` as needed. */
  async #writeTemp(path: string, dir: string, bytes: Uint8Array, durable: boolean): Promise<string> {
    const temp = nodePath.join(dir, `${LOCAL_FS_RESERVED_PREFIX}tmp-${randomBytes(8).toString('hex')}`);
    // A concurrent delete may prune the folder between our mkdir and our open: try again.
    for (let attempt = 1; ; attempt++) {
      let handle: FileHandle;
      try {
        handle = await open(temp, 'wx', 0o644);
      } catch (e) {
        if (errnoOf(e) === 'ENOENT' && attempt <= 5) {
          await this.#ensureDir(path, dir);
          continue;
        }
        throw this.#translate(e, 'put', path);
      }
      try {
        await handle.writeFile(bytes);
        if (durable) await handle.sync();
      } catch (e) {
        await handle.close().catch(() => undefined);
        await unlinkQuietly(temp);
        throw this.#translate(e, 'put', path);
      }
      await handle.close();
      return temp;
    }
  }

  /** Creates `dir` and fsyncs the parents of the folders it had to create. */
  async #ensureDir(path: string, dir: string): Promise<void> {
    let first: string | undefined;
    try {
      first = await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new StoreError(this.name, `cannot create the folder for ${path}: ${errnoOf(e) === 'ENOTDIR' || errnoOf(e) === 'EEXIST' ? 'an object is in the way' : String(e)}`, {
        context: { path, folder: dir },
        cause: e,
      });
    }
    if (first === undefined) return;
    // Every folder that gained an entry: the parent of the topmost new folder, and each new folder
    // above `dir` (`dir` itself is fsynced after the final link or rename).
    const stop = nodePath.dirname(first);
    for (let d = nodePath.dirname(dir); ; d = nodePath.dirname(d)) {
      await fsyncDir(d);
      if (d === stop || d === nodePath.dirname(d)) break;
    }
  }

  async #linkNew(path: string, temp: string, file: string): Promise<void> {
    try {
      await link(temp, file);
    } catch (e) {
      if (errnoOf(e) === 'EEXIST') {
        const st = await stat(file).catch(() => undefined);
        if (st?.isDirectory() === true) {
          throw new StoreError(this.name, `cannot create ${path}: a folder of that name holds other objects`, { context: { path } });
        }
        throw new AlreadyExistsError(path, { context: { store: this.name } });
      }
      throw e;
    }
  }

  async #renameOver(path: string, temp: string, file: string): Promise<void> {
    try {
      await rename(temp, file);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new StoreError(this.name, `cannot write ${path}: a folder of that name holds other objects`, { context: { path }, cause: e });
      }
      throw e;
    }
  }

  /** The current content digest of `file`, or undefined when there is no such file. Never cached. */
  async #currentDigest(file: string): Promise<string | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(file, fsConstants.O_RDONLY);
    } catch (e) {
      if (['ENOENT', 'ENOTDIR'].includes(errnoOf(e) ?? '')) return undefined;
      throw e;
    }
    try {
      if (!(await handle.stat()).isFile()) return undefined;
      return digestOf(new Uint8Array(await handle.readFile()));
    } finally {
      await handle.close();
    }
  }

  /** Runs `fn` holding this process's queue slot for the key, then the key's lock file. */
  async #withKeyLock<T>(path: string, file: string, fn: (stillHeld: () => Promise<boolean>) => Promise<T>): Promise<T> {
    const previous = this.#queues.get(file) ?? Promise.resolve();
    let leave!: () => void;
    const mine = new Promise<void>((resolve) => {
      leave = resolve;
    });
    const tail = previous.then(() => mine);
    this.#queues.set(file, tail);
    await previous;
    try {
      const dir = nodePath.dirname(file);
      const base = nodePath.basename(file);
      // Readable lock names where they fit in a file name (255 bytes), a digest otherwise.
      const lockName =
        Buffer.byteLength(base) <= 200 ? `${LOCAL_FS_RESERVED_PREFIX}lock.${base}` : `${LOCAL_FS_RESERVED_PREFIX}lock-${digestOf(Buffer.from(base))}`;
      const lock = await acquireFileLock(nodePath.join(dir, lockName), {
        store: this.name,
        path,
        timeoutMs: this.#lockTimeoutMs,
        staleLockMs: this.#staleLockMs,
        random: this.#random,
        ensureDir: () => this.#ensureDir(path, dir),
      });
      try {
        return await fn(() => lock.stillHeld());
      } finally {
        await lock.release();
      }
    } finally {
      leave();
      if (this.#queues.get(file) === tail) this.#queues.delete(file);
    }
  }

  /** Removes folders left empty by a delete, up to (not including) the root; best effort. */
  async #pruneEmptyDirs(dir: string): Promise<void> {
    for (let d = dir; d.startsWith(this.root + nodePath.sep); d = nodePath.dirname(d)) {
      try {
        await rmdir(d);
      } catch {
        return; // not empty (ENOTEMPTY), already gone, or busy: stop climbing
      }
    }
  }

  /** One folder's entries that start with `namePrefix`, in key order, without reserved files. */
  async #entries(dirKey: string, namePrefix: string): Promise<Array<{ key: string; isDir: boolean; stats?: Stats }>> {
    const dir = dirKey === '' ? this.root : nodePath.join(this.root, ...dirKey.slice(0, -1).split('/'));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if (['ENOENT', 'ENOTDIR'].includes(errnoOf(e) ?? '')) return [];
      throw this.#translate(e, 'list', dirKey);
    }
    const out: Array<{ key: string; isDir: boolean; stats?: Stats; sortKey: string }> = [];
    for (const name of names) {
      if (!name.startsWith(namePrefix) || name.startsWith(LOCAL_FS_RESERVED_PREFIX)) continue;
      let st: Stats;
      try {
        st = await stat(nodePath.join(dir, name)); // follows symlinks placed in the root by the user
      } catch {
        continue; // vanished meanwhile
      }
      const key = dirKey + name;
      if (st.isDirectory()) out.push({ key, isDir: true, sortKey: `${key}/` });
      else if (st.isFile()) out.push({ key, isDir: false, stats: st, sortKey: key });
    }
    // Sorting a folder `a` as `a/` puts it where its keys belong among siblings such as `a.txt`:
    // every key inside starts with `a/` and no sibling name holds a `/`.
    out.sort((x, y) => compareKeys(x.sortKey, y.sortKey));
    return out;
  }

  async *#walk(dirKey: string, namePrefix: string): AsyncGenerator<ObjectMeta> {
    for (const entry of await this.#entries(dirKey, namePrefix)) {
      if (entry.isDir) yield* this.#walk(`${entry.key}/`, '');
      else if (entry.stats !== undefined) yield this.#metaOf(entry.key, entry.stats);
    }
  }

  /** Turns a Node fs error into a Floe error once, at this layer's edge. */
  #translate(e: unknown, op: string, path: string): Error {
    if (isFloeError(e)) return e;
    const code = errnoOf(e);
    if (code !== undefined) {
      if ((op === 'get' || op === 'head' || op === 'open') && ['ENOENT', 'ENOTDIR', 'EISDIR'].includes(code)) {
        return new NotFoundError(path, { context: { store: this.name } });
      }
      return new StoreError(this.name, `${op} ${path} failed: ${code}`, {
        context: { path, errno: code },
        cause: e,
      }, ['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE'].includes(code));
    }
    return e instanceof Error ? e : new StoreError(this.name, `${op} ${path} failed: ${String(e)}`, { context: { path } });
  }
}

async function readExactly(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) break; // the file shrank meanwhile (only by a non-Floe writer)
    done += bytesRead;
  }
  return done === length ? out : out.slice(0, done);
}

async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch (e) {
    // Some platforms and file systems cannot fsync a folder; the data itself was fsynced.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF', 'ENOTSUP', 'EACCES', 'ENOENT'].includes(errnoOf(e) ?? '')) throw e;
  } finally {
    await handle?.close();
  }
}

async function unlinkQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch {
    // already gone
  }
}
