/**
 * Decodes every manifest list and manifest of the engine-written fixtures (Spark, Java, Athena,
 * PyIceberg) and checks them against the tables' own metadata.json and the independently
 * derived `expected.json` scan plans.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeManifest,
  decodeManifestList,
  inheritSequenceNumbers,
} from '../../src/manifest/index.js';
import { ManifestContent, ManifestEntryStatus, type ManifestFile } from '../../src/spec/manifest.js';
import { parseJson, type JsonValue } from '../../src/util/json.js';

const ROOT = '/work/shared/fixtures/iceberg';
const FIXTURES = readdirSync(ROOT).filter((t) => existsSync(join(ROOT, t, 'expected.json')));

type J = { [key: string]: JsonValue };
const obj = (v: JsonValue | undefined): J => v as J;
const arr = (v: JsonValue | undefined): JsonValue[] => v as JsonValue[];

function load(fixture: string) {
  const expected = obj(parseJson(readFileSync(join(ROOT, fixture, 'expected.json'), 'utf8')));
  const remap = arr(expected['locationRemap']).map(obj);
  const local = (recorded: string): string => {
    for (const r of remap) {
      const prefix = r['recordedPrefix'] as string;
      if (recorded.startsWith(prefix)) return join(ROOT, fixture, r['localPath'] as string, recorded.slice(prefix.length));
    }
    throw new Error(`no remap for ${recorded}`);
  };
  return { expected, local };
}

interface Live {
  path: string;
  seq: string;
  specId: number;
  records: string;
  equalityIds?: number[] | null;
  kind?: string;
}

describe.each(FIXTURES)('fixture %s', (fixture) => {
  const { expected, local } = load(fixture);
  const versions = arr(expected['versions']).map(obj);

  it('decodes every snapshot: ids, sequence numbers and counts match metadata.json', () => {
    for (const v of versions) {
      const meta = obj(parseJson(readFileSync(join(ROOT, fixture, v['metadataFile'] as string), 'utf8')));
      const formatVersion = meta['format-version'] as number;
      for (const snap of arr(meta['snapshots']).map(obj)) {
        const snapshotId = BigInt(snap['snapshot-id'] as number | bigint);
        const seq = BigInt((snap['sequence-number'] as number | undefined) ?? 0);
        const listPath = snap['manifest-list'] as string;
        const list = decodeManifestList(readFileSync(local(listPath)), { path: listPath });
        expect(list.length).toBeGreaterThan(0);
        // The manifests this snapshot added carry its id and sequence number exactly.
        const own = list.filter((m) => m.addedSnapshotId === snapshotId);
        expect(own.length).toBeGreaterThan(0);
        for (const m of own) expect(m.sequenceNumber).toBe(seq);
        for (const m of list) {
          expect(typeof m.addedSnapshotId).toBe('bigint');
          expect(m.sequenceNumber <= seq).toBe(true);
          expect(m.minSequenceNumber <= m.sequenceNumber).toBe(true);
        }
        // Java's summary totals are the sums of live rows over the list's manifests.
        const summary = obj(snap['summary']);
        const liveRows = (c: ManifestContent) =>
          list.filter((m) => m.content === c).reduce((n, m) => n + m.addedRowsCount + m.existingRowsCount, 0);
        if (summary['total-records'] !== undefined) {
          expect(liveRows(ManifestContent.DATA)).toBe(Number(summary['total-records']));
        }
        if (summary['total-position-deletes'] !== undefined) {
          expect(liveRows(ManifestContent.DELETES)).toBe(
            Number(summary['total-position-deletes']) + Number(summary['total-equality-deletes'] ?? 0),
          );
        }
        for (const m of list) checkManifest(m, formatVersion, snapshotId);
      }
    }
  });

  function checkManifest(m: ManifestFile, formatVersion: number, _snapshotId: bigint): void {
    const bytes = readFileSync(local(m.manifestPath));
    expect(bytes.length).toBe(m.manifestLength);
    const d = decodeManifest(bytes, { path: m.manifestPath });
    expect(d.formatVersion).toBe(2);
    expect(d.specId).toBe(m.partitionSpecId);
    expect(d.content).toBe(m.content);
    expect(d.schema?.fields.length).toBeGreaterThan(0);
    const by = (s: number) => d.entries.filter((e) => e.status === s);
    expect(by(ManifestEntryStatus.ADDED).length).toBe(m.addedFilesCount);
    expect(by(ManifestEntryStatus.EXISTING).length).toBe(m.existingFilesCount);
    expect(by(ManifestEntryStatus.DELETED).length).toBe(m.deletedFilesCount);
    const rows = (s: number) => by(s).reduce((n, e) => n + e.dataFile.recordCount, 0);
    expect(rows(ManifestEntryStatus.ADDED)).toBe(m.addedRowsCount);
    expect(rows(ManifestEntryStatus.EXISTING)).toBe(m.existingRowsCount);
    for (const raw of d.entries) {
      expect(raw.dataFile.partition.length).toBe(d.partitionFieldIds.length);
      expect(raw.dataFile.partition.length).toBe(m.partitions?.length ?? 0);
      const e = inheritSequenceNumbers(raw, m, formatVersion);
      expect(typeof e.snapshotId).toBe('bigint');
      expect(typeof e.sequenceNumber).toBe('bigint');
      expect(typeof e.fileSequenceNumber).toBe('bigint');
      if (raw.status === ManifestEntryStatus.ADDED) {
        expect(e.snapshotId).toBe(m.addedSnapshotId);
        expect(e.sequenceNumber).toBe(raw.sequenceNumber ?? m.sequenceNumber);
        expect(e.fileSequenceNumber).toBe(m.sequenceNumber);
      }
      if (raw.status !== ManifestEntryStatus.DELETED) expect(e.sequenceNumber! >= m.minSequenceNumber).toBe(true);
    }
  }

  it('live files after inheritance equal the expected scan plan of every version', () => {
    for (const v of versions) {
      const snapshot = v['snapshot'] as J | null;
      if (snapshot === null) continue;
      const formatVersion = v['formatVersion'] as number;
      const listPath = snapshot['manifestList'] as string;
      const list = decodeManifestList(readFileSync(local(listPath)), { path: listPath });
      const data: Live[] = [];
      const deletes: Live[] = [];
      for (const m of list) {
        const d = decodeManifest(readFileSync(local(m.manifestPath)), { path: m.manifestPath });
        for (const raw of d.entries) {
          if (raw.status === ManifestEntryStatus.DELETED) continue;
          const e = inheritSequenceNumbers(raw, m, formatVersion);
          const f = e.dataFile;
          const live: Live = { path: f.filePath, seq: String(e.sequenceNumber), specId: m.partitionSpecId, records: String(f.recordCount) };
          if (f.content === 0) data.push(live);
          else deletes.push({ ...live, kind: f.content === 1 ? 'position' : 'equality', equalityIds: f.equalityIds ? [...f.equalityIds] : null });
        }
      }
      const plan = obj(v['scanPlan']);
      const canon = (x: Live) => JSON.stringify(Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))));
      const sort = (xs: readonly Live[]) => xs.map(canon).sort();
      const norm = (xs: JsonValue | undefined) => arr(xs).map((x) => JSON.parse(JSON.stringify(x)) as Live);
      expect(sort(data)).toEqual(sort(norm(plan['dataFiles'])));
      expect(sort(deletes)).toEqual(sort(norm(plan['deleteFiles'])));
    }
  });
});

describe('fixture partition values', () => {
  const read = (fixture: string, file: string) => {
    const path = join(ROOT, fixture, 'metadata', file);
    return decodeManifest(readFileSync(path), { path }).entries.map((e) => e.dataFile.partition);
  };

  it('partition_decimal_smallint: decimal(3,2) in Avro fixed(2) reads as the unscaled bigint', () => {
    const parts = read('partition_decimal_smallint', 'ce752613-c796-427e-89bc-1917b72e828c-m0.avro');
    expect(parts).toEqual([[123n], [456n]]);
  });

  it('spark_rename_column: bucket int and identity date, with a null date', () => {
    const parts = read('spark_rename_column', 'abf62b15-903b-40b6-9e6b-26bcdceac9b3-m0.avro');
    expect(parts).toEqual([
      [3, null],
      [2, 18994], // 2022-01-02
      [0, 18993], // 2022-01-01
    ]);
  });

  it('hive_partitioned_table: identity date and string partitions across two specs', () => {
    const p0 = read('hive_partitioned_table', '8f7c6cdd-f7e6-4743-857e-021adfe0b999-m0.avro');
    expect(p0.every((t) => t.length === 1 && typeof t[0] === 'number')).toBe(true);
    const d = decodeManifest(readFileSync(join(ROOT, 'hive_partitioned_table/metadata/fee93099-6425-4d83-bd7c-0aa646533090-m0.avro')), {
      path: 'fee93099-m0.avro',
    });
    expect(d.partitionFieldIds).toEqual([1000, 1001]);
    expect(d.specId).toBe(1);
    for (const e of d.entries) {
      expect(typeof e.dataFile.partition[0]).toBe('number');
      expect(typeof e.dataFile.partition[1]).toBe('string');
    }
  });

  it('manifest-list partition summaries carry the raw bounds (decimal 1.23..4.56)', () => {
    const path = join(ROOT, 'partition_decimal_smallint/metadata/snap-8728621871136059473-1-ce752613-c796-427e-89bc-1917b72e828c.avro');
    const [m] = decodeManifestList(readFileSync(path), { path });
    expect(m!.partitions).toEqual([
      { containsNull: false, containsNan: false, lowerBound: Uint8Array.from([0x7b]), upperBound: Uint8Array.from([0x01, 0xc8]) },
    ]);
  });
});
