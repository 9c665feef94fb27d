/**
 * Golden interop test: every version of every table under test/fixtures/iceberg/ (written by
 * Spark, the Iceberg Java API, Athena, PyIceberg, and Spark tables rewritten by DuckDB) reads
 * exactly as its expected.json says: schema, current snapshot, row count and every row. Adding
 * a fixture folder adds a test (STYLE §12 "Tests are data").
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { Table, typeToString, type NestedField, type PrimitiveType } from 'floe';
import { literalFromArrowValue } from '../../src/io/index.js';
import { literalToJson } from '../../src/spec/values.js';

const ROOT = path.resolve(__dirname, '../fixtures/iceberg');
const fixtures = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface ExpectedColumn {
  id: number;
  name: string;
  type: string;
  required: boolean;
}
interface ExpectedVersion {
  metadataFile: string;
  formatVersion: number;
  currentSchemaId: number;
  defaultSpecId: number;
  snapshotCount: number;
  currentSnapshotId: string | null;
  snapshot?: { operation: string; sequenceNumber: number; summary: Record<string, string> };
  columns: ExpectedColumn[];
  rowCount: number;
  rows: Record<string, unknown>[];
}
interface Expected {
  locationRemap: { recordedPrefix: string; localPath: string }[];
  versions: ExpectedVersion[];
}

type Cell = null | boolean | number | string;

/** A value in expected.json's encoding (conventions.values): Iceberg JSON single values, long as string. */
function encodeCell(field: NestedField, raw: unknown): Cell {
  if (raw === null || raw === undefined) return null;
  const type = field.type as PrimitiveType;
  const literal = literalFromArrowValue(type, raw);
  if (type.type === 'long') return String(literal);
  const json = literalToJson(type, literal);
  return json as Cell;
}

/** expected.json's row order: column by column, nulls first, numbers by value, else string order. */
function compareCells(a: Cell, b: Cell, column: ExpectedColumn): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (column.type === 'long') return BigInt(a as string) < BigInt(b as string) ? -1 : BigInt(a as string) > BigInt(b as string) ? 1 : 0;
  if (column.type.startsWith('decimal')) {
    const d = Number(a) - Number(b);
    if (d !== 0) return d;
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function rowsOf(table: arrow.Table, fields: readonly NestedField[], columns: ExpectedColumn[]): Cell[][] {
  const rows: Cell[][] = [];
  const vectors = fields.map((f) => table.getChild(f.name));
  for (let i = 0; i < table.numRows; i++) rows.push(fields.map((f, c) => encodeCell(f, vectors[c]?.get(i))));
  rows.sort((x, y) => {
    for (let c = 0; c < columns.length; c++) {
      const d = compareCells(x[c]!, y[c]!, columns[c]!);
      if (d !== 0) return d;
    }
    return 0;
  });
  return rows;
}

function expectCellsEqual(actual: Cell[][], expected: Cell[][], columns: ExpectedColumn[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) =>
    row.forEach((cell, c) => {
      const want = expected[r]![c]!;
      if (columns[c]!.type === 'float' && typeof cell === 'number' && typeof want === 'number') {
        expect(Math.fround(cell), `row ${r} column ${columns[c]!.name}`).toBe(Math.fround(want));
      } else {
        expect(cell, `row ${r} column ${columns[c]!.name}`).toEqual(want);
      }
    }),
  );
}

describe.each(fixtures)('iceberg fixture %s', (fixture) => {
  const dir = path.join(ROOT, fixture);
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
  const uri = pathToFileURL(dir).href;
  const remap = Object.fromEntries(expected.locationRemap.map((r) => [r.recordedPrefix, pathToFileURL(path.join(dir, r.localPath)).href]));

  it.each(expected.versions.map((v) => [v.metadataFile, v] as const))('reads %s exactly as expected.json says', async (_file, version) => {
    const table = await Table.load(uri, { metadata: path.basename(version.metadataFile), remap });
    const meta = table.metadata();
    expect(meta.formatVersion).toBe(version.formatVersion);
    expect(meta.currentSchemaId).toBe(version.currentSchemaId);
    expect(meta.defaultSpecId).toBe(version.defaultSpecId);
    expect(table.snapshots().length).toBe(version.snapshotCount);
    expect(table.currentSnapshot()?.snapshotId.toString() ?? null).toBe(version.currentSnapshotId);
    if (version.snapshot) {
      const snap = table.currentSnapshot()!;
      expect(snap.summary).toEqual(version.snapshot.summary);
      expect(snap.sequenceNumber).toBe(BigInt(version.snapshot.sequenceNumber));
    }
    const schema = table.schema();
    // Type strings compare without spaces: Java writes `decimal(10, 2)`, the spec `decimal(P,S)`.
    const bare = (t: string): string => t.replace(/\s+/g, '');
    expect(schema.fields.map((f) => ({ id: f.id, name: f.name, type: bare(typeToString(f.type)), required: f.required }))).toEqual(
      version.columns.map(({ id, name, type, required }) => ({ id, name, type: bare(type), required })),
    );
    const data = await table.scan().toArrow();
    expect(data.numRows).toBe(version.rowCount);
    const want = version.rows.map((row) => version.columns.map((c) => row[c.name] as Cell));
    expectCellsEqual(rowsOf(data, schema.fields, version.columns), want, version.columns);
  });
});

describe('latest version discovery', () => {
  it.each(fixtures)('%s opens at its newest metadata version without being told which', async (fixture) => {
    const dir = path.join(ROOT, fixture);
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected & { latestMetadataFile: string };
    const remap = Object.fromEntries(expected.locationRemap.map((r) => [r.recordedPrefix, pathToFileURL(path.join(dir, r.localPath)).href]));
    const table = await Table.load(pathToFileURL(dir).href, { remap });
    expect(table.metadataFile).toBe(expected.latestMetadataFile);
    const last = expected.versions.at(-1)!;
    expect(table.currentSnapshot()?.snapshotId.toString() ?? null).toBe(last.currentSnapshotId);
    expect(table.metadata().currentSchemaId).toBe(last.currentSchemaId);
  });
});
