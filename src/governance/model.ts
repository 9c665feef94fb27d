/**
 * The governance model (spec/governance.md): principals (users and service accounts) with
 * hashed secrets, roles, and grants of privileges on the catalog, a namespace or a table; a grant
 * on a namespace covers its nested namespaces and their tables. A grant may carry a column mask
 * and a row filter. Pure data with zod schemas: the state is stored as JSON in the warehouse.
 *
 * @module
 */
import { z } from 'zod';

/** What a principal may do (spec/governance.md §G3). */
export const PRIVILEGES = ['LIST', 'READ', 'WRITE', 'EVOLVE', 'CREATE', 'DROP', 'MANAGE_GRANTS'] as const;

/** One privilege. */
export type Privilege = (typeof PRIVILEGES)[number];

/** The catalog, a namespace or a table. */
export type Securable =
  | { readonly kind: 'catalog' }
  | { readonly kind: 'namespace'; readonly namespace: readonly string[] }
  | { readonly kind: 'table'; readonly namespace: readonly string[]; readonly table: string };

/** Columns a grant hides: dropped from what is read, or read as nulls. */
export interface ColumnMask {
  /** Columns left out entirely. */
  readonly drop?: readonly string[];
  /** Columns read as nulls. */
  readonly nullify?: readonly string[];
}

/** A privilege granted to a role on an object. */
export interface Grant {
  /** Its id (a uuid), for revoking it. */
  readonly id: string;
  /** The role it is granted to. */
  readonly role: string;
  /** The privilege. */
  readonly privilege: Privilege;
  /** The object (and what lies beneath it). */
  readonly on: Securable;
  /** With `READ`: columns hidden from the role. */
  readonly columnMask?: ColumnMask;
  /** With `READ`: the rows the role sees (Floe's filter syntax). */
  readonly rowFilter?: string;
  /** The principal who granted it. */
  readonly grantedBy: string;
  /** When, ms since the epoch. */
  readonly grantedAtMs: number;
}

/** A user or service account. */
export interface Principal {
  /** Its id (a uuid); tokens name it. */
  readonly id: string;
  /** A unique name (`alice`, `feature-job`). */
  readonly name: string;
  /** Who it is. */
  readonly type: 'user' | 'service';
  /** The OAuth2 client id it authenticates with. */
  readonly clientId: string;
  /** Its client secret, hashed (secrets.ts); the secret itself is never stored. */
  readonly secretHash: string;
  /** Roles it has. */
  readonly roles: readonly string[];
  /** Tokens issued before this instant are refused (set on revocation and secret rotation). */
  readonly tokensValidAfterMs: number;
  /** A disabled principal cannot authenticate. */
  readonly disabled: boolean;
  /** When it was created. */
  readonly createdAtMs: number;
  /** Who created it. */
  readonly createdBy: string;
}

/** The whole governance state of a warehouse, one version of it. */
export interface GovernanceState {
  /** Increases by one with every change. */
  readonly version: number;
  /** Principals by id. */
  readonly principals: Readonly<Record<string, Principal>>;
  /** Every grant. */
  readonly grants: readonly Grant[];
  /** Keys that sign tokens (the newest signs; all verify), base64url. */
  readonly signingKeys: readonly { readonly kid: string; readonly secret: string; readonly createdAtMs: number }[];
  /** Whether requests without a token act as the `anonymous` role. */
  readonly allowAnonymous: boolean;
}

/** The role every request without a token acts as, when anonymous access is on. */
export const ANONYMOUS_ROLE = 'anonymous';

/** The role the first principal (the admin) gets: every privilege on the catalog. */
export const ADMIN_ROLE = 'admin';

const NAME = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/, 'letters, digits, _ . @ -, at most 128');

/** zod schema of a securable (as stored and as the management API takes it). */
export const SecurableSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('catalog') }),
  z.strictObject({ kind: z.literal('namespace'), namespace: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ kind: z.literal('table'), namespace: z.array(z.string().min(1)).min(1), table: z.string().min(1) }),
]);

/** zod schema of a column mask. */
export const ColumnMaskSchema = z.strictObject({
  drop: z.array(z.string().min(1)).optional(),
  nullify: z.array(z.string().min(1)).optional(),
});

const GrantSchema = z.strictObject({
  id: z.string(),
  role: NAME,
  privilege: z.enum(PRIVILEGES),
  on: SecurableSchema,
  columnMask: ColumnMaskSchema.optional(),
  rowFilter: z.string().min(1).optional(),
  grantedBy: z.string(),
  grantedAtMs: z.number(),
});

const PrincipalSchema = z.strictObject({
  id: z.string(),
  name: NAME,
  type: z.enum(['user', 'service']),
  clientId: z.string().min(1),
  secretHash: z.string().min(1),
  roles: z.array(NAME),
  tokensValidAfterMs: z.number(),
  disabled: z.boolean(),
  createdAtMs: z.number(),
  createdBy: z.string(),
});

/** zod schema of the stored state. */
export const GovernanceStateSchema = z.strictObject({
  version: z.number().int().nonnegative(),
  principals: z.record(z.string(), PrincipalSchema),
  grants: z.array(GrantSchema),
  signingKeys: z.array(z.strictObject({ kid: z.string(), secret: z.string().min(43), createdAtMs: z.number() })),
  allowAnonymous: z.boolean(),
});

/** zod schema of a role or principal name. */
export const NameSchema = NAME;

/** The empty state of a warehouse nobody has governed yet. */
export function emptyGovernanceState(): GovernanceState {
  return { version: 0, principals: {}, grants: [], signingKeys: [], allowAnonymous: false };
}

/** A securable as text: `catalog`, `namespace ml`, `table ml.events`. */
export function securableToString(s: Securable): string {
  return s.kind === 'catalog' ? 'catalog' : s.kind === 'namespace' ? `namespace ${s.namespace.join('.')}` : `table ${[...s.namespace, s.table].join('.')}`;
}
