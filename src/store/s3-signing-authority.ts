/**
 * Remote signing on the server side: the holder of the S3 keys reads what a request would do
 * (s3-request-scope.ts), lets its caller decide whether that is allowed, and signs exactly the
 * request it read with AWS Signature Version 4 — the SDK's own implementation
 * (`@smithy/signature-v4` with the SDK's SHA-256), never a hand-written one. The endpoint,
 * region, addressing style and credentials are the store's own (`s3ClientConfig`: options, then
 * `FLOE_S3_*`, then the AWS chain), so a signed request goes where the server's own would.
 *
 * @module
 */
import { S3Client } from '@aws-sdk/client-s3';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { S3SignedRequest } from './s3-remote-signer.js';
import { type ParsedS3Request, type S3RequestToSign, type S3ScopeResult, scopeS3Request } from './s3-request-scope.js';
import { type S3StoreOptions, s3ClientConfig } from './s3.js';

/** Signs S3 requests with one set of S3 settings and credentials. */
export class S3SigningAuthority {
  // Never sends a request: it resolves the settings exactly as a store's client does.
  readonly #client: S3Client;
  readonly #endpoint: string | undefined;
  readonly #signer: SignatureV4;

  /** @param options the S3 settings of the store whose keys sign (no bucket, no remote signer) */
  constructor(options: Omit<S3StoreOptions, 'bucket' | 'signer' | 'client'>) {
    const config = s3ClientConfig(options);
    this.#client = new S3Client(config);
    this.#endpoint = typeof config.endpoint === 'string' ? config.endpoint : undefined;
    const resolved = this.#client.config;
    this.#signer = new SignatureV4({
      credentials: resolved.credentials,
      region: resolved.region,
      service: 's3',
      sha256: Sha256,
      // S3 signs the path as sent, without normalising or re-encoding it (SigV4 for S3).
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  /** The region requests are signed for. */
  region(): Promise<string> {
    return this.#client.config.region();
  }

  /** A bucket's base URL on this endpoint, as the SDK addresses it (path-style or virtual-hosted). */
  async bucketUrl(bucket: string): Promise<string> {
    const config = this.#client.config;
    const resolved = config.endpointProvider({
      Bucket: bucket,
      Region: await config.region(),
      ForcePathStyle: config.forcePathStyle ?? false,
      ...(this.#endpoint !== undefined ? { Endpoint: this.#endpoint } : {}),
      UseFIPS: false,
      UseDualStack: false,
      Accelerate: false,
      UseGlobalEndpoint: false,
    });
    return resolved.url.href.replace(/\/+$/, '');
  }

  /**
   * What a request for a bucket would do, or why it is refused (see s3-request-scope.ts).
   * @param request the request as described by the client
   * @param bucket the only bucket it may address
   */
  async scope(request: S3RequestToSign, bucket: string): Promise<S3ScopeResult> {
    return scopeS3Request(request, await this.bucketUrl(bucket));
  }

  /**
   * Signs a request read by {@link scope} (only such a request: its headers are already
   * filtered and its path checked).
   * @param request the parsed request
   * @param uri the URI it was read from (returned as the URI to send)
   */
  async sign(request: ParsedS3Request, uri: string): Promise<S3SignedRequest> {
    const signed = await this.#signer.sign(
      { method: request.method, protocol: request.protocol, hostname: request.hostname, ...(request.port !== undefined ? { port: request.port } : {}), path: request.path, query: { ...request.query }, headers: { ...request.headers } },
      { signingDate: new Date(), signingRegion: await this.region() },
    );
    return { uri, headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, [v]])) };
  }

  /** Releases the settings' client. */
  destroy(): void {
    this.#client.destroy();
  }
}
