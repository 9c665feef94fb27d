/**
 * The one door a filter comes in by: a filter string is parsed, an expression is checked (shape
 * and depth, see `validate.ts`), and anything else is refused naming what it is. Every public
 * entry that takes `Expression | string` calls {@link toExpression} with a description of the
 * argument, so the message says which call's filter was wrong.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Expression } from './expression.js';
import { parseFilter } from './parse.js';
import { FILTER_HELP, validateExpression } from './validate.js';

/** Options of {@link toExpression}. */
export interface ToExpressionOptions {
  /** The argument, as messages name it: `filter of delete on table ml.events`. */
  readonly what: string;
}

/**
 * A caller's filter as a checked {@link Expression}: a string is parsed with `parseFilter`, an
 * expression (a builder's result or plain data of the same shape) is validated. `undefined`,
 * `null`, a `String` object or any other value is refused: a filter is never read as "every row"
 * by accident (pass `alwaysTrue()` or `'TRUE'` for that).
 * @param input what the caller passed
 * @param options how messages name the argument
 * @throws InvalidArgumentError naming the argument and what is wrong (position in the text, or
 *   path of the first offending value)
 */
export function toExpression(input: unknown, options: ToExpressionOptions): Expression {
  if (typeof input === 'string') {
    try {
      return parseFilter(input);
    } catch (e) {
      if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`${options.what}: ${e.message}`, { context: { argument: options.what, ...e.context }, cause: e });
      throw e;
    }
  }
  if (input === undefined || input === null) {
    throw new InvalidArgumentError(`the ${options.what} is missing (${String(input)})`, {
      context: { argument: options.what },
      help: `${FILTER_HELP}; to select every row, pass alwaysTrue() or 'TRUE'`,
    });
  }
  if (typeof input !== 'object') {
    throw new InvalidArgumentError(`the ${options.what} must be an expression or a filter string, got a ${typeof input}`, {
      context: { argument: options.what },
      help: FILTER_HELP,
    });
  }
  if (input instanceof String) {
    throw new InvalidArgumentError(`the ${options.what} must be an expression or a filter string, got a String object`, {
      context: { argument: options.what },
      help: 'pass the primitive string (String(value)), not a String object',
    });
  }
  return validateExpression(input, options.what);
}
