/**
 * Text that is not valid Unicode in `floe append` and `floe create --like` input: invalid UTF-8
 * in CSV, TSV and JSON lines, and JSON `\uD800` escapes that decode to a lone surrogate. By
 * default the command refuses, naming file:line:column, and commits nothing; with
 * `--on-invalid-text replace` each bad sequence becomes U+FFFD. (They were once replaced
 * silently.)
 */
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { Warehouse } from '../../src/node.js';
import { runFloe } from './in-process.js';
import { jsonLines, tempDir, writeInput } from './support.js';

const root = tempDir('floe-invalid-text-');
const uri = `memory://cli-invalid-text-${process.pid}`;

const bytes = (...parts: (string | number[])[]): Uint8Array => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

// Line 3 is `2,é` (é is 2 bytes, valid) then 0xFF: the bad byte is the 4th character of its line.
const CSV = bytes('id,name\n1,ok\n2,é', [0xff], 'x\n3,fine\n');
const TSV = bytes('id\tname\n1\tok\n2\té', [0xff], 'x\n');
// A truncated 3-byte sequence (E2 82 without its last byte) in the second line's string.
const JSONL_BYTES = bytes('{"id": 1, "name": "ok"}\n{"id": 2, "name": "ab', [0xe2, 0x82], '"}\n');
// Valid UTF-8, but the escape decodes to a lone high surrogate.
const JSONL_SURROGATE = '{"id": 1, "name": "ok"}\n{"id": 2, "name": "x\\ud800y"}\n';

async function state(table: string): Promise<{ version: number; snapshot: string | undefined }> {
  const t = await (await Warehouse.open(uri)).loadTable(table);
  return { version: t.version, snapshot: t.currentSnapshot()?.snapshotId.toString() };
}

async function names(table: string): Promise<unknown[]> {
  const r = await runFloe(['--warehouse', uri, 'scan', table, '--format', 'jsonl']);
  expect(r.code, r.stderr).toBe(0);
  return jsonLines(r.stdout)
    .sort((a, b) => Number(a['id']) - Number(b['id']))
    .map((row) => row['name']);
}

beforeAll(async () => {
  const wh = await Warehouse.open(uri);
  await wh.createNamespace('t');
  const schema = new arrow.Schema([new arrow.Field('id', new arrow.Int64(), false), new arrow.Field('name', new arrow.Utf8(), true)]);
  for (const name of ['t.csv', 't.tsv', 't.jsonl', 't.surrogate']) {
    const t = await wh.createTable(name, schema);
    // One committed row, so "unchanged" also means its rows.
    await t.append(new arrow.Table({ id: arrow.makeVector(BigInt64Array.of(0n)), name: arrow.vectorFromArray(['before'], new arrow.Utf8()) }));
  }
});

describe('floe append of text that is not valid Unicode', () => {
  it.each([
    ['t.csv', 'bad.csv', CSV, ':3:4: invalid UTF-8', ['before', 'ok', 'é\uFFFDx', 'fine']],
    ['t.tsv', 'bad.tsv', TSV, ':3:4: invalid UTF-8', ['before', 'ok', 'é\uFFFDx']],
    ['t.jsonl', 'bad.jsonl', JSONL_BYTES, ':2:22: invalid UTF-8', ['before', 'ok', 'ab\uFFFD']],
    ['t.surrogate', 'surrogate.jsonl', JSONL_SURROGATE, ':2:21: a lone surrogate', ['before', 'ok', 'x\uFFFDy']],
  ] as const)('%s: refuses %s naming file:line:column and commits nothing; replaces with --on-invalid-text replace', async (table, name, content, where, replaced) => {
    const file = writeInput(root, name, content);
    const before = await state(table);
    const refused = await runFloe(['--warehouse', uri, 'append', table, file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${file}${where}`);
    expect(refused.stderr).toContain('--on-invalid-text replace');
    expect(await state(table)).toEqual(before);
    expect(await names(table)).toEqual(['before']);

    const replacedRun = await runFloe(['--warehouse', uri, 'append', table, file, '--on-invalid-text', 'replace']);
    expect(replacedRun.code, replacedRun.stderr).toBe(0);
    expect(await names(table)).toEqual(replaced);
  });

  it('--on-invalid-text fail is the default; an unknown mode is refused', async () => {
    const file = writeInput(root, 'bad2.csv', CSV);
    const fail = await runFloe(['--warehouse', uri, 'append', 't.csv', file, '--on-invalid-text', 'fail']);
    expect(fail.code).toBe(1);
    expect(fail.stderr).toContain(`${file}:3:4: invalid UTF-8`);
    const bogus = await runFloe(['--warehouse', uri, 'append', 't.csv', file, '--on-invalid-text', 'ignore']);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain('--on-invalid-text must be one of fail, replace; got "ignore"');
  });
});

describe('floe create --like of text that is not valid Unicode', () => {
  it('refuses naming file:line:column and creates nothing; creates the table with --on-invalid-text replace', async () => {
    const file = writeInput(root, 'like-bad.csv', CSV);
    const refused = await runFloe(['--warehouse', uri, 'create', 't.like_bad', '--like', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${file}:3:4: invalid UTF-8`);
    expect(await (await Warehouse.open(uri)).tableExists('t.like_bad')).toBe(false);

    const jsonl = writeInput(root, 'like-surrogate.jsonl', JSONL_SURROGATE);
    const surrogate = await runFloe(['--warehouse', uri, 'create', 't.like_bad', '--like', jsonl]);
    expect(surrogate.code).toBe(1);
    expect(surrogate.stderr).toContain(`${jsonl}:2:21: a lone surrogate`);

    const replaced = await runFloe(['--warehouse', uri, 'create', 't.like_bad', '--like', file, '--on-invalid-text', 'replace']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await (await Warehouse.open(uri)).tableExists('t.like_bad')).toBe(true);
  });
});
