/**
 * `floe principals`: who may connect to a served warehouse (spec/governance.md §G1) — list them,
 * create one (its secret printed this once), or change one (roles, disable/enable, revoke its
 * tokens, rotate its secret: the new one printed this once). Through the server's management
 * API, so it needs `--warehouse http://…` and a credential with MANAGE_GRANTS on the catalog.
 *
 * @module
 */
import { Command } from 'commander';
import { z } from 'zod';
import { type CredentialJson, type GovernanceClient, InvalidArgumentError, type PrincipalJson, RestCatalog } from '../../index.js';
import { formatTable } from '../format-table.js';
import { type CliContext, contextOf } from '../context.js';
import { collect, isoTime } from './common.js';

/**
 * The governance client of the served warehouse `--warehouse` names.
 * @param ctx the run's context
 * @param command the command, for the message
 * @throws InvalidArgumentError when the warehouse is not a REST catalog URL
 */
export async function governanceClient(ctx: CliContext, command: string): Promise<GovernanceClient> {
  const refuse = (): never => {
    throw new InvalidArgumentError(`floe ${command} manages access to a served warehouse: give the server's URL with --warehouse http://…, not ${ctx.warehouseUri}`, {
      context: { warehouse: ctx.warehouseUri },
      help: 'serve the warehouse with `floe serve`, then run floe --warehouse http://HOST:PORT with FLOE_CATALOG_CREDENTIAL=ID:SECRET',
    });
  };
  if (!/^https?:\/\//i.test(ctx.warehouseUri)) return refuse();
  const wh = await ctx.warehouse();
  return wh.catalog instanceof RestCatalog ? wh.catalog.governance() : refuse();
}

/** A credential for people: shown once, with how to use it. */
export function credentialText(credential: CredentialJson, warehouse: string): string {
  return [
    `client id:     ${credential.clientId}`,
    `client secret: ${credential.clientSecret}   (shown once: it is stored only hashed; keep it)`,
    `connect with:  FLOE_CATALOG_CREDENTIAL='${credential.clientId}:${credential.clientSecret}' floe --warehouse ${warehouse} …`,
  ].join('\n');
}

const ActionSchema = z.enum(['list', 'create', 'update']);
const TypeSchema = z.enum(['user', 'service']);

interface PrincipalsOptions {
  readonly type?: string;
  readonly role?: string[];
  readonly addRole?: string[];
  readonly removeRole?: string[];
  readonly disable?: boolean;
  readonly enable?: boolean;
  readonly revokeTokens?: boolean;
  readonly rotateSecret?: boolean;
}

// Which options each action takes, as the flags spell them.
const OPTIONS_OF: Readonly<Record<z.infer<typeof ActionSchema>, readonly (keyof PrincipalsOptions)[]>> = {
  list: [],
  create: ['type', 'role'],
  update: ['addRole', 'removeRole', 'disable', 'enable', 'revokeTokens', 'rotateSecret'],
};

function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function rolesText(p: PrincipalJson): string {
  return p.roles.length > 0 ? p.roles.join(', ') : '(none)';
}

async function list(ctx: CliContext, client: GovernanceClient): Promise<void> {
  const principals = await client.listPrincipals();
  await ctx.print(principals, () =>
    formatTable(
      ['name', 'type', 'roles', 'status', 'client_id', 'created', 'created_by'],
      principals.map((p) => [p.name, p.type, rolesText(p), p.disabled ? 'disabled' : 'enabled', p.clientId, isoTime(p.createdAtMs), p.createdBy]),
    ),
  );
}

/** `floe principals`. */
export function principalsCommand(): Command {
  return new Command('principals')
    .description('list, create or change the principals (users, service accounts) of a served warehouse')
    .argument('[action]', 'list (default), create or update')
    .argument('[name]', 'the principal, for create and update')
    .option('--type <type>', 'create: user or service (default user)')
    .option('--role <role>', 'create: a role it has (repeatable)', collect)
    .option('--add-role <role>', 'update: give it a role (repeatable)', collect)
    .option('--remove-role <role>', 'update: take a role away (repeatable)', collect)
    .option('--disable', 'update: it can no longer authenticate; its tokens stop working at once')
    .option('--enable', 'update: undo --disable')
    .option('--revoke-tokens', 'update: void every token issued to it until now')
    .option('--rotate-secret', 'update: a new secret (printed once); the old one and its tokens stop working')
    .addHelpText(
      'after',
      `
Works against a served warehouse: --warehouse http://HOST:PORT, with FLOE_CATALOG_CREDENTIAL=ID:SECRET
of a principal holding MANAGE_GRANTS on the catalog (the admin that floe serve created).
A secret is printed only when it is created (create, update --rotate-secret): it is stored hashed.

Examples:
  floe principals
  floe principals create analyst --role analysts
  floe principals create feature-job --type service --role features
  floe principals update analyst --add-role readers --revoke-tokens
  floe principals update analyst --rotate-secret`,
    )
    .action(async (actionText: string | undefined, name: string | undefined, opts: PrincipalsOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const parsedAction = ActionSchema.safeParse(actionText ?? 'list');
      if (!parsedAction.success) throw new InvalidArgumentError(`unknown principals action ${JSON.stringify(actionText)}`, { help: 'use list, create NAME or update NAME' });
      const action = parsedAction.data;
      const misplaced = (Object.keys(opts) as (keyof PrincipalsOptions)[]).filter((k) => opts[k] !== undefined && !OPTIONS_OF[action].includes(k));
      if (misplaced.length > 0) throw new InvalidArgumentError(`${misplaced.map(flagOf).join(', ')} ${misplaced.length === 1 ? 'does' : 'do'} not go with principals ${action}`, { help: 'see floe principals --help' });
      if (action === 'list') {
        if (name !== undefined) throw new InvalidArgumentError(`principals list takes no name (got ${JSON.stringify(name)})`);
        return list(ctx, await governanceClient(ctx, 'principals'));
      }
      if (name === undefined) throw new InvalidArgumentError(`principals ${action} needs the principal's NAME`, { help: `floe principals ${action} NAME …` });
      if (action === 'create') {
        const type = opts.type === undefined ? undefined : TypeSchema.safeParse(opts.type);
        if (type && !type.success) throw new InvalidArgumentError(`--type must be user or service, not ${JSON.stringify(opts.type)}`);
        const client = await governanceClient(ctx, 'principals');
        const made = await client.createPrincipal({ name, ...(type ? { type: type.data } : {}), ...(opts.role ? { roles: opts.role } : {}) });
        await ctx.print(made, () => `created ${made.principal.type} principal ${made.principal.name} (roles: ${rolesText(made.principal)})\n${credentialText(made.credential, ctx.warehouseUri)}\n`);
        return;
      }
      if (opts.disable && opts.enable) throw new InvalidArgumentError('--disable and --enable contradict each other: give one');
      const change = {
        ...(opts.addRole ? { addRoles: opts.addRole } : {}),
        ...(opts.removeRole ? { removeRoles: opts.removeRole } : {}),
        ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: false } : {}),
        ...(opts.revokeTokens ? { revokeTokens: true } : {}),
        ...(opts.rotateSecret ? { rotateSecret: true } : {}),
      };
      if (Object.keys(change).length === 0) {
        throw new InvalidArgumentError(`principals update ${name} changes nothing`, { help: 'give --add-role, --remove-role, --disable, --enable, --revoke-tokens or --rotate-secret' });
      }
      const client = await governanceClient(ctx, 'principals');
      const changed = await client.updatePrincipal(name, change);
      const p = changed.principal;
      await ctx.print(changed, () =>
        [
          `changed principal ${p.name}: roles ${rolesText(p)}; ${p.disabled ? 'disabled' : 'enabled'}${opts.revokeTokens ? '; its tokens were revoked' : ''}`,
          changed.credential ? `its secret was rotated (old tokens no longer work):\n${credentialText(changed.credential, ctx.warehouseUri)}` : '',
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
    });
}
