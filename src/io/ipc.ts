/**
 * Record batches over a byte stream: the Arrow IPC streaming format (Arrow columnar spec,
 * "IPC Streaming Format": a schema message, then record batches and dictionaries, then the
 * end-of-stream marker), as the catalog server's masked-read endpoint sends rows and Floe's
 * client receives them. Also the column masking that endpoint applies to batches (a column read
 * as nulls keeps its name and type, and becomes nullable).
 *
 * A stream cut short between two messages decodes as a shorter, valid stream (the format has no
 * length up front), so a sender that fails midway must make the transport fail too (the server
 * destroys the connection, and the client's read of the body then throws).
 *
 * @module
 */
import * as arrow from 'apache-arrow';
import { nullData } from './fill.js';

/**
 * Encodes batches as one Arrow IPC stream, chunk by chunk as the batches come. The stream's
 * schema is the first batch's; later batches are sent under it (the writer would otherwise end
 * the stream, or start another, at a batch whose schema differs only in nullability or metadata).
 * @param empty the schema written when there is no batch
 * @param batches batches of one layout
 */
export async function* encodeIpcStream(empty: arrow.Schema, batches: AsyncIterable<arrow.RecordBatch>): AsyncGenerator<Uint8Array> {
  const writer = new arrow.RecordBatchStreamWriter();
  const chunks = writer[Symbol.asyncIterator]();
  // The writer queues its output; the producer writes batches while the consumer below hands
  // out what was queued. `finish` adds the end-of-stream marker and closes the queue.
  const produce = (async (): Promise<void> => {
    let schema: arrow.Schema | undefined;
    try {
      for await (const b of batches) {
        schema ??= b.schema;
        writer.write(b.schema === schema ? b : new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: b.numRows, nullCount: 0, children: b.data.children })));
      }
      if (!schema) writer.reset(undefined, empty);
      writer.finish();
    } catch (e) {
      writer.abort(e);
      throw e;
    }
  })();
  let failure: unknown;
  produce.catch((e: unknown) => (failure = e ?? new Error('the batch source failed')));
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    yield next.value;
  }
  await produce.catch(() => undefined);
  if (failure !== undefined) throw failure;
}

/**
 * Decodes an Arrow IPC stream into record batches.
 * @param chunks the stream's bytes, in any chunking
 * @returns the stream's schema (undefined for an empty input) and its batches
 */
export async function decodeIpcStream(chunks: AsyncIterable<Uint8Array>): Promise<{ readonly schema: arrow.Schema | undefined; readonly batches: AsyncIterable<arrow.RecordBatch> }> {
  const reader = await arrow.RecordBatchReader.from(chunks);
  await reader.open();
  return { schema: reader.schema as arrow.Schema | undefined, batches: reader as AsyncIterable<arrow.RecordBatch> };
}

/**
 * The batch with the named columns replaced by nulls of the same type (their fields made
 * nullable); other columns are kept as they are.
 * @param batch the batch
 * @param names columns to blank (names the batch lacks are ignored)
 */
export function withNullColumns(batch: arrow.RecordBatch, names: ReadonlySet<string>): arrow.RecordBatch {
  if (!batch.schema.fields.some((f) => names.has(f.name))) return batch;
  const fields = batch.schema.fields.map((f) => (names.has(f.name) ? f.clone({ nullable: true }) : f));
  const children = batch.schema.fields.map((f, i) => (names.has(f.name) ? nullData(f.type, batch.numRows) : batch.data.children[i]!));
  const schema = new arrow.Schema(fields, batch.schema.metadata);
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}
