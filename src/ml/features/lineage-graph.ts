/**
 * The upstream lineage graph of a snapshot, across tables: its recorded inputs, their
 * snapshots' inputs, and so on. Nodes are table snapshots (`<table-uuid>@<snapshot-id>`); an
 * input whose table cannot be found, or whose snapshot has expired, is a node marked
 * unresolved rather than an error, so a graph can always be printed.
 *
 * `Table#lineage(snapshotId?)` is added to `Table.prototype` here (the table layer sits below
 * `ml/`), as `ml/table-methods.ts` does for `dataset()`.
 *
 * @module
 */
import { Table } from '../../table.js';
import type { Warehouse } from '../../warehouse.js';
import { type LineageInput, type LineageJob, lineageFromSummary } from './lineage-summary.js';

/** One table snapshot in a lineage graph. */
export interface LineageNode {
  /** `<table-uuid>@<snapshot-id>`. */
  readonly id: string;
  /** The table's uuid. */
  readonly tableUuid: string;
  /** The table's name (or location), when known. */
  readonly table: string | undefined;
  /** The snapshot. */
  readonly snapshotId: bigint;
  /** Whether the table and snapshot were found (else only what the downstream summary recorded is known). */
  readonly resolved: boolean;
  /** The snapshot's operation. */
  readonly operation: string | undefined;
  /** When it was committed. */
  readonly timestampMs: number | undefined;
  /** The job that made it, if recorded. */
  readonly job: LineageJob | undefined;
  /** Ids of the nodes it read. */
  readonly inputs: readonly string[];
}

/** A snapshot's upstream graph. */
export interface LineageGraph {
  /** The id of the snapshot asked about. */
  readonly root: string;
  /** Every node, the root first, then breadth-first upstream. */
  readonly nodes: readonly LineageNode[];
}

/** Options of {@link lineageGraph}. */
export interface LineageOptions {
  /** Where to find input tables by name (their uuid is checked). */
  readonly warehouse?: Warehouse;
  /** Finds an input's table; tried before the warehouse and the recorded location. */
  readonly resolve?: (input: LineageInput) => Promise<Table | undefined>;
  /** How many levels upstream to follow (default 32). */
  readonly maxDepth?: number;
}

function nodeId(uuid: string, snapshotId: bigint): string {
  return `${uuid}@${snapshotId}`;
}

/** Finds an input's table: the caller's resolver, then the warehouse by name, then its location; undefined when none matches its uuid. */
async function findTable(input: LineageInput, known: Map<string, Table>, options: LineageOptions, root: Table): Promise<Table | undefined> {
  const cached = known.get(input.tableUuid);
  if (cached) return cached;
  const attempts: (() => Promise<Table | undefined>)[] = [];
  if (options.resolve) attempts.push(() => options.resolve!(input));
  const wh = options.warehouse;
  if (wh && input.name !== undefined) attempts.push(() => wh.loadTable(input.name!));
  // An input recorded by location only (a DatasetSpec) inside the warehouse: its name is its path.
  // (Through a REST catalog, the warehouse's storage location is the one its config names.)
  const whRoot = wh?.catalog.root?.uri;
  if (wh && whRoot && input.name === undefined && input.location?.startsWith(`${whRoot}/`)) {
    const name = input.location.slice(whRoot.length + 1).split('/').join('.');
    attempts.push(() => wh.loadTable(name));
  }
  // By location, with the starting table's connection settings (S3 endpoint, credentials):
  // inputs usually live on the same store.
  if (input.location !== undefined) attempts.push(() => root.loadTableAt(input.location!));
  for (const attempt of attempts) {
    try {
      const t = await attempt();
      if (t && t.uuid() === input.tableUuid) {
        known.set(input.tableUuid, t);
        return t;
      }
    } catch {
      // Not found there (or not reachable): try the next way, else the node stays unresolved.
    }
  }
  return undefined;
}

/**
 * The upstream lineage graph of a table's snapshot (default its current one).
 * @throws SnapshotNotFoundError when `table` has no such snapshot
 * @throws ValidationError when a resolved snapshot's lineage entries are malformed
 */
export async function lineageGraph(table: Table, snapshotId?: bigint | number | string, options: LineageOptions = {}): Promise<LineageGraph> {
  const rootSnap = snapshotId === undefined ? table.currentSnapshot() : table.snapshot(snapshotId);
  if (!rootSnap) return { root: '', nodes: [] };
  const known = new Map<string, Table>([[table.uuid(), table]]);
  const nodes = new Map<string, LineageNode>();
  const root = nodeId(table.uuid(), rootSnap.snapshotId);
  const maxDepth = options.maxDepth ?? 32;
  let frontier: { input: LineageInput; depth: number }[] = [
    { input: { tableUuid: table.uuid(), snapshotId: rootSnap.snapshotId, name: table.name, location: table.location() }, depth: 0 },
  ];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { input, depth } of frontier) {
      const id = nodeId(input.tableUuid, input.snapshotId);
      if (nodes.has(id)) continue;
      const t = await findTable(input, known, options, table);
      const snap = t?.snapshots().find((s) => s.snapshotId === input.snapshotId);
      const lineage = snap ? lineageFromSummary(snap.summary) : { inputs: [], job: undefined };
      nodes.set(id, {
        id,
        tableUuid: input.tableUuid,
        table: t?.name ?? input.name ?? input.location,
        snapshotId: input.snapshotId,
        resolved: snap !== undefined,
        operation: snap?.summary.operation,
        timestampMs: snap?.timestampMs,
        job: lineage.job,
        inputs: lineage.inputs.map((i) => nodeId(i.tableUuid, i.snapshotId)),
      });
      if (depth < maxDepth) for (const i of lineage.inputs) next.push({ input: i, depth: depth + 1 });
    }
    frontier = next;
  }
  return { root, nodes: [...nodes.values()] };
}

declare module '../../table.js' {
  interface Table {
    /**
     * The upstream lineage graph of a snapshot (default the current one), across tables (see `lineageGraph`).
     * @throws SnapshotNotFoundError when there is no such snapshot
     */
    lineage(snapshotId?: bigint | number | string, options?: LineageOptions): Promise<LineageGraph>;
  }
}

Table.prototype.lineage = function lineage(this: Table, snapshotId?: bigint | number | string, options: LineageOptions = {}): Promise<LineageGraph> {
  return lineageGraph(this, snapshotId, options);
};
