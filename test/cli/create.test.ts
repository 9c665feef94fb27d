/**
 * `floe create`: compact and Iceberg schema JSON, `@file`, `--like` for every input format,
 * partition specs and properties; and the mistakes (exit 1, naming what to fix).
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { writeParquet } from '../../src/index.js';
import { tempDir, warehouse, writeInput } from './support.js';

const root = tempDir();
const wh = warehouse(root, 'wh');

interface SchemaJson {
  fields: { id: number; name: string; required: boolean; type: unknown }[];
}

async function schemaOf(table: string): Promise<SchemaJson> {
  const r = await wh.run(['schema', table, '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SchemaJson;
}

describe('floe create', () => {
  it('takes a compact schema: types, not null, vectors, nested types with fresh ids, a partition spec', async () => {
    const r = await wh.run([
      'create',
      'ml.events',
      '--schema',
      '{"id":"long not null","ts":"timestamptz","name":"string","price":"decimal(10,2)","tags":"list<string>","emb":"vector(8)"}',
      '--partition',
      'day(ts), bucket(8, id)',
      '--property',
      'owner=ml-team',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('created table ml.events');
    expect(r.stdout).toContain('partitioned by: day(ts), bucket(8, id)');
    expect(r.stdout).toMatch(/6\s+emb\s+vector\(8\)\s+optional/);
    expect(r.stderr).toContain('created namespace ml');

    const schema = await schemaOf('ml.events');
    expect(schema.fields.map((f) => [f.id, f.name, f.required])).toEqual([
      [1, 'id', true],
      [2, 'ts', false],
      [3, 'name', false],
      [4, 'price', false],
      [5, 'tags', false],
      [6, 'emb', false],
    ]);
    // Nested ids come after every top-level column (assignFreshIds order).
    expect(schema.fields[4]!.type).toEqual({ type: 'list', 'element-id': 7, element: 'string', 'element-required': false });
    expect(schema.fields[5]!.type).toEqual({ type: 'list', 'element-id': 8, element: 'float', 'element-required': true });

    const info = JSON.parse((await wh.run(['info', 'ml.events', '--json'])).stdout);
    expect(info.partitionSpec).toBe('day(ts), bucket(8, id)');
    expect(info.properties.owner).toBe('ml-team');
    expect(info.properties['floe.column.6.vector-dimension']).toBe('8');
  });

  it('takes an Iceberg schema JSON, inline or from @file, keeping its ids', async () => {
    const iceberg = {
      type: 'struct',
      'schema-id': 0,
      fields: [
        { id: 10, name: 'user_id', required: true, type: 'long' },
        { id: 11, name: 'address', required: false, type: { type: 'struct', fields: [{ id: 12, name: 'city', required: false, type: 'string' }] } },
      ],
    };
    const file = writeInput(root, 'schema.json', JSON.stringify(iceberg));
    const r = await wh.run(['create', 'ml.users', '--schema', `@${file}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/12\s+address\.city\s+string/);
    const schema = await schemaOf('ml.users');
    expect(schema.fields.map((f) => f.id)).toEqual([10, 11]);

    const inline = await wh.run(['create', 'ml.users2', '--schema', JSON.stringify(iceberg)]);
    expect(inline.code).toBe(0);
  });

  it('--like takes the schema of a CSV file (types inferred from the values)', async () => {
    const csv = writeInput(root, 'like.csv', 'id,score,ok,day,at,note,emb\n1,0.5,true,2026-01-05,2026-01-05T10:00:00Z,hi,"[1,2,3]"\n2,3,false,2026-01-06,2026-01-05T11:00:00Z,,"[4,5,6]"\n');
    const r = await wh.run(['create', 'like.csv_t', '--like', csv]);
    expect(r.code, r.stderr).toBe(0);
    const types = (await schemaOf('like.csv_t')).fields.map((f) => [f.name, f.type]);
    expect(types).toEqual([
      ['id', 'long'],
      ['score', 'double'],
      ['ok', 'boolean'],
      ['day', 'date'],
      ['at', 'timestamptz'],
      ['note', 'string'],
      ['emb', { type: 'list', 'element-id': 8, element: 'float', 'element-required': true }],
    ]);
    expect(r.stdout).toMatch(/emb\s+vector\(3\)/);
  });

  it('--like takes the schema of JSON lines, Parquet and Arrow IPC files', async () => {
    const jsonl = writeInput(root, 'like.jsonl', '{"id": 1, "name": "a", "at": "2026-01-05T10:00:00"}\n{"id": 2, "name": null, "x": 1.5}\n');
    const j = await wh.run(['create', 'like.jsonl_t', '--like', jsonl]);
    expect(j.code, j.stderr).toBe(0);
    expect((await schemaOf('like.jsonl_t')).fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'long'],
      ['name', 'string'],
      ['at', 'timestamp'],
      ['x', 'double'],
    ]);

    const table = new arrow.Table({ a: arrow.vectorFromArray([1, 2], new arrow.Int32()), b: arrow.vectorFromArray(['x', 'y'], new arrow.Utf8()) });
    const pq = writeInput(root, 'like.parquet', writeParquet(table));
    const p = await wh.run(['create', 'like.pq_t', '--like', pq]);
    expect(p.code, p.stderr).toBe(0);
    expect((await schemaOf('like.pq_t')).fields.map((f) => [f.name, f.type])).toEqual([
      ['a', 'int'],
      ['b', 'string'],
    ]);

    const ipc = writeInput(root, 'like.arrow', arrow.tableToIPC(table, 'file'));
    const a = await wh.run(['create', 'like.arrow_t', '--like', ipc]);
    expect(a.code, a.stderr).toBe(0);
    expect((await schemaOf('like.arrow_t')).fields.map((f) => f.name)).toEqual(['a', 'b']);
  });

  it.each([
    [['--schema', '{"a":"long"}', '--like', 'x.csv'], 'give exactly one of --schema JSON or --like FILE'],
    [[], 'give exactly one of --schema JSON or --like FILE'],
    [['--schema', '{"a":"lng"}'], 'column "a": cannot read type "lng"'],
    [['--schema', '{"a": 5}'], 'the type must be a string'],
    [['--schema', '{"a":"long"'], '--schema is not valid JSON'],
    [['--schema', '{}'], '--schema has no columns'],
    [['--schema', '@/nonexistent/schema.json'], 'cannot read the schema file'],
    [['--schema', '{"a":"long"}', '--partition', 'day(nope)'], 'nope'],
    [['--schema', '{"a":"long"}', '--property', 'novalue'], '--property takes KEY=VALUE'],
    [['--like', 'missing.csv'], 'no such file: missing.csv'],
    [['--like', 'notes.txt'], 'cannot tell the format of notes.txt'],
  ])('exits 1 for %j', async (args, message) => {
    writeInput(root, 'notes.txt', 'hello');
    const r = await wh.run(['create', 'bad.t', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect((await wh.run(['tables', '--json'])).stdout).not.toContain('bad.t');
  });

  it('exits 1 when the table exists, and for a bad table name', async () => {
    expect((await wh.run(['create', 'dup.t', '--schema', '{"a":"long"}'])).code).toBe(0);
    const again = await wh.run(['create', 'dup.t', '--schema', '{"a":"long"}']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('table already exists: dup.t');
    const bad = await wh.run(['create', 'ml.bad name', '--schema', '{"a":"long"}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid table');
  });
});
