/**
 * A `fetch` that serves file:// URLs, with HEAD and Range support: how icebird and hyparquet,
 * which read over HTTP, are pointed at tables in a local folder.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Serves file:// URLs to icebird and hyparquet, with HEAD and Range support, as a fetch shim. */
export function fileFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  let bytes: Buffer;
  try {
    bytes = readFileSync(fileURLToPath(url));
  } catch {
    return Promise.resolve(new Response(null, { status: 404, statusText: 'Not Found' }));
  }
  if (init?.method === 'HEAD') return Promise.resolve(new Response(null, { status: 200, headers: { 'content-length': String(bytes.length) } }));
  const range = new Headers(init?.headers).get('Range');
  const m = range ? /bytes=(\d+)-(\d*)/.exec(range) : null;
  if (m) {
    const start = Number(m[1]);
    const end = m[2] ? Number(m[2]) + 1 : bytes.length;
    return Promise.resolve(new Response(bytes.subarray(start, end), { status: 206 }));
  }
  return Promise.resolve(new Response(bytes, { status: 200 }));
}
