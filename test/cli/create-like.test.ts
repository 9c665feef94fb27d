/**
 * `floe create --like FILE` on CSV and JSON lines: types are inferred from the first
 * `--sample-rows` rows (the file is not read further), numbers with leading zeros (`00501`)
 * stay strings, and `--type col=type` overrides a column's inferred type. It once read the whole
 * file and turned ZIP codes into `long`.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Warehouse, writeParquet } from '../../src/node.js';
import { runFloe } from './in-process.js';
import { jsonLines, tempDir, writeInput } from './support.js';

const root = tempDir('floe-create-like-');
const uri = `memory://cli-create-like-${process.pid}`;

function floe(args: readonly string[]): ReturnType<typeof runFloe> {
  return runFloe(['--warehouse', uri, ...args]);
}

async function types(table: string): Promise<[string, unknown][]> {
  const t = await (await Warehouse.open(uri)).loadTable(table);
  return t.schema().fields.map((f) => [f.name, f.type.type === 'list' || f.type.type === 'struct' || f.type.type === 'map' ? f.type.type : f.type.type === 'decimal' ? `decimal(${f.type.precision},${f.type.scale})` : f.type.type]);
}

describe('floe create --like: inference from a sample', () => {
  it('infers from the first 10,000 rows by default and says so when the file has more', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `${i},${i % 2 === 0 ? 'true' : 'false'}`);
    const file = writeInput(root, 'many.csv', `n,flag\n${lines.join('\n')}\nnot-a-number,maybe\n`);
    const r = await floe(['create', 'ns.many', '--like', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(await types('ns.many')).toEqual([
      ['n', 'long'],
      ['flag', 'boolean'],
    ]);
    expect(r.stderr).toContain(`types inferred from the first 10,000 rows of ${file}`);
  });

  it('--sample-rows N reads only N rows: what follows them is not even parsed', async () => {
    // After five good rows: a row that would make `n` a string, invalid UTF-8, and an unclosed quote.
    const file = writeInput(root, 'tail.csv', Buffer.concat([Buffer.from('n,s\n1,a\n2,b\n3,c\n4,d\n5,e\nx,y\n'), Buffer.from([0xff, 0x0a]), Buffer.from('6,"unclosed\n')]));
    const r = await floe(['create', 'ns.tail', '--like', file, '--sample-rows', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect(await types('ns.tail')).toEqual([
      ['n', 'long'],
      ['s', 'string'],
    ]);
    const jsonl = writeInput(root, 'tail.jsonl', '{"n": 1}\n{"n": 2}\n{"n": "two"}\nnot json at all\n');
    const j = await floe(['create', 'ns.tail_j', '--like', jsonl, '--sample-rows', '2']);
    expect(j.code, j.stderr).toBe(0);
    expect(await types('ns.tail_j')).toEqual([['n', 'long']]);
  });

  it('reads a file shorter than the sample whole, and says nothing about a sample', async () => {
    const file = writeInput(root, 'short.csv', 'a\n1\n2\n');
    const r = await floe(['create', 'ns.short', '--like', file, '--sample-rows', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('inferred from the first');
  });
});

describe('floe create --like: leading zeros', () => {
  it('keeps numbers with leading zeros as strings (but not 0 or 0.5), and append keeps their text', async () => {
    const file = writeInput(root, 'zips.csv', 'zip,zero,half,neg,code\n00501,0,0.5,-0.25,007\n02134,10,0.75,-1,12\n90210,0,1.5,-0,3\n');
    const r = await floe(['create', 'ns.zips', '--like', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(await types('ns.zips')).toEqual([
      ['zip', 'string'],
      ['zero', 'long'],
      ['half', 'double'],
      ['neg', 'double'],
      ['code', 'string'],
    ]);
    const appended = await floe(['append', 'ns.zips', file]);
    expect(appended.code, appended.stderr).toBe(0);
    const rows = jsonLines((await floe(['scan', 'ns.zips', '--format', 'jsonl'])).stdout);
    expect(rows.map((row) => row['zip']).sort()).toEqual(['00501', '02134', '90210']);
    expect(rows.map((row) => row['code']).sort()).toEqual(['007', '12', '3']);
  });
});

describe('floe create --like: --type overrides', () => {
  it('sets the named columns to the given types (repeatable), the others as inferred', async () => {
    const file = writeInput(root, 'over.csv', 'id,zip,score,emb\n1,501,2,"[1,2,3]"\n2,10,3,"[4,5,6]"\n');
    const r = await floe(['create', 'ns.over', '--like', file, '--type', 'zip=string', '--type', 'score=decimal(10,2)', '--type', 'id=int']);
    expect(r.code, r.stderr).toBe(0);
    expect(await types('ns.over')).toEqual([
      ['id', 'int'],
      ['zip', 'string'],
      ['score', 'decimal(10,2)'],
      ['emb', 'list'],
    ]);
    expect(r.stdout).toMatch(/emb\s+vector\(3\)/);
    const appended = await floe(['append', 'ns.over', file]);
    expect(appended.code, appended.stderr).toBe(0);
    const rows = jsonLines((await floe(['scan', 'ns.over', '--format', 'jsonl'])).stdout).sort((a, b) => Number(a['id']) - Number(b['id']));
    expect(rows.map((row) => [row['zip'], row['score']])).toEqual([
      ['501', '2.00'],
      ['10', '3.00'],
    ]);
  });

  it.each([
    [['--type', 'nope=string'], '--type nope=string: the file has no column "nope" (its columns: id, zip)'],
    [['--type', 'zip=strin'], '--type zip=strin: column "zip": cannot read type "strin"'],
    [['--type', 'zip'], '--type takes COLUMN=TYPE, got "zip"'],
    [['--type', 'zip=string', '--type', 'zip=long'], '--type names column "zip" twice'],
    [['--sample-rows', '0'], '--sample-rows must be a positive integer, got "0"'],
    [['--sample-rows', 'many'], '--sample-rows must be a positive integer, got "many"'],
  ])('exits 1 for %j, naming the argument, and creates nothing', async (args, message) => {
    const file = writeInput(root, 'small.csv', 'id,zip\n1,00501\n');
    const r = await floe(['create', 'ns.bad', '--like', file, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(await (await Warehouse.open(uri)).tableExists('ns.bad')).toBe(false);
  });

  it('--type and --sample-rows need a CSV or JSON-lines --like file', async () => {
    const table = new arrow.Table({ a: arrow.vectorFromArray([1, 2], new arrow.Int32()) });
    const pq = writeInput(root, 'typed.parquet', writeParquet(table));
    const withParquet = await floe(['create', 'ns.bad', '--like', pq, '--type', 'a=long']);
    expect(withParquet.code).toBe(1);
    expect(withParquet.stderr).toContain('--type applies to CSV, TSV and JSON-lines files');
    const withSchema = await floe(['create', 'ns.bad', '--schema', '{"a":"long"}', '--sample-rows', '5']);
    expect(withSchema.code).toBe(1);
    expect(withSchema.stderr).toContain('--sample-rows applies to --like');
    expect(await (await Warehouse.open(uri)).tableExists('ns.bad')).toBe(false);
  });
});
