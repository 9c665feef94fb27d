/**
 * The Redis online store (node-redis, `@redis/client`). Key layout after Feast
 * `sdk/python/feast/infra/online_stores/redis.py`: one hash per (view, entity key), one field
 * per feature holding its MessagePack value, plus `_ts` (event time) and `_snap` (snapshot id).
 * Keys: `<prefix>r:<view>:` + the MessagePack entity key (binary-safe: Redis keys are bytes);
 * watermarks: `<prefix>w:<view>`.
 *
 * A read of N entity keys sends N HMGETs in one pipeline (one round trip); a write batch is one
 * MULTI/EXEC, so a reader sees a batch whole or not at all. With `expireRecords`, each hash gets
 * PEXPIREAT at its `expiresAtMs` (event time + the view's ttl), so Redis reclaims expired values;
 * serving still checks ttl itself, against its own clock.
 *
 * @module
 */
import { createClient, RESP_TYPES } from '@redis/client';
import { z } from 'zod';
import { InvalidArgumentError, StoreError, isFloeError } from '../../errors.js';
import { decodeEntityKey, decodeValues, decodeWatermark, encodeRowKey, encodeValue, encodeWatermark } from './codec.js';
import type { EntityKey, OnlineRead, OnlineRecord, OnlineStore, OnlineValue, OnlineWatermark, OnlineWrite } from './online-store.js';

/** Options of {@link openRedisOnlineStore}. */
export interface RedisOnlineStoreOptions {
  /** The server, `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  /** Prefix of every key this store writes (default `floe:`), so several stores can share a database. */
  readonly keyPrefix?: string;
  /** Let Redis drop a record at its `expiresAtMs` (default false: records stay until overwritten). */
  readonly expireRecords?: boolean;
}

const OptionsSchema = z.object({
  url: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'a redis:// or rediss:// URL'),
  keyPrefix: z.string().max(256).optional(),
  expireRecords: z.boolean().optional(),
});

const TS = Buffer.from('_ts');
const SNAP = Buffer.from('_snap');

type Client = ReturnType<typeof makeClient>;

function makeClient(url: string) {
  // Bulk strings come back as Buffers: values are MessagePack bytes, keys are binary.
  // A few quick reconnects, then the error reaches the caller (never an endless retry loop).
  const reconnectStrategy = (retries: number, cause: Error): number | Error => (retries >= 5 ? cause : Math.min(50 * (retries + 1), 500));
  return createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 5000, reconnectStrategy } }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
}

/** The online store in a Redis database. */
class RedisOnlineStore implements OnlineStore {
  readonly kind = 'redis';
  private closed = false;

  constructor(private readonly client: Client, private readonly prefix: string, private readonly expire: boolean, private readonly label: string) {}

  async write(batch: readonly OnlineWrite[]): Promise<void> {
    this.check();
    if (batch.length === 0) return;
    const multi = this.client.multi();
    for (const w of batch) {
      const key = this.rowKey(w.view, w.entityKey);
      // A replaced record loses the features it no longer has: DEL first, inside the transaction.
      multi.addCommand(['DEL', key]);
      if (w.record === null) continue;
      const args: Buffer[] = [key, TS, Buffer.from(encodeValue(w.record.eventTimeMs)), SNAP, Buffer.from(encodeValue(w.record.snapshotId))];
      for (const [name, value] of Object.entries(w.record.values)) args.push(Buffer.from(name), Buffer.from(encodeValue(value)));
      multi.addCommand(['HSET', ...args]);
      if (this.expire && w.expiresAtMs !== undefined) multi.addCommand(['PEXPIREAT', key, String(Math.floor(w.expiresAtMs))]);
    }
    await this.guard('write', () => multi.exec());
  }

  async read(request: OnlineRead): Promise<(OnlineRecord | null)[]> {
    this.check();
    // The view prefix is built once per read and each key packed straight after it.
    const prefix = this.viewPrefix(request.view);
    const keys = request.entityKeys.map((k) => encodeRowKey(prefix, k));
    if (request.features === undefined) {
      // node-redis maps HGETALL's reply to an object of field name → value.
      const all = await this.guard('read', () => Promise.all(keys.map((k) => this.client.sendCommand<Record<string, Buffer> | null>(['HGETALL', k]))));
      return all.map((fields) => {
        if (!fields || fields['_ts'] === undefined) return null;
        const names = Object.keys(fields).filter((n) => n !== '_ts' && n !== '_snap');
        return recordFrom([fields['_ts'], fields['_snap'], ...names.map((n) => fields[n])], names);
      });
    }
    const names = request.features;
    const fields = [TS, SNAP, ...names.map((n) => Buffer.from(n))];
    // node-redis writes commands issued in the same tick in one batch: one round trip for all.
    const replies = await this.guard('read', () => Promise.all(keys.map((k) => this.client.sendCommand<(Buffer | null)[]>(['HMGET', k, ...fields]))));
    return replies.map((r) => recordFrom(r, names));
  }

  async *keys(view: string): AsyncIterable<EntityKey> {
    this.check();
    const prefix = this.viewPrefix(view);
    let cursor = '0';
    do {
      const [next, found] = await this.guard('scan', () => this.client.sendCommand<[Buffer, Buffer[]]>(['SCAN', cursor, 'MATCH', Buffer.concat([globEscape(prefix), Buffer.from('*')]), 'COUNT', '1000']));
      cursor = next.toString();
      for (const key of found) yield decodeEntityKey(key.subarray(prefix.length));
    } while (cursor !== '0');
  }

  async getWatermark(view: string): Promise<OnlineWatermark | undefined> {
    this.check();
    const bytes = await this.guard('read watermark', () => this.client.sendCommand<Buffer | null>(['GET', this.markKey(view)]));
    return bytes ? decodeWatermark(bytes) : undefined;
  }

  async setWatermark(view: string, watermark: OnlineWatermark): Promise<void> {
    this.check();
    await this.guard('write watermark', () => this.client.sendCommand(['SET', this.markKey(view), Buffer.from(encodeWatermark(watermark))]));
  }

  async dropView(view: string): Promise<void> {
    const keys: EntityKey[] = [];
    for await (const k of this.keys(view)) keys.push(k);
    const multi = this.client.multi();
    for (const k of keys) multi.addCommand(['DEL', this.rowKey(view, k)]);
    multi.addCommand(['DEL', this.markKey(view)]);
    await this.guard('drop view', () => multi.exec());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  private viewPrefix(view: string): Buffer {
    return Buffer.from(`${this.prefix}r:${view}:`);
  }

  private rowKey(view: string, key: EntityKey): Buffer {
    return encodeRowKey(this.viewPrefix(view), key);
  }

  private markKey(view: string): Buffer {
    return Buffer.from(`${this.prefix}w:${view}`);
  }

  private check(): void {
    if (this.closed) throw new StoreError('redis', `the Redis online store at ${this.label} is closed`, { context: { url: this.label } });
  }

  // Redis and socket errors become StoreErrors naming the server (never its password).
  private async guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (isFloeError(e)) throw e;
      throw new StoreError('redis', `Redis online store at ${this.label}: ${what} failed: ${(e as Error).message}`, { context: { url: this.label }, cause: e }, true);
    }
  }
}

/** A record from a hash's fields: `_ts`, `_snap`, then feature `names[i]` at `2 + i` (null where absent). */
function recordFrom(fields: readonly (Buffer | null | undefined)[], names: readonly string[]): OnlineRecord | null {
  if (fields[0] === null || fields[0] === undefined) return null;
  const decoded = decodeValues(fields);
  const values: Record<string, OnlineValue> = {};
  for (let i = 0; i < names.length; i++) values[names[i]!] = decoded[2 + i] ?? null;
  const snap = decoded[1];
  return { values, eventTimeMs: Number(decoded[0]), snapshotId: snap === undefined || snap === null ? 0n : BigInt(snap as bigint) };
}

// SCAN MATCH is a glob: escape its special characters in the literal prefix.
function globEscape(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/[*?[\]\\]/g, (c) => `\\${c}`), 'latin1');
}

/** @returns the URL without its password, for messages */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Connects to a Redis server as an online store.
 * @param options the server URL, key prefix and expiry
 * @returns the connected store; close it when done
 * @throws InvalidArgumentError for a malformed URL or option
 * @throws StoreError when the server cannot be reached
 */
export async function connectRedisOnlineStore(options: RedisOnlineStoreOptions): Promise<OnlineStore> {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidArgumentError(`${issue.path.join('.') || 'options'} of openRedisOnlineStore: ${issue.message}`, { context: { argument: issue.path.join('.') } });
  }
  const label = redact(parsed.data.url);
  const client = makeClient(parsed.data.url);
  client.on('error', () => {
    // Connection errors surface through the pending command's rejection; without a listener
    // node-redis would crash the process on an 'error' event.
  });
  try {
    await client.connect();
  } catch (e) {
    throw new StoreError('redis', `cannot connect to the Redis online store at ${label}: ${(e as Error).message}`, { context: { url: label }, cause: e }, true);
  }
  return new RedisOnlineStore(client, parsed.data.keyPrefix ?? 'floe:', parsed.data.expireRecords ?? false, label);
}
