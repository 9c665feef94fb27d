/**
 * Planned files as the REST spec's `ScanTasks` (rest-catalog-open-api.yaml `FileScanTask`,
 * `DataFile`, `PositionDeleteFile`, `EqualityDeleteFile`, `CountMap`, `ValueMap`): each data
 * file with its partition tuple and the column stats asked for, the indexes of its delete files
 * in the response's `delete-files`, and its residual filter.
 *
 * Values (partition tuples, bounds, residual literals) are written in the spec's
 * `PrimitiveTypeValue` form (`literalToRestJson`), typed by the partition field or column they
 * belong to. File paths are the locations the manifests record, which position delete files
 * name too, so a client can match the two.
 *
 * The residual of a file is the filter with each predicate its partition decides replaced by a
 * constant, after Java's `ResidualEvaluator`: `true` when the predicate's strict projection holds
 * for the file's partition (every row matches it), `false` when its inclusive projection does not
 * (no row can). A bound filter has no `not` (expr/bound.ts), so replacing a predicate by what
 * it is for every row of the file keeps exactly the rows the filter keeps.
 *
 * @module
 */
import {
  type BoundExpression,
  type BoundPredicate,
  boundExpressionToJson,
  evaluatePartition,
  literalToRestJson,
  projectInclusive,
  projectStrict,
} from '../../../expr/index.js';
import { type FileScanTask, type LiveFile, schemaForSpec, specById } from '../../../scan/index.js';
import {
  type DataFile,
  DataFileContent,
  type Literal,
  type PrimitiveType,
  type Schema,
  type TableMetadata,
  bytesToHex,
  indexById,
  isPrimitive,
  literalFromBytes,
  partitionType,
} from '../../../spec/index.js';
import type { JsonValue } from '../../../util/index.js';

/** What writing planned files needs. */
export interface ScanTasksContext {
  /** The table's name, for errors. */
  readonly table: string;
  /** The metadata version planned. */
  readonly metadata: TableMetadata;
  /** The schema names were resolved in (types of the column stats). */
  readonly schema: Schema;
  /** The field ids whose column stats data files carry. */
  readonly statsFieldIds: ReadonlySet<number>;
  /** The bound filter, when the scan has one. */
  readonly filter?: BoundExpression;
}

/** The `delete-files` and `file-scan-tasks` of a `ScanTasks` body. */
export interface ScanTasksJson {
  readonly 'delete-files': JsonValue[];
  readonly 'file-scan-tasks': JsonValue[];
}

const CONTENT: Readonly<Record<DataFileContent, string>> = {
  [DataFileContent.DATA]: 'data',
  [DataFileContent.POSITION_DELETES]: 'position-deletes',
  [DataFileContent.EQUALITY_DELETES]: 'equality-deletes',
};

function countMap(map: ReadonlyMap<number, number> | undefined, keep: ReadonlySet<number>): JsonValue | undefined {
  if (!map) return undefined;
  const keys = [...map.keys()].filter((k) => keep.has(k)).sort((a, b) => a - b);
  return keys.length === 0 ? undefined : { keys, values: keys.map((k) => map.get(k)!) };
}

function valueMap(map: ReadonlyMap<number, Uint8Array> | undefined, keep: ReadonlySet<number>, types: ReadonlyMap<number, PrimitiveType>): JsonValue | undefined {
  if (!map) return undefined;
  const keys: number[] = [];
  const values: JsonValue[] = [];
  for (const k of [...map.keys()].filter((id) => keep.has(id)).sort((a, b) => a - b)) {
    const type = types.get(k);
    if (!type) continue;
    let v: Literal;
    try {
      v = literalFromBytes(type, map.get(k)!);
    } catch {
      // A bound this schema cannot read (a foreign writer's, of another width) is left out:
      // stats are optional, and a client without one only prunes less.
      continue;
    }
    keys.push(k);
    values.push(literalToRestJson(type, v));
  }
  return keys.length === 0 ? undefined : { keys, values };
}

function withDefined(entries: Record<string, JsonValue | undefined>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out;
}

/** Writes planned files, sharing the per-spec work (partition types, projections) between them. */
class ScanTasksWriter {
  private readonly primitiveTypes = new Map<number, PrimitiveType>();
  private readonly partitionTypes = new Map<number, readonly PrimitiveType[]>();
  private readonly projections = new Map<number, Map<BoundPredicate, { strict: BoundExpression; inclusive: BoundExpression }>>();

  constructor(private readonly ctx: ScanTasksContext) {
    for (const [id, f] of indexById(ctx.schema)) if (isPrimitive(f.type)) this.primitiveTypes.set(id, f.type);
  }

  private partitionTypesOf(specId: number): readonly PrimitiveType[] {
    let types = this.partitionTypes.get(specId);
    if (!types) {
      const spec = specById(this.ctx.metadata, specId, this.ctx.table);
      types = partitionType(spec, schemaForSpec(this.ctx.metadata, spec)).fields.map((f) => f.type as PrimitiveType);
      this.partitionTypes.set(specId, types);
    }
    return types;
  }

  /** A content file (data or delete) as the spec's `ContentFile` JSON. */
  contentFile(live: LiveFile): JsonValue {
    const f: DataFile = live.file;
    const types = this.partitionTypesOf(live.specId);
    const isData = f.content === DataFileContent.DATA;
    const keep = this.ctx.statsFieldIds;
    return withDefined({
      content: CONTENT[f.content],
      'file-path': f.filePath,
      'file-format': f.fileFormat.toLowerCase(),
      'spec-id': live.specId,
      partition: f.partition.map((v, i) => (v === null ? null : literalToRestJson(types[i]!, v))),
      'file-size-in-bytes': f.fileSizeInBytes,
      'record-count': f.recordCount,
      'key-metadata': f.keyMetadata ? bytesToHex(f.keyMetadata).toUpperCase() : undefined,
      'split-offsets': f.splitOffsets ? [...f.splitOffsets] : undefined,
      'sort-order-id': f.sortOrderId,
      'equality-ids': f.content === DataFileContent.EQUALITY_DELETES && f.equalityIds ? [...f.equalityIds] : undefined,
      'column-sizes': isData ? countMap(f.columnSizes, keep) : undefined,
      'value-counts': isData ? countMap(f.valueCounts, keep) : undefined,
      'null-value-counts': isData ? countMap(f.nullValueCounts, keep) : undefined,
      'nan-value-counts': isData ? countMap(f.nanValueCounts, keep) : undefined,
      'lower-bounds': isData ? valueMap(f.lowerBounds, keep, this.primitiveTypes) : undefined,
      'upper-bounds': isData ? valueMap(f.upperBounds, keep, this.primitiveTypes) : undefined,
    });
  }

  private projectionsOf(specId: number, p: BoundPredicate): { strict: BoundExpression; inclusive: BoundExpression } {
    let bySpec = this.projections.get(specId);
    if (!bySpec) this.projections.set(specId, (bySpec = new Map()));
    let found = bySpec.get(p);
    if (!found) {
      const spec = specById(this.ctx.metadata, specId, this.ctx.table);
      const schema = schemaForSpec(this.ctx.metadata, spec);
      found = { strict: projectStrict(p, spec, schema), inclusive: projectInclusive(p, spec, schema) };
      bySpec.set(p, found);
    }
    return found;
  }

  /** The filter with the predicates this file's partition decides folded to constants (module doc). */
  residual(e: BoundExpression, live: LiveFile): BoundExpression {
    switch (e.kind) {
      case 'true':
      case 'false':
        return e;
      case 'and':
      case 'or':
        return fold(e.kind, e.children.map((c) => this.residual(c, live)));
      default: {
        const { strict, inclusive } = this.projectionsOf(live.specId, e);
        if (evaluatePartition(strict, live.file.partition)) return { kind: 'true' };
        if (!evaluatePartition(inclusive, live.file.partition)) return { kind: 'false' };
        return e;
      }
    }
  }
}

/** `and` / `or` of residuals with the constants folded away. */
function fold(kind: 'and' | 'or', children: readonly BoundExpression[]): BoundExpression {
  const absorbing = kind === 'and' ? 'false' : 'true';
  if (children.some((c) => c.kind === absorbing)) return { kind: absorbing };
  const rest = children.filter((c) => c.kind !== (kind === 'and' ? 'true' : 'false'));
  if (rest.length === 0) return { kind: kind === 'and' ? 'true' : 'false' };
  return rest.length === 1 ? rest[0]! : { kind, children: rest };
}

/**
 * The `ScanTasks` body of planned files: each delete file listed once, data files pointing at
 * theirs by index, and a residual filter on each when the scan has a filter.
 * @param tasks the planned files with their deletes
 * @param ctx the metadata, schema, stats fields and filter
 */
export function scanTasksJson(tasks: readonly FileScanTask[], ctx: ScanTasksContext): ScanTasksJson {
  const writer = new ScanTasksWriter(ctx);
  const deleteFiles: JsonValue[] = [];
  const deleteIndex = new Map<string, number>();
  const fileScanTasks = tasks.map((task) => {
    const refs = task.deletes.map((d) => {
      let i = deleteIndex.get(d.file.filePath);
      if (i === undefined) {
        i = deleteFiles.length;
        deleteIndex.set(d.file.filePath, i);
        deleteFiles.push(writer.contentFile(d));
      }
      return i;
    });
    return withDefined({
      'data-file': writer.contentFile(task),
      'delete-file-references': refs.length > 0 ? refs : undefined,
      'residual-filter': ctx.filter ? boundExpressionToJson(writer.residual(ctx.filter, task)) : undefined,
    });
  });
  return { 'delete-files': deleteFiles, 'file-scan-tasks': fileScanTasks };
}
