/**
 * Append (spec §Snapshots operation `append`): new data files in one new manifest; every other
 * manifest of the base carried forward. Appends never conflict with each other or with other
 * operations' validation of *their* files (spec/commit-protocol.md §C7): on a conflict only
 * the manifest list and metadata are rebuilt.
 *
 * @module
 */
import type { TableState } from '../commit/index.js';
import { type DataFile, ManifestContent, ManifestEntryStatus } from '../spec/index.js';
import { MAIN_BRANCH, type Snapshot } from '../spec/index.js';
import { newSnapshotId } from '../util/index.js';
import type { Change } from './change.js';
import { ManifestListCache, branchHead } from './head-manifests.js';
import { type NewManifest, awaitedLater, countFile, emptyCounts, manifestFormatVersion, produceSnapshot, stageNewManifest } from './snapshot-producer.js';
import type { TableContext } from './table-context.js';
import { type WriteDataFilesOptions, type WriteInput, stageDataFiles } from './write-data-files.js';
import { currentSchema, defaultSpec } from './metadata-access.js';
import { ManifestMerger } from './merge-manifests.js';

/** Options of {@link prepareAppend}. */
export interface AppendOptions {
  /** The commit id, also recorded in the summary. */
  readonly commitId: string;
  /** The branch to append to (default `main`). */
  readonly branch?: string;
  /** Extra summary entries (lineage, job). */
  readonly extraSummary?: Readonly<Record<string, string>>;
  /** Field id → dimension of vector columns. */
  readonly vectorDimensions?: ReadonlyMap<number, number>;
}

/**
 * Writes the data and its manifest now, and returns the change that commits them.
 * @throws SchemaMismatchError when the rows do not fit the current schema (nothing is written)
 */
export async function prepareAppend(ctx: TableContext, state: TableState, input: WriteInput, options: AppendOptions): Promise<Change<Snapshot>> {
  // The data files, their manifest and (in `build`) the manifest list are independent objects:
  // their puts run concurrently, and the first attempt waits for all of them before its commit
  // point (spec/commit-protocol.md §C3 step 2). Retries reuse them and rewrite only the list.
  const staged = await stageDataFiles(ctx, input, dataFileOptions(state, options));
  return prepareAppendOfFiles(ctx, state, staged.files, options, staged.stored);
}

/**
 * The options {@link writeDataFiles} writes a table's new data files with (its current schema,
 * default spec, location and write properties).
 * @param state the table state the files are for
 * @param options the append's vector dimensions
 */
export function dataFileOptions(state: TableState, options: Pick<AppendOptions, 'vectorDimensions'> = {}): WriteDataFilesOptions {
  const metadata = state.metadata;
  return {
    schema: currentSchema(metadata),
    spec: defaultSpec(metadata),
    location: metadata.location,
    properties: metadata.properties,
    ...(options.vectorDimensions ? { vectorDimensions: options.vectorDimensions } : {}),
  };
}

/**
 * Writes the manifest of data files already written or being written (by `stageDataFiles` with
 * {@link dataFileOptions} of the same state) and returns the change that commits them in one
 * append snapshot: what an append commits, and a streamed append once its last batch is written.
 * @param files the data files, none referenced by any snapshot yet
 * @param filesStored settles when every file is stored (its rejection fails the commit before
 *   its commit point); default: already stored
 */
export async function prepareAppendOfFiles(ctx: TableContext, state: TableState, files: readonly DataFile[], options: AppendOptions, filesStored: Promise<void> = Promise.resolve()): Promise<Change<Snapshot>> {
  const metadata = state.metadata;
  const schema = currentSchema(metadata);
  const spec = defaultSpec(metadata);
  const snapshotId = newSnapshotId();
  const counts = emptyCounts();
  for (const f of files) countFile(counts, spec.specId, f, true);
  const added: NewManifest[] = [];
  const stored: Promise<void>[] = [filesStored];
  if (files.length > 0) {
    const manifest = stageNewManifest(ctx, {
      location: metadata.location,
      schema,
      spec,
      content: ManifestContent.DATA,
      snapshotId,
      entries: files.map((dataFile) => ({ status: ManifestEntryStatus.ADDED, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile })),
      formatVersion: manifestFormatVersion(metadata),
    });
    added.push(manifest.manifest);
    stored.push(manifest.stored);
  }
  const allStored = awaitedLater(Promise.all(stored));
  const lists = new ManifestListCache(ctx);
  const merger = new ManifestMerger(ctx, snapshotId);
  const adding = new Map(added.length > 0 ? [[spec.specId, added.length]] : []);
  const branch = options.branch ?? MAIN_BRANCH;
  return {
    async build(base, attempt, timestampMs) {
      const headManifests = await lists.manifestsOf(base.metadata, branchHead(base.metadata, branch));
      const { carried, merged } = await merger.merge(base.metadata, headManifests, adding);
      const [{ snapshot, updates }] = await Promise.all([produceSnapshot(
        {
          operation: 'append',
          snapshotId,
          commitId: options.commitId,
          carried,
          added: [...added, ...merged],
          counts,
          schemaId: schema.schemaId,
          branch,
          ...(options.extraSummary ? { extraSummary: options.extraSummary } : {}),
        },
        { ctx, base: base.metadata, attempt, timestampMs },
      ), allStored]);
      return { requirements: [{ type: 'assert-table-uuid', uuid: metadata.tableUuid }], updates, result: snapshot };
    },
  };
}
