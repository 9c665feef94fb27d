/**
 * Input files' bytes as text, strictly: UTF-8 is decoded with a fatal WHATWG `TextDecoder`, so a
 * byte sequence that is not UTF-8 stops the command with its file:line:column instead of
 * becoming U+FFFD unseen. `--on-invalid-text replace` asks for the replacement (the decoder's
 * own, one U+FFFD per maximal invalid subpart, WHATWG Encoding §4.1).
 *
 * Lines are the unit of position: a line feed (0x0A) never occurs inside a multi-byte UTF-8
 * sequence, so text cut at line feeds decodes the same as the whole, and a bad sequence is
 * placed by decoding only the line that holds it.
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../index.js';

/** What to do with text that is not valid Unicode: refuse it (the default), or replace it with U+FFFD. */
export const INVALID_TEXT_MODES = ['fail', 'replace'] as const;

/** One of {@link INVALID_TEXT_MODES}. */
export type InvalidTextMode = (typeof INVALID_TEXT_MODES)[number];

const InvalidTextModeSchema = z.enum(INVALID_TEXT_MODES);

/** The `help:` line of every refusal of invalid text. */
export const INVALID_TEXT_HELP = 'save the file as UTF-8, or give --on-invalid-text replace to read each invalid sequence as U+FFFD';

/**
 * Parses `--on-invalid-text` (absent: `fail`).
 * @param text the option's value
 * @throws InvalidArgumentError for anything but `fail` and `replace`
 */
export function invalidTextMode(text: string | undefined): InvalidTextMode {
  if (text === undefined) return 'fail';
  const parsed = InvalidTextModeSchema.safeParse(text);
  if (!parsed.success) {
    throw new InvalidArgumentError(`--on-invalid-text must be one of ${INVALID_TEXT_MODES.join(', ')}; got ${JSON.stringify(text)}`, { context: { option: '--on-invalid-text', value: text } });
  }
  return parsed.data;
}

const BOM = '\uFEFF';

/** Whether `bytes[0..end)` decodes without error when more bytes may follow (an incomplete tail is held, not an error). */
function decodesAsPrefix(bytes: Uint8Array, end: number): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, end), { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The error for the first invalid sequence of a line known to hold one.
 * @param line the line's bytes, without its line feed
 * @param where the file, the line's number and its byte offset in the file
 */
function invalidLineError(line: Uint8Array, where: { readonly file: string; readonly line: number; readonly offset: number }): InvalidArgumentError {
  // The shortest prefix the decoder rejects ends at the byte that made the sequence invalid
  // (rejection is monotone in the prefix length). If the whole line decodes as a prefix, the
  // bad sequence is an incomplete one at the end of the line.
  let lo = 0;
  let hi = line.length;
  if (decodesAsPrefix(line, hi)) {
    lo = hi;
  } else {
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (decodesAsPrefix(line, mid)) lo = mid;
      else hi = mid;
    }
  }
  // Decoding the longest accepted prefix yields the characters before the bad sequence; the
  // bytes it holds back (an incomplete sequence) are where the bad sequence starts.
  let before = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(line.subarray(0, lo), { stream: true });
  const start = Buffer.byteLength(before, 'utf8');
  if (where.offset === 0 && before.startsWith(BOM)) before = before.slice(1);
  const column = [...before].length + 1;
  const byte = line[start] ?? 0;
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return new InvalidArgumentError(`${where.file}:${where.line}:${column}: invalid UTF-8 (byte ${hex} at byte offset ${where.offset + start})`, {
    context: { file: where.file, line: where.line, column, offset: where.offset + start },
    help: INVALID_TEXT_HELP,
  });
}

/**
 * The first invalid sequence in a block of lines that failed to decode: its error, and where
 * its line starts in the block (the lines before it are valid).
 * @param bytes the block, starting at a line start
 * @param where the file, the block's first line number and its byte offset in the file
 */
function firstInvalid(bytes: Uint8Array, where: { readonly file: string; readonly line: number; readonly offset: number }): { error: InvalidArgumentError; lineStart: number } {
  let line = where.line;
  let start = 0;
  for (;;) {
    const lf = bytes.indexOf(0x0a, start);
    const end = lf < 0 ? bytes.length : lf;
    const text = bytes.subarray(start, end);
    try {
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(text);
    } catch {
      return { error: invalidLineError(text, { file: where.file, line, offset: where.offset + start }), lineStart: start };
    }
    if (lf < 0) break;
    line++;
    start = lf + 1;
  }
  // Unreachable when the block failed to decode; kept so the caller always has an error.
  return { error: new InvalidArgumentError(`${where.file}: invalid UTF-8`, { context: { file: where.file }, help: INVALID_TEXT_HELP }), lineStart: bytes.length };
}

/** Line feeds in a block. */
function lineFeeds(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Options of {@link decodeText} and {@link decodeTextStream}. */
export interface DecodeOptions {
  /** The file, for errors. */
  readonly file: string;
  /** Refuse invalid UTF-8, or replace it. */
  readonly mode: InvalidTextMode;
}

/**
 * Decodes a whole file's bytes (a leading byte-order mark is dropped).
 * @param bytes the file's contents
 * @param options the file and what to do with invalid UTF-8
 * @throws InvalidArgumentError naming file:line:column of the first invalid sequence (mode `fail`)
 */
export function decodeText(bytes: Uint8Array, options: DecodeOptions): string {
  if (options.mode === 'replace') return new TextDecoder('utf-8').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw firstInvalid(bytes, { file: options.file, line: 1, offset: 0 }).error;
  }
}

/**
 * Decodes a file as it is read: yields text in pieces that end at line feeds (the last piece
 * need not), so a reader can stop early having decoded only what it used; an invalid sequence
 * is reported only when the reader asks for the text of its line.
 * @param chunks the file's bytes, in order
 * @param options the file and what to do with invalid UTF-8
 * @throws InvalidArgumentError naming file:line:column of the first invalid sequence (mode `fail`), when the reader gets there
 */
export async function* decodeTextStream(chunks: AsyncIterable<Uint8Array>, options: DecodeOptions): AsyncGenerator<string> {
  if (options.mode === 'replace') {
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
    yield decoder.decode();
    return;
  }
  let carry: Uint8Array = new Uint8Array(0);
  let line = 1;
  let offset = 0;
  const fatal = (block: Uint8Array): string => {
    let text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(block);
    if (offset === 0 && text.startsWith(BOM)) text = text.slice(1);
    line += lineFeeds(block);
    offset += block.length;
    return text;
  };
  /** The block's text; at an invalid sequence, the lines before it, then the error when more is asked for. */
  async function* decodeBlock(block: Uint8Array): AsyncGenerator<string> {
    let text: string;
    try {
      text = fatal(block);
    } catch {
      const { error, lineStart } = firstInvalid(block, { file: options.file, line, offset });
      if (lineStart > 0) yield fatal(block.subarray(0, lineStart));
      throw error;
    }
    yield text;
  }
  for await (const chunk of chunks) {
    const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const cut = bytes.lastIndexOf(0x0a) + 1;
    carry = bytes.subarray(cut);
    if (cut > 0) yield* decodeBlock(bytes.subarray(0, cut));
  }
  if (carry.length > 0) yield* decodeBlock(carry);
}

/**
 * A JSON string value that decoded to a lone surrogate (`"\ud800"`): Iceberg strings are UTF-8,
 * which cannot hold one. Returns the 1-based column of the escape on its line, or 1 when the
 * escape cannot be found in the text.
 * @param lineText the line's text
 */
export function loneSurrogateColumn(lineText: string): number {
  // A \uD800–\uDBFF escape not followed by a \uDC00–\uDFFF one, or a low one not preceded by a
  // high one; an even run of backslashes before `u` is escaped backslashes, not an escape.
  const escape = /(?<!\\)(?:\\\\)*(\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})/.exec(lineText);
  if (!escape) return 1;
  const at = escape.index + escape[0].length - escape[1]!.length;
  return [...lineText.slice(0, at)].length + 1;
}
