/**
 * The S3 store, over `@aws-sdk/client-s3` (spec/storage.md §S5.3). Keys are relative to the
 * bucket; `openStore('s3://bucket/prefix')` wraps it in `prefixed`.
 *
 * How each guarantee of §S1 is met, and the vendor quirks normalised here (§S6):
 * - **create** = one `PutObject` with `If-None-Match: *`. 412, and 304 from servers that treat it
 *   as a read precondition, mean the key exists → `AlreadyExistsError`. 409
 *   (`ConditionalRequestConflict`: another conditional write to the key is in flight) means ours
 *   was not applied: it is retried with backoff, and after the budget it is `AlreadyExistsError`
 *   since the competing writer is creating the key.
 * - **update** = one `PutObject` with `If-Match: <etag>`, the ETag **unquoted** (RGW 16.2 only
 *   matches its stored, unquoted form, Q1; AWS and MinIO accept either). 412 → precondition
 *   failed; 404 (AWS, on a missing key) → precondition failed as well, as RGW's 412 already is (Q3).
 * - a 5xx, a timeout or a dropped connection on a conditional put → `OutcomeUnknownError`, never
 *   retried blindly: RGW answers 500 to concurrent `If-Match` losers (Q2) although nothing was
 *   written, and a server may also fail after writing. The caller re-reads and decides.
 * - a conditional put is never a multipart upload: `CompleteMultipartUpload` ignores
 *   `If-None-Match` on RGW (Q4). Plain overwrites above `multipartThresholdBytes` are multipart.
 * - plain requests (get, head, list, delete, overwrite, parts) retry throttling (429, 503
 *   SlowDown), other 5xx, 409 and network failures with jittered exponential backoff; the SDK's
 *   own retries are off (`maxAttempts: 1`) so that no conditional put is ever re-sent by it.
 * - SDK checksums only `WHEN_REQUIRED`: RGW refuses the default streaming checksums with 411 (Q5).
 * - at most `maxConcurrency` requests in flight per store (p-limit), bodies included.
 *
 * @module
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import pLimit, { type LimitFunction } from 'p-limit';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  isFloeError,
  NotFoundError,
  NotImplementedError,
  OutcomeUnknownError,
  PreconditionFailedError,
  StoreError,
} from '../errors.js';
import { retryWithBackoff } from '../util/index.js';
import { REMOTE_SIGNING_IDENTITY, type S3RequestSigner, sdkSignerFor } from './s3-remote-signer.js';
import type {
  GetOptions,
  GetResult,
  ListResult,
  ObjectMeta,
  ObjectStore,
  ObjectVersion,
  PutMode,
  PutOptions,
  StoreCapabilities,
} from './object-store.js';
import { validatePath, validatePrefix } from './paths.js';
import { checkRange, rangeBeyondEnd } from './range.js';
import {
  errorCodeOf,
  httpStatusOf,
  isAccessDenied,
  isNoSuchKey,
  isOutcomeUnknown,
  isTransient,
  unquoteEtag,
  wasNeverSent,
} from './s3-status.js';

/** Static credentials. */
export interface S3Credentials {
  /** The access key id. */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
  /** A session token, for temporary credentials. */
  readonly sessionToken?: string;
}

/** Options of {@link S3Store}; everything but `bucket` has a default. */
export interface S3StoreOptions {
  /** The bucket; keys are relative to it. */
  readonly bucket: string;
  /** The endpoint URL (MinIO, RGW, …); default `FLOE_S3_ENDPOINT`, else AWS. */
  readonly endpoint?: string;
  /** The region; default `FLOE_S3_REGION`, `AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`. */
  readonly region?: string;
  /** Path-style addressing; default true when an endpoint is set (S3-compatible servers), else false. */
  readonly forcePathStyle?: boolean;
  /** Credentials; default `FLOE_S3_ACCESS_KEY`/`FLOE_S3_SECRET_KEY`, else the AWS default chain. */
  readonly credentials?: S3Credentials;
  /**
   * Remote signing: every request is signed by this function (a REST catalog's `/sign`, which
   * checks the caller's grants) instead of with keys; `credentials` and the environment's keys
   * are then never read, so this process holds none (spec/governance.md §G6).
   */
  readonly signer?: S3RequestSigner;
  /** Requests in flight at most; default 32. */
  readonly maxConcurrency?: number;
  /** Plain puts above this size are multipart uploads, bytes; default 16 MiB. */
  readonly multipartThresholdBytes?: number;
  /** Part size of a multipart upload, bytes (S3 minimum 5 MiB); default 8 MiB. */
  readonly partSizeBytes?: number;
  /** Time limit of one request, body included, ms; default 60 000. */
  readonly requestTimeoutMs?: number;
  /** Attempts of a plain request, the first included; default 6. */
  readonly maxAttempts?: number;
  /** First retry delay ceiling, ms; default 50. */
  readonly retryBaseDelayMs?: number;
  /** Largest retry delay, ms; default 5 000. */
  readonly retryMaxDelayMs?: number;
  /** An already configured client (it must have `maxAttempts: 1`); other client options are then ignored. */
  readonly client?: S3Client;
  /** Where `FLOE_S3_*` and `AWS_*` defaults come from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Jitter source; default `Math.random`. */
  readonly random?: () => number;
}

/** S3's limit for a single PUT, which is what every conditional put is. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
const MIN_PART_BYTES = 5 * 1024 ** 2;

function processEnv(): Readonly<Record<string, string | undefined>> {
  return typeof process !== 'undefined' && process.env !== undefined ? process.env : {};
}

/**
 * Builds the client configuration from options and the environment (spec/storage.md §S5.3).
 * @param options the store's options
 */
export function s3ClientConfig(options: Omit<S3StoreOptions, 'bucket'>): S3ClientConfig {
  const env = options.env ?? processEnv();
  const endpoint = options.endpoint ?? env['FLOE_S3_ENDPOINT'];
  const region = options.region ?? env['FLOE_S3_REGION'] ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  const accessKeyId = env['FLOE_S3_ACCESS_KEY'];
  const secretAccessKey = env['FLOE_S3_SECRET_KEY'];
  const credentials =
    options.credentials ?? (accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined);
  // With a remote signer the SDK still resolves an identity before signing; it is given one that
  // holds no secret, so that it never looks for keys in the environment or the AWS chain.
  const signing = options.signer ? { signer: sdkSignerFor(options.signer), credentials: async () => REMOTE_SIGNING_IDENTITY } : credentials ? { credentials } : {};
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    ...signing,
    // Our retry loop decides what may be re-sent; the SDK's would re-send conditional puts.
    maxAttempts: 1,
    // Q5: RGW answers 411 to the SDK's default streaming checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** An `ObjectStore` over one S3 bucket; see the module doc. */
export class S3Store implements ObjectStore {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly capabilities: StoreCapabilities = {
    conditionalUpdate: true,
    listIsLexicallyOrdered: true,
    rangeReads: true,
    crossProcessConditionalPuts: true,
  };
  /** The bucket. */
  readonly bucket: string;
  /** The SDK client (exposed for tests and tools; requests through it bypass the store's rules). */
  readonly client: S3Client;
  readonly #limit: LimitFunction;
  readonly #multipartThresholdBytes: number;
  readonly #partSizeBytes: number;
  readonly #requestTimeoutMs: number;
  readonly #maxAttempts: number;
  readonly #retryBaseDelayMs: number;
  readonly #retryMaxDelayMs: number;
  readonly #random: () => number;
  readonly #ownsClient: boolean;

  /**
   * @param options bucket, endpoint, credentials, limits
   * @throws InvalidArgumentError for an empty bucket name or a part size below 5 MiB
   */
  constructor(options: S3StoreOptions) {
    if (!options.bucket || options.bucket.includes('/')) {
      throw new InvalidArgumentError(`invalid bucket name: '${options.bucket}'`, { context: { bucket: options.bucket } });
    }
    this.bucket = options.bucket;
    this.name = `s3://${options.bucket}`;
    this.client = options.client ?? new S3Client(s3ClientConfig(options));
    this.#ownsClient = options.client === undefined;
    this.#limit = pLimit(Math.max(1, options.maxConcurrency ?? 32));
    this.#multipartThresholdBytes = options.multipartThresholdBytes ?? 16 * 1024 ** 2;
    this.#partSizeBytes = options.partSizeBytes ?? 8 * 1024 ** 2;
    if (this.#partSizeBytes < MIN_PART_BYTES) {
      throw new InvalidArgumentError(`partSizeBytes must be at least 5 MiB (S3's minimum), got ${this.#partSizeBytes}`, {
        context: { partSizeBytes: this.#partSizeBytes },
      });
    }
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#maxAttempts = options.maxAttempts ?? 6;
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? 50;
    this.#retryMaxDelayMs = options.retryMaxDelayMs ?? 5_000;
    this.#random = options.random ?? Math.random;
  }

  /** Closes the client's connections (only a client this store created). */
  destroy(): void {
    if (this.#ownsClient) this.client.destroy();
  }

  // ------------------------------------------------------------------ reads

  /** @inheritdoc */
  async get(path: string, options: GetOptions = {}): Promise<GetResult> {
    validatePath(path);
    const range = options.range;
    if (range !== undefined) {
      checkRange(path, range);
      // S3 cannot express an empty range; the object's metadata is all there is to fetch.
      if (range.end === range.start) {
        const meta = await this.head(path);
        if (range.start > meta.sizeBytes) throw rangeBeyondEnd(path, range.start, meta.sizeBytes);
        return { bytes: new Uint8Array(0), meta };
      }
    }
    const header = range === undefined ? undefined : `bytes=${range.start}-${range.end === undefined ? '' : range.end - 1}`;
    try {
      return await this.#plain('get', path, async (signal) => {
        const res = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: path, ...(header ? { Range: header } : {}) }),
          { abortSignal: signal },
        );
        // Read the body inside the concurrency slot and the time limit: the socket is busy until then.
        const bytes = res.Body === undefined ? new Uint8Array(0) : await res.Body.transformToByteArray();
        // The whole object's size: from Content-Range (`bytes 2-4/14`) on a ranged answer.
        const total = /\/(\d+)$/.exec(res.ContentRange ?? '')?.[1];
        const sizeBytes = total !== undefined ? Number(total) : (res.ContentLength ?? bytes.length);
        return { bytes, meta: this.#meta(path, sizeBytes, res.ETag, res.LastModified, res.VersionId) };
      });
    } catch (e) {
      if (httpStatusOf(e) === 416 || errorCodeOf(e) === 'InvalidRange') throw rangeBeyondEnd(path, range?.start ?? 0);
      throw this.#translate(e, 'get', path);
    }
  }

  /** @inheritdoc */
  async head(path: string): Promise<ObjectMeta> {
    validatePath(path);
    try {
      return await this.#plain('head', path, async (signal) => {
        const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: path }), { abortSignal: signal });
        return this.#meta(path, res.ContentLength ?? 0, res.ETag, res.LastModified, res.VersionId);
      });
    } catch (e) {
      throw this.#translate(e, 'head', path);
    }
  }

  // ------------------------------------------------------------------ writes

  /** @inheritdoc */
  async put(path: string, bytes: Uint8Array, options: PutOptions = {}): Promise<ObjectVersion> {
    validatePath(path);
    const mode = options.mode ?? { kind: 'overwrite' };
    if (mode.kind === 'overwrite') {
      if (bytes.length > this.#multipartThresholdBytes) return this.#putMultipart(path, bytes, options.contentType);
      try {
        return await this.#plain('put', path, async (signal) => {
          const res = await this.client.send(
            new PutObjectCommand({ Bucket: this.bucket, Key: path, Body: bytes, ...this.#contentType(options) }),
            { abortSignal: signal },
          );
          return this.#version(res.ETag, res.VersionId);
        });
      } catch (e) {
        throw this.#translate(e, 'put', path);
      }
    }
    return this.#putConditional(path, bytes, mode, options);
  }

  /** @inheritdoc */
  async delete(path: string): Promise<void> {
    validatePath(path);
    try {
      await this.#plain('delete', path, async (signal) => {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: path }), { abortSignal: signal });
      });
    } catch (e) {
      if (isNoSuchKey(e)) return; // some servers answer 404 for a missing key; deleting nothing is fine
      throw this.#translate(e, 'delete', path);
    }
  }

  // ------------------------------------------------------------------ listing

  /** @inheritdoc */
  async *list(prefix: string): AsyncIterable<ObjectMeta> {
    validatePrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.#listPage(prefix, token, false);
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield this.#meta(o.Key, o.Size ?? 0, o.ETag, o.LastModified, undefined);
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** @inheritdoc */
  async listWithDelimiter(prefix: string): Promise<ListResult> {
    validatePrefix(prefix);
    const objects: ObjectMeta[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#listPage(prefix, token, true);
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) objects.push(this.#meta(o.Key, o.Size ?? 0, o.ETag, o.LastModified, undefined));
      }
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) prefixes.push(p.Prefix);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return { objects, prefixes };
  }

  // ------------------------------------------------------------------ internals

  async #listPage(prefix: string, token: string | undefined, delimited: boolean): Promise<ListObjectsV2CommandOutput> {
    try {
      return await this.#plain('list', prefix, (signal) =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            ...(prefix !== '' ? { Prefix: prefix } : {}),
            ...(delimited ? { Delimiter: '/' } : {}),
            ...(token !== undefined ? { ContinuationToken: token } : {}),
            MaxKeys: 1000,
          }),
          { abortSignal: signal },
        ),
      );
    } catch (e) {
      throw this.#translate(e, 'list', prefix);
    }
  }

  async #putConditional(
    path: string,
    bytes: Uint8Array,
    mode: Exclude<PutMode, { kind: 'overwrite' }>,
    options: PutOptions,
  ): Promise<ObjectVersion> {
    if (bytes.length > MAX_SINGLE_PUT_BYTES) {
      throw new InvalidArgumentError(`a conditional put is one PUT, at most 5 GiB; ${path} has ${bytes.length} bytes`, {
        context: { path, sizeBytes: bytes.length },
      });
    }
    let condition: { IfNoneMatch: string } | { IfMatch: string };
    if (mode.kind === 'create') {
      condition = { IfNoneMatch: '*' };
    } else {
      const etag = unquoteEtag(mode.expected.etag);
      if (etag === undefined) {
        throw new InvalidArgumentError(`update of ${path} needs the expected etag (S3 cannot condition a put on a version id)`, {
          context: { path, store: this.name },
        });
      }
      condition = { IfMatch: etag }; // Q1: unquoted
    }
    const context = { store: this.name, mode: mode.kind };
    try {
      // Only answers that prove our write was not applied are retried: 409 (a concurrent
      // conditional write is in flight) and a refused connection. Never a 5xx or a timeout.
      return await retryWithBackoff(
        () =>
          this.#limit(async () => {
            const res = await this.client.send(
              new PutObjectCommand({ Bucket: this.bucket, Key: path, Body: bytes, ...condition, ...this.#contentType(options) }),
              { abortSignal: AbortSignal.timeout(this.#requestTimeoutMs) },
            );
            return this.#version(res.ETag, res.VersionId);
          }),
        {
          maxAttempts: this.#maxAttempts,
          initialDelayMs: this.#retryBaseDelayMs,
          maxDelayMs: this.#retryMaxDelayMs,
          random: this.#random,
          shouldRetry: (e) => httpStatusOf(e) === 409 || wasNeverSent(e),
        },
      );
    } catch (e) {
      // A Floe error comes from a remote signer, before anything was sent: a plain refusal.
      if (isFloeError(e)) throw e;
      const status = httpStatusOf(e);
      const code = errorCodeOf(e);
      if (mode.kind === 'create' && (status === 412 || status === 304 || status === 409)) {
        throw new AlreadyExistsError(path, { context: { ...context, status }, cause: e });
      }
      // Q3: AWS answers 404 to If-Match on a missing key, RGW 412: both mean "not the expected version".
      if (mode.kind === 'update' && (status === 412 || status === 409 || (status === 404 && code !== 'NoSuchBucket'))) {
        throw new PreconditionFailedError(path, { context: { ...context, expected: 'IfMatch' in condition ? condition.IfMatch : '', status }, cause: e });
      }
      if (status === 501) {
        throw new NotImplementedError(`put mode ${mode.kind} (conditional PutObject)`, this.name, { cause: e });
      }
      // Q2: RGW answers 500 to concurrent If-Match losers; any 5xx or lost answer may hide a write.
      if (isOutcomeUnknown(e)) {
        throw new OutcomeUnknownError(path, {
          context: { ...context, ...(status !== undefined ? { status } : {}), error: code },
          cause: e,
          help: 're-read the object to learn whether this write landed',
        });
      }
      throw this.#translate(e, 'put', path);
    }
  }

  async #putMultipart(path: string, bytes: Uint8Array, contentType: string | undefined): Promise<ObjectVersion> {
    let uploadId: string | undefined;
    try {
      const created = await this.#plain('put', path, (signal) =>
        this.client.send(
          new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: path, ...(contentType ? { ContentType: contentType } : {}) }),
          { abortSignal: signal },
        ),
      );
      uploadId = created.UploadId;
      if (uploadId === undefined) throw new StoreError(this.name, `CreateMultipartUpload for ${path} answered no upload id`, { context: { path } });
      const id = uploadId;
      const count = Math.ceil(bytes.length / this.#partSizeBytes);
      const parts = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          this.#plain('put', path, async (signal) => {
            const body = bytes.subarray(i * this.#partSizeBytes, Math.min(bytes.length, (i + 1) * this.#partSizeBytes));
            const res = await this.client.send(
              new UploadPartCommand({ Bucket: this.bucket, Key: path, UploadId: id, PartNumber: i + 1, Body: body }),
              { abortSignal: signal },
            );
            return { ETag: res.ETag, PartNumber: i + 1 };
          }),
        ),
      );
      const done = await this.#plain('put', path, (signal) =>
        this.client.send(
          new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: path, UploadId: id, MultipartUpload: { Parts: parts } }),
          { abortSignal: signal },
        ),
      );
      uploadId = undefined;
      // Q4: RGW answers an empty ETag to CompleteMultipartUpload; ask for it. (A later writer's
      // ETag may come back: an overwrite is last-writer-wins anyway.)
      if (unquoteEtag(done.ETag) === undefined) {
        const meta = await this.head(path);
        return { ...(meta.etag ? { etag: meta.etag } : {}), ...(meta.version ? { version: meta.version } : {}) };
      }
      return this.#version(done.ETag, done.VersionId);
    } catch (e) {
      throw this.#translate(e, 'put', path);
    } finally {
      if (uploadId !== undefined) {
        const id = uploadId;
        await this.#limit(() =>
          this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: path, UploadId: id })),
        ).catch(() => undefined); // best effort: a lifecycle rule reclaims what is left
      }
    }
  }

  /** A plain request: one concurrency slot and one time limit per attempt, retried while transient. */
  #plain<T>(op: string, path: string, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return retryWithBackoff(() => this.#limit(() => request(AbortSignal.timeout(this.#requestTimeoutMs))), {
      maxAttempts: this.#maxAttempts,
      initialDelayMs: this.#retryBaseDelayMs,
      maxDelayMs: this.#retryMaxDelayMs,
      random: this.#random,
      shouldRetry: (e) => !isFloeError(e) && !isNoSuchKey(e) && isTransient(e),
    });
  }

  #contentType(options: PutOptions): { ContentType?: string } {
    return options.contentType ? { ContentType: options.contentType } : {};
  }

  #version(etag: string | undefined, versionId: string | undefined): ObjectVersion {
    const e = unquoteEtag(etag);
    return { ...(e !== undefined ? { etag: e } : {}), ...(versionId ? { version: versionId } : {}) };
  }

  #meta(path: string, sizeBytes: number, etag: string | undefined, lastModified: Date | undefined, versionId: string | undefined): ObjectMeta {
    return { path, sizeBytes, lastModifiedMs: lastModified?.getTime() ?? 0, ...this.#version(etag, versionId) };
  }

  /** Turns an SDK error into a Floe error once, at this layer's edge. */
  #translate(e: unknown, op: string, path: string): Error {
    if (isFloeError(e)) return e;
    const status = httpStatusOf(e);
    const code = errorCodeOf(e);
    const context = { path, op, error: code, ...(status !== undefined ? { status } : {}) };
    if (code === 'NoSuchBucket') {
      return new StoreError(this.name, `bucket ${this.bucket} does not exist`, { context, cause: e, help: `create the bucket ${this.bucket} first` });
    }
    if ((op === 'get' || op === 'head') && isNoSuchKey(e)) return new NotFoundError(path, { context: { store: this.name }, cause: e });
    if (isAccessDenied(e)) {
      return new StoreError(this.name, `${op} ${path} was refused (${code})`, {
        context,
        cause: e,
        help: 'check the credentials (FLOE_S3_ACCESS_KEY / FLOE_S3_SECRET_KEY or the AWS chain) and the bucket policy',
      });
    }
    const message = e instanceof Error ? e.message : String(e);
    return new StoreError(this.name, `${op} ${path} failed: ${code}${status !== undefined ? ` (HTTP ${status})` : ''}: ${message}`, {
      context,
      cause: e,
    }, isTransient(e));
  }
}
