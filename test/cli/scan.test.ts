/**
 * `floe scan`: every output format (aligned table, CSV, JSON lines, Parquet, Arrow IPC, to stdout
 * or --out), projection, filters, limits, and time travel by snapshot id, time and ref; and bad
 * input: unknown table, bad filter, unknown column, snapshot or ref, conflicting options.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { readParquet } from '../../src/index.js';
import { jsonLines, snapshotIds, tempDir, warehouse, writeInput } from './support.js';

const root = tempDir();
const wh = warehouse(root, 'wh');
let v1 = '';
let v2 = '';

beforeAll(async () => {
  const create = await wh.run(['create', 'ml.s', '--schema', '{"id":"long not null","cat":"string","score":"double","ts":"timestamptz","u":"uuid","emb":"vector(2)"}', '--partition', 'cat']);
  expect(create.code, create.stderr).toBe(0);
  const first = writeInput(
    root,
    'v1.csv',
    'id,cat,score,ts,u,emb\n' +
      '1,a,0.5,2026-01-05T10:00:00.000001Z,6ba7b810-9dad-11d1-80b4-00c04fd430c8,"[1,2]"\n' +
      '2,b,1.5,2026-01-05T11:00:00Z,,"[3,4]"\n' +
      '3,"x,y",,,,\n',
  );
  expect((await wh.run(['append', 'ml.s', first])).code).toBe(0);
  expect((await wh.run(['append', 'ml.s', writeInput(root, 'v2.csv', 'id,cat,score\n4,a,9.75\n5,c,-1\n')])).code).toBe(0);
  const ids = snapshotIds((await wh.run(['history', 'ml.s', '--json'])).stdout);
  v1 = ids[0]!;
  v2 = ids[1]!;
}, 120_000);

describe('floe scan: formats', () => {
  it('prints an aligned table with a row count', async () => {
    const r = await wh.run(['scan', 'ml.s', '--filter', 'id <= 2', '--columns', 'id,cat,score,emb,u']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+cat\s+score\s+emb\s+u$/);
    expect(lines[1]).toMatch(/^──\s+───\s+─────\s+/);
    expect(r.stdout).toMatch(/ 1\s+a\s+0\.5\s+\[1, 2\]\s+6ba7b810-9dad-11d1-80b4-00c04fd430c8/);
    expect(r.stdout).toMatch(/ 2\s+b\s+1\.5\s+\[3, 4\]\s+null/);
    expect(lines.at(-1)).toBe('(2 rows)');
  });

  it('writes CSV with a header, quoting where needed, empty cells for nulls', async () => {
    const r = await wh.run(['scan', 'ml.s', '--format', 'csv', '--columns', 'id,cat,score,ts', '--filter', 'id <= 3']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').sort();
    expect(lines).toEqual(['1,a,0.5,2026-01-05T10:00:00.000001Z', '2,b,1.5,2026-01-05T11:00:00Z', '3,"x,y",,', 'id,cat,score,ts']);
  });

  it('writes JSON lines (also with --json), timestamps with every digit, vectors as arrays', async () => {
    const r = await wh.run(['scan', 'ml.s', '--json', '--filter', 'id = 1']);
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)).toEqual([{ id: '1', cat: 'a', score: 0.5, ts: '2026-01-05T10:00:00.000001Z', u: '6ba7b810-9dad-11d1-80b4-00c04fd430c8', emb: [1, 2] }]);
  });

  it('writes Parquet and Arrow IPC files with --out (format from the extension or --format)', async () => {
    const pq = path.join(root, 'out.parquet');
    const r = await wh.run(['scan', 'ml.s', '--out', pq, '--columns', 'id,cat,emb']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote 5 rows to ${pq} (parquet)`);
    const table = readParquet(new Uint8Array(readFileSync(pq)));
    expect(table.numRows).toBe(5);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'cat', 'emb']);

    const ipcFile = path.join(root, 'out.bin');
    expect((await wh.run(['scan', 'ml.s', '--out', ipcFile, '--format', 'arrow'])).code).toBe(0);
    const ipc = arrow.tableFromIPC(readFileSync(ipcFile));
    expect(ipc.numRows).toBe(5);
    expect(String(ipc.schema.fields.find((f) => f.name === 'emb')?.type)).toBe('FixedSizeList[2]<Float32>');

    // A scan's Parquet output appends back into a table.
    expect((await wh.run(['create', 'ml.copy', '--like', pq])).code).toBe(0);
    const back = await wh.run(['append', 'ml.copy', pq]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('appended 5 rows');
  });

  it('writes binary formats to stdout when it is not a terminal', async () => {
    const r = await wh.run(['scan', 'ml.s', '--format', 'parquet', '--columns', 'id'], { binary: true });
    expect(r.code).toBe(0);
    const bytes = Uint8Array.from(r.stdout, (c) => c.charCodeAt(0));
    expect(readParquet(bytes).numRows).toBe(5);
  });

  it('an empty result still has a header', async () => {
    const csv = await wh.run(['scan', 'ml.s', '--format', 'csv', '--filter', 'id > 100', '--columns', 'id,cat']);
    expect(csv.stdout).toBe('id,cat\n');
    const table = await wh.run(['scan', 'ml.s', '--filter', 'id > 100']);
    expect(table.stdout).toContain('(0 rows)');
  });
});

describe('floe scan: selection and time travel', () => {
  it('--columns with a filter on other columns keeps every value in its column', async () => {
    const r = await wh.run(['scan', 'ml.s', '--json', '--columns', 'score,id', '--filter', "cat = 'a'"]);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).sort((a, b) => Number(a['id']) - Number(b['id']))).toEqual([
      { score: 0.5, id: '1' },
      { score: 9.75, id: '4' },
    ]);
  });

  it('--limit, --columns order, filters over partition and data columns', async () => {
    const limited = jsonLines((await wh.run(['scan', 'ml.s', '--json', '--limit', '2'])).stdout);
    expect(limited).toHaveLength(2);
    const projected = jsonLines((await wh.run(['scan', 'ml.s', '--json', '--columns', 'score,id', '--filter', "cat IN ('a', 'c') AND score > 0"])).stdout);
    expect(projected.map((r) => Object.keys(r))).toEqual([
      ['score', 'id'],
      ['score', 'id'],
    ]);
    expect(projected.map((r) => r['id']).sort()).toEqual(['1', '4']);
  });

  it('reads an old snapshot by id, by time and by tag', async () => {
    const ids = (extra: string[]): Promise<unknown[]> =>
      wh.run(['scan', 'ml.s', '--json', '--columns', 'id', ...extra]).then((r) => {
        expect(r.code, r.stderr).toBe(0);
        return jsonLines(r.stdout)
          .map((x) => x['id'])
          .sort();
      });
    expect(await ids([])).toEqual(['1', '2', '3', '4', '5']);
    expect(await ids(['--snapshot', v1])).toEqual(['1', '2', '3']);
    expect(await ids(['--snapshot', v2])).toEqual(['1', '2', '3', '4', '5']);
    const history = JSON.parse((await wh.run(['history', 'ml.s', '--json'])).stdout);
    const t1 = history[0].timestampMs as number;
    expect(await ids(['--as-of', new Date(t1).toISOString()])).toEqual(['1', '2', '3']);
    expect(await ids(['--as-of', String(t1)])).toEqual(['1', '2', '3']);
    expect((await wh.run(['tag', 'ml.s', 'first', '--snapshot', v1])).code).toBe(0);
    expect(await ids(['--ref', 'first'])).toEqual(['1', '2', '3']);
  });

  it('reads a table by its location, without the catalog', async () => {
    const r = await wh.run(['scan', path.join(wh.dir, 'ml', 's'), '--json', '--columns', 'id', '--limit', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout)).toHaveLength(1);
  });
});

describe('floe scan: bad input exits 1 and names what to fix', () => {
  it.each([
    [['ml.nope'], 'table not found: ml.nope'],
    [['ml.s', '--filter', 'score >> 3'], 'invalid filter at position 7'],
    [['ml.s', '--filter', "cat = 'a' AND"], 'invalid filter'],
    [['ml.s', '--filter', 'nope = 1'], 'unknown column in filter: nope'],
    [['ml.s', '--filter', "id = 'abc'"], 'abc'],
    [['ml.s', '--columns', 'id,nope'], 'table ml.s has no column "nope"'],
    [['ml.s', '--snapshot', '123'], 'table ml.s has no snapshot 123'],
    [['ml.s', '--snapshot', 'abc'], 'not a snapshot id: "abc"'],
    [['ml.s', '--ref', 'nope'], 'ref not found: nope'],
    [['ml.s', '--as-of', 'not a time'], 'not a time: not a time'],
    [['ml.s', '--as-of', '2000-01-01T00:00:00Z'], '2000-01-01'],
    [['ml.s', '--snapshot', '1', '--ref', 'main'], 'give at most one of --snapshot, --as-of and --ref'],
    [['ml.s', '--format', 'xml'], 'unknown --format "xml"'],
    [['ml.s', '--limit', '-1'], '--limit must be a non-negative integer'],
  ])('floe scan %j', async (args, message) => {
    const r = await wh.run(['scan', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('--json errors are one JSON object on stderr', async () => {
    const r = await wh.run(['scan', 'ml.s', '--json', '--filter', 'nope = 1']);
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stderr);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('nope');
  });
});
