/**
 * The data files of an append whose rows arrive in batches (a large file read chunk by chunk):
 * each batch is written as data files as soon as it arrives, so memory holds one batch, not the
 * whole input; {@link prepareAppendOfFiles} then commits them all in one snapshot. Until that
 * commit no snapshot references them (spec/commit-protocol.md: data files are written under fresh
 * names and are invisible until referenced), so a failure before it leaves the table unchanged.
 *
 * @module
 */
import type { TableState } from '../commit/index.js';
import type { DataFile } from '../spec/index.js';
import { dataFileOptions } from './append.js';
import type { TableContext } from './table-context.js';
import { type WriteInput, writeDataFiles } from './write-data-files.js';

/** Options of {@link writeStreamedDataFiles}. */
export interface StreamedWriteOptions {
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
}

/**
 * Writes each batch of `source` as data files of the table, in order, one batch at a time.
 * If a batch does not fit or the source throws, the files already written are deleted (best
 * effort: a file that survives is unreferenced, for orphan cleanup) and the error is rethrown.
 * @param ctx the table context
 * @param state the table state the files are written for (its schema, spec and properties)
 * @param source the batches
 * @returns the data files written, in the order of the batches
 * @throws SchemaMismatchError / InvalidArgumentError for a batch that does not fit the schema, or what the source throws
 */
export async function writeStreamedDataFiles(ctx: TableContext, state: TableState, source: AsyncIterable<WriteInput> | Iterable<WriteInput>, options: StreamedWriteOptions = {}): Promise<DataFile[]> {
  const writeOptions = dataFileOptions(state, options);
  const files: DataFile[] = [];
  try {
    for await (const batch of source) files.push(...(await writeDataFiles(ctx, batch, writeOptions)));
  } catch (e) {
    await deleteDataFiles(ctx, files);
    throw e;
  }
  return files;
}

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
