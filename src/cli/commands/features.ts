/**
 * `floe features list|describe|apply|diff|stats`: the feature registry from the command line.
 * Definitions are a declarative file (YAML or JSON: a list of views, or `{ views: [...] }`)
 * that can sit in a repository; `apply` registers them (a changed view gets a new version, an
 * unchanged one is left alone) and names the file and field of any error.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseDocument } from 'yaml';
import { FeatureRegistry, InvalidArgumentError, featureStats, type FeatureView } from '../../index.js';
import { contextOf } from '../context.js';
import { isoTime, positiveInt } from './common.js';

/** The definitions of a YAML or JSON file. @throws InvalidArgumentError naming the file (and line) when it is not YAML/JSON or holds no list of views */
async function readDefinitions(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InvalidArgumentError(`cannot read feature definitions ${file}: ${(e as Error).message}`, { cause: e, context: { file } });
  }
  // YAML 1.2 is a superset of JSON: one parser reads both.
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new InvalidArgumentError(`${file}: not YAML or JSON at line ${err.linePos?.[0]?.line ?? '?'}: ${err.message.split('\n')[0]}`, { context: { file } });
  }
  const value: unknown = doc.toJS();
  const views = Array.isArray(value) ? value : typeof value === 'object' && value !== null && Array.isArray((value as { views?: unknown }).views) ? (value as { views: unknown[] }).views : undefined;
  if (views === undefined) throw new InvalidArgumentError(`${file}: expected a list of feature views, or an object with a "views" list`, { context: { file } });
  return views;
}

function viewText(v: FeatureView): string {
  const lines = [
    `view ${v.name} version ${v.version} (registered ${isoTime(v.registeredAtMs)})`,
    `  source      ${v.source.table}${v.source.filter ? ` where ${v.source.filter}` : ''}${v.source.columns ? ` columns ${v.source.columns.join(', ')}` : ''}`,
    `  entities    ${v.entities.map((e) => `${e.name} ${e.type}`).join(', ')}`,
    `  event time  ${v.eventTime}`,
    `  ttl         ${v.ttlMs === 0 ? 'none' : `${v.ttlMs} ms`}`,
  ];
  if (v.description) lines.push(`  description ${v.description}`);
  if (v.owner) lines.push(`  owner       ${v.owner}`);
  lines.push('  features');
  for (const f of v.features) {
    const tags = f.tags ? Object.entries(f.tags).map(([k, x]) => `${k}=${x}`).join(',') : '';
    lines.push(`    ${f.name} ${f.type}${f.owner ? ` owner ${f.owner}` : ''}${tags ? ` tags ${tags}` : ''}${f.description ? ` — ${f.description}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `floe features`. */
export function featuresCommand(): Command {
  const features = new Command('features').description('feature views: register, list, describe, diff, statistics');

  features
    .command('list')
    .description('list the registered feature views (latest versions)')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const views = await FeatureRegistry.open(await ctx.warehouse()).list();
      await ctx.print(views, () => (views.length === 0 ? 'no feature views registered\n' : `${views.map((v) => `${v.name}  v${v.version}  ${v.source.table}  ${v.features.map((f) => f.name).join(', ')}`).join('\n')}\n`));
    });

  features
    .command('describe')
    .description("print a view's definition (latest version, or --version / view@N) and whether it still matches its source table")
    .argument('<view>', 'the view (name or name@version)')
    .option('--version <n>', 'the version')
    .action(async (name: string, opts: { version?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const registry = FeatureRegistry.open(await ctx.warehouse());
      const version = opts.version === undefined ? undefined : positiveInt(opts.version, '--version');
      const view = await registry.describe(name, version);
      const validation = await registry.validate(view.name, view.version);
      await ctx.print({ ...view, versions: await registry.versions(view.name), validation }, () => {
        const status = validation.ok ? '  status      ok: matches its source table\n' : `  status      BROKEN:\n${validation.problems.map((p) => `    ${p.field}: ${p.message}\n`).join('')}`;
        return viewText(view) + status;
      });
    });

  features
    .command('apply')
    .description('register the feature views of a YAML or JSON file (a changed view gets a new version)')
    .argument('<file>', 'the definitions file')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const definitions = await readDefinitions(file);
      const applied = await FeatureRegistry.open(await ctx.warehouse()).apply(definitions, { where: file });
      // `result`, not the library's `status`: a JSON field keeps one type across commands (audit's status is a number).
      const json = applied.map((a) => ({ name: a.name, version: a.version, result: a.status }));
      await ctx.print(json, () => `${applied.map((a) => `${a.name}: ${a.status === 'unchanged' ? `unchanged (version ${a.version})` : `${a.status} version ${a.version}`}`).join('\n')}\n`);
    });

  features
    .command('diff')
    .description('print what changed between two versions of a view')
    .argument('<view>', 'the view')
    .argument('<v1>', 'the first version')
    .argument('<v2>', 'the second version')
    .action(async (name: string, v1: string, v2: string, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const changes = await FeatureRegistry.open(await ctx.warehouse()).diff(name, positiveInt(v1, '<v1>'), positiveInt(v2, '<v2>'));
      const show = (x: unknown): string => (x === undefined ? '(absent)' : JSON.stringify(x));
      await ctx.print(changes, () => (changes.length === 0 ? 'no changes\n' : `${changes.map((c) => `${c.field}: ${show(c.before)} → ${show(c.after)}`).join('\n')}\n`));
    });

  features
    .command('stats')
    .description("print a view's feature statistics at each snapshot of its source table, and those of the rows each commit added (recorded on first use; distinct counts are HyperLogLog estimates, ≈1.6% standard error)")
    .argument('<view>', 'the view (name or name@version)')
    .option('--since <snapshot-id>', 'only snapshots after this one')
    .action(async (name: string, opts: { since?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const stats = await featureStats({ warehouse: await ctx.warehouse(), view: name, ...(opts.since !== undefined ? { since: opts.since } : {}) });
      // Per-feature statistics as a list (`columns`): feature names are data, not JSON fields.
      const columns = (perFeature: (typeof stats)[number]['features']) => Object.entries(perFeature).map(([feature, x]) => ({ name: feature, ...x }));
      const json = stats.map(({ features: perFeature, added, ...rest }) => ({ ...rest, columns: columns(perFeature), added: { rowCount: added.rowCount, columns: columns(added.features) } }));
      await ctx.print(json, () => {
        if (stats.length === 0) return 'no snapshots\n';
        const out: string[] = [];
        for (const s of stats) {
          out.push(`snapshot ${s.snapshotId} at ${isoTime(s.timestampMs)} (${s.operation ?? 'no operation'}, ${s.computed}): ${s.rowCount} rows, ${s.added.rowCount} added`);
          for (const [f, x] of Object.entries(s.features)) {
            out.push(`  ${f}  nulls ${(x.nullFraction * 100).toFixed(1)}%  min ${String(x.min)}  max ${String(x.max)}  mean ${x.mean === null ? '-' : x.mean.toPrecision(6)}  distinct ≈${x.distinct}`);
          }
        }
        return `${out.join('\n')}\n`;
      });
    });

  return features;
}
