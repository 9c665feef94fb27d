/**
 * The machine's limit for a piece of work, measured in the same run as the work itself: how long
 * this machine takes merely to move the same bytes, with no encoding, decoding or logic. A
 * figure next to its limit shows how far it is from the physical floor (and what a faster
 * codec could at best win).
 *
 * - `write`: copy `bytesIn` bytes in memory (`Buffer.copy`, the input handed to an encoder) and
 *   write `bytesOut` bytes to a new file with `fsync` (what lands on disk): the floor of an
 *   append or an ingest.
 * - `read`: read the given files whole (`readFile`) and copy their bytes once (the decoded
 *   output): the floor of a scan, a training read or an exact search that reads those files.
 * - `smallWrites`: write `count` files of `bytes` bytes each with `fsync` and a rename, one after
 *   another (what a commit's data file, manifest, manifest list and metadata cost at least on a
 *   local disk).
 *
 * Each runs 3 times in a child process; the figure is the median. Imported by workloads, whose
 * child functions call these (so a limit is measured in a fresh process like every figure).
 *
 * @module
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './measure.js';

const REPEATS = 3;

function fill(n) {
  const b = Buffer.allocUnsafe(n);
  // Not zeros: some file systems and page caches special-case zero pages.
  for (let i = 0; i < n; i += 4096) b[i] = i & 0xff;
  return b;
}

function writeSynced(path, bytes) {
  const fd = openSync(path, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies `bytesIn` in memory and writes `bytesOut` to disk with fsync, median of 3.
 * @param {{ bytesIn: number, bytesOut: number, dir: string }} args
 * @returns {Promise<{ ms: number, times: number[] }>}
 */
export async function writeLimit(args) {
  const src = fill(args.bytesIn);
  const out = fill(args.bytesOut);
  const dir = mkdtempSync(join(args.dir, 'limit-'));
  const times = [];
  try {
    for (let i = 0; i < REPEATS; i++) {
      const t0 = performance.now();
      const copy = Buffer.allocUnsafe(src.length);
      src.copy(copy);
      writeSynced(join(dir, `out-${i}`), out);
      times.push(performance.now() - t0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ms: median(times), times };
}

/**
 * Reads files whole and copies their bytes once, median of 3 (the files are in the page cache
 * after the first, as they are for the repeated scans measured beside it).
 * @param {{ paths: string[] }} args
 * @returns {Promise<{ ms: number, times: number[], bytes: number }>}
 */
export async function readLimit(args) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    bytes = 0;
    for (const p of args.paths) {
      const b = readFileSync(p);
      const copy = Buffer.allocUnsafe(b.length);
      b.copy(copy);
      bytes += copy.length;
    }
    times.push(performance.now() - t0);
  }
  return { ms: median(times), times, bytes };
}

/**
 * Reads byte ranges of files (one positioned read each) and copies their bytes once, median of 3.
 * @param {{ ranges: { path: string, start: number, end: number }[] }} args
 * @returns {Promise<{ ms: number, times: number[], bytes: number }>}
 */
export async function readRangesLimit(args) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    bytes = 0;
    const fds = new Map();
    try {
      for (const r of args.ranges) {
        let fd = fds.get(r.path);
        if (fd === undefined) fds.set(r.path, (fd = openSync(r.path, 'r')));
        const b = Buffer.allocUnsafe(r.end - r.start);
        readSync(fd, b, 0, b.length, r.start);
        const copy = Buffer.allocUnsafe(b.length);
        b.copy(copy);
        bytes += copy.length;
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
    times.push(performance.now() - t0);
  }
  return { ms: median(times), times, bytes };
}

/**
 * Writes `count` files of `bytes` bytes one after another, each fsynced and renamed into place,
 * median of 3.
 * @param {{ count: number, bytes: number, dir: string }} args
 * @returns {Promise<{ ms: number, times: number[] }>}
 */
export async function smallWritesLimit(args) {
  const dir = mkdtempSync(join(args.dir, 'limit-'));
  const payload = fill(args.bytes);
  const times = [];
  try {
    for (let i = 0; i < REPEATS + 1; i++) {
      const t0 = performance.now();
      for (let f = 0; f < args.count; f++) {
        const tmp = join(dir, `.tmp-${i}-${f}`);
        writeSynced(tmp, payload);
        renameSync(tmp, join(dir, `f-${i}-${f}`));
      }
      if (i > 0) times.push(performance.now() - t0); // the first creates the folder's entries
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ms: median(times), times };
}

/**
 * Every file under a folder (recursively), for {@link readLimit}.
 * @param {string} root
 * @param {(name: string) => boolean} [keep]
 * @returns {string[]}
 */
export function filesUnder(root, keep = () => true) {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSyncSafe(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (keep(e.name)) out.push(p);
    }
  };
  walk(root);
  return out;
}

function readdirSyncSafe(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * The bytes of a file, or of every file under a folder.
 * @param {string} path
 * @returns {number}
 */
export function bytesUnder(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(path)) n += bytesUnder(join(path, e));
  return n;
}
