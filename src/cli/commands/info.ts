/**
 * `floe info <table>`: where a table is and what it holds: location, format version, metadata
 * file, snapshots, refs, data files, rows and bytes (from the current snapshot's summary,
 * spec §Snapshot Summary), partition spec, schema id and properties.
 *
 * @module
 */
import { Command } from 'commander';
import { formatPairs } from '../format-table.js';
import { formatBytes } from '../progress.js';
import { contextOf } from '../context.js';
import { isoTime, partitionSpecText, summaryCount } from './common.js';

/** A summary count for people: `unknown` when the summary does not record it. */
function countText(n: number | null): string {
  return n === null ? 'unknown' : n.toLocaleString('en-US');
}

/** `floe info`. */
export function infoCommand(): Command {
  return new Command('info')
    .description('show where a table lives and what it holds (files, rows, bytes, spec, properties)')
    .argument('<table>', 'the table')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const ctx = contextOf(cmd);
      const table = await ctx.table(name);
      const m = table.metadata();
      const current = table.currentSnapshot();
      const summary: Readonly<Record<string, string | undefined>> = current?.summary ?? {};
      // No current snapshot: an empty table, zero of everything.
      const num = (key: string): number | null => (current ? summaryCount(summary, key) : 0);
      const spec = partitionSpecText(table.spec(), [table.schema(), ...[...m.schemas].reverse()]);
      const info = {
        table: table.name,
        location: table.location(),
        uuid: table.uuid(),
        formatVersion: m.formatVersion,
        metadataFile: `${table.uri.replace(/\/$/, '')}/${table.metadataFile}`,
        metadataVersion: table.version,
        lastUpdated: isoTime(m.lastUpdatedMs),
        currentSnapshotId: current?.snapshotId ?? null,
        snapshotCount: table.snapshots().length,
        refs: Object.keys(table.refs()).sort(),
        dataFiles: num('total-data-files'),
        deleteFiles: num('total-delete-files'),
        totalRecords: num('total-records'),
        sizeBytes: num('total-files-size'),
        partitionSpec: spec,
        schemaId: m.currentSchemaId,
        properties: table.properties(),
      };
      await ctx.print(info, () => {
        const pairs: [string, string][] = [
          ['table', info.table],
          ['location', info.location],
          ['uuid', info.uuid],
          ['format version', String(info.formatVersion)],
          ['metadata', `${info.metadataFile} (version ${info.metadataVersion})`],
          ['last updated', info.lastUpdated],
          ['current snapshot', info.currentSnapshotId === null ? '(none)' : String(info.currentSnapshotId)],
          ['snapshots', String(info.snapshotCount)],
          ['refs', info.refs.join(', ') || '(none)'],
          ['data files', countText(info.dataFiles)],
          ['delete files', countText(info.deleteFiles)],
          ['rows', countText(info.totalRecords)],
          ['size', info.sizeBytes === null ? 'unknown' : `${formatBytes(info.sizeBytes)} (${info.sizeBytes.toLocaleString('en-US')} bytes)`],
          ['partition spec', spec],
          ['schema id', String(info.schemaId)],
        ];
        for (const [k, v] of Object.entries(info.properties).sort(([a], [b]) => a.localeCompare(b))) pairs.push([`property ${k}`, v]);
        return formatPairs(pairs);
      });
    });
}
