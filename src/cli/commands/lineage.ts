/**
 * `floe lineage <table>`: the upstream lineage graph of a snapshot (default the current one):
 * each table snapshot it was made from, with the job that made it, found across the warehouse.
 *
 * @module
 */
import { Command } from 'commander';
import { contextOf } from '../context.js';
import { isoTime } from './common.js';

/** `floe lineage`. */
export function lineageCommand(): Command {
  return new Command('lineage')
    .description('print the tables and snapshots a snapshot was made from, and the jobs that made them')
    .argument('<table>', 'the table')
    .option('--snapshot <id>', 'the snapshot (default: the current one)')
    .action(async (name: string, opts: { snapshot?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const graph = await table.lineage(opts.snapshot, { warehouse: await ctx.warehouse({ mustExist: false }) });
      const byId = new Map(graph.nodes.map((n) => [n.id, n]));
      const lines: string[] = [];
      const visit = (id: string, depth: number, seen: ReadonlySet<string>): void => {
        const n = byId.get(id);
        if (!n) return;
        const job = n.job ? ` by ${n.job.name}${n.job.runId ? ` (run ${n.job.runId}${n.job.codeVersion ? `, code ${n.job.codeVersion}` : ''})` : ''}` : '';
        const when = n.timestampMs !== undefined ? ` at ${isoTime(n.timestampMs)}` : '';
        lines.push(`${'  '.repeat(depth)}${depth > 0 ? '← ' : ''}${n.table ?? n.tableUuid} @ ${n.snapshotId}${n.resolved ? ` ${n.operation ?? ''}${when}${job}` : ' (not found)'}`);
        if (seen.has(id)) return;
        const next = new Set(seen).add(id);
        for (const i of n.inputs) visit(i, depth + 1, next);
      };
      if (graph.root) visit(graph.root, 0, new Set());
      await ctx.print(graph, () => (lines.length === 0 ? `table ${table.name} has no snapshots yet\n` : `${lines.join('\n')}\n`));
    });
}
