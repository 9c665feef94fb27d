/**
 * Client secrets: generated from the system's CSPRNG and stored only as a salted scrypt hash
 * (RFC 7914, through `node:crypto`), compared in constant time. A secret is shown once, when it
 * is created, and never written anywhere else — not in the state, logs, errors or audit rows.
 *
 * @module
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

// OWASP's recommended minimum for scrypt: N=2^17, r=8, p=1 (128·N·r bytes = 128 MiB of memory,
// about 0.1-0.3 s of CPU per hash); the parameters are stored with each hash so that they can be
// raised later. That cost is why verifications are bounded (verification-gate.ts).
const N = 1 << 17;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const MAX_MEM = 256 * 1024 * 1024;

function scrypt(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(secret, salt, KEY_BYTES, { N: n, r, p, maxmem: MAX_MEM }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A new secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A new client id: `floe-` and 16 random bytes, hex. */
export function newClientId(): string {
  return `floe-${randomBytes(16).toString('hex')}`;
}

/** Hashes a secret for storage: `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether a secret matches a stored hash (false for a malformed hash, never a throw). */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0)) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const actual = await scrypt(secret, Buffer.from(parts[4]!, 'base64url'), n, r, p);
  return timingSafeEqual(actual, expected);
}
