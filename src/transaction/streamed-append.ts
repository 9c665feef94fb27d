/**
 * Deleting the data files of a streamed append that no commit took (stream-append.ts): a batch
 * that does not fit, a source that throws, or positions another writer of the same source
 * committed first. No snapshot references them (spec/commit-protocol.md: data files are written
 * under fresh names and are invisible until referenced), so deleting them changes no table state.
 *
 * @module
 */
import type { DataFile } from '../spec/index.js';
import type { TableContext } from './table-context.js';

/**
 * Deletes data files no snapshot references, ignoring failures (they stay for orphan cleanup).
 * @param ctx the table context
 * @param files the files
 */
export async function deleteDataFiles(ctx: TableContext, files: readonly DataFile[]): Promise<void> {
  await Promise.all(
    files.map(async (f) => {
      try {
        const { store, key } = ctx.locator.resolve(f.filePath);
        await store.delete(key);
      } catch {
        // Best effort: an unreferenced file is harmless and orphan cleanup removes it.
      }
    }),
  );
}
