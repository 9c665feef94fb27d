/**
 * Floe's client for the governance management API of a Floe REST catalog server (`/floe/v1/…`,
 * spec/governance.md §G4): principals, grants, the change history and anonymous access, one
 * method per route, over the catalog connection's {@link RestHttp} (so the same token, renewed the
 * same way). Answers are checked against the wire schemas before they are returned; a refusal is
 * the error the server's `Governance` raised: `NotAuthenticatedError` (401),
 * `NotAuthorizedError` (403), `InvalidArgumentError` (400, and 404/409 for an unknown or taken
 * principal or grant).
 *
 * @module
 */
import type { z } from 'zod';
import { InvalidArgumentError, InternalError } from '../../../errors.js';
import type { JsonValue } from '../../../util/index.js';
import {
  AnonymousResponseSchema,
  type ColumnMaskJson,
  type CredentialJson,
  type GovernanceChangeJson,
  type GrantJson,
  GrantResponseSchema,
  HistoryResponseSchema,
  ListGrantsResponseSchema,
  ListPrincipalsResponseSchema,
  MANAGEMENT_PATH,
  type PrincipalJson,
  PrincipalResponseSchema,
  type PrivilegeName,
  type SecurableJson,
  zodIssuesText,
} from '../wire/index.js';
import { type RestCall, type RestHttp, segment } from './http.js';

/** A principal to create. */
export interface NewPrincipal {
  /** A unique name (letters, digits, `_ . @ -`). */
  readonly name: string;
  /** A person or a job (default `user`). */
  readonly type?: 'user' | 'service';
  /** Roles it has from the start. */
  readonly roles?: readonly string[];
}

/** A change to a principal (at least one field). */
export interface PrincipalChange {
  /** Roles to give it. */
  readonly addRoles?: readonly string[];
  /** Roles to take away. */
  readonly removeRoles?: readonly string[];
  /** true disables it (its tokens stop working at once), false enables it. */
  readonly disabled?: boolean;
  /** Voids every token issued to it until now. */
  readonly revokeTokens?: boolean;
  /** Gives it a new secret (returned once); the old one and its tokens stop working. */
  readonly rotateSecret?: boolean;
}

/** A privilege to grant to a role. */
export interface NewGrant {
  /** The role it is granted to. */
  readonly role: string;
  /** The privilege. */
  readonly privilege: PrivilegeName;
  /** The catalog, a namespace (and what is in it) or a table. */
  readonly on: SecurableJson;
  /** With READ: columns dropped or read as nulls. */
  readonly columnMask?: ColumnMaskJson;
  /** With READ: the rows visible (Floe's filter syntax). */
  readonly rowFilter?: string;
}

/** The governance of a Floe REST catalog, managed remotely. */
export class GovernanceClient {
  /** @param http the catalog connection */
  constructor(private readonly http: RestHttp) {}

  private async call<T>(schema: z.ZodType<T>, call: Omit<RestCall, 'subject' | 'accept'>): Promise<T> {
    const what = `${call.method} ${call.path}`;
    // 404 and 409 name a principal or grant, not a table or namespace: they are read here rather
    // than as a catalog's errors.
    const r = await this.http.send({ ...call, accept: [404, 409], subject: {} });
    if (r.status === 404 || r.status === 409) {
      const error = (r.body as { error?: { message?: unknown } } | undefined)?.error;
      throw new InvalidArgumentError(typeof error?.message === 'string' ? error.message : `${what}: HTTP ${r.status}`, { context: { request: what, status: r.status } });
    }
    const parsed = schema.safeParse(r.body);
    if (!parsed.success) throw new InternalError(`the catalog's answer to ${what} is not what the management API returns: ${zodIssuesText(parsed.error)}`, { context: { request: what } });
    return parsed.data;
  }

  /** Every principal, by name (never a secret). @throws NotAuthorizedError without MANAGE_GRANTS on the catalog */
  async listPrincipals(): Promise<PrincipalJson[]> {
    return (await this.call(ListPrincipalsResponseSchema, { method: 'GET', path: `${MANAGEMENT_PATH}/principals` })).principals;
  }

  /**
   * Creates a principal; its credential is in the answer and nowhere else, ever.
   * @throws InvalidArgumentError for a bad or taken name; NotAuthorizedError without MANAGE_GRANTS on the catalog
   */
  async createPrincipal(principal: NewPrincipal): Promise<{ principal: PrincipalJson; credential: CredentialJson }> {
    const body: JsonValue = { name: principal.name, ...(principal.type ? { type: principal.type } : {}), ...(principal.roles ? { roles: [...principal.roles] } : {}) };
    const r = await this.call(PrincipalResponseSchema, { method: 'POST', path: `${MANAGEMENT_PATH}/principals`, body });
    if (!r.credential) throw new InternalError(`the catalog created principal ${principal.name} but returned no credential`);
    return { principal: r.principal, credential: r.credential };
  }

  /**
   * Changes a principal; with `rotateSecret`, the new credential is in the answer only.
   * @throws InvalidArgumentError for an unknown principal or an empty change; NotAuthorizedError
   */
  async updatePrincipal(name: string, change: PrincipalChange): Promise<{ principal: PrincipalJson; credential?: CredentialJson }> {
    const body: JsonValue = {
      ...(change.addRoles ? { addRoles: [...change.addRoles] } : {}),
      ...(change.removeRoles ? { removeRoles: [...change.removeRoles] } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      ...(change.revokeTokens ? { revokeTokens: true } : {}),
      ...(change.rotateSecret ? { rotateSecret: true } : {}),
    };
    const r = await this.call(PrincipalResponseSchema, { method: 'POST', path: `${MANAGEMENT_PATH}/principals/${segment(name)}`, body });
    return { principal: r.principal, ...(r.credential ? { credential: r.credential } : {}) };
  }

  /**
   * The grants the caller may manage, oldest first; with `role`, that role's; with `namespace`
   * (and `table`), those on it, above it or below it.
   * @throws NotAuthorizedError when the caller holds MANAGE_GRANTS nowhere
   */
  async listGrants(filter: { readonly role?: string; readonly namespace?: string; readonly table?: string } = {}): Promise<GrantJson[]> {
    const query = { role: filter.role, namespace: filter.namespace, table: filter.table };
    return (await this.call(ListGrantsResponseSchema, { method: 'GET', path: `${MANAGEMENT_PATH}/grants`, query })).grants;
  }

  /**
   * Grants a privilege to a role.
   * @throws InvalidArgumentError for a bad role, object, mask or row filter; NotAuthorizedError without MANAGE_GRANTS on the object
   */
  async grant(grant: NewGrant): Promise<GrantJson> {
    const body = { role: grant.role, privilege: grant.privilege, on: grant.on, ...(grant.columnMask ? { columnMask: grant.columnMask } : {}), ...(grant.rowFilter !== undefined ? { rowFilter: grant.rowFilter } : {}) };
    return (await this.call(GrantResponseSchema, { method: 'POST', path: `${MANAGEMENT_PATH}/grants`, body: body as unknown as JsonValue })).grant;
  }

  /** Revokes a grant by id; returns what was revoked. @throws InvalidArgumentError for an unknown id; NotAuthorizedError */
  async revoke(grantId: string): Promise<GrantJson> {
    return (await this.call(GrantResponseSchema, { method: 'DELETE', path: `${MANAGEMENT_PATH}/grants/${segment(grantId)}` })).grant;
  }

  /** Every change to principals and grants, oldest first. @throws NotAuthorizedError */
  async history(): Promise<GovernanceChangeJson[]> {
    return (await this.call(HistoryResponseSchema, { method: 'GET', path: `${MANAGEMENT_PATH}/history` })).changes;
  }

  /** Whether requests without a token are served (as the `anonymous` role). @throws NotAuthorizedError */
  async anonymousAccess(): Promise<boolean> {
    return (await this.call(AnonymousResponseSchema, { method: 'GET', path: `${MANAGEMENT_PATH}/anonymous` })).allow;
  }

  /** Turns anonymous access on or off. @throws NotAuthorizedError */
  async setAnonymousAccess(allow: boolean): Promise<void> {
    await this.call(AnonymousResponseSchema, { method: 'POST', path: `${MANAGEMENT_PATH}/anonymous`, body: { allow } });
  }
}
