/**
 * The refusal of a change that would leave nobody able to manage the catalog holds under
 * concurrency (spec/governance.md §G3): two revocations of the last two catalog-wide
 * `MANAGE_GRANTS` grants, each safe alone, sent at once — the first one's compare-and-swap held
 * until the other has read the state, so both pass any check made on the state they started
 * from. Exactly one may succeed; the other is refused; a manager remains.
 */
import { describe, expect, it } from 'vitest';
import { Warehouse, startRestCatalogServer } from '../../src/node.js';
import { StorageCatalog } from '../../src/catalog/index.js';
import { Governance, authorize } from '../../src/governance/index.js';
import type { ObjectStore } from '../../src/store/index.js';
import { clientToken } from './support.js';

const ADMIN = { clientId: 'floe-test-admin', clientSecret: 'admin-secret-lockout-race-not-for-production' };

/**
 * The store, except that once armed, the first write of the governance state waits until a read
 * of the state has completed after it began waiting (a read that saw the state before the write).
 */
function holdingFirstStateWrite(inner: ObjectStore): { store: ObjectStore; arm(): void } {
  let armed = false;
  let heldOnce = false;
  let release: (() => void) | undefined;
  const isState = (path: string): boolean => path.endsWith('governance/state.json');
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'put') {
        return async (path: string, ...rest: unknown[]) => {
          if (armed && !heldOnce && isState(path)) {
            heldOnce = true;
            await new Promise<void>((resolve) => (release = resolve));
          }
          return (target.put as (...a: unknown[]) => unknown).call(target, path, ...rest);
        };
      }
      if (prop === 'get') {
        return async (path: string, ...rest: unknown[]) => {
          const got = await (target.get as (...a: unknown[]) => unknown).call(target, path, ...rest);
          if (release && isState(path)) {
            const go = release;
            release = undefined;
            go();
          }
          return got;
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store, arm: () => (armed = true) };
}

// Parsed JSON: the test checks it by shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

describe('the lockout refusal under concurrent changes', () => {
  it('of two concurrent revocations of the last two catalog-wide MANAGE_GRANTS, exactly one succeeds and a manager remains', async () => {
    const wh = await Warehouse.open(`memory://lockout-race-${process.pid}`);
    const root = (wh.catalog as StorageCatalog).root.store;
    const holding = holdingFirstStateWrite(root);
    const governance = new Governance(holding.store, { audience: wh.uri });
    const server = await startRestCatalogServer({ warehouse: wh, governance, admin: ADMIN, audit: false });
    try {
      const admin = await clientToken(server.url, ADMIN);
      const ops = await json(server.url, 'POST', '/floe/v1/principals', admin, { name: 'ops', roles: ['ops'] });
      expect(ops.status).toBe(201);
      const opsGrant = await json(server.url, 'POST', '/floe/v1/grants', admin, { role: 'ops', privilege: 'MANAGE_GRANTS', on: { kind: 'catalog' } });
      expect(opsGrant.status).toBe(201);
      const adminGrant = (await governance.state()).grants.find((g) => g.role === 'admin' && g.privilege === 'MANAGE_GRANTS')!;
      const opsToken = await clientToken(server.url, ops.body.credential);

      // Each revokes its own grant: whichever commits first, the other still holds its own.
      holding.arm();
      const answers = await Promise.all([
        json(server.url, 'DELETE', `/floe/v1/grants/${adminGrant.id}`, admin),
        json(server.url, 'DELETE', `/floe/v1/grants/${opsGrant.body.grant.id}`, opsToken),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
      expect(answers.find((a) => a.status === 400)!.body.error.message).toMatch(/would leave no enabled principal holding MANAGE_GRANTS on the catalog/);
      const state = await governance.state();
      const managers = Object.values(state.principals).filter((p) => !p.disabled && authorize(state, { principal: p }, 'MANAGE_GRANTS', { kind: 'catalog' }).allowed);
      expect(managers).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
