/**
 * The governance of one warehouse as a server uses it: bootstrap (the first admin principal and
 * the signing key), authentication (client credentials → token; token → principal), the
 * decision for a request, and the changes to principals and grants, each refused unless the
 * caller holds `MANAGE_GRANTS` where it acts. The state is re-read for every request, so a grant
 * or a revocation takes effect at once, on every server of the warehouse (spec/governance.md).
 *
 * @module
 */
import { InvalidArgumentError, NotAuthenticatedError, NotAuthorizedError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import { type Clock, newUuid, systemClock } from '../util/index.js';
import { type Decision, type DecisionOptions, type Subject, authorize } from './authorize.js';
import { ADMIN_ROLE, type ColumnMask, type GovernanceState, type Grant, type Principal, type Privilege, type Securable, securableToString } from './model.js';
import { hashSecret, newClientId, newSecret, verifySecret } from './secrets.js';
import { GovernanceStore } from './state-store.js';
import { type IssuedToken, issueToken, newSigningKey, verifyToken } from './tokens.js';
import { VerificationGate } from './verification-gate.js';

/** A principal's credential, shown once. */
export interface Credential {
  /** The OAuth2 client id. */
  readonly clientId: string;
  /** The client secret (stored only hashed). */
  readonly clientSecret: string;
}

/** What a principal looks like outside the server: never its hash. */
export interface PrincipalInfo {
  readonly id: string;
  readonly name: string;
  readonly type: 'user' | 'service';
  readonly clientId: string;
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly createdAtMs: number;
  readonly createdBy: string;
}

/** A principal as shown outside the server. */
export function principalInfo(p: Principal): PrincipalInfo {
  return { id: p.id, name: p.name, type: p.type, clientId: p.clientId, roles: [...p.roles], disabled: p.disabled, createdAtMs: p.createdAtMs, createdBy: p.createdBy };
}

/** Options of {@link Governance}. */
export interface GovernanceOptions {
  /** Who tokens are for: the warehouse (tokens of another warehouse are refused). */
  readonly audience: string;
  /** Time source. */
  readonly clock?: Clock;
  /** Token lifetime, seconds. */
  readonly tokenTtlSeconds?: number;
  /** Bounds concurrent secret verifications (default: a new gate with its default limits). */
  readonly verifications?: VerificationGate;
}

/** A grant as asked for. */
export interface GrantRequest {
  readonly role: string;
  readonly privilege: Privilege;
  readonly on: Securable;
  readonly columnMask?: ColumnMask;
  readonly rowFilter?: string;
}

const CATALOG: Securable = { kind: 'catalog' };

/** Whether some enabled principal can manage the catalog (hold `MANAGE_GRANTS` on it). */
function hasCatalogManager(state: GovernanceState): boolean {
  return Object.values(state.principals).some((p) => !p.disabled && authorize(state, { principal: p }, 'MANAGE_GRANTS', CATALOG).allowed);
}

/**
 * Refuses a change that would leave nobody able to manage the catalog (disabling the last admin,
 * revoking the last catalog-wide `MANAGE_GRANTS`): it could only be undone by editing the state
 * file by hand. Checked inside the compare-and-swap, on the state the change applies to, so two
 * concurrent changes that are each safe alone cannot together lock everyone out.
 */
function refuseLockout(before: GovernanceState, after: GovernanceState, what: string): void {
  if (hasCatalogManager(before) && !hasCatalogManager(after)) {
    throw new InvalidArgumentError(`${what} would leave no enabled principal holding MANAGE_GRANTS on the catalog`, {
      help: "grant MANAGE_GRANTS on the catalog to another principal's role first",
    });
  }
}

/** Governance over one warehouse. */
export class Governance {
  private readonly store: GovernanceStore;
  private readonly clock: Clock;
  private readonly verifications: VerificationGate;

  /**
   * @param root the warehouse root store (the state lives under `_floe/governance/`)
   * @param options audience, clock, token lifetime
   */
  constructor(root: ObjectStore, private readonly options: GovernanceOptions) {
    this.store = new GovernanceStore(root);
    this.clock = options.clock ?? systemClock;
    this.verifications = options.verifications ?? new VerificationGate();
  }

  /** The current state (re-read each call: changes take effect at once). */
  state(): Promise<GovernanceState> {
    return this.store.read();
  }

  /** Every recorded change, oldest first. */
  history(): ReturnType<GovernanceStore['history']> {
    return this.store.history();
  }

  /**
   * Makes sure the warehouse has a signing key and at least one principal: the first is an admin
   * (role `admin`, every privilege on the catalog), with the given credential or a new one.
   * Returns the admin's credential when it was created now (to be shown once), else undefined.
   */
  async bootstrap(admin: Partial<Credential> = {}): Promise<{ readonly name: string; readonly credential: Credential } | undefined> {
    const clientId = admin.clientId ?? newClientId();
    const clientSecret = admin.clientSecret ?? newSecret();
    const secretHash = await hashSecret(clientSecret);
    const now = this.clock.nowMs();
    const created = await this.store.update(
      (s) => {
        const signingKeys = s.signingKeys.length > 0 ? s.signingKeys : [newSigningKey(now)];
        if (Object.keys(s.principals).length > 0) return { state: { ...s, signingKeys }, result: false };
        const id = newUuid();
        const principal: Principal = { id, name: 'admin', type: 'user', clientId, secretHash, roles: [ADMIN_ROLE], tokensValidAfterMs: 0, disabled: false, createdAtMs: now, createdBy: 'bootstrap' };
        const grants: Grant[] = (['LIST', 'READ', 'WRITE', 'EVOLVE', 'CREATE', 'DROP', 'MANAGE_GRANTS'] as const).map((privilege) => ({
          id: newUuid(),
          role: ADMIN_ROLE,
          privilege,
          on: { kind: 'catalog' },
          grantedBy: 'bootstrap',
          grantedAtMs: now,
        }));
        return { state: { ...s, signingKeys, principals: { [id]: principal }, grants: [...s.grants, ...grants] }, result: true };
      },
      (made) => ({ by: 'bootstrap', what: made ? 'created principal admin with role admin (every privilege on the catalog)' : 'ensured a signing key' }),
    );
    return created ? { name: 'admin', credential: { clientId, clientSecret } } : undefined;
  }

  /**
   * The OAuth2 client-credentials grant: a token for the principal with this id and secret.
   * @throws NotAuthenticatedError for an unknown client, a wrong secret or a disabled principal (one message for all)
   * @throws OverloadedError when the bound on concurrent secret verifications is reached
   */
  async tokenForClient(clientId: string, clientSecret: string): Promise<IssuedToken & { principal: Principal }> {
    const state = await this.store.read();
    const principal = Object.values(state.principals).find((p) => p.clientId === clientId);
    // The same answer for every failure, after the same work, so that client ids cannot be probed;
    // bounded, since anyone may ask (verification-gate.ts).
    const ok = await this.verifications.run(async () => (principal ? verifySecret(clientSecret, principal.secretHash) : (await verifySecret(clientSecret, DUMMY_HASH), false)));
    if (!principal || !ok || principal.disabled) throw new NotAuthenticatedError('invalid client credentials');
    return { ...(await issueToken(state, principal, this.tokenOptions())), principal };
  }

  /** The token-exchange grant used to refresh: a new token for the principal of a valid one. */
  async refresh(token: string): Promise<IssuedToken & { principal: Principal }> {
    const state = await this.store.read();
    const principal = await verifyToken(state, token, { audience: this.options.audience, nowMs: this.clock.nowMs() });
    return { ...(await issueToken(state, principal, this.tokenOptions())), principal };
  }

  private tokenOptions(): { audience: string; nowMs: number; ttlSeconds?: number } {
    return { audience: this.options.audience, nowMs: this.clock.nowMs(), ...(this.options.tokenTtlSeconds !== undefined ? { ttlSeconds: this.options.tokenTtlSeconds } : {}) };
  }

  /**
   * Who a request is, from its `Authorization` header.
   * @throws NotAuthenticatedError without a valid bearer token (unless anonymous access is on)
   */
  async authenticate(state: GovernanceState, authorization: string | undefined): Promise<Subject> {
    if (authorization === undefined || authorization === '') {
      if (state.allowAnonymous) return { anonymous: true };
      throw new NotAuthenticatedError('this catalog needs a bearer token', { help: 'get one from POST /v1/oauth/tokens with your client id and secret' });
    }
    const m = /^Bearer\s+([A-Za-z0-9_.-]+)$/i.exec(authorization.trim());
    if (!m) throw new NotAuthenticatedError('the Authorization header is not a bearer token');
    return { principal: await verifyToken(state, m[1]!, { audience: this.options.audience, nowMs: this.clock.nowMs() }) };
  }

  /** The decision for one privilege on one object (refused to a masked reader when it hands out raw files). */
  decide(state: GovernanceState, subject: Subject, privilege: Privilege, on: Securable, options: DecisionOptions = {}): Decision {
    return authorize(state, subject, privilege, on, options);
  }

  private requireManage(state: GovernanceState, subject: Subject, on: Securable): string {
    const d = authorize(state, subject, 'MANAGE_GRANTS', on);
    if (!d.allowed) throw new NotAuthorizedError(d.reason, { context: { privilege: 'MANAGE_GRANTS', object: securableToString(on) } });
    return 'principal' in subject ? subject.principal.name : 'anonymous';
  }

  /**
   * Creates a principal; returns its credential (shown once).
   * @throws NotAuthorizedError without MANAGE_GRANTS on the catalog; InvalidArgumentError for a taken name
   */
  async createPrincipal(caller: Subject, request: { readonly name: string; readonly type: 'user' | 'service'; readonly roles: readonly string[] }): Promise<{ principal: PrincipalInfo; credential: Credential }> {
    const credential = { clientId: newClientId(), clientSecret: newSecret() };
    const secretHash = await hashSecret(credential.clientSecret);
    const now = this.clock.nowMs();
    const principal = await this.store.update(
      (s) => {
        const by = this.requireManage(s, caller, CATALOG);
        if (Object.values(s.principals).some((p) => p.name === request.name)) throw new InvalidArgumentError(`a principal named ${request.name} exists already`, { context: { principal: request.name } });
        const p: Principal = { id: newUuid(), name: request.name, type: request.type, clientId: credential.clientId, secretHash, roles: [...new Set(request.roles)], tokensValidAfterMs: 0, disabled: false, createdAtMs: now, createdBy: by };
        return { state: { ...s, principals: { ...s.principals, [p.id]: p } }, result: p };
      },
      (p) => ({ by: p.createdBy, what: `created ${p.type} principal ${p.name} with roles ${p.roles.join(', ') || '(none)'}` }),
    );
    return { principal: principalInfo(principal), credential };
  }

  /**
   * Changes a principal: roles, disabled, revoking its tokens, or a new secret (returned once).
   * @throws NotAuthorizedError without MANAGE_GRANTS on the catalog; InvalidArgumentError for an unknown principal, or when it would leave nobody able to manage the catalog
   */
  async updatePrincipal(
    caller: Subject,
    name: string,
    change: { readonly addRoles?: readonly string[]; readonly removeRoles?: readonly string[]; readonly disabled?: boolean; readonly revokeTokens?: boolean; readonly rotateSecret?: boolean },
  ): Promise<{ principal: PrincipalInfo; credential?: Credential }> {
    const rotated = change.rotateSecret ? newSecret() : undefined;
    const secretHash = rotated ? await hashSecret(rotated) : undefined;
    const now = this.clock.nowMs();
    const { p, by } = await this.store.update(
      (s) => {
        const by = this.requireManage(s, caller, CATALOG);
        const old = Object.values(s.principals).find((x) => x.name === name);
        if (!old) throw new InvalidArgumentError(`no principal named ${name}`, { context: { principal: name } });
        const roles = [...new Set([...old.roles.filter((r) => !(change.removeRoles ?? []).includes(r)), ...(change.addRoles ?? [])])];
        const p: Principal = {
          ...old,
          roles,
          ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
          ...(secretHash ? { secretHash } : {}),
          // Revoking, rotating or disabling voids every token issued until now.
          ...(change.revokeTokens || rotated || change.disabled ? { tokensValidAfterMs: now + 1 } : {}),
        };
        const next = { ...s, principals: { ...s.principals, [p.id]: p } };
        refuseLockout(s, next, `changing principal ${name}`);
        return { state: next, result: { p, by } };
      },
      ({ p, by }) => ({
        by,
        what: `changed principal ${p.name}: ${[
          change.addRoles?.length ? `+roles ${change.addRoles.join(', ')}` : '',
          change.removeRoles?.length ? `-roles ${change.removeRoles.join(', ')}` : '',
          change.disabled !== undefined ? (change.disabled ? 'disabled' : 'enabled') : '',
          change.revokeTokens ? 'tokens revoked' : '',
          rotated ? 'secret rotated' : '',
        ]
          .filter(Boolean)
          .join('; ')}`,
      }),
    );
    void by;
    return { principal: principalInfo(p), ...(rotated ? { credential: { clientId: p.clientId, clientSecret: rotated } } : {}) };
  }

  /**
   * Grants a privilege to a role.
   * @throws NotAuthorizedError without MANAGE_GRANTS on the object
   */
  async grant(caller: Subject, request: GrantRequest): Promise<Grant> {
    const now = this.clock.nowMs();
    return this.store.update(
      (s) => {
        const by = this.requireManage(s, caller, request.on);
        const g: Grant = {
          id: newUuid(),
          role: request.role,
          privilege: request.privilege,
          on: request.on,
          ...(request.columnMask ? { columnMask: request.columnMask } : {}),
          ...(request.rowFilter ? { rowFilter: request.rowFilter } : {}),
          grantedBy: by,
          grantedAtMs: now,
        };
        return { state: { ...s, grants: [...s.grants, g] }, result: g };
      },
      (g) => ({ by: g.grantedBy, what: `granted ${g.privilege} on ${securableToString(g.on)} to role ${g.role}${g.columnMask ? ' with a column mask' : ''}${g.rowFilter ? ' with a row filter' : ''}` }),
    );
  }

  /**
   * Revokes a grant by id.
   * @throws NotAuthorizedError without MANAGE_GRANTS on its object; InvalidArgumentError for an unknown id, or when it would leave nobody able to manage the catalog
   */
  async revoke(caller: Subject, grantId: string): Promise<Grant> {
    let by = '';
    return this.store.update(
      (s) => {
        const g = s.grants.find((x) => x.id === grantId);
        if (!g) throw new InvalidArgumentError(`no grant with id ${grantId}`, { context: { grant: grantId } });
        by = this.requireManage(s, caller, g.on);
        const next = { ...s, grants: s.grants.filter((x) => x.id !== grantId) };
        refuseLockout(s, next, `revoking grant ${grantId}`);
        return { state: next, result: g };
      },
      (g) => ({ by, what: `revoked ${g.privilege} on ${securableToString(g.on)} from role ${g.role}` }),
    );
  }

  /** Turns anonymous access (the `anonymous` role) on or off. @throws NotAuthorizedError */
  async setAnonymous(caller: Subject, allow: boolean): Promise<void> {
    let by = '';
    await this.store.update(
      (s) => {
        by = this.requireManage(s, caller, { kind: 'catalog' });
        return { state: { ...s, allowAnonymous: allow }, result: undefined };
      },
      () => ({ by, what: allow ? 'allowed anonymous access (role anonymous)' : 'refused anonymous access' }),
    );
  }
}

// Verified against when a client id is unknown, so that unknown and wrong answer alike in time.
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
