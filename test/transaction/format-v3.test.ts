/**
 * Creating and upgrading format v3 tables (spec/table-format.md §F1) on memory, a local folder
 * and S3: `formatVersion: 3` or the reserved `format-version` property at create (as Iceberg
 * Java and PyIceberg take it, not stored), `format-version` set later as an upgrade 2 → 3; the
 * metadata file written is v3 (`next-row-id`, `current-snapshot-id` null); v4 and downgrades are
 * refused with nothing committed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Table, type Warehouse, openLocation } from 'floe';
import { parseJson } from '../../src/util/index.js';
import { cleanupBackends, featureBackends } from '../features/backends.js';
import { failure } from '../support/failure.js';

afterAll(cleanupBackends);

const SCHEMA = { id: 'long not null', s: 'string' } as const;

/** The table's current metadata file, parsed as JSON. */
async function metadataJson(wh: Warehouse, t: Table): Promise<Record<string, unknown>> {
  const store = openLocation(t.uri, wh.s3Options ? { s3: wh.s3Options } : {}).store;
  const { bytes } = await store.get(t.metadataFile);
  return parseJson(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

describe.each(featureBackends)('format v3 tables ($label)', (backend) => {
  let wh: Warehouse;
  let n = 0;
  async function warehouse(): Promise<Warehouse> {
    if (!wh) {
      wh = await backend.open();
      await wh.createNamespace('v3');
    }
    return wh;
  }

  it('createTable with formatVersion 3 or the format-version property writes v3 metadata', async () => {
    const w = await warehouse();
    for (const options of [{ formatVersion: 3 as const }, { properties: { 'format-version': '3', owner: 'a' } }]) {
      const t = await w.createTable(`v3.t${n++}`, SCHEMA, options);
      expect(t.metadata().formatVersion).toBe(3);
      expect(t.metadata().nextRowId).toBe(0n);
      const json = await metadataJson(w, t);
      expect(json['format-version']).toBe(3);
      expect(json['next-row-id']).toBe(0);
      // spec Appendix F: not -1 for "no current snapshot" from v3 on (left out: null)
      expect('current-snapshot-id' in json).toBe(false);
      expect(Object.keys(json['properties'] as object)).not.toContain('format-version');
      const reloaded = await w.loadTable(t.name);
      expect(reloaded.metadata().formatVersion).toBe(3);
    }
  });

  it('a table created without a version is v2, and setting format-version 3 upgrades it', async () => {
    const w = await warehouse();
    const t = await w.createTable(`v3.t${n++}`, SCHEMA, {});
    expect(t.metadata().formatVersion).toBe(2);
    expect((await metadataJson(w, t))['format-version']).toBe(2);
    expect((await metadataJson(w, t))['next-row-id']).toBeUndefined();
    await t.setProperties({ 'format-version': '3', owner: 'b' });
    expect(t.metadata().formatVersion).toBe(3);
    expect(t.metadata().nextRowId).toBe(0n);
    expect(t.metadata().properties['owner']).toBe('b');
    expect(t.metadata().properties['format-version']).toBeUndefined();
    const json = await metadataJson(w, t);
    expect(json['format-version']).toBe(3);
    expect(json['next-row-id']).toBe(0);
    // setting the version it already has changes nothing
    await t.setProperties({ 'format-version': '3' });
    expect(t.metadata().formatVersion).toBe(3);
  });

  it('refuses format v4, a downgrade and removing format-version, with nothing committed', async () => {
    const w = await warehouse();
    const e4 = await failure(() => w.createTable(`v3.t${n}`, SCHEMA, { properties: { 'format-version': '4' } }));
    expect(e4.code).toBe('UNSUPPORTED');
    expect(e4.message).toContain(`v3.t${n}`);
    expect(await w.tableExists(`v3.t${n}`)).toBe(false);
    const bad = await failure(() => w.createTable(`v3.t${n}`, SCHEMA, { properties: { 'format-version': 'three' } }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
    expect(bad.message).toContain('format-version');
    const both = await failure(() => w.createTable(`v3.t${n}`, SCHEMA, { formatVersion: 3, properties: { 'format-version': '2' } }));
    expect(both.code).toBe('INVALID_ARGUMENT');
    const option = await failure(() => w.createTable(`v3.t${n}`, SCHEMA, { formatVersion: 4 as 3 }));
    expect(option.code).toBe('INVALID_ARGUMENT');
    expect(await w.tableExists(`v3.t${n}`)).toBe(false);

    const t = await w.createTable(`v3.t${n++}`, SCHEMA, { formatVersion: 3 });
    await t.setProperties({ owner: 'c' });
    const file = t.metadataFile;
    const down = await failure(() => t.setProperties({ 'format-version': '2' }));
    expect(down.code).toBe('INVALID_ARGUMENT');
    expect(down.message).toContain('downgrade');
    const up4 = await failure(() => t.setProperties({ 'format-version': '4' }));
    expect(up4.code).toBe('UNSUPPORTED');
    const removed = await failure(() => t.setProperties({}, ['format-version']));
    expect(removed.code).toBe('INVALID_ARGUMENT');
    const reloaded = await w.loadTable(t.name);
    expect(reloaded.metadataFile).toBe(file);
    expect(reloaded.metadata().formatVersion).toBe(3);
    expect(reloaded.metadata().properties['owner']).toBe('c');
  });
});
