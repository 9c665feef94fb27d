/**
 * The Redis server of a test run, for the online-store tests: `FLOE_TEST_REDIS_URL` if set,
 * else Debian's `redis-server` started here on a free loopback port with a temporary folder and
 * no persistence (`--save '' --appendonly no`), stopped at teardown. Like the S3 server, it is
 * never faked and never skipped: without a server every Redis test fails with the how-to.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What the global setup found: a server URL, or why there is none and how to get one. */
export type RedisResolution = { readonly ok: true; readonly url: string; readonly started: boolean } | { readonly ok: false; readonly error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis server of this test run (see test/support/redis-server.ts). */
    floeRedis: RedisResolution;
  }
}

/** How to get a Redis server, printed by every Redis test when there is none. */
export const HOW_TO_GET_REDIS = [
  'The online-store tests need a real Redis server. Either:',
  '  - install Debian\'s redis-server (`apt-get install redis-server`; .ci/run does this as root): the test run starts its own on a free port, or',
  '  - point FLOE_TEST_REDIS_URL at a server the tests may write to (redis://127.0.0.1:6379/15).',
].join('\n');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Resolves this run's Redis server, starting one if needed.
 * @returns the resolution and a stop function (a no-op when nothing was started)
 */
export async function resolveRedis(): Promise<{ resolution: RedisResolution; stop: () => Promise<void> }> {
  const fromEnv = process.env['FLOE_TEST_REDIS_URL'];
  if (fromEnv) return { resolution: { ok: true, url: fromEnv, started: false }, stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-redis-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    cleanup();
    return { resolution: { ok: false, error: `cannot start redis-server: ${(e as Error).message}\n\n${HOW_TO_GET_REDIS}` }, stop: async () => {} };
  }
  const ready = await new Promise<string | undefined>((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(`redis-server did not report ready within 10 s; its output:\n${out}`), 10_000);
    const onData = (b: Buffer): void => {
      out += b.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve(undefined);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve(`cannot start redis-server (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : e.message})`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`redis-server exited with code ${code} before it was ready; its output:\n${out}`);
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    cleanup();
  };
  if (ready !== undefined) {
    await stop();
    return { resolution: { ok: false, error: `${ready}\n\n${HOW_TO_GET_REDIS}` }, stop: async () => {} };
  }
  child.stdout!.resume();
  child.stderr!.resume();
  return { resolution: { ok: true, url: `redis://127.0.0.1:${port}`, started: true }, stop };
}
