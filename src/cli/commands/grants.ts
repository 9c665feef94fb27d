/**
 * `floe grant`, `floe revoke` and `floe grants`: what each role may do on the catalog, a
 * namespace or a table of a served warehouse (spec/governance.md §G3), through the server's
 * management API. A grant on a namespace covers everything in it; a READ grant may carry a column
 * mask (columns dropped or read as nulls) and a row filter (the rows the role sees).
 *
 * @module
 */
import { Command } from 'commander';
import { z } from 'zod';
import { type GrantJson, InvalidArgumentError, PRIVILEGE_NAMES, type PrivilegeName, type SecurableJson } from '../../index.js';
import { formatTable } from '../format-table.js';
import { contextOf } from '../context.js';
import { isoTime } from './common.js';
import { governanceClient } from './principals.js';

const PrivilegeSchema = z.enum(PRIVILEGE_NAMES);

const GRANT_USAGE = 'PRIVILEGE on catalog|namespace NS|table T to ROLE';

/** An object as people write it: `catalog`, `namespace ml`, `table ml.events`. */
function objectText(on: SecurableJson): string {
  return on.kind === 'catalog' ? 'catalog' : on.kind === 'namespace' ? `namespace ${on.namespace.join('.')}` : `table ${[...on.namespace, on.table].join('.')}`;
}

/** What a READ grant is limited to, for people. */
function limitsText(g: GrantJson): string {
  return [
    g.columnMask?.drop?.length ? `drops ${g.columnMask.drop.join(', ')}` : '',
    g.columnMask?.nullify?.length ? `nulls ${g.columnMask.nullify.join(', ')}` : '',
    g.rowFilter !== undefined ? `rows where ${g.rowFilter}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function grantText(g: GrantJson): string {
  const limits = limitsText(g);
  return `${g.privilege} on ${objectText(g.on)} to role ${g.role}${limits ? ` (${limits})` : ''}`;
}

/**
 * `PRIVILEGE on catalog|namespace NS|table T to ROLE`, read.
 * @throws InvalidArgumentError naming the word at fault
 */
function parseGrantWords(privilegeText: string, words: readonly string[]): { privilege: PrivilegeName; on: SecurableJson; role: string } {
  const privilege = PrivilegeSchema.safeParse(privilegeText.toUpperCase().replaceAll('-', '_'));
  if (!privilege.success) throw new InvalidArgumentError(`unknown privilege ${JSON.stringify(privilegeText)}`, { help: `use one of ${PRIVILEGE_NAMES.join(', ')}` });
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`floe grant ${[privilegeText, ...words].join(' ')}: ${why}`, { help: `floe grant ${GRANT_USAGE}` });
  };
  if (words[0] !== 'on') return bad('expected "on" after the privilege');
  const kind = words[1];
  let on: SecurableJson;
  let rest: readonly string[];
  if (kind === 'catalog') {
    on = { kind: 'catalog' };
    rest = words.slice(2);
  } else if (kind === 'namespace' || kind === 'table') {
    const name = words[2];
    if (name === undefined || name === 'to') return bad(`expected the ${kind}'s name after "${kind}"`);
    const parts = name.split('.');
    if (kind === 'table' && parts.length < 2) return bad(`a table is named namespace.table, not ${JSON.stringify(name)}`);
    on = kind === 'namespace' ? { kind, namespace: parts } : { kind, namespace: parts.slice(0, -1), table: parts.at(-1)! };
    rest = words.slice(3);
  } else {
    return bad('expected catalog, namespace NS or table T after "on"');
  }
  if (rest[0] !== 'to' || rest.length !== 2) return bad('expected "to ROLE" at the end');
  return { privilege: privilege.data, on, role: rest[1]! };
}

function columnsOf(value: string, option: string): string[] {
  const columns = value.split(',').map((c) => c.trim());
  if (columns.some((c) => c === '')) throw new InvalidArgumentError(`${option} takes column names separated by commas, got ${JSON.stringify(value)}`, { context: { option } });
  return columns;
}

interface GrantOptions {
  readonly maskDrop?: string;
  readonly maskNull?: string;
  readonly rowFilter?: string;
}

/** `floe grant`. */
export function grantCommand(): Command {
  return new Command('grant')
    .description('grant a privilege on the catalog, a namespace or a table to a role (of a served warehouse)')
    .argument('<privilege>', PRIVILEGE_NAMES.join(', '))
    .argument('<target...>', 'on catalog|namespace NS|table T to ROLE')
    .option('--mask-drop <columns>', 'with READ: leave these columns out (comma-separated)')
    .option('--mask-null <columns>', 'with READ: read these columns as nulls (comma-separated)')
    .option('--row-filter <expr>', "with READ: only the rows matching this filter (floe scan --filter's syntax)")
    .addHelpText(
      'after',
      `
A grant on a namespace covers its tables and nested namespaces; one on the catalog covers all.
Privileges: LIST (see names), READ (load, plan, read data), WRITE (commit data changes),
EVOLVE (schema, partitioning, properties), CREATE, DROP, MANAGE_GRANTS.
Works against a served warehouse (--warehouse http://…, FLOE_CATALOG_CREDENTIAL=ID:SECRET).

Examples:
  floe grant READ on namespace ml to analysts
  floe grant LIST on namespace ml to analysts
  floe grant WRITE on table ml.features to features
  floe grant READ on table raw.users to support --mask-drop email,phone --row-filter "country = 'NL'"`,
    )
    .action(async (privilegeText: string, words: string[], opts: GrantOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const { privilege, on, role } = parseGrantWords(privilegeText, words);
      const drop = opts.maskDrop === undefined ? undefined : columnsOf(opts.maskDrop, '--mask-drop');
      const nullify = opts.maskNull === undefined ? undefined : columnsOf(opts.maskNull, '--mask-null');
      const client = await governanceClient(ctx, 'grant');
      const grant = await client.grant({
        role,
        privilege,
        on,
        ...(drop || nullify ? { columnMask: { ...(drop ? { drop } : {}), ...(nullify ? { nullify } : {}) } } : {}),
        ...(opts.rowFilter !== undefined ? { rowFilter: opts.rowFilter } : {}),
      });
      await ctx.print(grant, () => `granted ${grantText(grant)} (grant ${grant.id})\n`);
    });
}

/** `floe revoke`. */
export function revokeCommand(): Command {
  return new Command('revoke')
    .description('revoke a grant by its id (floe grants lists them); it takes effect at the next request')
    .argument('<grant-id>', 'the grant')
    .action(async (grantId: string, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const client = await governanceClient(ctx, 'revoke');
      const grant = await client.revoke(grantId);
      await ctx.print(grant, () => `revoked ${grantText(grant).replace(' to role ', ' from role ')} (grant ${grant.id})\n`);
    });
}

/** `floe grants`. */
export function grantsCommand(): Command {
  return new Command('grants')
    .description('list the grants of a served warehouse (those you may manage), oldest first')
    .option('--role <role>', "only this role's grants")
    .action(async (opts: { role?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const client = await governanceClient(ctx, 'grants');
      const grants = await client.listGrants(opts.role !== undefined ? { role: opts.role } : {});
      await ctx.print(grants, () =>
        grants.length === 0
          ? `no grants${opts.role !== undefined ? ` to role ${opts.role}` : ''}\n`
          : formatTable(
              ['id', 'role', 'privilege', 'on', 'limits', 'granted_by', 'granted_at'],
              grants.map((g) => [g.id, g.role, g.privilege, objectText(g.on), limitsText(g), g.grantedBy, isoTime(g.grantedAtMs)]),
            ),
      );
    });
}
