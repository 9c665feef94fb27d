/**
 * Filter expressions: what a scan, an overwrite or a delete selects rows with.
 *
 * Owns:
 * - the unbound AST over column names and its builders (`eq`, `lt`, `isIn` — the `in`
 *   predicate, named so because `in` is a JavaScript keyword —, `isNull`, `and`, `or`, `not`, …);
 * - the filter string syntax (`parseFilter("x > 5 AND cat IN ('a','b')")`);
 * - the check every filter entering the public API goes through (`toExpression`: a string is
 *   parsed, an expression — builder-made or plain data of the same shape — validated with a zod
 *   schema, anything else refused; trees at most `MAX_EXPRESSION_DEPTH` deep);
 * - binding to a schema by field id with literal conversion (`bindExpression`);
 * - inclusive projection through partition transforms (`projectInclusive`), and strict
 *   projection (`projectStrict`: partitions where every row matches);
 * - evaluation against partition tuples, manifest partition summaries, data file column
 *   metrics, and Arrow record batches (`rowMask`).
 *
 * Guarantees:
 * - **Pruning never drops a file that holds a matching row**: `manifestMightMatch`,
 *   `evaluatePartition` (on a projection) and `fileMightMatch` return false only when no row can
 *   match; `rowMask` is exact. Conversely `fileMustMatch` and `evaluatePartition` on a strict
 *   projection return true only when every row matches (a delete may drop such a file whole).
 * - One semantics everywhere: SQL three-valued logic (a comparison with null is unknown, and a
 *   row matches only when the filter is true), IEEE NaN (orderings and equality with NaN are
 *   false, `!=` is true; `isNaN` finds NaNs), strings ordered by UTF-8 bytes.
 * - Errors are `InvalidArgumentError` (code `INVALID_ARGUMENT`) naming the column, the
 *   position in the filter text, or the path of the malformed value. A malformed filter is
 *   never read as "every row".
 *
 * Needs from below: `spec/` (types, the Literal convention, `compareLiterals`,
 * `literalFromString`, `literalFromBytes`, transforms, `indexById`, `parseArgument`), zod for
 * the expression schema, and apache-arrow for batches.
 *
 * @module
 */
export {
  alwaysFalse,
  alwaysTrue,
  and,
  between,
  eq,
  exactNumber,
  expressionToString,
  gt,
  gtEq,
  identifierToString,
  isExpression,
  isIn,
  isNaN,
  isNull,
  literalToString,
  lt,
  ltEq,
  not,
  notEq,
  notIn,
  notNaN,
  notNull,
  notStartsWith,
  or,
  startsWith,
} from './expression.js';
export type {
  AlwaysFalse,
  AlwaysTrue,
  And,
  ExactNumber,
  Expression,
  LiteralOp,
  LiteralPredicate,
  Not,
  Or,
  Predicate,
  SetOp,
  SetPredicate,
  UnaryOp,
  UnaryPredicate,
  UserLiteral,
} from './expression.js';
export { parseFilter } from './parse.js';
export { toExpression } from './to-expression.js';
export type { ToExpressionOptions } from './to-expression.js';
export { MAX_EXPRESSION_DEPTH } from './validate.js';
export { boundExpressionToJson, expressionFromJson, expressionToJson, literalToRestJson } from './json.js';
export { bindExpression } from './bind.js';
export type { BindOptions } from './bind.js';
export { boundExpressionToString, referencedFieldIds } from './bound.js';
export type {
  BoundAnd,
  BoundExpression,
  BoundFalse,
  BoundLiteralPredicate,
  BoundOr,
  BoundPartitionExpression,
  BoundPredicate,
  BoundReference,
  BoundSetPredicate,
  BoundTrue,
  BoundUnaryPredicate,
} from './bound.js';
export { projectInclusive } from './project.js';
export { projectStrict } from './project-strict.js';
export { evaluatePartition, evaluateRow } from './evaluate-partition.js';
export { manifestMightMatch } from './evaluate-manifest.js';
export { fileMightMatch, IN_PREDICATE_LIMIT } from './evaluate-metrics.js';
export { fileMustMatch } from './evaluate-metrics-strict.js';
export { FIELD_ID_METADATA_KEY, rowMask } from './evaluate-rows.js';
