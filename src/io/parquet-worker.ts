/**
 * The worker-thread side of `parquet-pool.ts`: each task is one wasm encode (Arrow IPC → Parquet,
 * plus the file's column metrics) or decode (Parquet → Arrow IPC). Runs the very functions the
 * in-process path runs (`parquetFromIpc`, `ipcFromParquet`, `computeMetrics`), so a file is the
 * same whichever thread wrote it.
 *
 * Errors do not cross threads with their class, so a failure comes back as a value: the text of
 * a wasm failure (the caller raises `CorruptFileError` with the path, as in process), or a Floe
 * error's code and message. A wasm panic is an ordinary exception here too (see `parquet.ts`), so
 * the worker lives on after a corrupt file.
 *
 * The result's buffers are transferred, not copied (piscina `Piscina.move` over a transferable
 * wrapper, piscina `src/common.ts`).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { Piscina } from 'piscina';
import { isFloeError } from '../errors.js';
import type { Schema } from '../spec/index.js';
import { computeMetrics, type ColumnMetrics } from './metrics.js';
import { ipcFromParquet, parquetFailureMessage, parquetFromIpc, type ParquetDecodeSettings, type ParquetEncodeSettings } from './parquet.js';

/** Encode an IPC stream as Parquet; with `schema`, also compute the file's metrics. */
export interface EncodeTask {
  readonly op: 'encode';
  readonly ipc: Uint8Array;
  readonly settings: ParquetEncodeSettings;
  readonly schema?: Schema;
}

/** Decode a Parquet file (or some of its row groups) to an IPC stream. */
export interface DecodeTask {
  readonly op: 'decode';
  readonly bytes: Uint8Array;
  readonly settings: ParquetDecodeSettings;
}

/** What failed in a worker: a wasm failure's text, or a Floe error's code and message. */
export type WorkerFailure = { readonly kind: 'wasm'; readonly detail: string } | { readonly kind: 'floe'; readonly code: string; readonly message: string };

/** A task's outcome. */
export type WorkerResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly metrics?: ColumnMetrics }
  | { readonly ok: false; readonly failure: WorkerFailure };

function failure(e: unknown): WorkerResult {
  if (isFloeError(e)) return { ok: false, failure: { kind: 'floe', code: e.code, message: e.message } };
  return { ok: false, failure: { kind: 'wasm', detail: parquetFailureMessage(e) } };
}

/** A result whose bytes are moved to the calling thread. */
function moved(result: WorkerResult & { ok: true }): unknown {
  const buffer = result.bytes.buffer;
  const whole = result.bytes.byteOffset === 0 && result.bytes.byteLength === buffer.byteLength && buffer instanceof ArrayBuffer;
  if (!whole) return result;
  return Piscina.move({ [Piscina.transferableSymbol]: [buffer], [Piscina.valueSymbol]: result } as unknown as ArrayBuffer);
}

/**
 * Runs one task (piscina calls the default export).
 * @param task an encode or decode task
 */
export default function runParquetTask(task: EncodeTask | DecodeTask): unknown {
  try {
    if (task.op === 'decode') return moved({ ok: true, bytes: ipcFromParquet(task.bytes, task.settings) });
    const metrics = task.schema === undefined ? undefined : computeMetrics(arrow.tableFromIPC(task.ipc), task.schema);
    const bytes = parquetFromIpc(task.ipc, task.settings);
    return moved(metrics === undefined ? { ok: true, bytes } : { ok: true, bytes, metrics });
  } catch (e) {
    return failure(e);
  }
}
