/**
 * Aligned plain-text tables for people (`--json` is for machines): a header, a rule, one line
 * per row; numbers right-aligned, text left-aligned; cells wider than a limit are cut with `…`.
 *
 * @module
 */

/** Options of {@link formatTable}. */
export interface FormatTableOptions {
  /** Columns to right-align (by index); default: those whose every non-empty, non-`null` cell is a number. */
  readonly rightAlign?: readonly number[];
  /** Cut cells longer than this many characters (default 60). */
  readonly maxCellWidth?: number;
}

const NUMERIC = /^[-+]?(\d[\d,_]*)(\.\d+)?([eE][-+]?\d+)?$|^[-+]?(NaN|Infinity)$/;

function cut(text: string, width: number): string {
  const oneLine = text.replace(/\r?\n/g, '⏎');
  return oneLine.length <= width ? oneLine : `${oneLine.slice(0, Math.max(1, width - 1))}…`;
}

/**
 * Formats rows as an aligned table, each line ending in a newline.
 * @param header the column names
 * @param rows the cells, already rendered as text
 * @param options alignment and cell width
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], options: FormatTableOptions = {}): string {
  const max = options.maxCellWidth ?? 60;
  const cells = rows.map((r) => header.map((_, i) => cut(r[i] ?? '', max)));
  const right = new Set(
    options.rightAlign ??
      header.map((_, i) => i).filter((i) => cells.some((r) => r[i] !== '' && r[i] !== 'null') && cells.every((r) => r[i] === '' || r[i] === 'null' || NUMERIC.test(r[i]!))),
  );
  // A loop, not Math.max(...cells): spreading one argument per row overflows the stack.
  const widths = header.map((h) => h.length);
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i]!, c.length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)];
  return `${out.join('\n')}\n`;
}

/**
 * Formats key/value pairs as two aligned columns (for `floe info`).
 * @param pairs the pairs, in order
 */
export function formatPairs(pairs: readonly (readonly [string, string])[]): string {
  let width = 0;
  for (const [k] of pairs) width = Math.max(width, k.length);
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`.trimEnd()).join('\n') + '\n';
}
