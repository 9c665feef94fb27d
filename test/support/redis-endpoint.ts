/**
 * The tests' side of the Redis server (the global setup's side is redis-server.ts).
 *
 * @module
 */
import { inject } from 'vitest';
import { HOW_TO_GET_REDIS, type RedisResolution } from './redis-server.js';

/** This run's resolution, as provided by the global setup. */
export function redisResolution(): RedisResolution {
  return inject('floeRedis') ?? { ok: false, error: `the global setup provided no Redis server (is test/support/global-setup.ts configured?)\n\n${HOW_TO_GET_REDIS}` };
}

/**
 * This run's Redis URL.
 * @throws Error with the how-to when there is none: Redis tests fail, never skip
 */
export function requireRedisUrl(): string {
  const r = redisResolution();
  if (!r.ok) throw new Error(r.error);
  return r.url;
}

/** A label for describe blocks: `redis (redis://127.0.0.1:PORT)` or `redis (UNAVAILABLE)`. */
export function redisLabel(): string {
  const r = redisResolution();
  return r.ok ? `redis (${r.url})` : 'redis (UNAVAILABLE: see the error)';
}
