/**
 * The conformance suite can fail: run as plain functions against stores whose conditional puts
 * are silently turned into overwrites, exactly the checks about conditions must fail (and the
 * others still pass, so the failures are about the conditions and nothing else).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ignoringConditions, LocalFsStore, MemoryStore } from '../../src/store/index.js';
import { type MakeStore, runStoreChecks, STORE_CHECKS } from '../conformance/store.suite.js';

const CONDITION_CHECKS = [
  'create writes only if absent',
  'update writes only if the etag matches (stale and missing refused)',
  STORE_CHECKS.find((c) => c.name.startsWith('race: 16 concurrent creators'))?.name,
  STORE_CHECKS.find((c) => c.name.startsWith('race: compare-and-swap counter'))?.name,
];

const backends: Array<[string, MakeStore]> = [
  ['memory', async () => ({ store: ignoringConditions(new MemoryStore()) })],
  [
    'local-fs',
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'floe-ignoring-'));
      return { store: ignoringConditions(new LocalFsStore({ root })), cleanup: () => rm(root, { recursive: true, force: true }) };
    },
  ],
];

describe('the store conformance suite fails against a store that ignores the conditions', () => {
  it.each(backends)('ignoringConditions(%s): the condition checks and both races fail, the rest pass', async (_, make) => {
    const results = await runStoreChecks(make);
    const failed = results.filter((r) => !r.passed).map((r) => r.name);
    expect(failed.sort()).toEqual([...CONDITION_CHECKS].sort());
    const race = results.find((r) => r.name.startsWith('race: 16'));
    expect(race?.error).toMatch(/creators won/);
    const cas = results.find((r) => r.name.startsWith('race: compare-and-swap'));
    expect(cas?.error).toMatch(/updates were lost|applied twice/);
  });

  it('the same checks pass on the honest stores underneath', async () => {
    const results = await runStoreChecks(async () => ({ store: new MemoryStore() }));
    expect(results.filter((r) => !r.passed)).toEqual([]);
    expect(results).toHaveLength(STORE_CHECKS.length);
  });
});
