/** `examples/train.ts` runs and shows what it claims: per-epoch checksums that reproduce. */
import { expect, it } from 'vitest';
import { main } from '../../examples/train.js';

it('examples/train.ts prints reproducible per-epoch checksums through 4 shards', async () => {
  const lines: string[] = [];
  const { first, reopened } = await main('memory://ml-train-example', (l) => lines.push(l));
  expect(first).toEqual(reopened);
  expect(first.length).toBe(2);
  expect(first[0]!.checksum).not.toBe(first[1]!.checksum);
  for (const e of first) expect(e.shards.reduce((s, x) => s + x.rows, 0)).toBe(18_000);
  expect(lines.at(-1)).toMatch(/identical checksums; epochs differ/);
});
