// A writer process for the multi-process commit tests: appends N small batches to one table
// through the built package (dist/), one commit each, and prints one JSON line with the
// acknowledged snapshot ids and commit statistics. Run by test/conformance/commit.suite.ts and
// test/catalog/rest/commit-load.test.ts (there `warehouse` is a REST catalog's URL).
//
//   node commit-worker.mjs '{"warehouse":"file:///…","table":"ns.t","writer":3,"commits":25}'
//
// With `ready` and `go` (file paths) it writes `ready` once the table is loaded and waits for
// `go` before its first commit, so that writers start together whatever their start-up time.
// S3 settings come from FLOE_S3_* in the environment, as for any Floe process.
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import * as arrow from 'apache-arrow';
import { Warehouse } from '../../dist/node.js';

const args = JSON.parse(process.argv[2]);
const wh = await Warehouse.open(args.warehouse);
const table = await wh.loadTable(args.table);
if (args.ready && args.go) {
  writeFileSync(args.ready, String(process.pid));
  while (!existsSync(args.go)) await delay(5);
}
const acknowledged = [];
let attempts = 0;
let conflicts = 0;
let unknownOutcomes = 0;
for (let i = 0; i < args.commits; i++) {
  const rows = args.rowsPerCommit ?? 2;
  const batch = new arrow.Table({
    writer: arrow.vectorFromArray(Array.from({ length: rows }, () => args.writer), new arrow.Int32()),
    seq: arrow.vectorFromArray(Array.from({ length: rows }, (_, r) => i * rows + r), new arrow.Int32()),
    cat: arrow.vectorFromArray(Array.from({ length: rows }, () => 'w'), new arrow.Utf8()),
  });
  const snap = await table.append(batch);
  const stats = table.lastCommitStats();
  attempts += stats.attempts;
  conflicts += stats.conflicts;
  unknownOutcomes += stats.unknownOutcomes;
  acknowledged.push(snap.snapshotId.toString());
}
process.stdout.write(`${JSON.stringify({ writer: args.writer, acknowledged, attempts, conflicts, unknownOutcomes })}\n`);
