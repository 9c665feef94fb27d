/**
 * Snappy block decompression, for Avro files written with `avro.codec` = `snappy`.
 *
 * Avro's snappy codec stores each block as a raw Snappy block followed by the CRC-32 of the
 * uncompressed bytes (4 bytes, big-endian); see the Avro specification §Object Container Files,
 * "Required Codecs / snappy". Java Iceberg writes manifests with `write.avro.compression-codec`,
 * which a table may set to `snappy`. Snappy is small enough to decode here without a dependency.
 *
 * @module
 */

/**
 * Decompresses one raw Snappy block (format_description.txt of google/snappy).
 * @param input the compressed block (without Avro's trailing CRC)
 * @throws RangeError when the input is truncated or refers outside the output
 */
export function snappyDecompress(input: Uint8Array): Uint8Array {
  let pos = 0;
  // Preamble: the uncompressed length as a little-endian base-128 varint.
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new RangeError('snappy: bad length preamble');
    const b = input[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  const out = new Uint8Array(length);
  let o = 0;
  const need = (n: number): void => {
    if (pos + n > input.length) throw new RangeError('snappy: truncated input');
  };
  while (pos < input.length) {
    const tag = input[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      // Literal: length-1 in the tag's upper 6 bits, or in 1–4 following bytes when ≥ 60.
      let len = tag >>> 2;
      if (len >= 60) {
        const n = len - 59;
        need(n);
        len = 0;
        for (let i = 0; i < n; i++) len += input[pos + i]! * 2 ** (8 * i);
        pos += n;
      }
      len += 1;
      need(len);
      if (o + len > length) throw new RangeError('snappy: output overflow');
      out.set(input.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      need(1);
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++]!;
    } else if (kind === 2) {
      need(2);
      len = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      need(4);
      len = (tag >>> 2) + 1;
      offset = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    if (offset === 0 || offset > o || o + len > length) throw new RangeError('snappy: bad copy');
    // Copies may overlap their own output (run-length style), so copy byte by byte.
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
  }
  if (o !== length) throw new RangeError(`snappy: expected ${length} bytes, got ${o}`);
  return out;
}
