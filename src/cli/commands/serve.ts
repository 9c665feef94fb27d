/**
 * `floe serve`: an Iceberg REST catalog server over the warehouse, for Spark, Trino, Flink,
 * DuckDB, PyIceberg and Floe itself (spec/catalog.md). It runs until interrupted (SIGINT,
 * SIGTERM), then stops accepting requests and finishes the ones in flight.
 *
 * @module
 */
import { Command } from 'commander';
import { InvalidArgumentError, startRestCatalogServer } from '../../node.js';
import { contextOf } from '../context.js';
import { positiveInt } from './common.js';

interface ServeOptions {
  readonly host: string;
  readonly port: string;
  readonly prefix: string;
  readonly allowLocation?: string[];
  readonly auth: boolean;
}

/** Waits for SIGINT or SIGTERM. */
function interrupted(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `floe serve`. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the warehouse as an Iceberg REST catalog (until interrupted)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8181')
    .option('--prefix <prefix>', 'the path prefix clients get from GET /v1/config', 'floe')
    .option('--allow-location <uri>', 'also let clients create or register tables under this location (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--no-auth', 'serve without authentication: every request may do everything (only where nobody else can connect)')
    .addHelpText(
      'after',
      `
Clients connect with the catalog URI http://HOST:PORT (Spark: spark.sql.catalog.<name>.type=rest,
.uri=http://HOST:PORT, .credential=ID:SECRET; PyIceberg: load_catalog(type="rest", uri=...,
credential=...); Floe: --warehouse http://HOST:PORT with FLOE_CATALOG_CREDENTIAL=ID:SECRET).
On its first start over a warehouse the server creates the admin principal and prints its
credential once (FLOE_ADMIN_CLIENT_ID / FLOE_ADMIN_CLIENT_SECRET choose it); grant others
access with floe principals and floe grant. The server's state is the warehouse's own: restart
it, or run two on one warehouse, and nothing is lost.`,
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const port = opts.port === '0' ? 0 : positiveInt(opts.port, '--port');
      if (port > 65_535) throw new InvalidArgumentError(`--port must be at most 65535, not ${port}`);
      const warehouse = await ctx.warehouse();
      const adminId = ctx.env['FLOE_ADMIN_CLIENT_ID'];
      const adminSecret = ctx.env['FLOE_ADMIN_CLIENT_SECRET'];
      const server = await startRestCatalogServer({
        warehouse,
        host: opts.host,
        port,
        prefix: opts.prefix,
        ...(opts.allowLocation ? { allowedLocations: opts.allowLocation } : {}),
        ...(opts.auth ? {} : { governance: 'none' as const }),
        admin: { ...(adminId ? { clientId: adminId } : {}), ...(adminSecret ? { clientSecret: adminSecret } : {}) },
      });
      const stopped = interrupted();
      // The admin's secret is printed this once (it is stored only hashed), unless the operator
      // chose it through the environment.
      const admin = server.admin ? { name: server.admin.name, clientId: server.admin.credential.clientId, ...(adminSecret ? {} : { clientSecret: server.admin.credential.clientSecret }) } : undefined;
      await ctx.print({ warehouse: warehouse.uri, url: server.url, prefix: server.prefix, auth: opts.auth, ...(admin ? { admin } : {}) }, () =>
        [
          `serving ${warehouse.uri} as an Iceberg REST catalog at ${server.url} (prefix ${server.prefix}); Ctrl-C stops it`,
          opts.auth ? '' : 'WARNING: no authentication (--no-auth): every request may do everything',
          admin ? `created the admin principal: client id ${admin.clientId}${admin.clientSecret ? `, secret ${admin.clientSecret} (shown once; keep it)` : ''}` : '',
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
      const signal = await stopped;
      await server.close();
      ctx.note(`stopped (${signal})`);
    });
}
