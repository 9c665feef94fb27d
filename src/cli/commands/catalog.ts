/**
 * `floe namespaces [parent]` and `floe tables [namespace]`: what the warehouse holds.
 *
 * @module
 */
import { Command } from 'commander';
import type { Warehouse } from '../../index.js';
import { formatTable } from '../format-table.js';
import { contextOf } from '../context.js';

async function allNamespaces(wh: Warehouse, parent?: string): Promise<string[]> {
  const out: string[] = [];
  for (const ns of await wh.listNamespaces(parent)) {
    out.push(ns);
    out.push(...(await allNamespaces(wh, ns)));
  }
  return out;
}

/** `floe namespaces [parent]`. */
export function namespacesCommand(): Command {
  return new Command('namespaces')
    .description('list namespaces (nested ones included), all or under PARENT')
    .argument('[parent]', 'a namespace to list the children of')
    .action(async (parent: string | undefined, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const wh = await ctx.warehouse();
      const names = await allNamespaces(wh, parent);
      await ctx.print(names, () => (names.length === 0 ? `no namespaces in ${ctx.warehouseUri}\n` : formatTable(['namespace'], names.map((n) => [n]))));
    });
}

/** `floe tables [namespace]`. */
export function tablesCommand(): Command {
  return new Command('tables')
    .description('list tables, of every namespace or of NAMESPACE')
    .argument('[namespace]', 'the namespace')
    .action(async (namespace: string | undefined, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const wh = await ctx.warehouse();
      const namespaces = namespace === undefined ? await allNamespaces(wh) : [namespace];
      const tables: string[] = [];
      for (const ns of namespaces) tables.push(...(await wh.listTables(ns)));
      await ctx.print(tables, () => (tables.length === 0 ? `no tables in ${namespace ?? ctx.warehouseUri}\n` : formatTable(['table'], tables.map((t) => [t]))));
    });
}
