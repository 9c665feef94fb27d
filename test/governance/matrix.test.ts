/**
 * The authorization matrix on the real S3 server (spec/governance.md §G3, §G4): principals ×
 * actions on a warehouse in the run's S3 bucket, served by one governed REST catalog server, each
 * principal working through Floe's REST client with one token for the whole file. Grants are on
 * the namespace (`analyst`, `steward`) and on the table (`writer`); `outsider` holds nothing.
 * Every allowed action is done for real; every refused one shows the HTTP status the server
 * answered (401/403/404) and that nothing changed: the same namespaces and tables, the same
 * metadata file, snapshot and rows, the same governance state version. Then grants are revoked
 * and a principal disabled mid-session: the token each client already holds stops working for
 * that action at its next request, without a restart.
 */
import * as arrow from 'apache-arrow';
import { type RestCatalog, Warehouse } from 'floe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageCatalog } from '../../src/catalog/index.js';
import { Governance } from '../../src/governance/index.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { ADMIN, type Governed, serveGoverned } from './support.js';

const s3 = featureBackends.find((b) => b.label.startsWith('s3'))!;
const SCHEMA = { id: 'long', event: 'string' };
const PRINCIPALS = ['analyst', 'writer', 'steward', 'outsider'] as const;
type Name = (typeof PRINCIPALS)[number];

/** One principal's session: a client warehouse over the server, and every HTTP answer it got. */
interface Session {
  readonly wh: Warehouse;
  readonly answers: { readonly method: string; readonly path: string; readonly status: number }[];
  /** Calls the server with the session's current token, recording the answer. */
  raw(method: string, path: string, body?: unknown): Promise<Response>;
}

let g: Governed;
let governance: Governance;
let adminWh: Warehouse;
const sessions = new Map<Name, Session>();
const grantIds = new Map<string, string>();

function rows(n: number, from = 0): arrow.Table {
  const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i));
  return new arrow.Table({ id: arrow.makeVector(ids), event: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `e${from + i}`), new arrow.Utf8()) });
}

/** A session whose fetch records every answer of the catalog. */
async function session(credential: { clientId: string; clientSecret: string }): Promise<Session> {
  const answers: { method: string; path: string; status: number }[] = [];
  let authorization: string | undefined;
  const recording: typeof fetch = async (input, init) => {
    authorization = new Headers(init?.headers).get('authorization') ?? authorization;
    const r = await fetch(input, init);
    answers.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname, status: r.status });
    return r;
  };
  const s3Options = g.direct.s3Options;
  const wh = await Warehouse.open(g.url, { ...(s3Options ? { s3: s3Options } : {}), catalog: { credential: `${credential.clientId}:${credential.clientSecret}`, fetch: recording } });
  const raw = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const r = await recording(g.url + path, { method, headers: { ...(authorization ? { authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (!r.ok) throw Object.assign(new Error(`${method} ${path}: ${r.status} ${await r.text()}`), { code: r.status === 401 ? 'NOT_AUTHENTICATED' : r.status === 403 ? 'NOT_AUTHORIZED' : 'TABLE_NOT_FOUND' });
    return r;
  };
  return { wh, answers, raw };
}

beforeAll(async () => {
  g = await serveGoverned(s3);
  const catalog = g.direct.catalog;
  if (!(catalog instanceof StorageCatalog)) throw new Error('a storage warehouse');
  governance = new Governance(catalog.root.store, { audience: g.direct.uri });
  adminWh = await g.remote(ADMIN);
  const admin = (adminWh.catalog as RestCatalog).governance();
  await adminWh.createNamespace('ml');
  await adminWh.createNamespace('hr');
  await (await adminWh.createTable('ml.events', SCHEMA)).append(rows(3));
  await adminWh.createTable('hr.salaries', SCHEMA);
  for (const p of PRINCIPALS) await adminWh.createTable(`ml.scratch_${p}`, SCHEMA);
  const roles: Record<Name, string[]> = { analyst: ['analysts'], writer: ['writers'], steward: ['stewards'], outsider: [] };
  const grants: [string, 'LIST' | 'READ' | 'WRITE' | 'EVOLVE' | 'CREATE' | 'DROP' | 'MANAGE_GRANTS', 'ns' | 'table'][] = [
    ['analysts', 'LIST', 'ns'],
    ['analysts', 'READ', 'ns'],
    ['writers', 'READ', 'table'],
    ['writers', 'WRITE', 'table'],
    ...(['LIST', 'READ', 'EVOLVE', 'CREATE', 'DROP', 'MANAGE_GRANTS'] as const).map((p): [string, typeof p, 'ns'] => ['stewards', p, 'ns']),
  ];
  for (const [role, privilege, on] of grants) {
    const made = await admin.grant({ role, privilege, on: on === 'ns' ? { kind: 'namespace', namespace: ['ml'] } : { kind: 'table', namespace: ['ml'], table: 'events' } });
    grantIds.set(`${role}:${privilege}`, made.id);
  }
  for (const p of PRINCIPALS) {
    const made = await admin.createPrincipal({ name: p, type: p === 'writer' ? 'service' : 'user', roles: roles[p] });
    sessions.set(p, await session(made.credential));
  }
}, 120_000);
afterAll(async () => {
  await g?.close();
  await cleanupBackends();
});

/** Everything a refused action must leave as it was, read from the warehouse directly. */
async function fingerprint(): Promise<unknown> {
  const events = await g.direct.loadTable('ml.events');
  return {
    namespaces: (await g.direct.listNamespaces()).sort(),
    ml: (await g.direct.listTables('ml')).sort(),
    events: { metadata: events.metadataFile, snapshot: String(events.currentSnapshot()?.snapshotId), rows: (await events.scan().toArrow()).numRows, properties: events.properties() },
    governance: (await governance.state()).version,
  };
}

/** One action: what it does as a principal (throws when refused). */
type Action = (wh: Warehouse, who: Name, s: Session) => Promise<unknown>;

const ACTIONS: Record<string, Action> = {
  'list namespaces': (wh) => wh.listNamespaces(),
  // Server-side planning (the REST spec's planTableScan), as engines without a planner use it.
  'plan on the server': async (_wh, _who, s) => (await s.raw('POST', '/v1/floe/namespaces/ml/tables/events/plan', {})).json(),
  'list tables': (wh) => wh.listTables('ml'),
  'load table': (wh) => wh.loadTable('ml.events'),
  'plan and read': async (wh) => (await (await wh.loadTable('ml.events')).scan().toArrow()).numRows,
  'append': async (wh, who) => (await wh.loadTable('ml.events')).append(rows(1, 100 + PRINCIPALS.indexOf(who))),
  'evolve properties': async (wh, who) => (await wh.loadTable('ml.events')).setProperties({ [`evolved-by.${who}`]: 'yes' }),
  'evolve schema': async (wh, who) => (await wh.loadTable('ml.events')).updateSchema().addColumn(`note_${who}`, 'string').commit(),
  'create table': (wh, who) => wh.createTable(`ml.created_${who}`, SCHEMA),
  'drop table': (wh, who) => wh.dropTable(`ml.scratch_${who}`),
  'manage grants': (wh, who) => (wh.catalog as RestCatalog).governance().grant({ role: `interns_${who}`, privilege: 'READ', on: { kind: 'table', namespace: ['ml'], table: 'events' } }),
  'load a hidden table': (wh) => wh.loadTable('hr.salaries'),
};

// What the model decides (spec/governance.md §G3): 'ok', or the status of the refusal — 403
// where the principal holds something on, above or below the object, 404 where it holds nothing
// there (a hidden object answers as a missing one).
const EXPECTED: Record<string, Record<Name, 'ok' | 403 | 404>> = {
  'list namespaces': { analyst: 403, writer: 403, steward: 403, outsider: 403 },
  'list tables': { analyst: 'ok', writer: 403, steward: 'ok', outsider: 404 },
  'load table': { analyst: 'ok', writer: 'ok', steward: 'ok', outsider: 404 },
  'plan on the server': { analyst: 'ok', writer: 'ok', steward: 'ok', outsider: 404 },
  'plan and read': { analyst: 'ok', writer: 'ok', steward: 'ok', outsider: 404 },
  'append': { analyst: 403, writer: 'ok', steward: 403, outsider: 404 },
  'evolve properties': { analyst: 403, writer: 403, steward: 'ok', outsider: 404 },
  'evolve schema': { analyst: 403, writer: 403, steward: 'ok', outsider: 404 },
  'create table': { analyst: 403, writer: 403, steward: 'ok', outsider: 404 },
  'drop table': { analyst: 403, writer: 404, steward: 'ok', outsider: 404 },
  'manage grants': { analyst: 403, writer: 403, steward: 'ok', outsider: 403 },
  'load a hidden table': { analyst: 404, writer: 404, steward: 404, outsider: 404 },
};

/** The first refusal the session got since `from` (the client stops at it). */
function refusalSince(s: Session, from: number): { method: string; path: string; status: number } | undefined {
  return s.answers.slice(from).find((a) => a.status >= 400);
}

/** Runs an action as a principal and checks the outcome: done, or refused with `status` and nothing changed. */
async function check(who: Name, action: string, expected: 'ok' | 401 | 403 | 404): Promise<void> {
  const s = sessions.get(who)!;
  const from = s.answers.length;
  const before = expected === 'ok' ? undefined : await fingerprint();
  let error: unknown;
  try {
    await ACTIONS[action]!(s.wh, who, s);
  } catch (e) {
    error = e;
  }
  const refused = refusalSince(s, from);
  if (expected === 'ok') {
    expect(error, `${who} ${action}`).toBeUndefined();
    expect(refused, `${who} ${action}`).toBeUndefined();
    return;
  }
  expect(error, `${who} ${action} was not refused`).toBeDefined();
  expect(refused?.status, `${who} ${action}: ${String(error)}`).toBe(expected);
  const code = (error as { code?: string }).code;
  expect(code, `${who} ${action}`).toEqual(expected === 401 ? 'NOT_AUTHENTICATED' : expected === 403 ? 'NOT_AUTHORIZED' : expect.stringMatching(/^(TABLE|NAMESPACE)_NOT_FOUND$/));
  expect(await fingerprint(), `${who} ${action} changed something`).toEqual(before);
}

describe('principal × action on namespace- and table-level grants (S3)', () => {
  const cases = Object.entries(EXPECTED).flatMap(([action, byPrincipal]) => PRINCIPALS.map((who) => [action, who, byPrincipal[who]] as const));

  it.each(cases)('%s as %s: %s', async (action, who, expected) => {
    await check(who, action, expected);
  });

  it('what the allowed actions did is there', async () => {
    const events = await g.direct.loadTable('ml.events');
    expect((await events.scan().toArrow()).numRows).toBe(4);
    expect(events.properties()['evolved-by.steward']).toBe('yes');
    expect(events.schema().fields.map((f) => f.name)).toContain('note_steward');
    const tables = await g.direct.listTables('ml');
    expect(tables).toContain('ml.created_steward');
    expect(tables).not.toContain('ml.scratch_steward');
    expect(tables).toContain('ml.scratch_analyst');
  });
});

describe('revocation mid-session: the token already held stops working at the next request', () => {
  it('the analyst loses READ on ml (then sees the table, but may not read it: 403), then LIST (hidden: 404)', async () => {
    const admin = (adminWh.catalog as RestCatalog).governance();
    await check('analyst', 'plan and read', 'ok');
    await admin.revoke(grantIds.get('analysts:READ')!);
    await check('analyst', 'plan and read', 403);
    await check('analyst', 'list tables', 'ok');
    await admin.revoke(grantIds.get('analysts:LIST')!);
    await check('analyst', 'list tables', 404);
    await check('analyst', 'load table', 404);
  });

  it('the writer loses WRITE on ml.events: its next append is refused (403), reads still work', async () => {
    await check('writer', 'append', 'ok');
    await (adminWh.catalog as RestCatalog).governance().revoke(grantIds.get('writers:WRITE')!);
    await check('writer', 'append', 403);
    await check('writer', 'load table', 'ok');
  });

  it('the steward is disabled: every request of its session is refused with 401', async () => {
    await check('steward', 'load table', 'ok');
    await (adminWh.catalog as RestCatalog).governance().updatePrincipal('steward', { disabled: true });
    await check('steward', 'load table', 401);
    await check('steward', 'list tables', 401);
  });

  it('the sessions kept their first token throughout: no restart, no new token but the refused renewal', () => {
    for (const who of ['analyst', 'writer'] as const) {
      expect(sessions.get(who)!.answers.filter((a) => a.path === '/v1/oauth/tokens').map((a) => a.status), who).toEqual([200]);
    }
    // The disabled steward's client asked once per request for a new token, and was refused.
    expect(sessions.get('steward')!.answers.filter((a) => a.path === '/v1/oauth/tokens').map((a) => a.status)).toEqual([200, 401, 401]);
  });
});
