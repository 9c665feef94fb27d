/**
 * The management API (`/floe/v1/…`, spec/governance.md §G4) through raw HTTP and through Floe's
 * client: principals listed without secrets, a credential shown once, changes refused without a
 * token (401) or without MANAGE_GRANTS (403), every bad body refused with 400 naming the field
 * and nothing changed, `Idempotency-Key` replayed, and no change that would lock every manager out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GovernanceClient, RestCatalog, isFloeError } from 'floe';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { ADMIN, type Governed, serveGoverned } from './support.js';

const memory = featureBackends.find((b) => b.label === 'memory')!;
let g: Governed;
let admin: string;

beforeAll(async () => {
  g = await serveGoverned(memory);
  admin = await g.token(ADMIN);
});
afterAll(async () => {
  await g.close();
  await cleanupBackends();
});

/** The governance state's version, read by the admin (it changes with every change). */
async function historyLength(): Promise<number> {
  const r = await g.call('GET', '/floe/v1/history', { token: admin });
  expect(r.status).toBe(200);
  return r.body.changes.length;
}

async function client(credential: { clientId: string; clientSecret: string }): Promise<GovernanceClient> {
  const catalog = await RestCatalog.connect({ uri: g.url, credential: `${credential.clientId}:${credential.clientSecret}` });
  return catalog.governance();
}

describe('principals', () => {
  it('creates a principal whose credential is returned once and never listed', async () => {
    const r = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name: 'reader-1', type: 'service', roles: ['readers'] } });
    expect(r.status, r.text).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.principal).toMatchObject({ name: 'reader-1', type: 'service', roles: ['readers'], disabled: false, createdBy: 'admin' });
    const secret = r.body.credential.clientSecret as string;
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(await g.token(r.body.credential)).toMatch(/^ey/);

    const list = await g.call('GET', '/floe/v1/principals', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.principals.map((p: { name: string }) => p.name)).toEqual(['admin', 'reader-1']);
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toMatch(/scrypt|secretHash|clientSecret/);
  });

  it('refuses a taken name (409) and a bad one (400), changing nothing', async () => {
    const before = await historyLength();
    const taken = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name: 'admin' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ type: 'AlreadyExistsException', code: 409 });
    const bad = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name: '../x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/principal name "\.\.\/x" is not a valid name/);
    const extra = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name: 'x', secret: 'mine' } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/CreatePrincipalRequest/);
    expect(await historyLength()).toBe(before);
  });

  it('answers 401 without a token and 403 to a principal without MANAGE_GRANTS', async () => {
    const none = await g.call('GET', '/floe/v1/principals');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body.error).toMatchObject({ type: 'NotAuthorizedException', code: 401 });
    const made = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name: 'plain' } });
    const plain = await g.token(made.body.credential);
    const before = await historyLength();
    for (const [method, path, body] of [
      ['GET', '/floe/v1/principals', undefined],
      ['POST', '/floe/v1/principals', { name: 'sneaky', roles: ['admin'] }],
      ['POST', '/floe/v1/principals/plain', { addRoles: ['admin'] }],
      ['GET', '/floe/v1/grants', undefined],
      ['POST', '/floe/v1/grants', { role: 'x', privilege: 'READ', on: { kind: 'catalog' } }],
      ['GET', '/floe/v1/history', undefined],
      ['POST', '/floe/v1/anonymous', { allow: true }],
    ] as const) {
      const r = await g.call(method, path, { token: plain, ...(body ? { body } : {}) });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.type).toBe('ForbiddenException');
    }
    expect(await historyLength()).toBe(before);
  });

  it('rotates a secret (old secret and tokens refused, the new one shown once) and disables', async () => {
    const c = await client(ADMIN);
    const made = await c.createPrincipal({ name: 'rotating', roles: ['readers'] });
    const oldToken = await g.token(made.credential);
    const rotated = await c.updatePrincipal('rotating', { rotateSecret: true });
    expect(rotated.credential?.clientId).toBe(made.credential.clientId);
    expect(rotated.credential?.clientSecret).not.toBe(made.credential.clientSecret);
    expect((await g.tokenRequest(made.credential.clientId, made.credential.clientSecret)).status).toBe(401);
    expect((await g.call('GET', '/v1/config', { token: oldToken })).status).toBe(401);
    const disabled = await c.updatePrincipal('rotating', { disabled: true, addRoles: ['writers'], removeRoles: ['readers'] });
    expect(disabled.principal).toMatchObject({ disabled: true, roles: ['writers'] });
    expect(disabled.credential).toBeUndefined();
    expect((await g.tokenRequest(rotated.credential!.clientId, rotated.credential!.clientSecret)).status).toBe(401);
  });

  it('refuses an empty change and an unknown principal', async () => {
    const c = await client(ADMIN);
    await expect(c.updatePrincipal('rotating', {})).rejects.toSatisfy((e) => isFloeError(e, 'INVALID_ARGUMENT') && /changes nothing/.test((e as Error).message));
    await expect(c.updatePrincipal('nobody', { revokeTokens: true })).rejects.toSatisfy((e) => isFloeError(e, 'INVALID_ARGUMENT') && /no principal named nobody/.test((e as Error).message));
  });

  it('refuses to disable the last principal who can manage the catalog', async () => {
    const before = await historyLength();
    const r = await g.call('POST', '/floe/v1/principals/admin', { token: admin, body: { disabled: true } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/no enabled principal holding MANAGE_GRANTS on the catalog/);
    const demoted = await g.call('POST', '/floe/v1/principals/admin', { token: admin, body: { removeRoles: ['admin'] } });
    expect(demoted.status).toBe(400);
    expect(await historyLength()).toBe(before);
  });
});

describe('grants', () => {
  it('grants, lists by role and object, and revokes', async () => {
    const c = await client(ADMIN);
    const onNs = await c.grant({ role: 'analysts', privilege: 'READ', on: { kind: 'namespace', namespace: ['ml'] } });
    const onTable = await c.grant({ role: 'analysts', privilege: 'READ', on: { kind: 'table', namespace: ['raw'], table: 'users' }, columnMask: { drop: ['email'], nullify: ['phone'] }, rowFilter: "country = 'NL'" });
    await c.grant({ role: 'features', privilege: 'WRITE', on: { kind: 'table', namespace: ['ml'], table: 'features' } });
    expect(onTable).toMatchObject({ grantedBy: 'admin', columnMask: { drop: ['email'], nullify: ['phone'] }, rowFilter: "country = 'NL'" });
    expect((await c.listGrants({ role: 'analysts' })).map((x) => x.id)).toEqual([onNs.id, onTable.id]);
    const onMl = await c.listGrants({ namespace: 'ml' });
    expect(onMl.map((x) => `${x.role}:${x.privilege}`)).toEqual(expect.arrayContaining(['admin:READ', 'analysts:READ', 'features:WRITE']));
    expect(onMl.some((x) => x.on.kind === 'table' && x.on.namespace[0] === 'raw')).toBe(false);
    const revoked = await c.revoke(onNs.id);
    expect(revoked.id).toBe(onNs.id);
    expect((await c.listGrants({ role: 'analysts' })).map((x) => x.id)).toEqual([onTable.id]);
    await expect(c.revoke(onNs.id)).rejects.toSatisfy((e) => isFloeError(e, 'INVALID_ARGUMENT') && /no grant with id/.test((e as Error).message));
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown privilege', { role: 'r', privilege: 'SELECT', on: { kind: 'catalog' } }, /privilege/],
    ['a bad role name', { role: 'bad role', privilege: 'READ', on: { kind: 'catalog' } }, /role "bad role" is not a valid name/],
    ['an empty namespace', { role: 'r', privilege: 'READ', on: { kind: 'namespace', namespace: [] } }, /on\.namespace/],
    ['an unsafe namespace part', { role: 'r', privilege: 'READ', on: { kind: 'namespace', namespace: ['..'] } }, /namespace/],
    ['a dotted table name', { role: 'r', privilege: 'READ', on: { kind: 'table', namespace: ['ml'], table: 'a.b' } }, /table name/],
    ['a row filter that does not parse', { role: 'r', privilege: 'READ', on: { kind: 'catalog' }, rowFilter: 'country = ' }, /rowFilter of the grant/],
    ['an empty row filter', { role: 'r', privilege: 'READ', on: { kind: 'catalog' }, rowFilter: '' }, /rowFilter of the grant/],
    ['a mask with an empty column name', { role: 'r', privilege: 'READ', on: { kind: 'catalog' }, columnMask: { drop: [''] } }, /columnMask\.drop\.0/],
    ['a mask naming no column', { role: 'r', privilege: 'READ', on: { kind: 'catalog' }, columnMask: {} }, /names no column/],
    ['a column both dropped and nulled', { role: 'r', privilege: 'READ', on: { kind: 'catalog' }, columnMask: { drop: ['a'], nullify: ['a'] } }, /both drops and nulls a/],
    ['a mask on WRITE', { role: 'r', privilege: 'WRITE', on: { kind: 'catalog' }, columnMask: { drop: ['a'] } }, /goes with READ, not WRITE/],
    ['a row filter on LIST', { role: 'r', privilege: 'LIST', on: { kind: 'catalog' }, rowFilter: 'a = 1' }, /goes with READ, not LIST/],
    ['a body that is not JSON', '{"role":', /not valid JSON/],
  ])('refuses %s with 400, changing nothing', async (_label, body, message) => {
    const before = await historyLength();
    const r = await g.call('POST', '/floe/v1/grants', { token: admin, body });
    expect(r.status, r.text).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'BadRequestException', code: 400 });
    expect(r.body.error.message).toMatch(message);
    expect(await historyLength()).toBe(before);
  });

  it('refuses to revoke the last catalog-wide MANAGE_GRANTS', async () => {
    const grants = await (await client(ADMIN)).listGrants({ role: 'admin' });
    const manage = grants.find((x) => x.privilege === 'MANAGE_GRANTS')!;
    const r = await g.call('DELETE', `/floe/v1/grants/${manage.id}`, { token: admin });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/no enabled principal holding MANAGE_GRANTS/);
  });

  it('a namespace manager grants inside its namespace only, and sees only those grants', async () => {
    const c = await client(ADMIN);
    await c.grant({ role: 'ml-owners', privilege: 'MANAGE_GRANTS', on: { kind: 'namespace', namespace: ['ml'] } });
    const owner = await c.createPrincipal({ name: 'ml-owner', roles: ['ml-owners'] });
    const token = await g.token(owner.credential);
    const inside = await g.call('POST', '/floe/v1/grants', { token, body: { role: 'interns', privilege: 'READ', on: { kind: 'table', namespace: ['ml'], table: 'features' } } });
    expect(inside.status, inside.text).toBe(201);
    const before = await historyLength();
    const outside = await g.call('POST', '/floe/v1/grants', { token, body: { role: 'interns', privilege: 'READ', on: { kind: 'namespace', namespace: ['raw'] } } });
    expect(outside.status).toBe(403);
    const listed = await g.call('GET', '/floe/v1/grants', { token });
    expect(listed.status).toBe(200);
    for (const x of listed.body.grants) expect(x.on.kind === 'catalog' || x.on.namespace[0] !== 'ml').toBe(false);
    expect(await historyLength()).toBe(before);
  });
});

describe('Idempotency-Key', () => {
  it('a retried grant with the same key is applied once and answered the same', async () => {
    const key = '0190a3e1-7c4e-7b8a-9d2f-3c1b5e6f7a80';
    const body = { role: 'retriers', privilege: 'LIST', on: { kind: 'catalog' } };
    const first = await g.call('POST', '/floe/v1/grants', { token: admin, body, headers: { 'idempotency-key': key } });
    const second = await g.call('POST', '/floe/v1/grants', { token: admin, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await (await client(ADMIN)).listGrants({ role: 'retriers' })).toHaveLength(1);
    const bad = await g.call('POST', '/floe/v1/grants', { token: admin, body, headers: { 'idempotency-key': '../../state' } });
    expect(bad.status).toBe(400);
  });

  it('is not honoured for a new principal: its secret is never stored for a replay', async () => {
    const key = '0190a3e1-7c4e-7b8a-9d2f-3c1b5e6f7a81';
    const first = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name: 'once' }, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const again = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name: 'once' }, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(409);
    expect(again.text).not.toContain(first.body.credential.clientSecret);
  });
});

describe('anonymous access', () => {
  it('is off until turned on, and then requests without a token act as role anonymous', async () => {
    expect((await g.call('GET', '/v1/config')).status).toBe(401);
    const c = await client(ADMIN);
    expect(await c.anonymousAccess()).toBe(false);
    await c.setAnonymousAccess(true);
    expect(await c.anonymousAccess()).toBe(true);
    expect((await g.call('GET', '/v1/config')).status).toBe(200);
    // Anonymous holds nothing: listing namespaces is refused as for anyone without LIST.
    expect([403, 404]).toContain((await g.call('GET', '/v1/floe/namespaces')).status);
    await c.setAnonymousAccess(false);
    expect((await g.call('GET', '/v1/config')).status).toBe(401);
  });

  it('every change is in the history, with who made it and never a secret', async () => {
    const changes = await (await client(ADMIN)).history();
    expect(changes[0]).toMatchObject({ by: 'bootstrap' });
    expect(changes.map((x) => x.what)).toEqual(expect.arrayContaining(['allowed anonymous access (role anonymous)', expect.stringMatching(/^created service principal reader-1/)]));
    expect(changes.every((x, i) => i === 0 || x.version > changes[i - 1]!.version)).toBe(true);
  });
});

describe('a server without governance', () => {
  it('answers the management routes 406 in the error model', async () => {
    const { startRestCatalogServer } = await import('floe');
    const server = await startRestCatalogServer({ warehouse: await memory.open(), governance: 'none' });
    try {
      const r = await fetch(`${server.url}/floe/v1/principals`);
      expect(r.status).toBe(406);
      expect(((await r.json()) as { error: { type: string } }).error.type).toBe('UnsupportedOperationException');
    } finally {
      await server.close();
    }
  });
});
