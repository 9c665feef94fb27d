// An exactly-once stream writer for test/transaction/stream-soak.test.ts: it reads the position
// its source last committed, replays from `replayBack` positions before it (as a writer that
// restarts from an older checkpoint would), and streams the rest of batches 0…total-1 with
// `commitEvery`, printing one JSON line per batch read and per commit. The test SIGKILLs it
// after a seeded number of those lines, so it dies at varied points of its writes and commits.
//
//   node stream-worker.mjs '{"uri":"file:///tmp/wh","table":"s.t","sourceId":"src","total":500,"replayBack":3,"commitRows":16}'
import * as arrow from 'apache-arrow';
import { Warehouse } from '../../dist/node.js';

const args = JSON.parse(process.argv[2]);
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** Batch `p`: 2–10 rows (p, 0) … (p, n-1); the test computes the same count. */
function rowsOf(p) {
  const n = 2 + ((p * 7) % 9);
  return arrow.tableFromArrays({ pos: BigInt64Array.from({ length: n }, () => BigInt(p)), k: Int32Array.from({ length: n }, (_, i) => i) });
}

const wh = await Warehouse.open(args.uri, args.s3 ? { s3: args.s3 } : {});
const table = await wh.loadTable(args.table);
const committed = table.committedStreamPosition(args.sourceId);
const from = Math.max(0, (committed === undefined ? 0 : Number(committed) + 1) - args.replayBack);
send({ kind: 'start', committed: committed === undefined ? null : committed.toString(), from });
async function* batches() {
  for (let p = from; p < args.total; p++) {
    send({ kind: 'batch', position: p });
    yield { data: rowsOf(p), position: p };
  }
}
await table.appendStream(batches(), {
  sourceId: args.sourceId,
  commitEvery: { rows: args.commitRows },
  onCommit: (c) => send({ kind: 'commit', position: c.position.toString() }),
});
send({ kind: 'done' });
