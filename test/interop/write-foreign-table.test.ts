/**
 * Floe writes into tables other engines wrote: a copy of the Iceberg-Java table (with position
 * and equality deletes) and of the PyIceberg table (UUID-named metadata, no version hint) take a
 * Floe append; the new version keeps the recorded location style, the deletes still apply, and
 * every earlier version still reads as before.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Table } from 'floe';

const FIXTURES = path.resolve(__dirname, '../fixtures/iceberg');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyOf(fixture: string): { dir: string; remap: Record<string, string>; expected: { versions: { rowCount: number; metadataFile: string }[] } } {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'floe-foreign-')), fixture);
  dirs.push(path.dirname(dir));
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  const remap = Object.fromEntries((expected.locationRemap as { recordedPrefix: string; localPath: string }[]).map((r) => [r.recordedPrefix, pathToFileURL(path.join(dir, r.localPath)).href]));
  return { dir, remap, expected };
}

describe('writing tables other engines wrote', () => {
  it('appends to the Iceberg-Java table with deletes; deletes still apply, old versions unchanged', async () => {
    const { dir, remap, expected } = copyOf('java_bunnies');
    const t = await Table.load(pathToFileURL(dir).href, { remap });
    const before = (await t.scan().toArrow()).numRows;
    expect(before).toBe(15);
    const schema = t.arrowSchema();
    const cols = Object.fromEntries(
      schema.fields.map((f) => [f.name, arrow.vectorFromArray([f.name === 'Breed Name' ? 'Floe Lop' : null], f.type)]),
    );
    const snap = await t.append(new arrow.Table(cols));
    expect(snap.sequenceNumber).toBe(4n);
    expect(snap.summary['total-records']).toBe('23');
    const again = await Table.load(pathToFileURL(dir).href, { remap });
    expect(again.metadataFile).toBe('metadata/v6.metadata.json');
    const rows = await again.scan().toArrow();
    expect(rows.numRows).toBe(16);
    expect([...rows.getChild('Breed Name')!]).toContain('Floe Lop');
    // new files are recorded in the table's own location style
    const plan = await again.scan().planFiles();
    expect(plan.tasks.every((x) => x.file.filePath.startsWith('s3a://hyperparam-iceberg/java/bunnies/'))).toBe(true);
    for (const v of expected.versions) {
      const old = await Table.load(pathToFileURL(dir).href, { remap, metadata: path.basename(v.metadataFile) });
      expect((await old.scan().toArrow()).numRows).toBe(v.rowCount);
    }
  });

  it('appends to the PyIceberg table (UUID-named metadata, initial defaults)', async () => {
    const { dir, remap } = copyOf('add_columns_with_defaults');
    const t = await Table.load(pathToFileURL(dir).href, { remap });
    expect((await t.scan().toArrow()).numRows).toBe(3);
    const schema = t.arrowSchema();
    const cols = Object.fromEntries(schema.fields.map((f) => [f.name, arrow.vectorFromArray([null], f.type)]));
    await t.append(new arrow.Table(cols));
    const again = await Table.load(pathToFileURL(dir).href, { remap });
    expect(again.version).toBe(4);
    expect((await again.scan().toArrow()).numRows).toBe(4);
  });
});
