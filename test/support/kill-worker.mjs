// A writer that SIGKILLs itself (kill -9) at its k-th store request, mid-commit: used by
// test/commit/kill9.test.ts to show that a writer dying at any point leaves a table that opens
// and reads, with only unreferenced files left over.
//
//   node kill-worker.mjs '{"root":"/tmp/wh","table":"k.t","killAt":17,"commits":3,"writer":5}'
import * as arrow from 'apache-arrow';
import { LocalFsStore, Warehouse } from '../../dist/node.js';

const args = JSON.parse(process.argv[2]);
const inner = new LocalFsStore({ root: args.root });
let calls = 0;
const tick = () => {
  calls += 1;
  if (calls === args.killAt) process.kill(process.pid, 'SIGKILL');
};
const store = {
  name: 'killing',
  capabilities: inner.capabilities,
  get: (p, o) => (tick(), inner.get(p, o)),
  head: (p) => (tick(), inner.head(p)),
  put: async (p, b, o) => {
    tick();
    const v = await inner.put(p, b, o);
    tick(); // a second chance to die right after the write landed, before anyone hears of it
    return v;
  },
  delete: (p) => (tick(), inner.delete(p)),
  list: (p) => (tick(), inner.list(p)),
  listWithDelimiter: (p) => (tick(), inner.listWithDelimiter(p)),
};
const wh = await Warehouse.open(`file://${args.root}`, { store });
const table = await wh.loadTable(args.table);
for (let i = 0; i < args.commits; i++) {
  await table.append(
    new arrow.Table({
      writer: arrow.vectorFromArray([args.writer, args.writer], new arrow.Int32()),
      seq: arrow.vectorFromArray([i * 2, i * 2 + 1], new arrow.Int32()),
      cat: arrow.vectorFromArray(['k', 'k'], new arrow.Utf8()),
    }),
  );
}
process.stdout.write(`survived ${calls} calls\n`);
