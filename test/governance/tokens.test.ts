/**
 * Bearer tokens against a running governed server (spec/governance.md §G2): every bad token —
 * expired, signed with another key, `alg: none`, another algorithm, tampered claims, replayed
 * after its principal's tokens were revoked, after it was disabled or its secret rotated, issued
 * by another server — is refused with 401 in the REST error model, on the catalog routes, the
 * management routes and the refresh grant alike; and no secret (client secrets, signing keys,
 * the refused tokens themselves) ever shows in an answer, in what the process writes to its
 * logs, or in the warehouse.
 */
import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StorageCatalog } from '../../src/catalog/index.js';
import type { GovernanceState } from '../../src/governance/index.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { ADMIN, type Answer, type Governed, ManualClock, serveGoverned } from './support.js';

const memory = featureBackends.find((b) => b.label === 'memory')!;
const TTL_SECONDS = 600;
const clock = new ManualClock(Date.UTC(2026, 0, 1));
let g: Governed;
let other: Governed;
let admin: string;
let reader: { clientId: string; clientSecret: string };

/** Every line the process writes while the servers run: the server logs nothing else anywhere. */
const written: string[] = [];
const capture = (chunk: unknown): void => {
  written.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
};

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      capture(chunk);
      return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      capture(args.map(String).join(' '));
      original(...args);
    });
  }
  g = await serveGoverned(memory, { clock, tokenTtlSeconds: TTL_SECONDS });
  other = await serveGoverned(memory);
  admin = await g.token(ADMIN);
  const made = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name: 'reader', type: 'service', roles: ['readers'] } });
  expect(made.status, made.text).toBe(201);
  reader = made.body.credential;
  const granted = await g.call('POST', '/floe/v1/grants', { token: admin, body: { role: 'readers', privilege: 'LIST', on: { kind: 'catalog' } } });
  expect(granted.status, granted.text).toBe(201);
}, 60_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await g.close();
  await other.close();
  await cleanupBackends();
});

async function stateOf(server: Governed): Promise<GovernanceState> {
  const catalog = server.direct.catalog;
  if (!(catalog instanceof StorageCatalog)) throw new Error('a storage warehouse');
  const { Governance } = await import('../../src/governance/index.js');
  return new Governance(catalog.root.store, { audience: server.direct.uri }).state();
}

/** The signing key of a server, as the state holds it (what a forger would need). */
async function signingKey(server: Governed): Promise<{ kid: string; key: Uint8Array }> {
  const k = (await stateOf(server)).signingKeys.at(-1)!;
  return { kid: k.kid, key: Buffer.from(k.secret, 'base64url') };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The three places a token is checked: a catalog route, a management route, the refresh grant. */
async function refusedEverywhere(token: string, why: RegExp): Promise<void> {
  const answers: [string, Answer][] = [
    ['GET /v1/config', await g.call('GET', '/v1/config', { token })],
    ['GET /v1/floe/namespaces', await g.call('GET', '/v1/floe/namespaces', { token })],
    ['GET /floe/v1/grants', await g.call('GET', '/floe/v1/grants', { token })],
  ];
  for (const [what, r] of answers) {
    expect(r.status, `${what}: ${r.text}`).toBe(401);
    expect(r.body.error, what).toMatchObject({ type: 'NotAuthorizedException', code: 401 });
    // RFC 6750 §3: a 401 names the scheme the resource expects.
    expect(r.headers.get('www-authenticate'), what).toBe('Bearer');
    expect(r.body.error.message, what).toMatch(why);
    expect(r.text, `${what} echoes the token`).not.toContain(token);
  }
  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: token, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
  const refreshed = await fetch(`${g.url}/v1/oauth/tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` }, body: form });
  const text = await refreshed.text();
  g.seen.push({ request: 'POST /v1/oauth/tokens (refresh)', text });
  expect(refreshed.status, `refresh: ${text}`).toBe(401);
  expect(JSON.parse(text)).toMatchObject({ error: 'invalid_grant' });
  expect(text).not.toContain(token);
}

describe('a valid token', () => {
  it('is accepted, and refreshed by the token-exchange grant (the baseline the refusals differ from)', async () => {
    const token = await g.token(reader);
    expect((await g.call('GET', '/v1/floe/namespaces', { token })).status).toBe(200);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: token, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
    const r = await fetch(`${g.url}/v1/oauth/tokens`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` }, body: form });
    expect(r.status).toBe(200);
    const fresh = ((await r.json()) as { access_token: string }).access_token;
    expect((await g.call('GET', '/v1/floe/namespaces', { token: fresh })).status).toBe(200);
  });
});

describe('bad tokens are refused with 401', () => {
  it('an expired token (and its refresh), while a fresh one works', async () => {
    const token = await g.token(reader);
    clock.advance((TTL_SECONDS + 1) * 1000);
    await refusedEverywhere(token, /the token has expired/);
    expect((await g.call('GET', '/v1/floe/namespaces', { token: await g.token(reader) })).status).toBe(200);
  });

  it('a signature by another key, and a signature cut off or altered', async () => {
    const token = await g.token(reader);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const { kid } = await signingKey(g);
    const forged = await new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(new TextEncoder().encode('a-key-of-my-own-choosing-32-bytes!!'));
    await refusedEverywhere(forged, /signature does not verify/);
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    await refusedEverywhere(`${header}.${payload}.${flipped}`, /signature does not verify/);
    await refusedEverywhere(`${header}.${payload}.`, /malformed|signature/);
  });

  it('alg none, and another algorithm even with the right key', async () => {
    const token = await g.token(reader);
    const claims = decodeJwt(token);
    const unsigned = new UnsecuredJWT(claims).encode();
    expect(decodeProtectedHeader(unsigned).alg).toBe('none');
    await refusedEverywhere(unsigned, /not signed with the algorithm|malformed/);
    const { kid } = await signingKey(g);
    await refusedEverywhere(`${b64({ alg: 'none', kid, typ: 'JWT' })}.${token.split('.')[1]}.`, /not signed with the algorithm|malformed/);
    // Algorithm confusion: the warehouse's own key, but HS512 — the algorithm is pinned.
    const { key } = await signingKey(g);
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512', kid, typ: 'JWT' }).sign(key);
    await refusedEverywhere(hs512, /not signed with the algorithm/);
  });

  it('tampered claims: another subject, a later expiry, another audience', async () => {
    const token = await g.token(reader);
    const [header, , signature] = token.split('.') as [string, string, string];
    const claims = decodeJwt(token);
    const adminId = Object.values((await stateOf(g)).principals).find((p) => p.name === 'admin')!.id;
    for (const change of [{ sub: adminId }, { exp: (claims.exp ?? 0) + 86_400 }, { aud: 'file:///somewhere-else' }, { iat_ms: Number.MAX_SAFE_INTEGER }]) {
      await refusedEverywhere(`${header}.${b64({ ...claims, ...change })}.${signature}`, /signature does not verify/);
    }
  });

  it('a token of another server (its own key, its own audience), also with this server kid', async () => {
    const foreign = await other.token(ADMIN);
    expect((await other.call('GET', '/v1/floe/namespaces', { token: foreign })).status).toBe(200);
    await refusedEverywhere(foreign, /not signed by a key of this warehouse/);
    // The other server's key under this server's kid and audience: still not this key.
    const theirs = await signingKey(other);
    const { kid } = await signingKey(g);
    const mine = decodeJwt(await g.token(ADMIN));
    const dressed = await new SignJWT(mine).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(theirs.key);
    await refusedEverywhere(dressed, /signature does not verify/);
  });

  it('malformed headers and values: not Bearer, not a JWT, an empty bearer', async () => {
    const basic = await g.call('GET', '/v1/floe/namespaces', { headers: { authorization: `Basic ${Buffer.from(`${reader.clientId}:${reader.clientSecret}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    expect(basic.body.error.message).toMatch(/not a bearer token/);
    await refusedEverywhere('not-a-jwt', /malformed/);
    await refusedEverywhere(`${b64({ alg: 'HS256' })}.e30.`, /malformed|signature|claim|not signed by a key/);
    const none = await g.call('GET', '/v1/floe/namespaces', { headers: { authorization: 'Bearer ' } });
    expect(none.status).toBe(401);
  });
});

describe('tokens replayed after revocation are refused at the next request, without a restart', () => {
  // The clock has moved past the first admin token's expiry.
  beforeAll(async () => {
    admin = await g.token(ADMIN);
  });

  async function principal(name: string): Promise<{ clientId: string; clientSecret: string }> {
    const made = await g.call('POST', '/floe/v1/principals', { token: admin, body: { name, roles: ['readers'] } });
    expect(made.status, made.text).toBe(201);
    return made.body.credential;
  }

  it.each<[string, Record<string, unknown>, RegExp, boolean]>([
    ['its tokens revoked', { revokeTokens: true }, /the token was revoked/, true],
    ['the principal disabled', { disabled: true }, /is disabled/, false],
    ['its secret rotated', { rotateSecret: true }, /the token was revoked/, false],
  ])('%s', async (label, change, why, oldSecretStillWorks) => {
    const credential = await principal(`replay-${label.split(' ').at(-1)}`);
    const token = await g.token(credential);
    expect((await g.call('GET', '/v1/floe/namespaces', { token })).status).toBe(200);
    const name = decodeJwt(token)['name'] as string;
    clock.advance(1);
    const changed = await g.call('POST', `/floe/v1/principals/${name}`, { token: admin, body: change });
    expect(changed.status, changed.text).toBe(200);
    // Tokens issued before the change are void; the next millisecond's are not.
    clock.advance(2);
    await refusedEverywhere(token, why);
    const again = await g.tokenRequest(credential.clientId, credential.clientSecret);
    expect(again.status).toBe(oldSecretStillWorks ? 200 : 401);
    if (oldSecretStillWorks) expect((await g.call('GET', '/v1/floe/namespaces', { token: again.body.access_token })).status).toBe(200);
    else {
      expect(again.body).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
    }
  });
});

describe('secrets never show', () => {
  it('a wrong secret and an unknown client get the same answer, which names neither', async () => {
    const wrong = await g.tokenRequest(reader.clientId, `${reader.clientSecret}x`);
    const unknown = await g.tokenRequest('nobody-at-all', reader.clientSecret);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toBe(unknown.text);
    expect(wrong.text).not.toContain(reader.clientSecret);
    expect(wrong.text).not.toContain(reader.clientId);
  });

  it('in no answer, no log line and no object of the warehouse', async () => {
    const state = await stateOf(g);
    const signing = [...state.signingKeys, ...(await stateOf(other)).signingKeys].map((k) => k.secret);
    const clientSecrets = [ADMIN.clientSecret, reader.clientSecret];
    expect(g.seen.length).toBeGreaterThan(50);
    // A secret is in exactly one answer: the one that created its principal (shown once).
    for (const secret of clientSecrets.slice(1)) expect(g.seen.filter((s) => s.text.includes(secret)).map((s) => s.request)).toEqual(['POST /floe/v1/principals']);
    for (const s of [...g.seen, ...other.seen]) {
      for (const key of signing) expect(s.text, s.request).not.toContain(key);
      expect(s.text, s.request).not.toContain(ADMIN.clientSecret);
      expect(s.text, s.request).not.toMatch(/scrypt\$/);
    }
    const log = written.join('');
    for (const secret of [...signing, ...clientSecrets]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    // The warehouse holds hashes and the signing key, never a client secret or a token.
    const catalog = g.direct.catalog as StorageCatalog;
    const store = catalog.root.store;
    let objects = 0;
    for await (const meta of store.list('')) {
      const text = new TextDecoder().decode((await store.get(meta.path)).bytes);
      objects++;
      for (const secret of clientSecrets) expect(text, meta.path).not.toContain(secret);
      expect(text, meta.path).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    }
    expect(objects).toBeGreaterThan(0);
  });
});
