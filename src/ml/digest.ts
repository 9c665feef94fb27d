/**
 * SHA-256 through WebCrypto (`globalThis.crypto.subtle`): universal (Node and browsers), no
 * Node import, and no hand-written hashing.
 *
 * @module
 */

/** Lowercase hex sha256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
