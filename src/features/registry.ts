/**
 * The feature registry of a warehouse: feature view definitions, versioned, stored as
 * immutable documents under `_floe/features/views/` (registry-store.ts has the layout and the
 * commit point). `apply` registers definitions after checking them against their source
 * tables; a changed definition becomes version N+1, an identical one is a no-op; every version
 * stays resolvable (`describe('user_stats', 3)`, `user_stats@3:ctr`). `validate` reports a
 * registered view whose table no longer matches it.
 *
 * @module
 */
import { z } from 'zod';
import { CommitRetriesExhaustedError, InvalidArgumentError, isFloeError } from '../errors.js';
import type { ObjectStore } from '../store/index.js';
import type { Table } from '../table.js';
import type { Warehouse } from '../warehouse.js';
import { checkViewAgainstSchema, type ViewProblem } from './source-check.js';
import { createViewVersion, listViewNames, listViewVersions, readViewVersion } from './registry-store.js';
import { diffDefinitions, sameDefinition, type FeatureViewChange } from './view-diff.js';
import { type FeatureView, type FeatureViewDefinition, FeatureNameSchema, FeatureViewDefinitionSchema, definitionOf } from './view.js';

/** How many times `apply` re-reads a view that other writers keep changing. */
const APPLY_ATTEMPTS = 64;

/** What `apply` did with one definition. */
export interface AppliedView {
  /** The view name. */
  readonly name: string;
  /** The version that now holds the definition. */
  readonly version: number;
  /** `created` (version 1), `updated` (a new version), `unchanged` (the latest version already was it). */
  readonly status: 'created' | 'updated' | 'unchanged';
}

/** A view checked against its source table now. */
export interface ViewValidation {
  /** The view name. */
  readonly name: string;
  /** The version checked. */
  readonly version: number;
  /** Whether the view matches its table (no problems). */
  readonly ok: boolean;
  /** What does not match (a missing table, a dropped column, a changed type). */
  readonly problems: readonly ViewProblem[];
}

/** A view name as callers give it; `view@3` is accepted where a version may be given. */
const ViewRefSchema = z.string().transform((s, ctx) => {
  const m = /^([^@]*)(?:@([1-9][0-9]*))?$/.exec(s);
  const name = FeatureNameSchema.safeParse(m?.[1]);
  if (m === null || !name.success) {
    ctx.addIssue({ code: 'custom', message: `is not a feature view name: ${JSON.stringify(s)}` });
    return z.NEVER;
  }
  return { name: name.data, ...(m[2] !== undefined ? { version: Number(m[2]) } : {}) };
});

const VersionSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The feature registry of one warehouse. Open it with {@link FeatureRegistry.open}. */
export class FeatureRegistry {
  private constructor(
    private readonly warehouse: Warehouse,
    private readonly store: ObjectStore,
  ) {}

  /**
   * The registry of `warehouse` (stored under its root).
   * @throws UnsupportedError for a REST catalog that names no storage location
   */
  static open(warehouse: Warehouse): FeatureRegistry {
    return new FeatureRegistry(warehouse, warehouse.root.store);
  }

  /**
   * Registers definitions. Every definition is checked first (its fields, then against its
   * source table's current schema); when any fails nothing is written. Then each view gets a
   * new version if its definition differs from its latest one. Views are registered one by
   * one: a failure writing the third leaves the first two registered (each is a complete
   * version), and re-running `apply` finishes the job.
   * @param definitions view definitions as written in a file (ttl as `30d` or milliseconds)
   * @param options.where where the definitions came from (a file name), for messages
   * @throws InvalidArgumentError naming the definition, field and problem when one is invalid or does not match its table
   */
  async apply(definitions: readonly unknown[], options: { readonly where?: string } = {}): Promise<AppliedView[]> {
    const where = options.where ?? 'feature view definitions';
    if (!Array.isArray(definitions)) throw new InvalidArgumentError(`${where}: expected a list of feature view definitions`, { context: { file: where } });
    const parsed: FeatureViewDefinition[] = definitions.map((d, i) => {
      const r = FeatureViewDefinitionSchema.safeParse(d);
      if (r.success) return r.data;
      const issue = r.error.issues[0]!;
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
      const field = z.core.toDotPath([i, ...path]);
      const name = typeof (d as { name?: unknown } | null)?.name === 'string' ? ` (view ${(d as { name: string }).name})` : '';
      const message = issue.code === 'unrecognized_keys' ? `unknown field ${field}` : `field ${field} ${issue.message}`;
      throw new InvalidArgumentError(`${where}${name}: ${message}`, { context: { file: where, field } });
    });
    const names = new Set<string>();
    for (const d of parsed) {
      if (names.has(d.name)) throw new InvalidArgumentError(`${where}: view ${d.name} is defined twice`, { context: { file: where, view: d.name } });
      names.add(d.name);
    }
    for (const [i, d] of parsed.entries()) {
      const problems = await this.problemsOf(d);
      if (problems.length > 0) {
        const p = problems[0]!;
        throw new InvalidArgumentError(`${where} (view ${d.name}): field [${i}].${p.field}: ${p.message}`, { context: { file: where, view: d.name, field: `[${i}].${p.field}` } });
      }
    }
    const out: AppliedView[] = [];
    for (const d of parsed) out.push(await this.register(d));
    return out;
  }

  /** Writes `definition` as the next version of its view unless the latest version is it already. */
  private async register(definition: FeatureViewDefinition): Promise<AppliedView> {
    for (let attempt = 0; attempt < APPLY_ATTEMPTS; attempt++) {
      const versions = await listViewVersions(this.store, definition.name);
      const latest = versions.at(-1);
      const current = latest === undefined ? undefined : await readViewVersion(this.store, definition.name, latest);
      if (current !== undefined && sameDefinition(definitionOf(current), definition)) return { name: definition.name, version: current.version, status: 'unchanged' };
      const version = (latest ?? 0) + 1;
      const view: FeatureView = { ...definition, version, registeredAtMs: this.warehouse.clock.nowMs() };
      try {
        if (await createViewVersion(this.store, view)) return { name: view.name, version, status: version === 1 ? 'created' : 'updated' };
      } catch (e) {
        if (!isFloeError(e, 'OUTCOME_UNKNOWN')) throw e;
      }
      // Another writer took that version (or our put's outcome is unknown): what is there now
      // decides. Our definition there (ours or an identical concurrent apply) is done; else retry.
    }
    throw new CommitRetriesExhaustedError(`feature view ${definition.name}: other writers kept registering versions during ${APPLY_ATTEMPTS} attempts`, {
      context: { view: definition.name },
      help: 'too many concurrent applies of one view; retry',
    });
  }

  /** The latest version of every registered view, by name. */
  async list(): Promise<FeatureView[]> {
    const out: FeatureView[] = [];
    for (const name of await listViewNames(this.store)) {
      const latest = (await listViewVersions(this.store, name)).at(-1);
      const view = latest === undefined ? undefined : await readViewVersion(this.store, name, latest);
      if (view) out.push(view);
    }
    return out;
  }

  /** The versions of a view, ascending. @throws InvalidArgumentError when the view is not registered */
  async versions(name: string): Promise<number[]> {
    const ref = parseViewRef(name);
    const versions = await listViewVersions(this.store, ref.name);
    if (versions.length === 0) throw notRegistered(ref.name);
    return versions;
  }

  /**
   * A view's definition: its latest version, or the version asked for (`describe('v', 3)` or `describe('v@3')`).
   * @throws InvalidArgumentError when the name is malformed, the view is not registered or has no such version
   */
  async describe(name: string, version?: number): Promise<FeatureView> {
    const ref = parseViewRef(name);
    if (version !== undefined && !VersionSchema.safeParse(version).success) throw new InvalidArgumentError(`feature view ${ref.name}: version ${String(version)} is not a positive integer`, { context: { view: ref.name } });
    const wanted = version ?? ref.version;
    const versions = await listViewVersions(this.store, ref.name);
    if (versions.length === 0) throw notRegistered(ref.name);
    const v = wanted ?? versions.at(-1)!;
    const view = versions.includes(v) ? await readViewVersion(this.store, ref.name, v) : undefined;
    if (!view) throw new InvalidArgumentError(`feature view ${ref.name} has no version ${v} (versions ${versions.join(', ')})`, { context: { view: ref.name, version: v } });
    return view;
  }

  /** The fields that differ from version `a` to version `b` of a view. @throws InvalidArgumentError as {@link describe} */
  async diff(name: string, a: number, b: number): Promise<FeatureViewChange[]> {
    const [va, vb] = [await this.describe(name, a), await this.describe(name, b)];
    return diffDefinitions(definitionOf(va), definitionOf(vb));
  }

  /**
   * Checks a registered view (latest version, or the one given) against its source table's
   * current schema: a dropped, renamed or retyped column or a dropped table is a problem.
   * @throws InvalidArgumentError as {@link describe}
   */
  async validate(name: string, version?: number): Promise<ViewValidation> {
    const view = await this.describe(name, version);
    const problems = await this.problemsOf(view);
    return { name: view.name, version: view.version, ok: problems.length === 0, problems };
  }

  /** The source table of a view (loaded now). @throws TableNotFoundError when it is gone */
  loadSource(view: FeatureViewDefinition): Promise<Table> {
    return this.warehouse.loadTable(view.source.table);
  }

  private async problemsOf(definition: FeatureViewDefinition): Promise<ViewProblem[]> {
    let table: Table;
    try {
      table = await this.loadSource(definition);
    } catch (e) {
      if (isFloeError(e, 'TABLE_NOT_FOUND') || isFloeError(e, 'NAMESPACE_NOT_FOUND')) return [{ field: 'source.table', message: `table ${definition.source.table} does not exist` }];
      throw e;
    }
    return checkViewAgainstSchema(definition, table.schema());
  }
}

function parseViewRef(name: string): { name: string; version?: number } {
  const r = ViewRefSchema.safeParse(name);
  if (!r.success) throw new InvalidArgumentError(`feature view name ${JSON.stringify(name)} is invalid: ${r.error.issues[0]!.message}`, { context: { view: String(name) } });
  return r.data;
}

function notRegistered(name: string): InvalidArgumentError {
  return new InvalidArgumentError(`feature view ${name} is not registered`, { context: { view: name }, help: 'see `floe features list`; register it with `floe features apply <file>`' });
}
