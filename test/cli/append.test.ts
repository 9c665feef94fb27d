/**
 * `floe append` for every input format (CSV, TSV, JSON lines, Parquet, Arrow IPC), several
 * files in one snapshot, branches, progress on stderr; and bad input: unknown table, wrong file
 * types, values that do not fit (naming file, line and column), extra and missing columns.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { writeParquet } from '../../src/index.js';
import { jsonLines, snapshotIds, tempDir, warehouse, writeInput } from './support.js';

const root = tempDir();
const wh = warehouse(root, 'wh');
const SCHEMA = '{"id":"long not null","ts":"timestamptz","name":"string","score":"double","price":"decimal(10,2)","day":"date","ok":"boolean","emb":"vector(3)"}';

async function rows(table: string, extra: string[] = []): Promise<Record<string, unknown>[]> {
  const r = await wh.run(['scan', table, '--format', 'jsonl', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return jsonLines(r.stdout);
}

describe('floe append', () => {
  it('appends CSV, TSV and JSON lines in one snapshot, converting every value exactly', async () => {
    expect((await wh.run(['create', 'ml.t1', '--schema', SCHEMA, '--partition', 'day(ts)'])).code).toBe(0);
    const csv = writeInput(
      root,
      'a.csv',
      'id,ts,name,score,price,day,ok,emb\n' +
        '9007199254740993,2026-01-05T10:00:00.123456Z,"comma, and ""quotes""",0.5,12.30,2026-01-05,true,"[1,2,3]"\n' +
        '2,2026-01-05 12:00:00+02:00,"",,-0.05,,f,\n',
    );
    const tsv = writeInput(root, 'b.tsv', 'id\tname\tok\n3\ttab\tyes\n');
    const jsonl = writeInput(root, 'c.jsonl', '{"id": 4, "ts": "2026-01-06T00:00:00Z", "score": 1e-3, "emb": [0.25, 0.5, 0.75], "price": 7}\n\n{"id": 5, "name": null}\n');
    const r = await wh.run(['append', 'ml.t1', csv, tsv, jsonl]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^appended 5 rows from 3 files \(\d+ B\) to ml\.t1: snapshot \d+ \(sequence 1\)\n$/);
    const history = await wh.run(['history', 'ml.t1', '--json']);
    expect(snapshotIds(history.stdout)).toHaveLength(1);

    const byId = new Map((await rows('ml.t1')).map((row) => [String(row['id']), row]));
    expect(byId.get('9007199254740993')).toEqual({
      id: '9007199254740993',
      ts: '2026-01-05T10:00:00.123456Z',
      name: 'comma, and "quotes"',
      score: 0.5,
      price: '12.30',
      day: '2026-01-05',
      ok: true,
      emb: [1, 2, 3],
    });
    expect((await wh.run(['scan', 'ml.t1', '--format', 'jsonl', '--filter', 'id > 9007199254740992'])).stdout).toContain('"id":"9007199254740993",');
    expect(byId.get('2')).toMatchObject({ ts: '2026-01-05T10:00:00Z', name: '', score: null, price: '-0.05', day: null, ok: false, emb: null });
    expect(byId.get('3')).toMatchObject({ name: 'tab', ok: true, ts: null });
    expect(byId.get('4')).toMatchObject({ ts: '2026-01-06T00:00:00Z', score: 0.001, emb: [0.25, 0.5, 0.75], price: '7.00' });
    expect(byId.get('5')).toMatchObject({ name: null });
  });

  it('appends Parquet and Arrow IPC files (matched by column name, cast to the table types)', async () => {
    expect((await wh.run(['create', 'ml.t2', '--schema', '{"id":"long not null","name":"string"}'])).code).toBe(0);
    const data = new arrow.Table({ id: arrow.vectorFromArray([1, 2], new arrow.Int32()), name: arrow.vectorFromArray(['a', 'b'], new arrow.Utf8()) });
    const pq = writeInput(root, 'in.parquet', writeParquet(data));
    const ipc = writeInput(root, 'in.arrow', arrow.tableToIPC(data, 'file'));
    const stream = writeInput(root, 'in.arrows', arrow.tableToIPC(data, 'stream'));
    const r = await wh.run(['append', 'ml.t2', pq, ipc, stream, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ table: 'ml.t2', rows: 6, files: 3 });
    expect(result.snapshots.length).toBeGreaterThanOrEqual(1);
    expect((await rows('ml.t2')).map((x) => x['name']).sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
  });

  it('a Parquet file named .csv is read by its bytes', async () => {
    const data = new arrow.Table({ id: arrow.vectorFromArray([7n], new arrow.Int64()) });
    const disguised = writeInput(root, 'disguised.csv', writeParquet(data));
    const r = await wh.run(['append', 'ml.t2', disguised]);
    expect(r.code, r.stderr).toBe(0);
    expect((await rows('ml.t2', ['--filter', 'id = 7'])).length).toBe(1);
  });

  it('--branch commits to a branch and leaves main alone', async () => {
    expect((await wh.run(['create', 'ml.t3', '--schema', '{"id":"long"}'])).code).toBe(0);
    expect((await wh.run(['append', 'ml.t3', writeInput(root, 'one.csv', 'id\n1\n')])).code).toBe(0);
    expect((await wh.run(['branch', 'ml.t3', 'dev'])).code).toBe(0);
    const r = await wh.run(['append', 'ml.t3', writeInput(root, 'two.csv', 'id\n2\n'), '--branch', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect((await rows('ml.t3')).map((x) => x['id'])).toEqual(['1']);
    expect((await rows('ml.t3', ['--ref', 'dev'])).map((x) => x['id']).sort()).toEqual(['1', '2']);
  });

  it('shows progress (rows, MB, rate) on stderr when asked to (FLOE_PROGRESS=always; by default only on a terminal)', async () => {
    const file = writeInput(root, 'p.csv', `id\n${Array.from({ length: 1000 }, (_, i) => i).join('\n')}\n`);
    const quiet = await wh.run(['append', 'ml.t3', file]);
    expect(quiet.stderr).toBe('');
    const r = await wh.run(['append', 'ml.t3', file], { env: { FLOE_PROGRESS: 'always' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/reading 1 file: 1,000 rows, [\d.]+ MB, [\d.]+ MB\/s, [\d,]+ rows\/s/);
    expect(r.stderr).toContain('committing to ml.t3');
  });

  it('an empty file commits nothing', async () => {
    const r = await wh.run(['append', 'ml.t3', writeInput(root, 'empty.csv', 'id\n')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('appended 0 rows from 1 file (3 B) to ml.t3\n');
  });
});

describe('floe append: bad input exits 1 and names what to fix', () => {
  it('an unknown table', async () => {
    const r = await wh.run(['append', 'ml.nope', writeInput(root, 'x.csv', 'id\n1\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('table not found: ml.nope');
    expect(r.stderr).toContain('help: list the tables with `floe tables ml`');
  });

  it.each([
    ['notes.txt', 'just text', 'cannot tell the format of'],
    ['fake.parquet', 'id\n1\n', 'is not a Parquet file'],
    ['fake.arrow', 'id\n1\n', 'is not an Arrow IPC file'],
    ['bin.csv', new Uint8Array([0x69, 0x64, 0x0a, 0x00, 0x01]), 'is binary, not CSV text'],
  ])('a wrong file type: %s', async (name, content, message) => {
    expect((await wh.run(['create', 'bad.types', '--schema', '{"id":"long"}'])).code).toBeLessThanOrEqual(1);
    const r = await wh.run(['append', 'bad.types', writeInput(root, name, content)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('help: use .parquet');
  });

  it('a missing file', async () => {
    const r = await wh.run(['append', 'ml.t3', 'does-not-exist.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no such file: does-not-exist.csv');
  });

  it.each([
    ['id,score\n1,0.5\nabc,1\n', 'bad1.csv:3: column id: "abc" is not an integer'],
    ['id,score\n1,high\n', 'bad2.csv:2: column score: "high" is not a number'],
    ['id,price\n1,1.234\n', 'bad3.csv:2: column price: 1.234 has more than 2 digits after the point'],
    ['id,ts\n1,yesterday\n', 'bad4.csv:2: column ts: "yesterday" is not a timestamp'],
    ['id,emb\n1,"[1,2]"\n', 'bad5.csv:2: column emb: a vector of 2 numbers given where 3 are needed'],
    ['id,day\n1,2026-02-30\n', 'bad6.csv:2: column day: 2026-02-30 is not a valid date'],
    ['id,name\n,x\n', 'bad7.csv:2: column id: the column is required but the value is missing'],
    ['id,ok\n1,maybe\n', 'bad8.csv:2: column ok: "maybe" is not a boolean'],
  ])('a value that does not fit: %j', async (content, message) => {
    const file = message.slice(0, message.indexOf(':'));
    const r = await wh.run(['append', 'ml.t1', writeInput(root, file, content)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });

  it('a JSON-lines value that does not fit, a line that is not JSON', async () => {
    const bad = await wh.run(['append', 'ml.t1', writeInput(root, 'bad.jsonl', '{"id": 1}\n{"id": "x"}\n')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.jsonl:2: column id: "x" is not an integer');
    const broken = await wh.run(['append', 'ml.t1', writeInput(root, 'broken.jsonl', '{"id": 1}\n{"id": \n')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('line 2 is not valid JSON');
  });

  it('a column the table does not have, a required column the file lacks, malformed CSV', async () => {
    const extra = await wh.run(['append', 'ml.t1', writeInput(root, 'extra.csv', 'id,colour\n1,red\n')]);
    expect(extra.code).toBe(1);
    expect(extra.stderr).toContain('has a column "colour" that table ml.t1 does not have');
    expect(extra.stderr).toContain('floe evolve ml.t1 add-column colour TYPE');
    const missing = await wh.run(['append', 'ml.t1', writeInput(root, 'missing.csv', 'name\nx\n')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('has no column "id", which table ml.t1 requires');
    const ragged = await wh.run(['append', 'ml.t1', writeInput(root, 'ragged.csv', 'id,name\n1,a,b\n')]);
    expect(ragged.code).toBe(1);
    expect(ragged.stderr).toContain('not valid CSV');
  });

  it('nothing is committed when any file is bad', async () => {
    const before = snapshotIds((await wh.run(['history', 'ml.t1', '--json'])).stdout);
    const r = await wh.run(['append', 'ml.t1', writeInput(root, 'good.csv', 'id\n100\n'), writeInput(root, 'worse.csv', 'id\nx\n')]);
    expect(r.code).toBe(1);
    expect(snapshotIds((await wh.run(['history', 'ml.t1', '--json'])).stdout)).toEqual(before);
  });
});
