/**
 * Turns zod failures into Floe's {@link ValidationError}, so that no ZodError escapes `spec/`.
 *
 * The error's `context.path` is the JSON path of the first offending value, written as
 * `schemas[0].fields[2].type`; for a union that failed every branch, the branch that got
 * furthest decides the path (it is the one the file most likely meant).
 *
 * @module
 */
import type { z } from 'zod';
import { FloeError, InvalidArgumentError, UnsupportedError, ValidationError } from '../errors.js';

/** A zod issue path. */
export type IssuePath = readonly PropertyKey[];

/**
 * Formats a path as `a.b[0].c` (`$` for the root).
 * @param path property keys and indexes
 */
export function formatPath(path: IssuePath): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out === '' ? '$' : out;
}

interface FlatIssue {
  readonly path: PropertyKey[];
  readonly message: string;
  /** The Floe error code a conversion failed with, when the issue came from {@link convertInZod}. */
  readonly floeCode?: string;
}

type AnyIssue = z.core.$ZodIssue;

/**
 * Picks the most specific issue: descends into union branches, keeping the deepest path. With
 * `keepUnionMessage`, a union whose branches all failed at the union's own position keeps the
 * union's message (an argument schema words it as "expected a … or a …"), not its first branch's.
 */
function flatten(issue: AnyIssue, prefix: PropertyKey[], keepUnionMessage = false): FlatIssue {
  const here = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: FlatIssue | undefined;
    for (const branch of issue.errors) {
      for (const sub of branch) {
        const f = flatten(sub, here, keepUnionMessage);
        if (best === undefined || f.path.length > best.path.length) best = f;
      }
    }
    if (best !== undefined && !(keepUnionMessage && best.path.length <= here.length)) return best;
  }
  const params = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined) : undefined;
  return typeof params?.code === 'string'
    ? { path: here, message: issue.message, floeCode: params.code }
    : { path: here, message: issue.message };
}

/** Where the failure was found: a file (optional) and what kind of object was being decoded. */
export interface IssueOrigin {
  /** The file being decoded, if known. */
  readonly file?: string | undefined;
  /** What was being decoded, e.g. `table metadata`. */
  readonly what: string;
  /** A path prefix, when the decoded value sits inside a larger document. */
  readonly pathPrefix?: IssuePath;
}

/**
 * Converts a zod error into a {@link ValidationError} naming the file and the JSON path, or an
 * {@link UnsupportedError} when the failure was a feature Floe does not support (a v3 type).
 * @param error the zod error
 * @param origin file and object kind
 */
export function errorFromZod(error: z.ZodError, origin: IssueOrigin): ValidationError | UnsupportedError {
  const first = error.issues[0];
  const flat = first === undefined ? { path: [], message: 'invalid' } : flatten(first, [...(origin.pathPrefix ?? [])]);
  const path = formatPath(flat.path);
  const where = origin.file === undefined ? '' : ` in ${origin.file}`;
  const context = { ...(origin.file === undefined ? {} : { file: origin.file }), path };
  if (flat.floeCode === 'UNSUPPORTED') return new UnsupportedError(`${flat.message}${where} at ${path}`, { context });
  return new ValidationError(`invalid ${origin.what}${where} at ${path}: ${flat.message}`, { context });
}

/**
 * Runs a conversion inside a zod transform: a Floe error thrown by `fn` becomes a zod issue at
 * the transform's position, so that the final error names the full JSON path; any other error
 * is rethrown (it is a bug, not bad input).
 *
 * @param ctx the transform context
 * @param input the value being converted (reported with the issue)
 * @param fn the conversion
 * @param path where, relative to the transformed value, the problem is
 */
export function convertInZod<T>(ctx: z.RefinementCtx, input: unknown, fn: () => T, path: PropertyKey[] = []): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FloeError) {
      ctx.issues.push({ code: 'custom', message: e.message, input, path, params: { code: e.code } });
      // the pushed issue fails the parse; the value returned here is never observed
      return undefined as T;
    }
    throw e;
  }
}

/**
 * Checks a caller's argument against a zod schema: the parsed value, or an
 * {@link InvalidArgumentError} naming the argument and the path of the first offending value
 * (`invalid filter of delete on table ml.events at children[1].op: …`).
 * @param schema the schema of the argument
 * @param value what the caller passed
 * @param what the argument, as the message names it (`options of scan on table ml.events`)
 * @param help a line telling the caller what a valid value looks like
 * @throws InvalidArgumentError when the value does not match
 */
export function parseArgument<T>(schema: z.ZodType<T>, value: unknown, what: string, help?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const flat = first === undefined ? { path: [], message: 'invalid' } : flatten(first, [], true);
  const path = formatPath(flat.path);
  throw new InvalidArgumentError(`invalid ${what}${path === '$' ? '' : ` at ${path}`}: ${flat.message}`, {
    context: { argument: what, path },
    ...(help === undefined ? {} : { help }),
  });
}
