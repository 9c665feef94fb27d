/**
 * Remote signing on the client side (the REST spec's `RemoteSignRequest`): an S3 store whose
 * requests are signed by someone else — a REST catalog that checks the caller's grants and signs
 * with keys this process never sees. The AWS SDK signs through the `signer` hook of its client
 * config; this adapts a plain function to it: the request goes out as method, URI and headers
 * (its body's SHA-256 in `x-amz-content-sha256`, so the signature also covers the bytes), and
 * the headers that come back (`Authorization`, `X-Amz-Date`, …) are sent with it.
 *
 * @module
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import type { S3RequestToSign } from './s3-request-scope.js';

/** A request to sign, with the region the client signs for. */
export interface S3SigningRequest extends S3RequestToSign {
  /** The region the request is signed for. */
  readonly region: string;
}

/** A signed request: the URI to send and the headers to send it with. */
export interface S3SignedRequest {
  /** The URI that was signed. */
  readonly uri: string;
  /** Every header to send (signed and unsigned), each with its values. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
}

/**
 * Signs an S3 request remotely (see the module doc); it throws the signer's refusal, which the
 * store surfaces as is (nothing was sent).
 */
export type S3RequestSigner = (request: S3SigningRequest) => Promise<S3SignedRequest>;

/**
 * What the SDK is given as its identity when a remote signer signs: the SDK resolves an identity
 * before it calls any signer, but this one is never used to sign — it holds no secret.
 */
export const REMOTE_SIGNING_IDENTITY = { accessKeyId: 'floe-remote-signing', secretAccessKey: 'none' } as const;

type SdkSigner = Exclude<NonNullable<S3ClientConfig['signer']>, (...args: never[]) => unknown>;
type SdkHttpRequest = Parameters<SdkSigner['sign']>[0];

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

async function payloadDigest(body: unknown): Promise<string> {
  if (body === undefined || body === null) return 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  if (!(typeof body === 'string' || body instanceof Uint8Array)) return UNSIGNED_PAYLOAD;
  const hash = new Sha256();
  hash.update(typeof body === 'string' ? new TextEncoder().encode(body) : body);
  return Array.from(await hash.digest(), (b) => b.toString(16).padStart(2, '0')).join('');
}

function queryString(query: SdkHttpRequest['query']): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    const values = v === null ? [null] : Array.isArray(v) ? v : [v];
    for (const value of values) parts.push(value === null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(value)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** The URI a request will be sent to. */
export function uriOfSdkRequest(request: SdkHttpRequest): string {
  const port = request.port !== undefined ? `:${request.port}` : '';
  return `${request.protocol}//${request.hostname}${port}${request.path}${queryString(request.query)}`;
}

/**
 * The SDK signer for a remote signer.
 * @param signer the function that gets each request signed
 */
export function sdkSignerFor(signer: S3RequestSigner): SdkSigner {
  return {
    async sign(request, options) {
      const headers: Record<string, string> = { ...request.headers };
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'x-amz-content-sha256')) headers['x-amz-content-sha256'] = await payloadDigest(request.body);
      const signed = await signer({
        method: request.method,
        uri: uriOfSdkRequest(request),
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        region: options?.signingRegion ?? '',
      });
      const answered = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v.join(',')]));
      const kept = Object.fromEntries(Object.entries(headers).filter(([k]) => !Object.hasOwn(answered, k.toLowerCase())));
      return new HttpRequest({ ...request, headers: { ...kept, ...answered } });
    },
  };
}
