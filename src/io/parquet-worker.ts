/**
 * The worker-thread side of `parquet-pool.ts`: each task is one wasm encode (Arrow IPC → Parquet)
 * or decode (Parquet → Arrow IPC), through the very functions the in-process path calls
 * (`parquet-codec.ts`), so a file is the same whichever thread wrote it. This module loads only
 * parquet-wasm and piscina, so a worker starts quickly.
 *
 * Errors do not cross threads with their class, so a failure comes back as a value: the text of
 * what wasm threw (the caller raises `CorruptFileError` with the path, as in process). A wasm
 * panic is an ordinary exception here too (see `parquet.ts`), so the worker lives on after a
 * corrupt file.
 *
 * The result's buffer is transferred, not copied (piscina `Piscina.move` over a transferable
 * wrapper, piscina `src/common.ts`).
 *
 * @module
 */
import { Piscina } from 'piscina';
import { decodeParquetAsIpc, encodeIpcAsParquet, wasmFailureMessage, type ParquetDecodeSettings, type WasmEncodeSettings } from './parquet-codec.js';

/** Encode an IPC stream as Parquet. */
export interface EncodeTask {
  readonly op: 'encode';
  readonly ipc: Uint8Array;
  readonly settings: WasmEncodeSettings;
}

/** Decode a Parquet file (or some of its row groups) to an IPC stream. */
export interface DecodeTask {
  readonly op: 'decode';
  readonly bytes: Uint8Array;
  readonly settings: ParquetDecodeSettings;
}

/** A task's outcome: the bytes, or the text of what wasm threw. */
export type WorkerResult = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly detail: string };

/** A result whose bytes are moved to the calling thread. */
function moved(bytes: Uint8Array): unknown {
  const result: WorkerResult = { ok: true, bytes };
  const buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) return result;
  return Piscina.move({ [Piscina.transferableSymbol]: [buffer], [Piscina.valueSymbol]: result } as unknown as ArrayBuffer);
}

/**
 * Runs one task (piscina calls the default export).
 * @param task an encode or decode task
 */
export default function runParquetTask(task: EncodeTask | DecodeTask): unknown {
  try {
    return moved(task.op === 'decode' ? decodeParquetAsIpc(task.bytes, task.settings) : encodeIpcAsParquet(task.ipc, task.settings));
  } catch (e) {
    const failed: WorkerResult = { ok: false, detail: wasmFailureMessage(e) };
    return failed;
  }
}
