/**
 * The per-key lock file of the local-fs store (spec/storage.md §S5.2): mutual exclusion across
 * processes of one host for the read-compare-rename of an `update`, and for the `overwrite`s and
 * `delete`s that must not interleave with it.
 *
 * Protocol:
 * 1. acquire: `open(lock, 'wx')` (O_CREAT|O_EXCL: exactly one process creates it) and write
 *    `{pid, host, token, createdMs}` into it; on EEXIST wait with jittered backoff and retry.
 * 2. release: unlink the lock, but only if it still holds our token.
 * 3. a lock is **stale** when its pid is dead on this host (`kill(pid, 0)` says ESRCH), or when it
 *    is older (by the file system's mtime, not a writer's clock) than `staleLockMs`: critical
 *    sections take milliseconds, so an old lock means a dead holder on another host, a reused pid
 *    or a frozen process.
 * 4. breaking a stale lock goes through a second lock, `<lock>.break`, created with `wx`: under it
 *    the breaker re-reads the lock and unlinks it only if it still holds the token it judged
 *    stale. Two breakers therefore never remove a lock that a third process has just taken. A
 *    `.break` file older than `staleLockMs` (its breaker died within those few syscalls) is removed.
 *
 * Residual risk, documented: a holder frozen for longer than `staleLockMs` inside its critical
 * section can have its lock broken; it re-checks its token just before its rename, which narrows
 * but cannot close that window (a lease without fencing). Defaults make that a 30 s freeze.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StoreError } from '../errors.js';
import { computeBackoffMs, sleep } from '../util/index.js';

/** What a lock file holds. */
interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly createdMs: number;
}

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** The store's name, for errors. */
  readonly store: string;
  /** The object the lock guards, for errors. */
  readonly path: string;
  /** Give up after waiting this long, ms. */
  readonly timeoutMs: number;
  /** A lock older than this is stale, ms. */
  readonly staleLockMs: number;
  /** Called when a directory is missing (the lock's folder was pruned meanwhile). */
  readonly ensureDir: () => Promise<void>;
  /** Jitter source. */
  readonly random: () => number;
}

/** A held lock. */
export interface FileLock {
  /** The lock file. */
  readonly lockPath: string;
  /** Whether the lock file still holds our token (nobody broke it). */
  stillHeld(): Promise<boolean>;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

const HOST = hostname();

function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return errnoOf(e) !== 'ESRCH';
  }
}

async function readLock(lockPath: string): Promise<{ text: string; content?: LockContent; mtimeMs: number } | undefined> {
  try {
    const [text, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    try {
      const parsed = JSON.parse(text) as LockContent;
      if (typeof parsed.pid === 'number' && typeof parsed.token === 'string' && typeof parsed.host === 'string') {
        return { text, content: parsed, mtimeMs: st.mtimeMs };
      }
    } catch {
      // A lock being written right now, or truncated by a crash: judged by its age alone.
    }
    return { text, mtimeMs: st.mtimeMs };
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return undefined;
    throw e;
  }
}

function isStale(lock: { content?: LockContent; mtimeMs: number }, staleLockMs: number): boolean {
  if (Date.now() - lock.mtimeMs > staleLockMs) return true;
  const c = lock.content;
  // A dead pid on this host: its holder can never release it. Our own pid may hold it through
  // another store instance in this process, so only age can tell about those.
  return c !== undefined && c.host === HOST && c.pid !== process.pid && !isPidAlive(c.pid);
}

async function createExclusive(file: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o644);
  } catch (e) {
    if (errnoOf(e) === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

async function unlinkQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') throw e;
  }
}

/** Removes `lockPath` if it still holds `observedText`, under the `.break` lock. */
async function breakStaleLock(lockPath: string, observedText: string, staleLockMs: number): Promise<void> {
  const breaker = `${lockPath}.break`;
  const mine = JSON.stringify({ pid: process.pid, host: HOST, token: randomBytes(8).toString('hex'), createdMs: Date.now() });
  if (!(await createExclusive(breaker, mine))) {
    const other = await readLock(breaker);
    if (other !== undefined && Date.now() - other.mtimeMs > staleLockMs) {
      // Its breaker died within a few syscalls; remove only that same file.
      const again = await readLock(breaker);
      if (again?.text === other.text) await unlinkQuietly(breaker);
    }
    return;
  }
  try {
    const current = await readLock(lockPath);
    if (current?.text === observedText) await unlinkQuietly(lockPath);
  } finally {
    await unlinkQuietly(breaker);
  }
}

/**
 * Takes the lock file `lockPath`, waiting while another holder has it.
 * @param lockPath the lock file
 * @param options timeouts, names and a directory maker
 * @returns the held lock; call `release()` in a `finally`
 * @throws StoreError (retryable) when the lock stays held by a live holder for `timeoutMs`
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions): Promise<FileLock> {
  const token = randomBytes(12).toString('hex');
  const text = JSON.stringify({ pid: process.pid, host: HOST, token, createdMs: Date.now() } satisfies LockContent);
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      if (await createExclusive(lockPath, text)) break;
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw e;
      await options.ensureDir();
      continue;
    }
    const held = await readLock(lockPath);
    if (held !== undefined && isStale(held, options.staleLockMs)) {
      await breakStaleLock(lockPath, held.text, options.staleLockMs);
      continue;
    }
    if (Date.now() > deadline) {
      const who = held?.content ? `pid ${held.content.pid} on ${held.content.host}` : 'an unknown holder';
      throw new StoreError(options.store, `timed out after ${options.timeoutMs} ms waiting for the lock on ${options.path} held by ${who}`, {
        context: { path: options.path, lock: lockPath },
        help: `if no Floe process is writing ${options.path}, delete ${lockPath}`,
      }, true);
    }
    await sleep(computeBackoffMs(Math.min(attempt, 8), { initialDelayMs: 2, maxDelayMs: 50 }, options.random));
  }
  return {
    lockPath,
    async stillHeld() {
      return (await readLock(lockPath))?.text === text;
    },
    async release() {
      const current = await readLock(lockPath);
      if (current?.text === text) await unlinkQuietly(lockPath);
    },
  };
}
