/**
 * Every decision of every route lands in the audit log (spec/governance.md §G8), not only the
 * Iceberg document's: the management routes (create and change a principal, grant, revoke,
 * anonymous access on and off) and the masked-read endpoint, allowed, refused (403 / hidden 404)
 * and unauthenticated (401), each answer carrying the `x-request-id` of its row.
 */
import { describe, expect, it } from 'vitest';
import { Warehouse, startRestCatalogServer } from '../../src/node.js';
import { readEndpointPath } from '../../src/catalog/rest/wire/index.js';
import { stringifyJson } from '../../src/util/index.js';
import { clientToken } from './support.js';

const ADMIN = { clientId: 'floe-test-admin', clientSecret: 'admin-secret-audit-routes-not-for-production' };

interface Row {
  principal_name: string | null;
  operation: string;
  privilege: string | null;
  object: string | null;
  allowed: boolean;
  status: number;
  request_id: string;
}

describe('the audit log of Floe’s own routes', () => {
  it('records each management action and each masked read, allowed and refused, with the request id answered', async () => {
    const wh = await Warehouse.open(`memory://audit-routes-${process.pid}`);
    await wh.createNamespace('ml');
    const table = await wh.createTable('ml.events', { id: 'long not null' });
    await table.append([{ id: 1n }]);
    const server = await startRestCatalogServer({ warehouse: wh, admin: ADMIN, audit: { flushIntervalMs: 0 } });
    // What each request should leave: [who, operation, privilege, object, allowed, status].
    const expected = new Map<string, unknown[]>();
    // Parsed JSON: the test checks it by shape.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const send = async (method: string, path: string, bearer: string | undefined, body: unknown, row: unknown[]): Promise<any> => {
      const r = await fetch(server.url + path, {
        method,
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      expect(r.status, `${method} ${path}: ${text}`).toBe(row[5]);
      const id = r.headers.get('x-request-id');
      expect(id, `${method} ${path} answers an x-request-id`).toMatch(/^[0-9a-f-]{36}$/);
      expected.set(id!, row);
      return r.headers.get('content-type')?.startsWith('application/json') && text ? JSON.parse(text) : undefined;
    };
    try {
      const admin = await clientToken(server.url, ADMIN);
      const bob = await send('POST', '/floe/v1/principals', admin, { name: 'bob' }, ['admin', 'createPrincipal', 'MANAGE_GRANTS', 'catalog', true, 201]);
      const b = await clientToken(server.url, bob.credential);
      const cat = ['MANAGE_GRANTS', 'catalog'];
      const tbl = ['MANAGE_GRANTS', 'table ml.events'];
      await send('POST', '/floe/v1/principals', b, { name: 'mallory' }, ['bob', 'createPrincipal', ...cat, false, 403]);
      await send('POST', '/floe/v1/principals', undefined, { name: 'mallory' }, [null, 'createPrincipal', null, null, false, 401]);
      await send('POST', '/floe/v1/principals/bob', admin, { addRoles: ['readers'] }, ['admin', 'updatePrincipal', ...cat, true, 200]);
      await send('POST', '/floe/v1/principals/bob', b, { addRoles: ['admin'] }, ['bob', 'updatePrincipal', ...cat, false, 403]);
      const grant = { role: 'readers', privilege: 'READ', on: { kind: 'table', namespace: ['ml'], table: 'events' } };
      const granted = await send('POST', '/floe/v1/grants', admin, grant, ['admin', 'grant', ...tbl, true, 201]);
      await send('POST', '/floe/v1/grants', b, { ...grant, privilege: 'WRITE' }, ['bob', 'grant', ...tbl, false, 403]);
      await send('POST', '/floe/v1/grants', undefined, grant, [null, 'grant', null, null, false, 401]);

      const read = readEndpointPath(server.prefix, 'ml', 'events');
      await send('POST', read, b, { mode: 'files' }, ['bob', 'floeReadTable', 'READ', 'table ml.events', true, 200]);
      await send('POST', read, admin, {}, ['admin', 'floeReadTable', 'READ', 'table ml.events', true, 200]);
      await send('POST', read, undefined, {}, [null, 'floeReadTable', null, null, false, 401]);

      await send('DELETE', `/floe/v1/grants/${granted.grant.id}`, b, undefined, ['bob', 'revokeGrant', ...tbl, false, 403]);
      await send('DELETE', `/floe/v1/grants/${granted.grant.id}`, admin, undefined, ['admin', 'revokeGrant', ...tbl, true, 200]);
      // Without its grant, bob cannot see the table: hidden, answered 404.
      await send('POST', read, b, {}, ['bob', 'floeReadTable', 'READ', 'table ml.events', false, 404]);
      await send('DELETE', '/floe/v1/grants/no-such-grant', b, undefined, ['bob', 'revokeGrant', 'MANAGE_GRANTS', 'any object', false, 403]);

      await send('POST', '/floe/v1/anonymous', b, { allow: true }, ['bob', 'setAnonymous', ...cat, false, 403]);
      await send('POST', '/floe/v1/anonymous', admin, { allow: true }, ['admin', 'setAnonymous', ...cat, true, 200]);
      await send('POST', '/floe/v1/anonymous', admin, { allow: false }, ['admin', 'setAnonymous', ...cat, true, 200]);
      await send('POST', '/floe/v1/anonymous', 'not-a-token', { allow: true }, [null, 'setAnonymous', null, null, false, 401]);

      expect(await server.flushAudit()).toBe(0);
      const rows = ((await (await wh.loadTable('_system.audit')).scan().toArrow()).toArray() as { toJSON(): unknown }[]).map((r) => r.toJSON() as Row);
      const byId = new Map(rows.map((r) => [r.request_id, r]));
      for (const [id, want] of expected) {
        const r = byId.get(id);
        expect(r, `a row for ${stringifyJson(want)}`).toBeDefined();
        expect([r!.principal_name, r!.operation, r!.privilege, r!.object, r!.allowed, r!.status]).toEqual(want);
      }
      // One row each: no decision recorded twice.
      expect(rows.filter((r) => expected.has(r.request_id))).toHaveLength(expected.size);
    } finally {
      await server.close();
    }
  });
});
