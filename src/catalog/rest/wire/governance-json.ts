/**
 * The wire forms of Floe's governance management API (`/floe/v1/…`, spec/governance.md §G4):
 * principals, grants, the change history and anonymous access. These routes are a Floe
 * extension, not part of the Iceberg REST OpenAPI document, so their shapes are declared here,
 * once, for the server (which validates requests with them) and the client (which validates
 * answers with them). Names are camelCase, as Polaris's management API spells them.
 *
 * @module
 */
import { z } from 'zod';

/** The path every management route starts with. */
export const MANAGEMENT_PATH = '/floe/v1';

/** The privileges a grant may name (the governance model's list; the server checks they agree). */
export const PRIVILEGE_NAMES = ['LIST', 'READ', 'WRITE', 'EVOLVE', 'CREATE', 'DROP', 'MANAGE_GRANTS'] as const;

/** One privilege, as the wire names it. */
export type PrivilegeName = (typeof PRIVILEGE_NAMES)[number];

const text = z.string().min(1, 'must not be empty');
const nameList = z.array(text);

/** zod schema of the object a grant is on: the catalog, a namespace (its parts) or a table. */
export const SecurableJsonSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('catalog') }),
  z.strictObject({ kind: z.literal('namespace'), namespace: nameList.min(1, 'must name at least one part') }),
  z.strictObject({ kind: z.literal('table'), namespace: nameList.min(1, 'must name at least one part'), table: text }),
]);

/** The object a grant is on. */
export type SecurableJson = z.infer<typeof SecurableJsonSchema>;

/** zod schema of a column mask: columns dropped, columns read as nulls. */
export const ColumnMaskJsonSchema = z.strictObject({ drop: nameList.optional(), nullify: nameList.optional() });

/** A column mask. */
export type ColumnMaskJson = z.infer<typeof ColumnMaskJsonSchema>;

/** zod schema of `POST /floe/v1/principals`. */
export const CreatePrincipalRequestSchema = z.strictObject({
  name: z.string(),
  type: z.enum(['user', 'service']).optional(),
  roles: z.array(z.string()).optional(),
});

/** A request to create a principal. */
export type CreatePrincipalRequest = z.infer<typeof CreatePrincipalRequestSchema>;

/** zod schema of `POST /floe/v1/principals/{name}`. */
export const UpdatePrincipalRequestSchema = z.strictObject({
  addRoles: z.array(z.string()).optional(),
  removeRoles: z.array(z.string()).optional(),
  disabled: z.boolean().optional(),
  revokeTokens: z.boolean().optional(),
  rotateSecret: z.boolean().optional(),
});

/** A request to change a principal. */
export type UpdatePrincipalRequest = z.infer<typeof UpdatePrincipalRequestSchema>;

/** zod schema of `POST /floe/v1/grants`. */
export const GrantRequestSchema = z.strictObject({
  role: z.string(),
  privilege: z.enum(PRIVILEGE_NAMES),
  on: SecurableJsonSchema,
  columnMask: ColumnMaskJsonSchema.optional(),
  rowFilter: z.string().optional(),
});

/** A request to grant a privilege to a role. */
export type GrantRequestJson = z.infer<typeof GrantRequestSchema>;

/** zod schema of `POST /floe/v1/anonymous`. */
export const AnonymousRequestSchema = z.strictObject({ allow: z.boolean() });

/** zod schema of a principal as the API shows it: never its secret or the secret's hash. */
export const PrincipalJsonSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['user', 'service']),
  clientId: z.string(),
  roles: z.array(z.string()),
  disabled: z.boolean(),
  createdAtMs: z.number(),
  createdBy: z.string(),
});

/** A principal as the API shows it. */
export type PrincipalJson = z.infer<typeof PrincipalJsonSchema>;

/** zod schema of a credential (only in the answer that created or rotated it). */
export const CredentialJsonSchema = z.object({ clientId: z.string(), clientSecret: z.string() });

/** A client id and secret. */
export type CredentialJson = z.infer<typeof CredentialJsonSchema>;

/** zod schema of the answer to creating or changing a principal. */
export const PrincipalResponseSchema = z.object({ principal: PrincipalJsonSchema, credential: CredentialJsonSchema.optional() });

/** zod schema of `GET /floe/v1/principals`. */
export const ListPrincipalsResponseSchema = z.object({ principals: z.array(PrincipalJsonSchema) });

/** zod schema of a grant as the API shows it. */
export const GrantJsonSchema = z.object({
  id: z.string(),
  role: z.string(),
  privilege: z.enum(PRIVILEGE_NAMES),
  on: SecurableJsonSchema,
  columnMask: ColumnMaskJsonSchema.optional(),
  rowFilter: z.string().optional(),
  grantedBy: z.string(),
  grantedAtMs: z.number(),
});

/** A grant as the API shows it. */
export type GrantJson = z.infer<typeof GrantJsonSchema>;

/** zod schema of the answer to granting or revoking. */
export const GrantResponseSchema = z.object({ grant: GrantJsonSchema });

/** zod schema of `GET /floe/v1/grants`. */
export const ListGrantsResponseSchema = z.object({ grants: z.array(GrantJsonSchema) });

/** zod schema of one recorded change to the governance state. */
export const GovernanceChangeJsonSchema = z.object({ version: z.number(), atMs: z.number(), by: z.string(), what: z.string() });

/** One recorded change: its version, when, by whom, what (never a secret). */
export type GovernanceChangeJson = z.infer<typeof GovernanceChangeJsonSchema>;

/** zod schema of `GET /floe/v1/history`. */
export const HistoryResponseSchema = z.object({ changes: z.array(GovernanceChangeJsonSchema) });

/** zod schema of `GET` and `POST /floe/v1/anonymous`. */
export const AnonymousResponseSchema = z.object({ allow: z.boolean() });

/** A zod failure as one line naming each field at fault (`on.namespace: must not be empty`). */
export function zodIssuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`).join('; ');
}
