// A REST catalog server process for the multi-process REST tests: serves the warehouse given
// on argv with the built package (dist/), on the port given (0: any free port), and prints one
// JSON line `{"url": …, "port": …}` once it listens. Run by test/catalog/rest/commit-load.test.ts,
// which kills it with SIGKILL and starts it again on the same port.
//
//   node rest-server.mjs '{"warehouse":"file:///…","port":0}'
//
// S3 settings come from FLOE_S3_* in the environment, as for any Floe process; the admin
// principal's credential from FLOE_ADMIN_CLIENT_ID / FLOE_ADMIN_CLIENT_SECRET (the server
// authenticates every request, as in production).
import { Warehouse } from '../../dist/node.js';
import { startRestCatalogServer } from '../../dist/catalog/rest/server/index.js';

const args = JSON.parse(process.argv[2]);
const warehouse = await Warehouse.open(args.warehouse);
const server = await startRestCatalogServer({
  warehouse,
  port: args.port ?? 0,
  admin: { clientId: process.env.FLOE_ADMIN_CLIENT_ID, clientSecret: process.env.FLOE_ADMIN_CLIENT_SECRET },
});
process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
