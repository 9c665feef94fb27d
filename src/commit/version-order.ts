/**
 * Ordering metadata files whose names do not order them: free-form and uuid names, and several
 * files claiming the same version number (two writers without a catalog).
 *
 * A file is newer than another when, in this order:
 * 1. its `metadata-log` lists the other (it was built on it: spec Appendix C `metadata-log`, the
 *    previous metadata files of the table), or the other's lists it the other way round. An
 *    entry names a file by location and by that file's `last-updated-ms` (Java's
 *    `TableMetadata.Builder` and Floe record the base's), and both must match: a name can be
 *    reused after a writer deleted the old file;
 * 2. (two files whose names claim the same version number are siblings, two writers' attempts
 *    at that version: nothing but step 1 orders them);
 * 3. its `last-sequence-number` is higher (spec §Table Metadata Fields: the highest sequence
 *    number assigned, growing with every snapshot);
 * 4. its `last-updated-ms` is later (the time of its last change; Floe, like Java, never moves
 *    it back within a table);
 * 5. the two are otherwise equal and only one has a version number in its name (a copy of a
 *    version under another name is not a newer version).
 *
 * The newest is the file no other is newer than. When two files remain, the version hint
 * decides if it names one of them; otherwise discovery cannot know and says so
 * ({@link newestState} throws), rather than read a version that may be older than another.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import type { TableState } from './table-state.js';
import { baseNameOf, parseMetadataFileName } from './version-files.js';

/** A read candidate. */
interface Candidate {
  readonly state: TableState;
  readonly name: string;
  readonly previous: ReadonlySet<string>;
  readonly version: number | undefined;
}

function candidateOf(state: TableState): Candidate {
  const name = baseNameOf(state.path);
  return {
    state,
    name,
    previous: new Set(state.metadata.metadataLog.map((e) => logKey(baseNameOf(e.metadataFile), e.timestampMs))),
    version: parseMetadataFileName(name)?.version,
  };
}

function logKey(name: string, lastUpdatedMs: number): string {
  return `${name}@${lastUpdatedMs}`;
}

/** Whether `a`'s metadata-log lists `b`. */
function builtOn(a: Candidate, b: Candidate): boolean {
  return a.previous.has(logKey(b.name, b.state.metadata.lastUpdatedMs));
}

/** > 0 when `a` is newer than `b`, < 0 when older, 0 when nothing tells them apart. */
function compareCandidates(a: Candidate, b: Candidate): number {
  if (builtOn(a, b) && !builtOn(b, a)) return 1;
  if (builtOn(b, a) && !builtOn(a, b)) return -1;
  if (a.version !== undefined && a.version === b.version) return 0;
  const sa = a.state.metadata.lastSequenceNumber;
  const sb = b.state.metadata.lastSequenceNumber;
  if (sa !== sb) return sa > sb ? 1 : -1;
  const ta = a.state.metadata.lastUpdatedMs;
  const tb = b.state.metadata.lastUpdatedMs;
  if (ta !== tb) return ta > tb ? 1 : -1;
  return Number(a.version !== undefined) - Number(b.version !== undefined);
}

function describe(c: Candidate): string {
  return `${c.state.path} (last-sequence-number ${c.state.metadata.lastSequenceNumber}, last-updated-ms ${c.state.metadata.lastUpdatedMs})`;
}

/** Options of {@link newestState}. */
export interface NewestStateOptions {
  /** The table's name, for errors. */
  readonly table: string;
  /** The path the version hint names, which wins a tie. */
  readonly preferredPath?: string;
}

/**
 * The newest of several metadata files (see the module comment).
 * @param states the files, read
 * @param options the table's name and the hinted path
 * @throws ValidationError naming the candidates when no single file is the newest
 */
export function newestState(states: readonly TableState[], options: NewestStateOptions): TableState {
  const candidates = states.map(candidateOf);
  const undominated = candidates.filter((c) => !candidates.some((o) => o !== c && compareCandidates(o, c) > 0));
  if (undominated.length === 1) return undominated[0]!.state;
  const preferred = undominated.find((c) => c.state.path === options.preferredPath);
  if (preferred) return preferred.state;
  const tied = undominated.length > 0 ? undominated : candidates;
  throw new ValidationError(
    `table ${options.table}: cannot tell which metadata file is the newest: ${tied.map(describe).join('; ')}`,
    {
      context: { table: options.table, candidates: tied.map((c) => c.state.path).join(', ') },
      help: "open one explicitly (Table.load(uri, { metadata: '<file name>' })) or write its name into metadata/version-hint.text",
    },
  );
}
