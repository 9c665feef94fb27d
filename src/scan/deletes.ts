/**
 * Applying delete files to rows as they are read (spec §Position Delete Files, §Deletion Vectors,
 * §Equality Delete Files). Delete files are read once per scan and shared by every data file they apply to.
 *
 * @module
 */
import type * as arrow from 'apache-arrow';
import { CorruptFileError } from '../errors.js';
import { decodeDeletionVector, initParquetWasm, readParquet, readPuffinBlob, resolveBatch } from '../io/index.js';
import { DataFileContent } from '../spec/index.js';
import { indexById } from '../spec/index.js';
import type { TableMetadata } from '../spec/index.js';
import type { NestedField, Schema } from '../spec/index.js';
import type { FileLocator } from '../store/index.js';
import type { LiveFile } from './plan.js';
import { locatedRanges, readLocated } from './read-located.js';

/** Field ids of the position-delete columns (spec §Reserved Field IDs). */
const FILE_PATH_ID = 2147483546;
const POS_ID = 2147483545;

/** Equality deletes of one delete file: the fields compared and the deleted keys. */
export interface EqualityDeleteSet {
  /** The field ids compared (the file's `equality_ids`). */
  readonly fieldIds: readonly number[];
  /** Keys of deleted rows (see {@link rowKey}). */
  readonly keys: ReadonlySet<string>;
}

/**
 * A canonical string for a tuple of arrow-js values, so that rows from a delete file and a data
 * file compare equal exactly when their values do (null matches null, spec §Equality Delete Files).
 */
export function rowKey(values: readonly unknown[]): string {
  return values
    .map((v) => {
      if (v === null || v === undefined) return 'n';
      if (v instanceof Uint8Array) return `b${Buffer.from(v).toString('hex')}`;
      if (v instanceof Date) return `d${v.getTime()}`;
      if (typeof v === 'object') return `o${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))}`;
      return `${typeof v}:${String(v)}`;
    })
    .join('\u0000');
}

function findField(metadata: TableMetadata, id: number): NestedField | undefined {
  for (let i = metadata.schemas.length - 1; i >= 0; i--) {
    const f = indexById(metadata.schemas[i]!).get(id);
    if (f) return f;
  }
  return undefined;
}

/** Loads and caches delete files for one scan. */
export class DeleteLoader {
  private readonly positions = new Map<string, Promise<Map<string, number[]>>>();
  private readonly equalities = new Map<string, Promise<EqualityDeleteSet>>();
  private readonly vectors = new Map<string, Promise<number[]>>();

  /**
   * @param ctx where to read from
   */
  constructor(private readonly ctx: { readonly table: string; readonly metadata: TableMetadata; readonly locator: FileLocator }) {}

  /** The deleted row positions of `dataPath`, from all the position delete files given, sorted. */
  async positionsFor(dataPath: string, deletes: readonly LiveFile[]): Promise<Float64Array | undefined> {
    // Appended one list at a time, never spread into push(): a file may have millions of deleted
    // positions, more than a call's arguments can hold (RangeError).
    const lists: (readonly number[])[] = [];
    for (const d of deletes) {
      if (d.file.content !== DataFileContent.POSITION_DELETES) continue;
      if (d.file.fileFormat.toLowerCase() === 'puffin') {
        // a v3 deletion vector holds the deletes of exactly its referenced data file (spec §Deletion Vectors)
        if (d.file.referencedDataFile === dataPath) lists.push(await this.loadVector(d));
        continue;
      }
      const byPath = await this.loadPositions(d.file.filePath);
      const found = byPath.get(dataPath);
      if (found) lists.push(found);
    }
    let total = 0;
    for (const l of lists) total += l.length;
    if (total === 0) return undefined;
    // Positions are int64 in the file (spec §Position Delete Files): doubles hold every one a
    // file can have exactly, where 32-bit ints would wrap 2^32 + 5 onto row 5.
    const out = new Float64Array(total);
    let at = 0;
    for (const l of lists) {
      out.set(l, at);
      at += l.length;
    }
    return out.sort();
  }

  /** The equality delete sets that apply, from the delete files given. */
  async equalityFor(deletes: readonly LiveFile[]): Promise<EqualityDeleteSet[]> {
    const out: EqualityDeleteSet[] = [];
    for (const d of deletes) if (d.file.content === DataFileContent.EQUALITY_DELETES) out.push(await this.loadEquality(d));
    return out;
  }

  private loadPositions(path: string): Promise<Map<string, number[]>> {
    let p = this.positions.get(path);
    if (!p) {
      p = (async () => {
        const [bytes] = await Promise.all([readLocated(this.ctx.locator, path, this.ctx.table), initParquetWasm()]);
        const table = readParquet(bytes, { path });
        const byPath = new Map<string, number[]>();
        for (const batch of table.batches) {
          const pathCol = columnById(batch, FILE_PATH_ID) ?? batch.getChild('file_path');
          const posCol = columnById(batch, POS_ID) ?? batch.getChild('pos');
          if (!pathCol || !posCol) continue;
          for (let i = 0; i < batch.numRows; i++) {
            const file = pathCol.get(i) as string;
            const pos = Number(posCol.get(i) as bigint | number);
            const list = byPath.get(file) ?? [];
            list.push(pos);
            byPath.set(file, list);
          }
        }
        return byPath;
      })();
      this.positions.set(path, p);
    }
    return p;
  }

  /** A deletion vector's positions: one ranged read of its blob (`content_offset`, `content_size_in_bytes`) in the Puffin file. */
  private loadVector(d: LiveFile): Promise<number[]> {
    const f = d.file;
    const key = `${f.filePath}#${f.contentOffset ?? ''}`;
    let p = this.vectors.get(key);
    if (!p) {
      p = (async () => {
        if (f.contentOffset === undefined || f.contentSizeInBytes === undefined) {
          throw new CorruptFileError(f.filePath, `deletion vector for ${f.referencedDataFile ?? 'an unnamed data file'} has no content_offset / content_size_in_bytes in its manifest entry`);
        }
        const source = locatedRanges(this.ctx.locator, f.filePath, f.fileSizeInBytes, this.ctx.table);
        const blob = await readPuffinBlob(source, { offset: f.contentOffset, length: f.contentSizeInBytes }, f.filePath);
        return decodeDeletionVector(blob, { path: f.filePath, cardinality: f.recordCount });
      })();
      this.vectors.set(key, p);
    }
    return p;
  }

  private loadEquality(d: LiveFile): Promise<EqualityDeleteSet> {
    let p = this.equalities.get(d.file.filePath);
    if (!p) {
      p = (async () => {
        const fieldIds = d.file.equalityIds ?? [];
        const fields = fieldIds.map((id) => findField(this.ctx.metadata, id)).filter((f): f is NestedField => f !== undefined);
        const schema: Schema = { schemaId: -1, fields };
        const [bytes] = await Promise.all([readLocated(this.ctx.locator, d.file.filePath, this.ctx.table), initParquetWasm()]);
        const table = readParquet(bytes, { path: d.file.filePath });
        const keys = new Set<string>();
        for (const raw of table.batches) {
          const batch = resolveBatch(raw, { readSchema: schema });
          const cols = fields.map((_f, i) => batch.getChildAt(i));
          for (let r = 0; r < batch.numRows; r++) keys.add(rowKey(cols.map((c) => c?.get(r))));
        }
        return { fieldIds, keys };
      })();
      this.equalities.set(d.file.filePath, p);
    }
    return p;
  }
}

function columnById(batch: arrow.RecordBatch, id: number): arrow.Vector | null {
  const idx = batch.schema.fields.findIndex((f) => f.metadata.get('PARQUET:field_id') === String(id));
  return idx < 0 ? null : batch.getChildAt(idx);
}
