/**
 * Streamed ingest: input files read and converted in chunks (`src/cli/input-batches.ts`), each
 * chunk written as data files as it arrives and all committed in one snapshot
 * (`Table.appendStream`), and the progress line's percent and ETA. In-process, no CLI binary.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { type InputChunk, readInputChunks } from '../../src/cli/input-batches.js';
import { Progress, formatSeconds } from '../../src/cli/progress.js';
import { isFloeError, Warehouse } from '../../src/node.js';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const TARGET = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('name', new arrow.Utf8(), true),
]);

async function collect(chunks: AsyncIterable<InputChunk>): Promise<InputChunk[]> {
  const out: InputChunk[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

function namesOf(chunks: readonly InputChunk[]): (string | null)[] {
  return chunks.flatMap((c) => {
    const batch = c.data as arrow.RecordBatch;
    return Array.from({ length: batch.numRows }, (_, i) => batch.getChild('name')!.get(i) as string | null);
  });
}

async function openWarehouse(name: string): Promise<Warehouse> {
  mkdirSync(path.join(dir, name));
  const wh = await Warehouse.open(path.join(dir, name));
  await wh.createNamespace('s');
  return wh;
}

async function dataFiles(location: string): Promise<string[]> {
  try {
    return readdirSync(path.join(fileURLToPath(location), 'data'));
  } catch {
    return [];
  }
}

describe('text files read in chunks', () => {
  it('cuts a CSV into chunks of at most chunkRows rows, with every row once and exact values', async () => {
    const body = Array.from({ length: 1000 }, (_, i) => `${i},n${i}`);
    // A quoted line break, a quoted empty string and a missing value, late in the file.
    body[700] = '700,"two\nlines"';
    body[800] = '800,""';
    body[900] = '900,';
    const file = write('many.csv', `id,name\n${body.join('\n')}\n`);
    const input = await readInputChunks(file, TARGET, { table: 't', onInvalidText: 'fail', chunkRows: 64 });
    const chunks = await collect(input.chunks);
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.rows))).toBeLessThanOrEqual(64);
    expect(chunks.reduce((n, c) => n + c.rows, 0)).toBe(1000);
    const names = namesOf(chunks);
    expect(names[699]).toBe('n699');
    expect(names[700]).toBe('two\nlines');
    expect(names[800]).toBe('');
    expect(names[900]).toBeNull();
    expect(names[999]).toBe('n999');
  });

  it('names the file line of a bad value in a later chunk, and of a ragged row', async () => {
    const body = Array.from({ length: 300 }, (_, i) => `${i},n${i}`);
    body[250] = 'x250,n';
    const bad = write('bad.csv', `id,name\n${body.join('\n')}\n`);
    const e = await collect((await readInputChunks(bad, TARGET, { table: 't', onInvalidText: 'fail', chunkRows: 64 })).chunks).catch((x: unknown) => x);
    expect(isFloeError(e, 'SCHEMA_MISMATCH')).toBe(true);
    // Line 1 is the header: row 250 is on line 252.
    expect((e as Error).message).toContain(`${bad}:252: column id`);
    body[250] = '250,n,extra';
    const ragged = write('ragged.csv', `id,name\n${body.join('\n')}\n`);
    const r = await collect((await readInputChunks(ragged, TARGET, { table: 't', onInvalidText: 'fail', chunkRows: 64 })).chunks).catch((x: unknown) => x);
    expect(isFloeError(r, 'CORRUPT_FILE')).toBe(true);
    expect((r as Error).message).toContain('not valid CSV (line 252)');
  });

  it('cuts JSON lines into chunks and names the line of a bad value', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i, name: `n${i}` }));
    const file = write('many.jsonl', `${lines.join('\n')}\n`);
    const chunks = await collect((await readInputChunks(file, TARGET, { table: 't', onInvalidText: 'fail', chunkRows: 50 })).chunks);
    expect(chunks.map((c) => c.rows)).toEqual([50, 50, 50, 50]);
    expect(namesOf(chunks)[199]).toBe('n199');
    lines[120] = '{"id":"x","name":"a"}';
    const bad = write('bad.jsonl', `${lines.join('\n')}\n`);
    const e = await collect((await readInputChunks(bad, TARGET, { table: 't', onInvalidText: 'fail', chunkRows: 50 })).chunks).catch((x: unknown) => x);
    expect((e as Error).message).toContain(`${bad}:121: column id`);
  });
});

describe('Table.appendStream', () => {
  it('writes each batch as it arrives and commits them all in one snapshot', async () => {
    const wh = await openWarehouse('wh1');
    const t = await wh.createTable('s.t', { id: 'long not null', name: 'string' });
    const before = t.currentSnapshot();
    const seen: number[] = [];
    async function* batches(): AsyncGenerator<arrow.Table> {
      for (let k = 0; k < 5; k++) {
        // The batches before this one are already written: memory holds one batch at a time.
        seen.push((await dataFiles(t.location())).length);
        yield arrow.tableFromArrays({ id: BigInt64Array.from({ length: 100 }, (_, i) => BigInt(k * 100 + i)), name: Array.from({ length: 100 }, (_, i) => `r${k * 100 + i}`) });
      }
    }
    const snapshot = await t.appendStream(batches());
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(t.snapshots().length).toBe((before ? 1 : 0) + 1);
    expect(snapshot?.summary['added-data-files']).toBe('5');
    const ids = (await t.scan().toArrow()).getChild('id')!.toArray() as BigInt64Array;
    expect([...ids].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('commits nothing and deletes the files written when the source fails midway', async () => {
    const wh = await openWarehouse('wh2');
    const t = await wh.createTable('s.t', { id: 'long not null' });
    await t.append(arrow.tableFromArrays({ id: BigInt64Array.from([1n]) }));
    const version = t.version;
    const snapshotId = t.currentSnapshot()!.snapshotId;
    const filesBefore = await dataFiles(t.location());
    async function* failing(): AsyncGenerator<arrow.Table> {
      yield arrow.tableFromArrays({ id: BigInt64Array.from([2n]) });
      yield arrow.tableFromArrays({ id: BigInt64Array.from([3n]) });
      throw new Error('bad row in the third chunk');
    }
    await expect(t.appendStream(failing())).rejects.toThrow('bad row in the third chunk');
    await t.refresh();
    expect(t.version).toBe(version);
    expect(t.currentSnapshot()!.snapshotId).toBe(snapshotId);
    expect(await dataFiles(t.location())).toEqual(filesBefore);
    expect([...((await t.scan().toArrow()).getChild('id')!.toArray() as BigInt64Array)]).toEqual([1n]);
  });

  it('commits nothing for batches without rows', async () => {
    const wh = await openWarehouse('wh3');
    const t = await wh.createTable('s.t', { id: 'long' });
    expect(await t.appendStream([])).toBeUndefined();
    expect(t.snapshots()).toEqual([]);
  });
});

describe('progress of a known size', () => {
  it('shows the percent done and the time left at the rate so far', () => {
    let now = 0;
    const lines: string[] = [];
    const p = new Progress('reading 1 file', { stream: { isTTY: false, write: (s: string) => lines.push(s) }, enabled: true, nowMs: () => now });
    p.setTotalBytes(10 * 1024 * 1024);
    now = 2000;
    p.add(100_000, 2.5 * 1024 * 1024);
    now = 4000;
    p.add(100_000, 2.5 * 1024 * 1024);
    expect(lines).toEqual([
      'reading 1 file: 100,000 rows, 2.5 MB, 1.3 MB/s, 50,000 rows/s, 25%, ETA 6s\n',
      'reading 1 file: 200,000 rows, 5.0 MB, 1.3 MB/s, 50,000 rows/s, 50%, ETA 4s\n',
    ]);
    now = 4050;
    p.add(1, 0); // within 100 ms of the last line: not drawn, but the phase's last counts are
    p.phase('committing to ml.t');
    expect(lines.slice(2).map((l) => l.slice(0, l.indexOf(':')) + l.slice(l.indexOf(':'), l.indexOf(' rows,')))).toEqual(['reading 1 file: 200,001', 'committing to ml.t: 200,001']);
    expect([formatSeconds(59.6), formatSeconds(185), formatSeconds(3720)]).toEqual(['1m 00s', '3m 05s', '1h 02m']);
  });
});
