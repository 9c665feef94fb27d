/**
 * The embedded online store: an LMDB environment in a local folder (lmdb-js), no server.
 * LMDB reads are memory-mapped and synchronous, so a read of 100 entity keys is 100 B-tree
 * lookups with no IO wait; a write batch is one LMDB transaction (all or nothing). Node only
 * (a native addon, loaded from the prebuilt `@lmdb/lmdb-<platform>` package).
 *
 * Layout: database `rows`, key = view name (UTF-8), a NUL byte, the MessagePack entity key;
 * value = the MessagePack record (codec.ts). Database `watermarks`, key = view name.
 *
 * @module
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { z } from 'zod';
import { InvalidArgumentError, StoreError, isFloeError } from '../../errors.js';
import { decodeEntityKey, decodeRecord, decodeWatermark, encodeRecord, encodeRowKey, encodeWatermark } from './codec.js';
import type { EntityKey, OnlineRead, OnlineRecord, OnlineStore, OnlineWatermark, OnlineWrite } from './online-store.js';

/** Options of {@link openEmbeddedOnlineStore}. */
export interface EmbeddedOnlineStoreOptions {
  /** The folder holding the LMDB environment (created if missing). */
  readonly path: string;
}

const OptionsSchema = z.object({ path: z.string().min(1) });

type BinaryDb = Database<Buffer, Uint8Array>;

/** The online store in an LMDB folder. */
class EmbeddedOnlineStore implements OnlineStore {
  readonly kind = 'lmdb';
  private closed = false;

  constructor(private readonly root: RootDatabase, private readonly rows: BinaryDb, private readonly marks: BinaryDb, private readonly path: string) {}

  async write(batch: readonly OnlineWrite[]): Promise<void> {
    this.check();
    await this.guard('write', () =>
      this.rows.transaction(() => {
        for (const w of batch) {
          const key = rowKey(w.view, w.entityKey);
          if (w.record === null) this.rows.removeSync(key);
          else this.rows.putSync(key, Buffer.from(encodeRecord(w.record)));
        }
      }),
    );
  }

  async read(request: OnlineRead): Promise<(OnlineRecord | null)[]> {
    this.check();
    // Serving's hot path: the view prefix is built once per read, each key is packed straight
    // after it, and each value decoded from LMDB's reused read buffer (getBinaryFast), so a read
    // allocates little beyond the records it returns.
    const prefix = viewPrefix(request.view);
    const { entityKeys, features } = request;
    return this.guard('read', () => {
      const out = new Array<OnlineRecord | null>(entityKeys.length);
      for (let i = 0; i < entityKeys.length; i++) {
        const bytes = this.rows.getBinaryFast(encodeRowKey(prefix, entityKeys[i]!));
        // getBinaryFast's buffer is reused by the next get: decode before the next lookup.
        out[i] = bytes === undefined ? null : decodeRecord(bytes, features);
      }
      return out;
    });
  }

  async *keys(view: string): AsyncIterable<EntityKey> {
    this.check();
    const prefix = viewPrefix(view);
    const end = Buffer.from(prefix);
    end[end.length - 1] = 1;
    for (const key of this.rows.getKeys({ start: prefix, end })) yield decodeEntityKey(key.subarray(prefix.length));
  }

  async getWatermark(view: string): Promise<OnlineWatermark | undefined> {
    this.check();
    const bytes = await this.guard('read watermark', () => this.marks.getBinary(Buffer.from(view, 'utf8')));
    return bytes === undefined ? undefined : decodeWatermark(bytes);
  }

  async setWatermark(view: string, watermark: OnlineWatermark): Promise<void> {
    this.check();
    await this.guard('write watermark', () => this.marks.put(Buffer.from(view, 'utf8'), Buffer.from(encodeWatermark(watermark))));
  }

  async dropView(view: string): Promise<void> {
    this.check();
    const prefix = viewPrefix(view);
    const end = Buffer.from(prefix);
    end[end.length - 1] = 1;
    await this.guard('drop view', () =>
      this.rows.transaction(() => {
        for (const key of this.rows.getKeys({ start: prefix, end })) this.rows.removeSync(key);
        this.marks.removeSync(Buffer.from(view, 'utf8'));
      }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.close();
  }

  private check(): void {
    if (this.closed) throw new StoreError('lmdb', `the embedded online store at ${this.path} is closed`, { context: { path: this.path } });
  }

  // LMDB's own errors (map full, read-only folder, …) become StoreErrors naming the folder.
  private async guard<T>(what: string, run: () => T | Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (isFloeError(e)) throw e;
      throw new StoreError('lmdb', `embedded online store at ${this.path}: ${what} failed: ${(e as Error).message}`, { context: { path: this.path }, cause: e });
    }
  }
}

// The view name's UTF-8 bytes and a NUL.
function viewPrefix(view: string): Buffer {
  return Buffer.from(`${view}\u0000`, 'utf8');
}

function rowKey(view: string, key: EntityKey): Uint8Array {
  return encodeRowKey(viewPrefix(view), key);
}

/**
 * Opens (creating if missing) the embedded online store in a local folder (index.ts loads this
 * module on first use).
 * @param options the folder
 * @returns the store; close it when done
 * @throws InvalidArgumentError for an empty path
 * @throws StoreError when LMDB cannot open the folder
 */
export function openLmdbOnlineStore(options: EmbeddedOnlineStoreOptions): OnlineStore {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new InvalidArgumentError(`path of openEmbeddedOnlineStore must be a non-empty folder path, got ${String((options as { path?: unknown } | undefined)?.path)}`, { context: { argument: 'path' } });
  }
  try {
    // maxDbs: the two named databases; compression off (records are small and read hot).
    const root = open({ path: options.path, maxDbs: 4, compression: false });
    const rows = root.openDB<Buffer, Uint8Array>({ name: 'rows', encoding: 'binary', keyEncoding: 'binary' });
    const marks = root.openDB<Buffer, Uint8Array>({ name: 'watermarks', encoding: 'binary', keyEncoding: 'binary' });
    return new EmbeddedOnlineStore(root, rows, marks, options.path);
  } catch (e) {
    throw new StoreError('lmdb', `cannot open the embedded online store at ${options.path}: ${(e as Error).message}`, { context: { path: options.path }, cause: e });
  }
}
