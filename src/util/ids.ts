/**
 * Identifiers: uuids for file names and tables, random positive int64 snapshot ids.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** A random (v4) uuid in lowercase 8-4-4-4-12 form. */
export function newUuid(): string {
  return randomUUID();
}

/**
 * A random snapshot id: a positive int64, as Java's `SnapshotIdGenerator` makes them (63 random
 * bits). Positive because some engines treat negative ids (and -1, "no snapshot") specially.
 */
export function newSnapshotId(): bigint {
  const bytes = randomBytes(8);
  const id = bytes.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
  return id === 0n ? 1n : id;
}
