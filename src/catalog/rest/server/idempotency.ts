/**
 * `Idempotency-Key` (rest-catalog-open-api.yaml `components/parameters/idempotency-key`): a
 * mutation carrying a key has no additional effect when retried. The record of a key lives in the
 * warehouse (`_floe/idempotency/<key>.json`), so a retry answered by another server, or by this
 * one after a restart, replays the same final response.
 *
 * A key is first claimed with a conditional create (state `pending`), so of two concurrent
 * requests with one key exactly one runs; the other waits for the first to finish and replays
 * its answer. Final answers (2xx and 4xx) are stored and replayed; a 5xx is not final (the spec:
 * "do not finalize"), so its claim is removed and a retry runs again. A claim left by a server
 * that died mid-request is answered 500 `CommitStateUnknownException` until it expires, since
 * whether its effect happened is unknown.
 *
 * @module
 */
import { z } from 'zod';
import { isFloeError } from '../../../errors.js';
import type { ObjectStore } from '../../../store/index.js';
import { type JsonValue, parseJson, sleep, stringifyJson } from '../../../util/index.js';
import type { RestResponse } from './context.js';

/** How long a key is honoured (advertised as `idempotency-key-lifetime` in `GET /v1/config`). */
export const IDEMPOTENCY_LIFETIME = 'PT30M';
const LIFETIME_MS = 30 * 60_000;
/** How long a duplicate waits for the request holding the key before answering 503. */
const WAIT_MS = 30_000;

const RecordSchema = z.object({
  fingerprint: z.string(),
  state: z.enum(['pending', 'done']),
  'created-ms': z.number(),
  status: z.number().int().optional(),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** The request a key belongs to (and its caller): a key reused for another request is refused. */
export function requestFingerprint(operationId: string, path: string, caller = ''): string {
  return `${operationId} ${path} ${caller}`.trimEnd();
}

async function readRecord(store: ObjectStore, path: string): Promise<z.infer<typeof RecordSchema> | undefined> {
  try {
    const { bytes } = await store.get(path);
    const r = RecordSchema.safeParse(parseJson(new TextDecoder().decode(bytes)));
    return r.success ? r.data : undefined;
  } catch (e) {
    if (isFloeError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(stringifyJson(value));
}

function replay(record: z.infer<typeof RecordSchema>): RestResponse {
  return { status: record.status ?? 500, ...(record.body !== undefined ? { body: record.body as JsonValue } : {}), ...(record.headers ? { headers: record.headers } : {}) };
}

function errorAnswer(status: number, type: string, message: string): RestResponse {
  return { status, body: { error: { message, type, code: status } } };
}

/**
 * Runs `run` at most once per key: replays the final answer of an earlier run with the key.
 * @param store the warehouse root store
 * @param path the key's record
 * @param fingerprint the request it must belong to
 * @param run the request's handler
 */
export async function runIdempotent(store: ObjectStore, path: string, fingerprint: string, run: () => Promise<RestResponse>, nowMs: () => number = Date.now): Promise<RestResponse> {
  const started = nowMs();
  for (;;) {
    const existing = await readRecord(store, path);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        return errorAnswer(400, 'BadRequestException', 'this Idempotency-Key was used for a different request; use a new key for each operation');
      }
      const expired = nowMs() - existing['created-ms'] > LIFETIME_MS;
      if (existing.state === 'done' && !expired) return replay(existing);
      if (existing.state === 'pending' && !expired) {
        if (nowMs() - started > WAIT_MS) {
          // The holder is still running, or died mid-request: either way the outcome is unknown.
          return errorAnswer(500, 'CommitStateUnknownException', 'another request with this Idempotency-Key has not finished; its outcome is unknown');
        }
        await sleep(50);
        continue;
      }
      // Expired: the key may be used afresh.
      await store.delete(path);
    }
    try {
      await store.put(path, encode({ fingerprint, state: 'pending', 'created-ms': nowMs() }), { mode: { kind: 'create' }, contentType: 'application/json' });
    } catch (e) {
      if (isFloeError(e, 'ALREADY_EXISTS')) continue;
      throw e;
    }
    let answer: RestResponse;
    try {
      answer = await run();
    } catch (e) {
      await store.delete(path).catch(() => undefined);
      throw e;
    }
    if (answer.status >= 500) await store.delete(path);
    else {
      const record = { fingerprint, state: 'done', 'created-ms': nowMs(), status: answer.status, ...(answer.body !== undefined ? { body: answer.body } : {}), ...(answer.headers ? { headers: answer.headers } : {}) };
      await store.put(path, encode(record), { mode: { kind: 'overwrite' }, contentType: 'application/json' });
    }
    return answer;
  }
}
