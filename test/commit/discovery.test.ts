/**
 * Version discovery over metadata folders named the ways other writers name them (Iceberg spec
 * "File System Tables", "Metastore Tables", Appendix F gzip naming; Java HadoopTableOperations,
 * BaseMetastoreTableOperations; PyIceberg and DuckDB version hints). Each folder is built here,
 * in a memory store, from small metadata files that carry a `marker` property, so each test
 * names the file discovery must pick — or asserts that it refuses to guess, naming the candidates.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findVersion, loadTableState } from '../../src/commit/index.js';
import { isFloeError, type FloeError } from '../../src/errors.js';
import { encodeTableMetadata, type TableMetadata } from '../../src/spec/index.js';
import { MemoryStore, instrumented } from '../../src/store/index.js';

const UUID_A = '6f1c3a52-9d1e-4c55-8a7e-0b4c2f9d7a11';
const UUID_B = 'a0d7e0c4-2b9f-4b7e-9f0e-5d3c1e2b4a99';
const UUID_C = '0c2b9e4d-7a1f-4d3e-8b6c-9e8d7c6b5a43';

interface Version {
  /** The file name under metadata/. */
  readonly name: string;
  /** `last-sequence-number`. */
  readonly seq: number;
  /** `last-updated-ms`. */
  readonly ms: number;
  /** Base names of earlier files, as their `metadata-log` (with that file's last-updated-ms unless given). */
  readonly log?: readonly (string | readonly [name: string, ms: number])[];
  /** gzip the bytes (whatever the name says). */
  readonly gzip?: boolean;
}

function metadataOf(v: Version, msOf: ReadonlyMap<string, number>): TableMetadata {
  return {
    formatVersion: 2,
    tableUuid: '00000000-0000-4000-8000-000000000001',
    location: 's3://bucket/wh/t',
    lastSequenceNumber: BigInt(v.seq),
    lastUpdatedMs: v.ms,
    lastColumnId: 1,
    schemas: [{ schemaId: 0, fields: [{ id: 1, name: 'id', required: false, type: { type: 'long' } }] }],
    currentSchemaId: 0,
    partitionSpecs: [{ specId: 0, fields: [] }],
    defaultSpecId: 0,
    lastPartitionId: 999,
    properties: { marker: v.name },
    currentSnapshotId: null,
    snapshots: [],
    snapshotLog: [],
    // as Java and Floe record a previous file: its location and its last-updated-ms
    metadataLog: (v.log ?? []).map((e) => {
      const [n, ms] = typeof e === 'string' ? [e, msOf.get(e) ?? 0] : e;
      return { timestampMs: ms, metadataFile: `s3://bucket/wh/t/metadata/${n}` };
    }),
    sortOrders: [{ orderId: 0, fields: [] }],
    defaultSortOrderId: 0,
    refs: {},
  };
}

/** A table root holding these metadata files (and a hint, when given). */
async function folder(versions: readonly Version[], hint?: string): Promise<MemoryStore> {
  const store = new MemoryStore();
  const msOf = new Map(versions.map((v) => [v.name, v.ms]));
  for (const v of versions) {
    const json = new TextEncoder().encode(encodeTableMetadata(metadataOf(v, msOf)));
    await store.put(`metadata/${v.name}`, v.gzip ? gzipSync(json) : json, { mode: { kind: 'create' } });
  }
  // things that are not metadata files
  await store.put(`metadata/snap-1-1-${UUID_A}.avro`, Uint8Array.of(1), { mode: { kind: 'create' } });
  await store.put(`metadata/.v1.metadata.json.crc`, Uint8Array.of(1), { mode: { kind: 'create' } });
  if (hint !== undefined) await store.put('metadata/version-hint.text', new TextEncoder().encode(hint), { mode: { kind: 'create' } });
  return store;
}

/** A chain of versions named by `name(i)`, each built on the previous one. */
function chain(names: readonly string[], extra: Partial<Version> = {}): Version[] {
  return names.map((name, i) => ({ name, seq: i, ms: 1000 + i, log: names.slice(0, i), ...extra }));
}

async function keysOf(store: MemoryStore): Promise<string[]> {
  const out: string[] = [];
  for await (const m of store.list('')) out.push(`${m.path}@${m.etag}`);
  return out.sort();
}

async function picked(store: MemoryStore): Promise<{ path: string; version: number; marker: string | undefined }> {
  const s = await loadTableState(store, 'db.t');
  return { path: s.path, version: s.version, marker: s.metadata.properties['marker'] };
}

async function refusal(store: MemoryStore): Promise<FloeError> {
  try {
    await loadTableState(store, 'db.t');
  } catch (e) {
    if (isFloeError(e)) return e;
    throw e;
  }
  throw new Error('discovery picked a version');
}

describe('Hadoop names with a codec (Java HadoopTableOperations, spec Appendix F gzip naming)', () => {
  const gz = (): Version[] => [
    { name: 'v1.metadata.json', seq: 0, ms: 1 },
    { name: 'v2.gz.metadata.json', seq: 1, ms: 2, gzip: true },
    { name: 'v3.metadata.json.gz', seq: 2, ms: 3, gzip: true },
  ];

  it.each([['3'], ['2'], ['1'], [undefined]])('finds v3.metadata.json.gz with hint %s, and reads it gunzipped', async (hint) => {
    expect(await picked(await folder(gz(), hint))).toEqual({ path: 'metadata/v3.metadata.json.gz', version: 3, marker: 'v3.metadata.json.gz' });
  });

  it('a gzip file named .metadata.json is read too (the bytes say gzip); one named .gz that is not gzip is corrupt', async () => {
    const store = await folder([{ name: 'v1.metadata.json', seq: 0, ms: 1, gzip: true }], '1');
    expect((await picked(store)).marker).toBe('v1.metadata.json');
    const bad = await folder([{ name: 'v1.gz.metadata.json', seq: 0, ms: 1 }], '1');
    const e = await refusal(bad);
    expect([e.code, e.context['path'], e.context['table']]).toEqual(['CORRUPT_FILE', 'metadata/v1.gz.metadata.json', 'db.t']);
  });

  it('the same version in two spellings: Java\'s order (plain, .gz.metadata.json, .metadata.json.gz)', async () => {
    const store = await folder([
      { name: 'v1.metadata.json', seq: 0, ms: 1 },
      { name: 'v2.metadata.json.gz', seq: 1, ms: 2, gzip: true },
      { name: 'v2.gz.metadata.json', seq: 1, ms: 3, gzip: true },
    ]);
    expect((await picked(store)).path).toBe('metadata/v2.gz.metadata.json');
  });

  it('findVersion(n) finds any spelling; a version named twice by other writers is refused', async () => {
    const store = await folder([
      ...gz(),
      { name: `00003-${UUID_A}.metadata.json`, seq: 2, ms: 3 },
      { name: `00004-${UUID_A}.metadata.json`, seq: 3, ms: 4 },
      { name: `00005-${UUID_A}.metadata.json`, seq: 4, ms: 5 },
      { name: `00005-${UUID_B}.metadata.json`, seq: 4, ms: 6 },
    ]);
    expect((await findVersion(store, 2)).path).toBe('metadata/v2.gz.metadata.json');
    expect((await findVersion(store, 3)).path).toBe('metadata/v3.metadata.json.gz');
    expect(await findVersion(store, 4)).toEqual({ version: 4, path: `metadata/00004-${UUID_A}.metadata.json` });
    expect((await findVersion(store, 'v2.gz.metadata.json')).version).toBe(2);
    await expect(findVersion(store, 5)).rejects.toMatchObject({ code: 'VALIDATION', context: { candidates: `metadata/00005-${UUID_A}.metadata.json, metadata/00005-${UUID_B}.metadata.json` } });
    await expect(findVersion(store, 9)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('what discovery costs', () => {
  it('a Floe table with its hint: one GET of the hint, one HEAD per version, three for the missing next one, no LIST', async () => {
    const store = instrumented(await folder(chain(['v1.metadata.json', 'v2.metadata.json', 'v3.metadata.json']), '2'));
    store.reset();
    expect((await loadTableState(store, 'db.t')).path).toBe('metadata/v3.metadata.json');
    // hint; v2, v3 (plain, found); v4 (plain, then both gzip spellings); the GET of v3
    expect(store.snapshot().calls).toMatchObject({ get: 2, head: 5, list: 0 });
  });
});

describe('names with a version prefix and a suffix are ordered by version', () => {
  it.each([
    ['uuid suffix, gzip', [`00001-${UUID_A}.metadata.json`, `00002-${UUID_B}.gz.metadata.json`]],
    ['v<N>-<uuid> (Delta UniForm style)', [`v1-${UUID_A}.metadata.json`, `v2-${UUID_B}.metadata.json`]],
    ['free suffix after the uuid', [`00001-${UUID_A}.metadata.json`, `00002-${UUID_B}-compacted.metadata.json`]],
    ['numeric, not lexicographic, order', ['9-x.metadata.json', '10-y.metadata.json']],
  ])('%s', async (_label, names) => {
    const versions = chain(names).map((v) => ({ ...v, gzip: v.name.includes('.gz.') }));
    const store = await folder(versions);
    const last = names.at(-1)!;
    expect((await picked(store)).path).toBe(`metadata/${last}`);
  });

  it('two writers without a catalog both wrote version 2: refused, naming both; the hint picks one', async () => {
    const names = [`00000-${UUID_A}.metadata.json`, `00001-${UUID_A}.metadata.json`];
    const siblings: Version[] = [
      ...chain(names),
      { name: `00002-${UUID_B}.metadata.json`, seq: 2, ms: 1003, log: names },
      { name: `00002-${UUID_C}.metadata.json`, seq: 2, ms: 1002, log: names },
    ];
    const e = await refusal(await folder(siblings));
    expect(e.code).toBe('VALIDATION');
    expect(String(e.context['candidates']).split(', ').sort()).toEqual([`metadata/00002-${UUID_C}.metadata.json`, `metadata/00002-${UUID_B}.metadata.json`].sort());
    expect(e.help).toContain('version-hint.text');
    for (const hint of [`00002-${UUID_C}.metadata.json`, `00002-${UUID_C}`, `s3://bucket/wh/t/metadata/00002-${UUID_C}.metadata.json`]) {
      expect((await picked(await folder(siblings, hint))).marker, hint).toBe(`00002-${UUID_C}.metadata.json`);
    }
  });
});

describe('a hint that names a file (PyIceberg StaticTable, DuckDB version_name_format)', () => {
  const freeForm = (): Version[] => chain(['first.metadata.json', 'current.metadata.json']);

  it.each([['current.metadata.json'], ['current'], ['file:///wh/t/metadata/current.metadata.json'], ['  current.metadata.json\n']])(
    'hint %j is followed',
    async (hint) => {
      expect((await picked(await folder(freeForm(), hint))).marker).toBe('current.metadata.json');
    },
  );

  it('DuckDB stem form v<text>: hint `3-final` names v3-final.metadata.json', async () => {
    const store = await folder(chain(['v1.metadata.json', 'v2.metadata.json', 'v3-final.metadata.json']), '3-final');
    expect((await picked(store)).path).toBe('metadata/v3-final.metadata.json');
  });

  it('a hint naming an older file does not hide a newer one (the hint lags): the newer is read', async () => {
    const names = [`00000-${UUID_A}.metadata.json`, `00001-${UUID_B}.metadata.json`, `00002-${UUID_C}.metadata.json`];
    expect((await picked(await folder(chain(names), names[0]))).path).toBe(`metadata/${names[2]}`);
    expect((await picked(await folder(freeForm(), 'first.metadata.json'))).marker).toBe('current.metadata.json');
  });

  it('a hint naming a Hadoop file is probed forward like a number', async () => {
    const store = await folder(chain(['v1.metadata.json', 'v2.metadata.json', 'v3.metadata.json']), 'v2.metadata.json');
    expect((await picked(store)).path).toBe('metadata/v3.metadata.json');
  });

  it('a hint naming nothing that exists, or garbage, falls back to the listing', async () => {
    for (const hint of ['7', 'gone.metadata.json', '\u0000\u0001', '']) {
      expect((await picked(await folder(freeForm(), hint))).marker, JSON.stringify(hint)).toBe('current.metadata.json');
    }
  });
});

describe('free-form names are ordered by their metadata', () => {
  it('by last-sequence-number, then last-updated-ms', async () => {
    const store = await folder([
      { name: 'a.metadata.json', seq: 1, ms: 5000 },
      { name: 'b.metadata.json', seq: 3, ms: 1000 },
      { name: 'c.metadata.json', seq: 2, ms: 9000 },
    ]);
    expect(await picked(store)).toEqual({ path: 'metadata/b.metadata.json', version: 0, marker: 'b.metadata.json' });
    const byTime = await folder([
      { name: 'a.metadata.json', seq: 3, ms: 2000 },
      { name: 'b.metadata.json', seq: 3, ms: 1000 },
    ]);
    expect((await picked(byTime)).marker).toBe('a.metadata.json');
  });

  it('a file built on another (its metadata-log lists it) is newer, whatever the clocks say', async () => {
    const store = await folder([
      { name: 'x.metadata.json', seq: 4, ms: 9000 },
      { name: 'y.metadata.json', seq: 4, ms: 8000, log: ['x.metadata.json'] },
    ]);
    expect((await picked(store)).marker).toBe('y.metadata.json');
  });

  it('a metadata-log entry for a name since reused (another last-updated-ms) is not the file there now', async () => {
    // `a` and `b` were built on a v1 (and v2) since deleted; a writer then created a new v1 on `b`
    const gone = [['v1.metadata.json', 100], ['v2.metadata.json', 150]] as const;
    const store = await folder([
      { name: 'a.metadata.json', seq: 1, ms: 200, log: [gone[0]] },
      { name: 'b.metadata.json', seq: 2, ms: 250, log: [...gone] },
      { name: 'v1.metadata.json', seq: 3, ms: 300, log: [...gone, 'b.metadata.json'] },
    ]);
    expect((await picked(store)).path).toBe('metadata/v1.metadata.json');
  });

  it('uuid-only names (no Hadoop files beside them) are versions too', async () => {
    const store = await folder([
      { name: `${UUID_A}.metadata.json`, seq: 2, ms: 2 },
      { name: `${UUID_B}.metadata.json`, seq: 1, ms: 1 },
    ]);
    expect((await picked(store)).path).toBe(`metadata/${UUID_A}.metadata.json`);
  });

  it('nothing tells two files apart: refused with both named, the table untouched', async () => {
    const store = await folder([
      { name: 'left.metadata.json', seq: 2, ms: 7 },
      { name: 'right.metadata.json', seq: 2, ms: 7 },
      { name: 'old.metadata.json', seq: 1, ms: 1 },
    ]);
    const before = await keysOf(store);
    const e = await refusal(store);
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toContain('cannot tell which metadata file is the newest');
    expect(e.context).toMatchObject({ table: 'db.t', candidates: 'metadata/left.metadata.json, metadata/right.metadata.json' });
    expect(await keysOf(store)).toEqual(before);
    // the hint settles it
    await store.put('metadata/version-hint.text', new TextEncoder().encode('right.metadata.json'), { mode: { kind: 'create' } });
    expect((await picked(store)).marker).toBe('right.metadata.json');
  });
});

describe('mixed namings', () => {
  const hadoop = (): Version[] => chain(['v1.metadata.json', 'v2.metadata.json', 'v3.metadata.json']);

  it('beside v<N> files, a bare <uuid>.metadata.json is the file-system commit\'s temporary file, never a version', async () => {
    const store = await folder([...hadoop(), { name: `${UUID_A}.metadata.json`, seq: 9, ms: 9999, log: ['v3.metadata.json'] }]);
    expect((await picked(store)).path).toBe('metadata/v3.metadata.json');
  });

  it('a newer free-form file beside v<N> files is read, not hidden, when listing', async () => {
    const names = ['v1.metadata.json', 'v2.metadata.json', 'v3.metadata.json'];
    const store = await folder([...hadoop(), { name: 'next.metadata.json', seq: 3, ms: 1003, log: names }]);
    expect(await picked(store)).toEqual({ path: 'metadata/next.metadata.json', version: 3, marker: 'next.metadata.json' });
  });

  it('a free-form copy of the newest v<N> is not a newer version', async () => {
    const store = await folder([...hadoop(), { name: 'backup.metadata.json', seq: 2, ms: 1002, log: ['v1.metadata.json', 'v2.metadata.json'] }]);
    expect((await picked(store)).path).toBe('metadata/v3.metadata.json');
  });

  it('a numeric hint is followed as Java follows it: v<N> probed forward, other names not consulted', async () => {
    const store = await folder([...hadoop(), { name: 'next.metadata.json', seq: 3, ms: 1003 }], '3');
    expect((await picked(store)).path).toBe('metadata/v3.metadata.json');
  });

  it('Floe\'s v<N+1> on a table named by a catalog-backed writer is the newest', async () => {
    const names = [`00000-${UUID_A}.metadata.json`, `00001-${UUID_B}.metadata.json`, 'v2.metadata.json'];
    expect((await picked(await folder(chain(names)))).path).toBe('metadata/v2.metadata.json');
  });
});
