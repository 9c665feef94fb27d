/**
 * The exactly-once soak (spec/streaming.md §S4): a writer of 500 micro-batches (2–10 rows each)
 * crashes again and again at seeded random points, and each restart replays from a seeded number
 * of positions before the committed one. On local-fs and S3 the writer is a child process
 * (test/support/stream-worker.mjs) SIGKILLed after a seeded number of its progress lines; on
 * memory a store decorator throws from a seeded request on and the writer is abandoned. In the
 * end every source row is in the table exactly once, the history is linear and the committed
 * position ranges are disjoint and contiguous.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore, type ObjectStore, type Table, Warehouse } from 'floe';
import { ancestry } from '../conformance/commit.suite.js';
import { prng } from '../support/prng.js';
import { createTestBucket, requireS3Endpoint, s3Label } from '../support/s3-endpoint.js';

const WORKER = path.resolve(__dirname, '../support/stream-worker.mjs');
const DIST = path.resolve(__dirname, '../../dist/node.js');
const SCHEMA = { pos: 'long not null', k: 'int not null' } as const;
const TOTAL = 500;
const COMMIT_ROWS = 48;
const SOURCE = 'orders/3';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Rows of batch `p`, as stream-worker.mjs writes them. */
function rowCount(p: number): number {
  return 2 + ((p * 7) % 9);
}

function rowsOf(p: number): arrow.Table {
  const n = rowCount(p);
  return arrow.tableFromArrays({ pos: BigInt64Array.from({ length: n }, () => BigInt(p)), k: Int32Array.from({ length: n }, (_, i) => i) });
}

/** Every source row exactly once, a linear history, disjoint contiguous position ranges. */
async function expectExactlyOnce(t: Table): Promise<void> {
  await t.refresh();
  const chain = ancestry(t).reverse();
  expect(chain.length).toBe(t.snapshots().length);
  expect(chain.map((s) => s.sequenceNumber)).toEqual(chain.map((_, i) => BigInt(i + 1)));
  let next = 0n;
  for (const s of chain) {
    expect(s.summary['floe.stream.source-id']).toBe(SOURCE);
    expect(BigInt(s.summary['floe.stream.first-position']!)).toBe(next);
    next = BigInt(s.summary['floe.stream.position']!) + 1n;
  }
  expect(next).toBe(BigInt(TOTAL));
  expect(t.committedStreamPosition(SOURCE)).toBe(BigInt(TOTAL - 1));
  const data = await t.scan().toArrow();
  const pos = data.getChild('pos')!.toArray() as BigInt64Array;
  const k = data.getChild('k')!.toArray() as Int32Array;
  const seen = new Map<string, number>();
  for (let i = 0; i < data.numRows; i++) {
    const key = `${pos[i]}:${k[i]}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([key]) => key);
  expect(duplicated).toEqual([]);
  let expected = 0;
  for (let p = 0; p < TOTAL; p++) {
    for (let i = 0; i < rowCount(p); i++) expect(seen.has(`${p}:${i}`), `row ${p}:${i}`).toBe(true);
    expected += rowCount(p);
  }
  expect(data.numRows).toBe(expected);
}

/**
 * Runs writers one after another until one finishes: the first `crashes` may die (each is told
 * `last` = false), then one runs to the end; every death counts, and all of them must happen.
 */
async function restartUntilDone(random: () => number, crashes: number, maxRuns: number, writer: (random: () => number, last: boolean) => Promise<boolean>): Promise<void> {
  let died = 0;
  for (let run = 0; ; run++) {
    expect(run, 'the writer never finished').toBeLessThan(maxRuns);
    if (await writer(random, died >= crashes)) break;
    died += 1;
  }
  expect(died).toBe(crashes);
}

/** Runs the worker; SIGKILLs it after its `killAfter`-th progress line. */
function runWorker(args: object, killAfter: number): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let buffered = '';
    let stderr = '';
    let done = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        if (line.includes('"kind":"done"')) done = true;
        lines += 1;
        if (lines === killAfter) child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && done) resolve('done');
      else reject(new Error(`stream worker exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

interface ProcessBackend {
  readonly label: string;
  open(): Promise<{ uri: string; s3?: object }>;
}

const processBackends: ProcessBackend[] = [
  {
    label: 'local-fs',
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'floe-stream-soak-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return { uri: pathToFileURL(dir).href };
    },
  },
  {
    label: s3Label(),
    open: async () => {
      const e = requireS3Endpoint();
      const bucket = await createTestBucket();
      cleanups.push(() => bucket.cleanup());
      return { uri: `s3://${bucket.bucket}/warehouse`, s3: { endpoint: e.endpoint, region: e.region, forcePathStyle: true, credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey } } };
    },
  },
];

describe.each(processBackends)('exactly-once stream soak on $label: a child writer SIGKILLed at seeded points', (backend) => {
  it(`${TOTAL} micro-batches, 10 kills, each restart replaying from before the committed position: every row exactly once`, { timeout: 240_000 }, async () => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first (npm test does)`);
    const { uri, s3 } = await backend.open();
    const wh = await Warehouse.open(uri, s3 ? { s3 } : {});
    await wh.createNamespace('s');
    const t = await wh.createTable('s.t', SCHEMA);
    // Progress lines: one per batch read, one per commit; up to 40 lets a run get a few commits in.
    await restartUntilDone(prng(20261206), 10, 40, async (random, last) => {
      const killAfter = last ? Number.POSITIVE_INFINITY : 1 + Math.floor(random() * 40);
      const replayBack = Math.floor(random() * 12);
      return (await runWorker({ uri, ...(s3 ? { s3 } : {}), table: 's.t', sourceId: SOURCE, total: TOTAL, replayBack, commitRows: COMMIT_ROWS }, killAfter)) === 'done';
    });
    await expectExactlyOnce(t);
  });
});

/** A store that fails every request from its `crashAt`-th on, as a writer that died there. */
function crashing(inner: ObjectStore, crashAt: number): ObjectStore & { readonly crashed: () => boolean } {
  let calls = 0;
  const tick = (): void => {
    calls += 1;
    if (calls >= crashAt) throw new Error(`simulated crash at request ${crashAt}`);
  };
  return {
    name: 'crashing',
    capabilities: inner.capabilities,
    crashed: () => calls >= crashAt,
    get: async (p, o) => (tick(), inner.get(p, o)),
    head: async (p) => (tick(), inner.head(p)),
    put: async (p, b, o) => {
      tick();
      const v = await inner.put(p, b, o);
      tick(); // a chance to die right after the write landed, before the writer hears of it
      return v;
    },
    delete: async (p) => (tick(), inner.delete(p)),
    list: (p) => {
      tick();
      return inner.list(p);
    },
    listWithDelimiter: async (p) => (tick(), inner.listWithDelimiter(p)),
  };
}

describe('exactly-once stream soak on memory: a writer crashing at a seeded request and abandoned', () => {
  it(`${TOTAL} micro-batches, 40 crashes, each restart replaying from before the committed position: every row exactly once`, { timeout: 240_000 }, async () => {
    const inner = new MemoryStore();
    const uri = 'memory://stream-soak';
    const wh = await Warehouse.open(uri, { store: inner });
    await wh.createNamespace('s');
    const t = await wh.createTable('s.t', SCHEMA);
    await restartUntilDone(prng(61206), 40, 80, async (random, last) => {
      const crashAt = last ? Number.POSITIVE_INFINITY : 1 + Math.floor(random() * 80);
      const replayBack = Math.floor(random() * 12);
      const store = crashing(inner, crashAt);
      try {
        const writer = await (await Warehouse.open(uri, { store })).loadTable('s.t');
        const committed = writer.committedStreamPosition(SOURCE);
        const from = Math.max(0, (committed === undefined ? 0 : Number(committed) + 1) - replayBack);
        const batches = function* () {
          for (let p = from; p < TOTAL; p++) yield { data: rowsOf(p), position: p };
        };
        await writer.appendStream(batches(), { sourceId: SOURCE, commitEvery: { rows: COMMIT_ROWS } });
        return true;
      } catch (e) {
        if (!store.crashed()) throw e;
        return false; // the writer is abandoned: its store fails every further request
      }
    });
    await expectExactlyOnce(t);
  });
});
