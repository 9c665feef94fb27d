/**
 * `examples/features.ts` runs end to end on memory, local-fs and S3, directly and through Floe's
 * REST catalog server, and shows what it claims:
 * upserted features, a contract that stops a bad batch, a point-in-time training set with no
 * look-ahead, and a registered model whose lineage leads back to the raw events.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/features.js';
import { cleanupBackends, featureBackends, restBackends } from './backends.js';

afterAll(cleanupBackends);

describe.each([...featureBackends, ...restBackends])('examples/features.ts on $label', (backend) => {
  it('raw events → features by upsert → labels → point-in-time training set → dataset → model artifact with lineage', async () => {
    const lines: string[] = [];
    const result = await main(await backend.open(), (l) => lines.push(l));
    expect(result.trainingRows).toBe(200);
    expect(result.lookedAhead).toBe(0);
    expect(result.rowsWithoutFeatures).toBeGreaterThan(0);
    expect(result.rowsWithoutFeatures).toBeLessThan(200);
    expect(result.blockedBadBatch).toBe(true);
    expect(result.artifact).toMatchObject({ name: 'churn', version: '1', sizeBytes: 24, metrics: { auc: 0.73 } });
    expect(result.lineageTables).toEqual(['ml.model_registry', 'ml.training', 'features.user_daily', 'ml.labels', 'raw.events']);
    // The late batch corrects past days in place: rewritten files, no new (user, day) rows.
    expect(lines.find((l) => l.startsWith('batch 2:'))).toMatch(/rewrote [1-9]\d* file\(s\); 500 feature rows$/);
  });
});
