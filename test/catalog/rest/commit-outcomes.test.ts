/**
 * Commits through the REST catalog whose answer is lost: the server applied the commit but the
 * client never heard (the server died, the connection dropped), and the server stays unreachable
 * for a while. The client's commit loop must settle the outcome by finding its own commit id
 * (spec/commit-protocol.md §C5) and answer success exactly once: no duplicate snapshot, no error
 * for a commit that landed. A `fetch` between client and server plays the failures, so every
 * case is deterministic.
 */
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Warehouse } from 'floe';
import { startRestCatalogServer } from '../../../src/catalog/rest/server/index.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers.splice(0)) await c();
});

let warehouses = 0;
// The servers here authenticate every request, as in production; writers (in this process and
// in their own) are its admin through FLOE_CATALOG_CREDENTIAL, which child processes inherit.
const ADMIN = { clientId: 'floe-test-admin', clientSecret: 'test-admin-secret-not-for-production' };
process.env['FLOE_ADMIN_CLIENT_ID'] = ADMIN.clientId;
process.env['FLOE_ADMIN_CLIENT_SECRET'] = ADMIN.clientSecret;
process.env['FLOE_CATALOG_CREDENTIAL'] = `${ADMIN.clientId}:${ADMIN.clientSecret}`;

const rows = (from: number): arrow.Table => arrow.tableFromArrays({ id: Int32Array.from([from, from + 1]) });

/** What the fetch between client and server does to each request. */
type Fault = 'pass' | 'apply-then-drop' | 'refuse';

/**
 * A server over a fresh memory warehouse with table `ns.t` (one snapshot), and a client whose
 * requests go through `fault(method, path, isRetryOfDropped)`.
 */
async function setup(plan: (call: { method: string; path: string; retryOfDropped: boolean }) => Fault) {
  const wh = await Warehouse.open(`memory://rest-outcomes-${process.pid}-${++warehouses}`);
  const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN });
  closers.push(() => server.close());
  const setupClient = await Warehouse.open(server.url);
  await setupClient.createNamespace('ns');
  const created = await setupClient.createTable('ns.t', new arrow.Schema([new arrow.Field('id', new arrow.Int32(), false)]), {
    properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '20' },
  });
  await created.append(rows(0));
  const dropped = new Set<string>();
  const seen: string[] = [];
  const faulty: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const key = new Headers(init?.headers).get('idempotency-key') ?? '';
    const fault = plan({ method, path: url.pathname, retryOfDropped: dropped.has(key) });
    seen.push(`${method} ${url.pathname} ${fault}`);
    if (fault === 'refuse') throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const response = await fetch(input, init);
    if (fault === 'apply-then-drop') {
      await response.arrayBuffer();
      dropped.add(key);
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    }
    return response;
  };
  const client = await Warehouse.open(server.url, { catalog: { fetch: faulty } });
  const table = await client.loadTable('ns.t');
  const check = async (): Promise<{ snapshots: number; ids: number[] }> => {
    const t = await wh.loadTable('ns.t');
    const ids = [...((await t.scan().toArrow()).getChild('id')?.toArray() ?? [])] as number[];
    return { snapshots: t.snapshots().length, ids: ids.sort((a, b) => a - b) };
  };
  return { table, check, seen };
}

const isTableCommit = (method: string, path: string): boolean => method === 'POST' && path.endsWith('/namespaces/ns/tables/t');

describe('REST client: a commit whose answer is lost', () => {
  it('is found by its commit id and acknowledged once, not committed again (the server keeps the client’s floe.commit-id)', async () => {
    let first = true;
    const { table, check } = await setup(({ method, path, retryOfDropped }) => {
      if (!isTableCommit(method, path)) return 'pass';
      if (retryOfDropped) return 'refuse'; // the same request retried with its Idempotency-Key: the server is gone
      if (!first) return 'pass';
      first = false;
      return 'apply-then-drop';
    });
    const snap = await table.append(rows(10));
    expect(table.lastCommitStats()?.unknownOutcomes).toBe(1);
    expect(await check()).toEqual({ snapshots: 2, ids: [0, 1, 10, 11] });
    expect(table.currentSnapshot()?.snapshotId).toBe(snap.snapshotId);
  });

  it('is settled even when the catalog stays unreachable for longer than one request’s retries', async () => {
    let phase: 'before' | 'down' | 'up' = 'before';
    let refusals = 0;
    const { table, check, seen } = await setup(({ method, path }) => {
      if (phase === 'before' && isTableCommit(method, path)) {
        phase = 'down';
        return 'apply-then-drop';
      }
      if (phase === 'down') {
        // Down for 12 requests: more than one request's own attempts (4), so the commit loop's
        // reload fails too and must be retried within the commit's budget.
        if (++refusals === 12) phase = 'up';
        return 'refuse';
      }
      return 'pass';
    });
    const snap = await table.append(rows(10));
    expect(seen.filter((s) => s.endsWith('refuse')).length).toBe(12);
    expect(seen.filter((s) => s.startsWith('GET') && s.endsWith('refuse')).length).toBeGreaterThan(4);
    expect(await check()).toEqual({ snapshots: 2, ids: [0, 1, 10, 11] });
    expect(table.currentSnapshot()?.snapshotId).toBe(snap.snapshotId);
  });
});
