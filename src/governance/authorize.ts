/**
 * The decision "may P do A on O" (spec/governance.md §G3), pure over one version of the state:
 * deny by default; a principal may do what a grant to one of its roles allows on the object or on
 * anything above it (the catalog, a namespace and its nested namespaces and their tables). A
 * refused request is answered 403 when the principal can see the object (it holds some privilege
 * on it, above it or below it) and 404 otherwise, so that nobody learns which tables exist where
 * they may not look (as Lakekeeper answers for hidden objects).
 *
 * For `READ` on a table, the decision also carries the read policy the grants impose: the
 * columns hidden and the rows visible. Several grants combine permissively — a column is hidden
 * only if every grant hides it, and a row is visible if any grant's filter admits it — and a
 * grant without a mask or filter lifts them.
 *
 * A masked reader never gets the table's files themselves: a decision asked for raw file access
 * (file scan tasks, storage credentials, signed storage requests; operations.ts marks which) is
 * refused when the subject's `READ` on the table carries a policy, whichever privilege is asked,
 * so that every endpoint handing out files — planning, credentials, the signer — holds the rule.
 *
 * @module
 */
import { ANONYMOUS_ROLE, type GovernanceState, type Grant, type Principal, type Privilege, type Securable, securableToString } from './model.js';

/** Who is asking: a principal, or nobody (a request without a token). */
export type Subject = { readonly principal: Principal } | { readonly anonymous: true };

/** What a table read is limited to. */
export interface ReadPolicy {
  /** Columns left out. */
  readonly drop: readonly string[];
  /** Columns read as nulls. */
  readonly nullify: readonly string[];
  /** Filters of which a row must match at least one (Floe's filter syntax); empty: every row. */
  readonly rowFilters: readonly string[];
}

/** A decision. */
export interface Decision {
  /** Whether it is allowed. */
  readonly allowed: boolean;
  /** When refused: 403 if the object is visible to the subject, else 404. */
  readonly status: 200 | 403 | 404;
  /** Why, for the audit log and the error message (never a secret). */
  readonly reason: string;
  /** For an allowed `READ` of a table: what the read is limited to, if anything. */
  readonly policy?: ReadPolicy;
  /** For a refusal: what the subject may do instead. */
  readonly help?: string;
}

/** What a decision is asked about beyond privilege and object. */
export interface DecisionOptions {
  /** The operation hands out the object's files themselves (see the module doc). */
  readonly rawFiles?: boolean;
}

/** The roles a subject acts with. */
export function rolesOf(state: GovernanceState, subject: Subject): readonly string[] {
  if ('principal' in subject) return subject.principal.roles;
  return state.allowAnonymous ? [ANONYMOUS_ROLE] : [];
}

/** Whether `outer` is `inner` or lies above it. */
export function covers(outer: Securable, inner: Securable): boolean {
  if (outer.kind === 'catalog') return true;
  if (inner.kind === 'catalog') return false;
  const prefixOf = (a: readonly string[], b: readonly string[]): boolean => a.length <= b.length && a.every((p, i) => p === b[i]);
  if (outer.kind === 'namespace') return prefixOf(outer.namespace, inner.namespace);
  return inner.kind === 'table' && outer.table === inner.table && outer.namespace.length === inner.namespace.length && prefixOf(outer.namespace, inner.namespace);
}

function who(subject: Subject): string {
  return 'principal' in subject ? `principal ${subject.principal.name}` : 'an anonymous request';
}

function readPolicy(grants: readonly Grant[]): ReadPolicy | undefined {
  if (grants.some((g) => !g.columnMask && !g.rowFilter)) return undefined;
  const hiddenBy = (g: Grant): Set<string> => new Set([...(g.columnMask?.drop ?? []), ...(g.columnMask?.nullify ?? [])]);
  const hiddenByAll = grants.map(hiddenBy).reduce((acc, s) => new Set([...acc].filter((c) => s.has(c))));
  const dropByAll = new Set(grants.map((g) => new Set(g.columnMask?.drop ?? [])).reduce((acc, s) => new Set([...acc].filter((c) => s.has(c)))));
  const drop = [...hiddenByAll].filter((c) => dropByAll.has(c)).sort();
  const nullify = [...hiddenByAll].filter((c) => !dropByAll.has(c)).sort();
  const rowFilters = grants.some((g) => !g.rowFilter) ? [] : grants.map((g) => g.rowFilter!);
  if (drop.length === 0 && nullify.length === 0 && rowFilters.length === 0) return undefined;
  return { drop, nullify, rowFilters };
}

/**
 * May `subject` do `privilege` on `object`?
 * @param state the governance state the decision is made against
 */
export function authorize(state: GovernanceState, subject: Subject, privilege: Privilege, object: Securable, options: DecisionOptions = {}): Decision {
  const roles = new Set(rolesOf(state, subject));
  const mine = state.grants.filter((g) => roles.has(g.role));
  const allowing = mine.filter((g) => g.privilege === privilege && covers(g.on, object));
  if (allowing.length > 0) {
    const policy = privilege === 'READ' && object.kind === 'table' ? readPolicy(allowing) : undefined;
    if (options.rawFiles && object.kind === 'table') {
      const reading = mine.filter((g) => g.privilege === 'READ' && covers(g.on, object));
      if (reading.length > 0 && readPolicy(reading)) {
        return {
          allowed: false,
          status: 403,
          reason: `${who(subject)} reads ${securableToString(object)} through a column mask or row filter, so it gets no file scan tasks, storage credentials or signed requests for its files (they hold the unmasked values)`,
          help: "read the table through the catalog's read endpoint, POST /floe/v1/{prefix}/namespaces/{namespace}/tables/{table}/read, which applies the policy (Floe's client does so by itself)",
        };
      }
    }
    return { allowed: true, status: 200, reason: `${who(subject)} holds ${privilege} on ${securableToString(allowing[0]!.on)} (role ${allowing[0]!.role})`, ...(policy ? { policy } : {}) };
  }
  const visible = mine.some((g) => covers(g.on, object) || covers(object, g.on));
  return {
    allowed: false,
    status: visible ? 403 : 404,
    reason: `${who(subject)} lacks ${privilege} on ${securableToString(object)}`,
  };
}
