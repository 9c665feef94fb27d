/**
 * The `help:` line `floe` prints under an error: what to type next, as a `floe` command.
 *
 * The library's errors carry hints for code (`table.snapshots()`, `createNamespace('ml')`,
 * `onViolation: 'quarantine'`), which a shell user cannot act on. The CLI therefore keeps a
 * hint that already names a `floe` command, gives its own hint for the errors a command line
 * commonly meets (an unknown snapshot, ref, namespace or table; a constraint violation; a lost
 * race), and drops any other hint that shows library syntax; hints in plain words pass through.
 *
 * @module
 */
import type { FloeError } from '../index.js';

/** What the failed command line was about, for hints that name the next command. */
export interface CommandLine {
  /** The command run (`scan`), when the line got that far. */
  readonly command?: string;
  /** Its table argument as typed (`ml.events`, or a location), when it has one. */
  readonly table?: string;
}

/** A `floe` command in backticks, as CLI-made hints write them. */
const NAMES_FLOE_COMMAND = /`floe [^`]*`/;

/**
 * Library syntax in a hint: a call (`table.snapshots()`, `listTables('ml')`) or an options
 * object key (`remap: {`, `onViolation: '…'`).
 */
const LIBRARY_SYNTAX = /\b[a-z]\w*\.[a-z]\w*\(|\b[a-z]+[A-Z]\w*\(|\b[a-z]\w*: [{'"]/;

type Hint = (table: string) => string;

const HINTS: Partial<Record<FloeError['code'], Hint>> = {
  SNAPSHOT_NOT_FOUND: (t) => `list the snapshots with \`floe history ${t}\` (expired snapshots cannot be read)`,
  REF_NOT_FOUND: (t) => `list the branches and tags with \`floe branch ${t}\` and \`floe tag ${t}\``,
  NAMESPACE_NOT_FOUND: () => 'list the namespaces with `floe namespaces`',
  TABLE_NOT_FOUND: () => 'list the tables with `floe tables`',
  CONSTRAINT_VIOLATION: (t) => `fix the rows, or see the table's constraints with \`floe constraints ${t}\``,
  COMMIT_CONFLICT: () => "run the command again: it starts over from the table's new state",
};

/**
 * The hint to print under an error, or none.
 * @param e the error
 * @param line the command line it ended
 */
export function cliHelp(e: FloeError, line: CommandLine): string | undefined {
  const help = e.help;
  if (help !== undefined && NAMES_FLOE_COMMAND.test(help) && !LIBRARY_SYNTAX.test(help)) return help;
  const hint = HINTS[e.code];
  if (hint) {
    const table = line.table ?? (typeof e.context['table'] === 'string' ? e.context['table'] : '<table>');
    return hint(table);
  }
  return help === undefined || LIBRARY_SYNTAX.test(help) ? undefined : help;
}
