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
    .addHelpText(
      'after',
      `
Clients connect with the catalog URI http://HOST:PORT (Spark: spark.sql.catalog.<name>.type=rest,
.uri=http://HOST:PORT; PyIceberg: load_catalog(type="rest", uri=...); Floe: --warehouse
http://HOST:PORT). The server's state is the warehouse's own: restart it, or run two on one
warehouse, and nothing is lost. Tables' data files are read and written by the clients, with
their own storage settings (the server hands out the endpoint and region, never keys).`,
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const ctx = contextOf(cmd);
      const port = opts.port === '0' ? 0 : positiveInt(opts.port, '--port');
      if (port > 65_535) throw new InvalidArgumentError(`--port must be at most 65535, not ${port}`);
      const warehouse = await ctx.warehouse();
      const server = await startRestCatalogServer({
        warehouse,
        host: opts.host,
        port,
        prefix: opts.prefix,
        ...(opts.allowLocation ? { allowedLocations: opts.allowLocation } : {}),
      });
      const stopped = interrupted();
      await ctx.print({ warehouse: warehouse.uri, url: server.url, prefix: server.prefix }, () => `serving ${warehouse.uri} as an Iceberg REST catalog at ${server.url} (prefix ${server.prefix}); Ctrl-C stops it\n`);
      const signal = await stopped;
      await server.close();
      ctx.note(`stopped (${signal})`);
    });
}
