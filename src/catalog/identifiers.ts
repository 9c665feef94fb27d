/**
 * Namespace and table identifiers: `ml.events` is table `events` in namespace `ml`; `a.b.t` is
 * table `t` in the nested namespace `a.b`. Each part becomes one folder of the warehouse, so
 * parts are restricted to characters that are safe as object-key segments everywhere.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

const PART = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$/;

/** A parsed table identifier. */
export interface TableIdentifier {
  /** The namespace's parts, outermost first. */
  readonly namespace: readonly string[];
  /** The table's own name. */
  readonly name: string;
}

/** A name as quoted in messages: at most 100 characters of it (names may be hostile or huge). */
function shown(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

function checkPart(part: string, whole: string, what: string): void {
  if (!PART.test(part)) {
    throw new InvalidArgumentError(`invalid ${what} ${shown(whole)}: part ${shown(part)} must match ${PART.source}`, {
      context: { [what]: whole.slice(0, 100) },
      help: 'use letters, digits, _ and -, with parts separated by dots; no slashes, spaces or ..',
    });
  }
}

/**
 * Parses a namespace name (`'ml'`, `'a.b'`) into parts.
 * @throws InvalidArgumentError for empty parts, `..`, `/` and other unsafe characters
 */
export function parseNamespace(namespace: string | readonly string[]): string[] {
  const parts = typeof namespace === 'string' ? namespace.split('.') : [...namespace];
  const whole = parts.join('.');
  if (parts.length === 0) throw new InvalidArgumentError('namespace must not be empty');
  for (const p of parts) checkPart(p, whole, 'namespace');
  return parts;
}

/**
 * Parses a table identifier (`'ml.events'`).
 * @throws InvalidArgumentError when it has no namespace or unsafe characters
 */
export function parseTableIdentifier(identifier: string): TableIdentifier {
  const parts = identifier.split('.');
  if (parts.length < 2) {
    throw new InvalidArgumentError(`table identifier ${shown(identifier)} needs a namespace, e.g. ml.${identifier.slice(0, 100)}`, { context: { table: identifier.slice(0, 100) } });
  }
  for (const p of parts) checkPart(p, identifier, 'table');
  return { namespace: parts.slice(0, -1), name: parts.at(-1)! };
}

/** The identifier's dotted form. */
export function formatTableIdentifier(id: TableIdentifier): string {
  return [...id.namespace, id.name].join('.');
}
