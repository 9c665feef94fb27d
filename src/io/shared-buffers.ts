/**
 * Reusable shared memory for handing files to the decode workers.
 *
 * A file decoded on the worker threads is handed to them in a `SharedArrayBuffer`. A fresh one
 * for every file cost more than the copy into it: the kernel maps its pages zeroed, one fault
 * per 4 KiB page on first touch (a cold nearest-neighbour query over four 24 MB files spent 1.4 s
 * of its main thread there, copying at ~340 MB/s). Leased buffers come back here once every
 * worker reading them has finished and are handed out again, their pages already mapped.
 *
 * At most {@link MAX_FREE_BYTES} are kept free; a lease longer than any free buffer allocates
 * a new one (rounded up to 1 MiB), and a buffer more than twice the size asked for is not used
 * for a small lease (it would keep a large buffer busy).
 *
 * @module
 */

/** Bytes kept in free buffers at most (128 MiB). */
export const MAX_FREE_BYTES = 128 * 1024 * 1024;
const GRANULE = 1024 * 1024;

const free: SharedArrayBuffer[] = [];
let freeBytes = 0;

/** A view of shared memory, to be given back with `release` when no worker reads it any more. */
export interface SharedLease {
  /** `length` bytes of shared memory, with whatever an earlier lease left there. */
  readonly bytes: Uint8Array;
  /** Gives the memory back (once; later calls do nothing). Only when no reader of `bytes` remains. */
  release(): void;
}

/**
 * Leases `length` bytes of shared memory (a reused buffer when one fits).
 * @param length the size in bytes
 */
export function leaseShared(length: number): SharedLease {
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    const size = free[i]!.byteLength;
    if (size >= length && size <= 2 * length + GRANULE && (best < 0 || size < free[best]!.byteLength)) best = i;
  }
  let buffer: SharedArrayBuffer;
  if (best >= 0) {
    buffer = free.splice(best, 1)[0]!;
    freeBytes -= buffer.byteLength;
  } else {
    buffer = new SharedArrayBuffer(Math.max(GRANULE, Math.ceil(length / GRANULE) * GRANULE));
  }
  let released = false;
  return {
    bytes: new Uint8Array(buffer, 0, length),
    release() {
      if (released) return;
      released = true;
      if (freeBytes + buffer.byteLength > MAX_FREE_BYTES) return;
      free.push(buffer);
      freeBytes += buffer.byteLength;
    },
  };
}

/** Bytes held in free buffers now (for tests). */
export function freeSharedBytes(): number {
  return freeBytes;
}
