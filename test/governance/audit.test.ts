/**
 * The audit log (spec/governance.md §G8): every decision of a governed REST catalog server —
 * allowed, refused (403 and hidden 404) and unauthenticated (401) — lands in the warehouse's
 * `_system.audit` Iceberg table with the right principal, privilege, object, status and snapshot,
 * written in batches (far fewer commits than requests), by two servers into one table, never
 * failing a request when the table cannot be written, and never holding a secret or a token.
 * `floe audit` reads it back, directly and through the served catalog.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Table, Warehouse, startRestCatalogServer } from '../../src/node.js';
import { StorageCatalog } from '../../src/catalog/index.js';
import { StoreError } from '../../src/errors.js';
import { type AuditEvent, AuditEventSchema, BufferedAuditLog, Governance } from '../../src/governance/index.js';
import { eventsOfTrail, newAuditTrail } from '../../src/catalog/rest/server/audit-trail.js';
import { unknownClientId } from '../../src/catalog/rest/server/oauth.js';
import { createHash } from 'node:crypto';
import { FaultyStore, type ObjectStore, type ObjectVersion, type PutOptions } from '../../src/store/index.js';
import { stringifyJson } from '../../src/util/index.js';
import { runFloe } from '../cli/in-process.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';

afterAll(cleanupBackends);

const ADMIN = { clientId: 'floe-test-admin', clientSecret: 'test-admin-secret-not-for-production' };
const TABLE_PATH = '/v1/floe/namespaces/ml/tables/events';

/** A row of `_system.audit` as plain values. */
interface Row {
  time: number;
  principal_id: string | null;
  principal_name: string | null;
  client_id: string | null;
  operation: string;
  privilege: string | null;
  object: string | null;
  snapshot_id: bigint | null;
  allowed: boolean;
  status: number;
  reason: string;
  request_id: string;
  remote_address: string | null;
}

async function auditRows(wh: Warehouse): Promise<Row[]> {
  const t = await wh.loadTable('_system.audit');
  const data = await t.scan().toArrow();
  return data.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    return { ...o, time: Number(o['time']) } as unknown as Row;
  });
}

/** The fields a test states, sorted, for comparing as a multiset (a batch may span two day partitions). */
function shape(rows: readonly Row[]): string[] {
  return rows.map((r) => stringifyJson({ who: r.principal_name, op: r.operation, privilege: r.privilege, object: r.object, allowed: r.allowed, status: r.status, snapshot: r.snapshot_id === null ? null : String(r.snapshot_id) })).sort();
}

async function tokenFor(url: string, clientId: string, clientSecret: string): Promise<{ status: number; token?: string }> {
  const r = await fetch(`${url}/v1/oauth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  const body = (await r.json()) as { access_token?: string };
  return { status: r.status, ...(body.access_token ? { token: body.access_token } : {}) };
}

async function call(url: string, method: string, path: string, token?: string, body?: unknown): Promise<Response> {
  const r = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  await r.arrayBuffer();
  return r;
}

/** A warehouse with `ml.events` (one snapshot), principals alice (READ and LIST on ml) and bob (nothing). */
async function governedWarehouse(wh: Warehouse): Promise<{ table: Table; alice: { id: string; clientId: string; clientSecret: string }; bob: { id: string; clientId: string; clientSecret: string }; signingKeys: string[] }> {
  await wh.createNamespace('ml');
  const table = await wh.createTable('ml.events', { id: 'long not null', name: 'string' });
  await table.append([{ id: 1n, name: 'a' }]);
  const gov = new Governance((wh.catalog as StorageCatalog).root.store, { audience: wh.uri });
  await gov.bootstrap(ADMIN);
  const state = await gov.state();
  const admin = { principal: Object.values(state.principals).find((p) => p.name === 'admin')! };
  const alice = await gov.createPrincipal(admin, { name: 'alice', type: 'user', roles: ['analysts'] });
  const bob = await gov.createPrincipal(admin, { name: 'bob', type: 'user', roles: [] });
  for (const privilege of ['READ', 'LIST'] as const) await gov.grant(admin, { role: 'analysts', privilege, on: { kind: 'namespace', namespace: ['ml'] } });
  return {
    table,
    alice: { id: alice.principal.id, ...alice.credential },
    bob: { id: bob.principal.id, ...bob.credential },
    signingKeys: (await gov.state()).signingKeys.map((k) => k.secret),
  };
}

let stderr: string[] = [];
beforeEach(() => {
  stderr = [];
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write);
});
afterEach(() => {
  vi.restoreAllMocks();
});

// Memory and the real S3 server; a local folder commits as memory does (one conditional put) and
// only adds minutes to a shared machine (it passes: drop this filter to run it).
const backends = featureBackends.filter((b) => b.label !== 'local-fs');

describe.each(backends)('the audit log on $label', (backend) => {
  it('records each decision of two principals, allowed and refused, with principal, privilege, object, status and snapshot, and no secret', async () => {
    const wh = await backend.open();
    const { table, alice, bob, signingKeys } = await governedWarehouse(wh);
    const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { flushIntervalMs: 0 } });
    const startedMs = Date.now();
    const tokens: string[] = [];
    {
      const a = await tokenFor(server.url, alice.clientId, alice.clientSecret);
      const b = await tokenFor(server.url, bob.clientId, bob.clientSecret);
      const admin = await tokenFor(server.url, ADMIN.clientId, ADMIN.clientSecret);
      expect((await tokenFor(server.url, alice.clientId, 'not-the-secret')).status).toBe(401);
      // A claimed client id no principal has is recorded as a fingerprint, never as claimed: a
      // user who swapped id and secret claimed the secret as id.
      expect((await tokenFor(server.url, 'x'.repeat(500), 'not-the-secret-either')).status).toBe(401);
      expect((await tokenFor(server.url, alice.clientSecret, alice.clientId)).status).toBe(401);
      tokens.push(a.token!, b.token!, admin.token!);

      const load = await call(server.url, 'GET', TABLE_PATH, a.token);
      expect(load.status).toBe(200);
      expect((await call(server.url, 'GET', '/v1/floe/namespaces/ml/tables', a.token)).status).toBe(200);
      const commit = { requirements: [], updates: [{ action: 'set-properties', updates: { owner: 'alice' } }] };
      expect((await call(server.url, 'POST', TABLE_PATH, a.token, commit)).status).toBe(403);
      expect((await call(server.url, 'GET', TABLE_PATH, b.token)).status).toBe(404);
      expect((await call(server.url, 'GET', TABLE_PATH)).status).toBe(401);
      const tampered = `${a.token!.slice(0, -4)}${a.token!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      tokens.push(tampered);
      expect((await call(server.url, 'GET', TABLE_PATH, tampered)).status).toBe(401);
      expect((await call(server.url, 'POST', TABLE_PATH, admin.token, commit)).status).toBe(200);

      const rows = await auditRowsAfterClose(server, wh);
      const snapshot = table.currentSnapshot()!.snapshotId;
      const s = String(snapshot);
      expect(shape(rows)).toEqual(
        [
          { who: 'alice', op: 'getToken', privilege: null, object: null, allowed: true, status: 200, snapshot: null },
          { who: 'bob', op: 'getToken', privilege: null, object: null, allowed: true, status: 200, snapshot: null },
          { who: 'admin', op: 'getToken', privilege: null, object: null, allowed: true, status: 200, snapshot: null },
          { who: null, op: 'getToken', privilege: null, object: null, allowed: false, status: 401, snapshot: null },
          { who: null, op: 'getToken', privilege: null, object: null, allowed: false, status: 401, snapshot: null },
          { who: null, op: 'getToken', privilege: null, object: null, allowed: false, status: 401, snapshot: null },
          { who: 'alice', op: 'loadTable', privilege: 'READ', object: 'table ml.events', allowed: true, status: 200, snapshot: s },
          { who: 'alice', op: 'listTables', privilege: 'LIST', object: 'namespace ml', allowed: true, status: 200, snapshot: null },
          { who: 'alice', op: 'updateTable', privilege: 'EVOLVE', object: 'table ml.events', allowed: false, status: 403, snapshot: null },
          { who: 'bob', op: 'loadTable', privilege: 'READ', object: 'table ml.events', allowed: false, status: 404, snapshot: null },
          { who: null, op: 'loadTable', privilege: null, object: null, allowed: false, status: 401, snapshot: null },
          { who: null, op: 'loadTable', privilege: null, object: null, allowed: false, status: 401, snapshot: null },
          { who: 'admin', op: 'updateTable', privilege: 'EVOLVE', object: 'table ml.events', allowed: true, status: 200, snapshot: s },
        ]
          .map((r) => stringifyJson(r))
          .sort(),
      );
      // Ids, times, addresses and reasons.
      const aliceLoad = rows.find((r) => r.operation === 'loadTable' && r.principal_name === 'alice')!;
      expect(aliceLoad.request_id).toBe(load.headers.get('x-request-id'));
      expect(aliceLoad.principal_id).toBe(alice.id);
      expect(aliceLoad.reason).toMatch(/alice holds READ on namespace ml/);
      expect(rows.find((r) => r.principal_name === 'bob' && r.operation === 'loadTable')!.principal_id).toBe(bob.id);
      expect(rows.find((r) => r.operation === 'updateTable' && !r.allowed)!.reason).toMatch(/alice lacks EVOLVE on table ml\.events/);
      const refusedReasons = rows.filter((r) => r.status === 401 && r.operation === 'loadTable').map((r) => r.reason);
      expect(refusedReasons).toHaveLength(2);
      expect(refusedReasons).toContainEqual(expect.stringMatching(/needs a bearer token/));
      expect(refusedReasons).toContainEqual(expect.stringMatching(/signature does not verify/));
      expect(new Set(rows.map((r) => r.request_id)).size).toBe(rows.length);
      for (const r of rows) {
        expect(r.time).toBeGreaterThanOrEqual(startedMs);
        expect(r.time).toBeLessThanOrEqual(Date.now());
        expect(r.remote_address).toMatch(/127\.0\.0\.1|::1/);
      }
      // Token requests name the client id they claimed, issued or refused; no other row has one.
      const tokenRows = rows.filter((r) => r.operation === 'getToken');
      expect(tokenRows.map((r) => [r.client_id, r.principal_name, r.status]).sort()).toEqual(
        [
          [alice.clientId, 'alice', 200],
          [bob.clientId, 'bob', 200],
          [ADMIN.clientId, 'admin', 200],
          [alice.clientId, null, 401],
          [unknownClientId('x'.repeat(500)), null, 401],
          [unknownClientId(alice.clientSecret), null, 401],
        ].sort(),
      );
      expect(unknownClientId(alice.clientSecret)).toMatch(/^unknown \(sha256 [0-9a-f]{8}\)$/);
      expect(unknownClientId(alice.clientSecret)).toBe(`unknown (sha256 ${createHash('sha256').update(alice.clientSecret).digest('hex').slice(0, 8)})`,
      );
      expect(rows.filter((r) => r.operation !== 'getToken').every((r) => r.client_id === null)).toBe(true);
      expect(tokenRows.find((r) => r.client_id === alice.clientId && r.status === 401)!.reason).toBe('invalid client credentials');
      // No secret, token or signing key anywhere: not in any row of the table, not on stderr (the server's log).
      const everything = rows.map((r) => stringifyJson(r)).join('\n') + stderr.join('');
      expect(tokens).toHaveLength(4);
      for (const secret of [ADMIN.clientSecret, alice.clientSecret, bob.clientSecret, 'not-the-secret', ...tokens, ...signingKeys]) expect(everything).not.toContain(secret);
    }
  });

  it('writes in batches: 50 requests are a few commits, not 50', async () => {
    const wh = await backend.open();
    const { alice } = await governedWarehouse(wh);
    const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { batchSize: 20, flushIntervalMs: 0 } });
    const { token } = await tokenFor(server.url, alice.clientId, alice.clientSecret);
    for (let i = 0; i < 50; i++) expect((await call(server.url, 'GET', TABLE_PATH, token)).status).toBe(200);
    const rows = await auditRowsAfterClose(server, wh);
    expect(rows.filter((r) => r.operation === 'loadTable')).toHaveLength(50);
    expect(rows).toHaveLength(51);
    // Two whole batches written while serving (at 20 and 40 events), the rest on close.
    const commits = (await wh.loadTable('_system.audit')).snapshots().length;
    expect(commits).toBeGreaterThanOrEqual(2);
    expect(commits).toBeLessThanOrEqual(3);
  });

  it('two servers on one warehouse append to the one table', async () => {
    const wh = await backend.open();
    const { alice, bob } = await governedWarehouse(wh);
    const one = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { flushIntervalMs: 0 } });
    const two = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { flushIntervalMs: 0 } });
    try {
      const a = await tokenFor(one.url, alice.clientId, alice.clientSecret);
      const b = await tokenFor(two.url, bob.clientId, bob.clientSecret);
      for (let i = 0; i < 3; i++) await call(one.url, 'GET', TABLE_PATH, a.token);
      for (let i = 0; i < 2; i++) await call(two.url, 'GET', TABLE_PATH, b.token);
      // Both create the table and append at once: one table, every row.
      expect(await Promise.all([one.flushAudit(), two.flushAudit()])).toEqual([0, 0]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
    const rows = await auditRows(wh);
    expect(rows.filter((r) => r.principal_name === 'alice' && r.operation === 'loadTable' && r.allowed)).toHaveLength(3);
    expect(rows.filter((r) => r.principal_name === 'bob' && r.operation === 'loadTable' && !r.allowed)).toHaveLength(2);
    expect(rows).toHaveLength(7);
    expect(await wh.listTables('_system')).toEqual(['_system.audit']);
  });
});

async function auditRowsAfterClose(server: { close(): Promise<void> }, wh: Warehouse): Promise<Row[]> {
  await server.close();
  return auditRows(wh);
}

/**
 * A store whose puts under `_system/` (the audit table's home) fail while `failing` is set, or
 * wait while `gate` is set until it settles (`held` resolves once one is waiting).
 */
class AuditTableStore extends FaultyStore {
  failing = false;
  gate: Promise<void> | undefined;
  readonly held: Promise<void>;
  #onHeld: () => void = () => undefined;
  constructor(inner: ObjectStore) {
    super(inner, []);
    this.held = new Promise((resolve) => {
      this.#onHeld = resolve;
    });
  }
  override async put(path: string, bytes: Uint8Array, options?: PutOptions): Promise<ObjectVersion> {
    if (path.includes('_system/')) {
      if (this.failing) throw new StoreError(this.name, `injected outage writing ${path}`);
      if (this.gate) {
        this.#onHeld();
        await this.gate;
      }
    }
    return super.put(path, bytes, options);
  }
}

/** A warehouse with {@link governedWarehouse}'s contents, opened a second time over an {@link AuditTableStore}. */
async function auditStoreWarehouse(name: string): Promise<{ wh: Warehouse; store: AuditTableStore; alice: { clientId: string; clientSecret: string } }> {
  const base = await Warehouse.open(`memory://${name}-${process.pid}`);
  const { alice } = await governedWarehouse(base);
  const store = new AuditTableStore((base.catalog as StorageCatalog).root.store);
  return { wh: await Warehouse.open(base.uri, { store }), store, alice };
}

describe('off the request path', () => {
  it('a request never waits for the audit write: while the write is held, requests are answered; close writes them once released', async () => {
    const { wh, store, alice } = await auditStoreWarehouse('audit-held');
    let release: () => void = () => undefined;
    store.gate = new Promise((resolve) => {
      release = resolve;
    });
    const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { batchSize: 1, flushIntervalMs: 0 } });
    // The token request's event is a whole batch: its write starts, and is held in the store.
    const { token } = await tokenFor(server.url, alice.clientId, alice.clientSecret);
    await store.held;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await call(server.url, 'GET', TABLE_PATH, token);
      expect(r.status).toBe(200);
      ids.push(r.headers.get('x-request-id')!);
    }
    // Every request was answered while the first write is still held: nothing is in the table yet.
    expect(await wh.tableExists('_system.audit')).toBe(false);
    const closing = server.close();
    release();
    await closing;
    const rows = await auditRows(wh);
    expect(rows.filter((r) => r.operation === 'loadTable').map((r) => r.request_id).sort()).toEqual([...ids].sort());
    expect(rows).toHaveLength(11);
  });

  it('close writes what is buffered: nothing is written before it, every decision after', async () => {
    const wh = await Warehouse.open(`memory://audit-close-${process.pid}`);
    const { alice, bob } = await governedWarehouse(wh);
    // The default batch (500) is never reached and there is no timer: only close writes.
    const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { flushIntervalMs: 0 } });
    const a = await tokenFor(server.url, alice.clientId, alice.clientSecret);
    const b = await tokenFor(server.url, bob.clientId, bob.clientSecret);
    expect((await call(server.url, 'GET', TABLE_PATH, a.token)).status).toBe(200);
    expect((await call(server.url, 'GET', TABLE_PATH, b.token)).status).toBe(404);
    expect(await wh.tableExists('_system.audit')).toBe(false);
    await server.close();
    const rows = await auditRows(wh);
    expect(rows.map((r) => [r.principal_name, r.operation, r.allowed]).sort()).toEqual(
      [
        ['alice', 'getToken', true],
        ['bob', 'getToken', true],
        ['alice', 'loadTable', true],
        ['bob', 'loadTable', false],
      ].sort(),
    );
  });
});

describe('when the audit table cannot be written', () => {
  it('requests still succeed; the events are kept (at most maxBufferedEvents, the newest) and written once it can be', async () => {
    const { wh, store: outage, alice } = await auditStoreWarehouse('audit-outage');
    outage.failing = true;
    const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { batchSize: 5, maxBufferedEvents: 12, flushIntervalMs: 0 } });
    const { token } = await tokenFor(server.url, alice.clientId, alice.clientSecret);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await call(server.url, 'GET', TABLE_PATH, token);
      expect(r.status).toBe(200);
      ids.push(r.headers.get('x-request-id')!);
    }
    expect(await server.flushAudit()).toBe(12);
    expect(stderr.join('')).toMatch(/could not write \d+ audit events \(kept for the next write\): STORE_ERROR: injected outage/);
    expect(stderr.join('')).toMatch(/dropped the \d+ oldest audit events: at most 12 are kept/);
    expect(await wh.tableExists('_system.audit')).toBe(false);

    outage.failing = false;
    await server.close();
    const rows = await auditRows(wh);
    // 21 events (a token and 20 loads); the 12 newest survived.
    expect(rows.map((r) => r.request_id).sort()).toEqual(ids.slice(-12).sort());
    const everything = stderr.join('');
    for (const secret of [ADMIN.clientSecret, alice.clientSecret, token!]) expect(everything).not.toContain(secret);
  });
});

describe('BufferedAuditLog', () => {
  const event = (i: number): AuditEvent => ({ timeMs: 1_700_000_000_000 + i, operation: 'loadTable', allowed: true, status: 200, reason: `r${i}`, requestId: `req-${i}` });

  it('writes a whole batch at batchSize events, the rest only on flush, in order, one write at a time', async () => {
    const writes: string[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const log = new BufferedAuditLog({
      batchSize: 3,
      flushIntervalMs: 0,
      write: async (events) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await Promise.resolve();
        writes.push(events.map((e) => e.requestId));
        inFlight--;
      },
    });
    for (let i = 0; i < 7; i++) log.record(event(i));
    expect(await log.flush()).toBe(0);
    expect(writes.flat()).toEqual(['req-0', 'req-1', 'req-2', 'req-3', 'req-4', 'req-5', 'req-6']);
    expect(writes.length).toBeLessThanOrEqual(3);
    expect(writes.slice(0, -1).every((w) => w.length >= 3)).toBe(true);
    expect(maxInFlight).toBe(1);
    await log.close();
  });

  it('refuses a malformed event without throwing, and bad options with InvalidArgumentError', async () => {
    const errors: string[] = [];
    const written: AuditEvent[] = [];
    const log = new BufferedAuditLog({ flushIntervalMs: 0, onError: (m) => errors.push(m), write: async (e) => void written.push(...e) });
    log.record({ ...event(1), status: 42 });
    log.record({ ...event(2), reason: 'x'.repeat(5000) });
    log.record(event(3));
    await log.close();
    expect(written.map((e) => e.requestId)).toEqual(['req-3']);
    expect(errors).toEqual([expect.stringMatching(/malformed.*status/), expect.stringMatching(/malformed.*reason/)]);
    for (const bad of [{ batchSize: 0 }, { flushIntervalMs: -1 }, { maxBufferedEvents: 1.5 }]) {
      expect(() => new BufferedAuditLog({ ...bad, write: async () => undefined })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('writes what is buffered on the timer, whole batch or not', async () => {
    vi.useFakeTimers();
    try {
      const writes: string[][] = [];
      const log = new BufferedAuditLog({ batchSize: 100, flushIntervalMs: 1_000, write: async (events) => void writes.push(events.map((e) => e.requestId)) });
      log.record(event(1));
      log.record(event(2));
      await vi.advanceTimersByTimeAsync(999);
      expect(writes).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(writes).toEqual([['req-1', 'req-2']]);
      log.record(event(3));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(writes).toEqual([['req-1', 'req-2'], ['req-3']]);
      await log.close();
      expect(writes).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a failed write waits for another batch before trying again, and close reports what is lost', async () => {
    const errors: string[] = [];
    let attempts = 0;
    const log = new BufferedAuditLog({
      batchSize: 2,
      flushIntervalMs: 0,
      onError: (m) => errors.push(m),
      write: async () => {
        attempts++;
        throw new Error('down');
      },
    });
    log.record(event(1));
    log.record(event(2)); // a batch: one attempt
    expect(await log.flush()).toBe(2); // an explicit flush: a second
    log.record(event(3)); // one new event: no attempt
    await Promise.resolve();
    expect(attempts).toBe(2);
    await log.close();
    expect(attempts).toBe(3);
    expect(errors.at(-1)).toBe('3 audit events could not be written and are lost');
  });
});

describe('the rows of one request', () => {
  it('cut an object and a reason the caller chose to the column bound, so that the row is recorded, not refused', () => {
    const trail = newAuditTrail('req-long', 1_700_000_000_000, '127.0.0.1');
    trail.operation = 'loadTable';
    trail.subject = { anonymous: true };
    const name = `ml.${'x'.repeat(3000)}`;
    trail.decisions.push({ privilege: 'READ', object: `table ${name}`, decision: { allowed: false, status: 404, reason: `anonymous lacks READ on table ${name}` } });
    const events = eventsOfTrail(trail, { status: 404, body: {} });
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(AuditEventSchema.safeParse(e).success).toBe(true);
    expect(e!.object).toHaveLength(1024);
    expect(e!.object!.startsWith('table ml.xxx')).toBe(true);
    expect(e!.object!.endsWith('…')).toBe(true);
    expect(e!.reason).toHaveLength(2048);
    expect(e).toMatchObject({ principalName: 'anonymous', privilege: 'READ', allowed: false, status: 404, requestId: 'req-long' });
  });
});

describe('floe audit', () => {
  it('lists the denials with --denied --json, directly and through the served catalog, and filters by principal and time', async () => {
    const uri = `memory://audit-cli-${process.pid}`;
    const wh = await Warehouse.open(uri);
    const { alice, bob } = await governedWarehouse(wh);
    const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { flushIntervalMs: 0 } });
    const a = await tokenFor(server.url, alice.clientId, alice.clientSecret);
    const b = await tokenFor(server.url, bob.clientId, bob.clientSecret);
    await call(server.url, 'GET', TABLE_PATH, a.token);
    await call(server.url, 'GET', TABLE_PATH, b.token);
    await call(server.url, 'GET', TABLE_PATH);
    expect(await server.flushAudit()).toBe(0);

    const direct = await runFloe(['--warehouse', uri, '--json', 'audit', '--denied']);
    expect(direct.code, direct.stderr).toBe(0);
    const denied = direct.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(denied.map((r) => [r['principal_name'], r['operation'], r['status'], r['allowed']])).toEqual([
      ['bob', 'loadTable', 404, false],
      [null, 'loadTable', 401, false],
    ]);
    expect(Object.keys(denied[0]!).sort()).toEqual(['allowed', 'client_id', 'object', 'operation', 'principal_id', 'principal_name', 'privilege', 'reason', 'remote_address', 'request_id', 'snapshot_id', 'status', 'time']);
    expect(denied[0]!['time']).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);

    // The decisions on one table: the two loads (the 401 decided nothing on it, tokens neither).
    const onTable = await runFloe(['--warehouse', uri, '--json', 'audit', '--table', 'ml.events']);
    expect(onTable.code, onTable.stderr).toBe(0);
    const tableRows = onTable.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(tableRows.map((r) => [r['principal_name'], r['privilege'], r['object'], r['allowed']]).sort()).toEqual([
      ['alice', 'READ', 'table ml.events', true],
      ['bob', 'READ', 'table ml.events', false],
    ]);
    const noTable = await runFloe(['--warehouse', uri, '--json', 'audit', '--table', 'ml.nope']);
    expect(noTable.code, noTable.stderr).toBe(0);
    expect(noTable.stdout).toBe('');

    // Through the catalog, as the admin (READ on _system.audit through its catalog-wide grant).
    const served = await runFloe(['--warehouse', server.url, '--json', 'audit', '--principal', 'alice', '--since', '1h'], { FLOE_CATALOG_CREDENTIAL: `${ADMIN.clientId}:${ADMIN.clientSecret}` });
    expect(served.code, served.stderr).toBe(0);
    const alices = served.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alices.map((r) => [r['operation'], r['allowed']])).toEqual([
      ['getToken', true],
      ['loadTable', true],
    ]);
    expect(alices[1]!['snapshot_id']).toBe(String((await wh.loadTable('ml.events')).currentSnapshot()!.snapshotId));

    // Alice may not read the audit log, and nobody may write it through the catalog.
    const refused = await runFloe(['--warehouse', server.url, 'audit'], { FLOE_CATALOG_CREDENTIAL: `${alice.clientId}:${alice.clientSecret}` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/_system\.audit/);
    const { token } = await tokenFor(server.url, ADMIN.clientId, ADMIN.clientSecret);
    const drop = await call(server.url, 'DELETE', '/v1/floe/namespaces/_system/tables/audit', token);
    expect(drop.status).toBe(403);
    expect(await wh.tableExists('_system.audit')).toBe(true);

    // People's table; a future --since has nothing; bad options are refused by name.
    const people = await runFloe(['--warehouse', uri, 'audit', '--limit', '2']);
    expect(people.code, people.stderr).toBe(0);
    expect(people.stdout).toMatch(/principal_name/);
    expect(people.stdout).toMatch(/\(2 decisions\)/);
    const none = await runFloe(['--warehouse', uri, '--json', 'audit', '--since', '2999-01-01']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('');
    for (const [flag, value] of [
      ['--since', 'yesterday'],
      ['--principal', "x' OR '1'='1"],
      ['--limit', '-1'],
      ['--table', 'events'],
      ['--table', 'ml..events'],
    ] as const) {
      const bad = await runFloe(['--warehouse', uri, '--json', 'audit', flag, value]);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stderr).error.message).toContain(flag);
    }
    await server.close();
  });

  it('says where the audit log comes from when a warehouse has none', async () => {
    const uri = `memory://audit-none-${process.pid}`;
    await Warehouse.open(uri);
    const r = await runFloe(['--warehouse', uri, '--json', 'audit']);
    expect(r.code).toBe(1);
    const e = JSON.parse(r.stderr).error;
    expect(e.code).toBe('TABLE_NOT_FOUND');
    expect(e.help).toMatch(/floe serve/);
  });
});
