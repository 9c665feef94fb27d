/**
 * The S3 server every test run uses (STYLE §12, spec/storage.md §S7): resolved once per
 * `vitest run` by the global setup, in this order, and handed to the test workers with
 * vitest's `provide`/`inject`:
 *
 * 1. `FLOE_S3_ENDPOINT` (+ `FLOE_S3_ACCESS_KEY`, `FLOE_S3_SECRET_KEY`, `FLOE_S3_REGION`) if set;
 * 2. else MinIO (pinned image) through testcontainers, where a Docker engine answers;
 * 3. else Ceph's RADOS Gateway, booted by the project's launcher `docker/rgw/start.sh`.
 *
 * If none can be had, every S3 test FAILS with a message saying how to get one: S3 tests are
 * never skipped, and there is never a fake server (fakes ignore or race conditional headers).
 *
 * This half runs in the global setup (no vitest worker APIs); s3-endpoint.ts is the tests' half.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MINIO_CREDENTIALS, MINIO_IMAGE } from './minio.js';

/** A usable S3 endpoint. */
export interface S3Endpoint {
  /** Where it came from. */
  readonly kind: 'env' | 'minio' | 'rgw';
  /** The endpoint URL. */
  readonly endpoint: string;
  /** Access key id. */
  readonly accessKeyId: string;
  /** Secret access key. */
  readonly secretAccessKey: string;
  /** Region. */
  readonly region: string;
}

/** What the global setup found: an endpoint, or why there is none and how to get one. */
export type S3EndpointResolution = { readonly ok: true; readonly endpoint: S3Endpoint } | { readonly ok: false; readonly error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    /** The S3 endpoint of this test run (see test/support/s3-endpoint.ts). */
    floeS3: S3EndpointResolution;
  }
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RGW_START = `${REPO_ROOT}docker/rgw/start.sh`;
const RGW_STOP = `${REPO_ROOT}docker/rgw/stop.sh`;

/** How to get an S3 server, printed by every S3 test when there is none. */
export const HOW_TO_GET_S3 = [
  'The S3 tests need a real S3 server (never a fake). Any one of:',
  '  1. export FLOE_S3_ENDPOINT=http://host:port FLOE_S3_ACCESS_KEY=... FLOE_S3_SECRET_KEY=... [FLOE_S3_REGION=us-east-1]',
  '     (any S3 server that honours If-None-Match / If-Match on PUT);',
  '  2. start a Docker engine: the tests then run MinIO through testcontainers',
  `     (or: docker compose -f docker/compose.yml up -d; export FLOE_S3_ENDPOINT=http://127.0.0.1:9000`,
  `      FLOE_S3_ACCESS_KEY=${MINIO_CREDENTIALS.accessKeyId} FLOE_S3_SECRET_KEY=${MINIO_CREDENTIALS.secretAccessKey});`,
  '  3. on Debian/Ubuntu as root: bash docker/rgw/start.sh (installs ceph-mon ceph-osd radosgw with apt-get and',
  '     boots a Ceph RADOS Gateway on 127.0.0.1:17580); the tests then find and reuse it.',
].join('\n');

/** A one-line description, e.g. `rgw http://127.0.0.1:17580`. */
export function describeEndpoint(e: S3Endpoint): string {
  return `${e.kind} ${e.endpoint}`;
}

function fromEnv(env: NodeJS.ProcessEnv): S3Endpoint | undefined {
  const endpoint = env['FLOE_S3_ENDPOINT'];
  if (!endpoint) return undefined;
  return {
    kind: 'env',
    endpoint,
    accessKeyId: env['FLOE_S3_ACCESS_KEY'] ?? '',
    secretAccessKey: env['FLOE_S3_SECRET_KEY'] ?? '',
    region: env['FLOE_S3_REGION'] ?? 'us-east-1',
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Whether a Docker engine is worth asking (testcontainers would otherwise spend seconds probing). */
function dockerMayAnswer(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env['DOCKER_HOST']) || existsSync('/var/run/docker.sock') || Boolean(env['TESTCONTAINERS_HOST_OVERRIDE']);
}

async function startMinio(): Promise<{ endpoint: S3Endpoint; stop: () => Promise<void> }> {
  const tc = await import('testcontainers');
  await withTimeout(tc.getContainerRuntimeClient(), 15_000, 'finding a Docker engine');
  const container = await new tc.GenericContainer(MINIO_IMAGE)
    .withCommand(['server', '/data'])
    .withEnvironment({ MINIO_ROOT_USER: MINIO_CREDENTIALS.accessKeyId, MINIO_ROOT_PASSWORD: MINIO_CREDENTIALS.secretAccessKey })
    .withExposedPorts(9000)
    .withWaitStrategy(tc.Wait.forHttp('/minio/health/ready', 9000))
    .start();
  return {
    endpoint: {
      kind: 'minio',
      endpoint: `http://${container.getHost()}:${container.getMappedPort(9000)}`,
      accessKeyId: MINIO_CREDENTIALS.accessKeyId,
      secretAccessKey: MINIO_CREDENTIALS.secretAccessKey,
      region: 'us-east-1',
    },
    stop: async () => {
      await container.stop();
    },
  };
}

function runScript(script: string, args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d); // progress of the launcher (install, boot) shows in the test output
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function parseExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)) out[m[1] as string] = (m[2] as string).trim();
  return out;
}

async function startRgw(): Promise<{ endpoint: S3Endpoint; stop: () => Promise<void> }> {
  const lease = String(process.pid);
  const r = await runScript(RGW_START, ['--lease', lease], 15 * 60_000);
  const vars = parseExports(r.stdout);
  const endpoint = vars['FLOE_S3_ENDPOINT'];
  if (r.code !== 0 || endpoint === undefined) {
    const tail = r.stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`docker/rgw/start.sh exited with ${r.code}:\n${tail}`);
  }
  return {
    endpoint: {
      kind: 'rgw',
      endpoint,
      accessKeyId: vars['FLOE_S3_ACCESS_KEY'] ?? '',
      secretAccessKey: vars['FLOE_S3_SECRET_KEY'] ?? '',
      region: vars['FLOE_S3_REGION'] ?? 'us-east-1',
    },
    // Releases our lease; the gateway stops when no other test run holds one.
    stop: async () => {
      await runScript(RGW_STOP, ['--lease', lease], 60_000);
    },
  };
}

/**
 * Finds or starts the S3 server for this run (global setup only).
 * @returns the resolution to `provide`, and a function that stops whatever was started
 */
export async function resolveS3Endpoint(env: NodeJS.ProcessEnv = process.env): Promise<{
  resolution: S3EndpointResolution;
  stop: () => Promise<void>;
}> {
  const nothing = async (): Promise<void> => {};
  const fromEnvironment = fromEnv(env);
  if (fromEnvironment !== undefined) return { resolution: { ok: true, endpoint: fromEnvironment }, stop: nothing };
  const tried: string[] = ['FLOE_S3_ENDPOINT is not set'];
  if (dockerMayAnswer(env)) {
    try {
      const m = await startMinio();
      return { resolution: { ok: true, endpoint: m.endpoint }, stop: m.stop };
    } catch (e) {
      tried.push(`MinIO through testcontainers failed: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    tried.push('no Docker engine (no DOCKER_HOST, no /var/run/docker.sock)');
  }
  try {
    const r = await startRgw();
    return { resolution: { ok: true, endpoint: r.endpoint }, stop: r.stop };
  } catch (e) {
    tried.push(`the RADOS Gateway launcher failed: ${(e as Error).message}`);
  }
  return { resolution: { ok: false, error: `no S3 server for this test run:\n- ${tried.join('\n- ')}\n\n${HOW_TO_GET_S3}` }, stop: nothing };
}

