import { describe, expect, it } from 'vitest';
import { FeatureRefSchema, FeatureViewDefinitionSchema, featureRefToString } from '../../src/features/index.js';

const base = {
  name: 'user_stats',
  entities: [{ name: 'user_id', type: 'long' }],
  source: { table: 'ml.user_events' },
  eventTime: 'ts',
  ttl: '30d',
  features: [{ name: 'purchases_30d', type: 'long', owner: 'growth', tags: { team: 'growth' } }],
};

describe('feature view definitions', () => {
  it('parses a definition, ttl strings to milliseconds', () => {
    const d = FeatureViewDefinitionSchema.parse(base);
    expect(d.ttlMs).toBe(30 * 86_400_000);
    expect(d).not.toHaveProperty('ttl');
    expect(FeatureViewDefinitionSchema.parse({ ...base, ttl: '1d12h' }).ttlMs).toBe(36 * 3_600_000);
    expect(FeatureViewDefinitionSchema.parse({ ...base, ttl: undefined }).ttlMs).toBe(0);
  });

  it.each([
    [{ ttl: '30 days' }, ['ttl']],
    [{ ttl: -1 }, ['ttl']],
    [{ entities: [] }, ['entities']],
    [{ features: [{ name: 'x', type: 'longg' }] }, ['features', 0, 'type']],
    [{ features: [{ name: 'user_id', type: 'long' }] }, ['features', 0, 'name']],
    [{ source: { table: 'ml.user_events', columns: ['user_id', 'ts'] } }, ['source', 'columns']],
    [{ source: { table: 'no_namespace' } }, ['source', 'table']],
    [{ name: '1abc' }, ['name']],
    [{ extra: true }, []],
  ])('refuses %j at its field', (change, path) => {
    const r = FeatureViewDefinitionSchema.safeParse({ ...base, ...change });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(path);
  });

  it('parses feature references with and without versions', () => {
    expect(FeatureRefSchema.parse('user_stats:purchases_30d')).toEqual({ view: 'user_stats', feature: 'purchases_30d' });
    expect(FeatureRefSchema.parse('user_stats@3:purchases_30d')).toEqual({ view: 'user_stats', version: 3, feature: 'purchases_30d' });
    expect(featureRefToString({ view: 'a', version: 2, feature: 'b' })).toBe('a@2:b');
    for (const bad of ['user_stats', 'a:b:c', 'a@0:b', 'a@:b', ':b', 'a:']) expect(FeatureRefSchema.safeParse(bad).success).toBe(false);
  });
});
