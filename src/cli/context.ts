/**
 * What every command gets: the global options (`--warehouse`, `--json`), the warehouse and
 * tables opened from them, and the output streams. Output goes through here so that `--json`
 * and people's tables are decided in one place.
 *
 * @module
 */
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_WAREHOUSE, InvalidArgumentError, StoreError, Table, TableNotFoundError, Warehouse, isFloeError } from '../node.js';
import { jsonText } from './json-output.js';
import { type ProgressOptions, progressEnabled } from './progress.js';

/** The options every command accepts. */
export interface GlobalOptions {
  /** The warehouse URI. */
  readonly warehouse?: string;
  /** Machine-readable output. */
  readonly json?: boolean;
}

/** A writable stream, as `process.stdout`. */
export interface OutStream {
  /** Whether it is a terminal. */
  readonly isTTY?: boolean;
  /** Writes; false means "wait for drain". */
  write(chunk: string | Uint8Array): boolean;
  /** Node's event API, for `drain`. */
  once(event: 'drain', listener: () => void): unknown;
}

/** Where one `floe` run writes. */
export interface CliStreams {
  /** Results. */
  readonly stdout: OutStream;
  /** Progress, notes and errors. */
  readonly stderr: OutStream;
  /** The environment (`FLOE_WAREHOUSE`, `FLOE_PROGRESS`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and environment. */
export function processStreams(): CliStreams {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

// The streams of each program (its root command); commands find them through their parents.
const programStreams = new WeakMap<Command, CliStreams>();

/**
 * Records where a program writes, for {@link contextOf}.
 * @param program the root command
 * @param streams its streams
 */
export function bindStreams(program: Command, streams: CliStreams): void {
  programStreams.set(program, streams);
}

/**
 * The context of the command being run: global options merged in, the program's streams.
 * @param cmd the commander command
 */
export function contextOf(cmd: Command): CliContext {
  let root = cmd;
  while (root.parent) root = root.parent;
  const streams = programStreams.get(root) ?? processStreams();
  return new CliContext(cmd.optsWithGlobals<GlobalOptions>(), streams.stdout, streams.stderr, streams.env);
}

/** The command-line context of one `floe` run. */
export class CliContext {
  private warehousePromise: Promise<Warehouse> | undefined;

  /**
   * @param options the global options
   * @param stdout where results go
   * @param stderr where progress and messages go
   * @param env the environment (`FLOE_WAREHOUSE`)
   */
  constructor(
    readonly options: GlobalOptions,
    readonly stdout: OutStream = process.stdout,
    readonly stderr: OutStream = process.stderr,
    readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  /** Whether `--json` was given. */
  get json(): boolean {
    return this.options.json === true;
  }

  /** The warehouse URI: `--warehouse`, else `FLOE_WAREHOUSE`, else `./warehouse`. */
  get warehouseUri(): string {
    return this.options.warehouse ?? this.env['FLOE_WAREHOUSE'] ?? DEFAULT_WAREHOUSE;
  }

  /**
   * The warehouse (opened once; S3 settings from `FLOE_S3_*` and the AWS variables). A local
   * warehouse folder that does not exist is a mistake (a typo in `--warehouse`, or the wrong
   * working directory), not an empty warehouse: only commands that create tables accept one.
   * On S3 a missing bucket fails when it is first read; a prefix is never missing (S3 has no
   * folders), so an unused prefix is an empty warehouse.
   * @param options `mustExist: false` for commands that may create the warehouse
   * @throws InvalidArgumentError naming the folder when it must exist and does not
   */
  async warehouse(options: { readonly mustExist?: boolean } = {}): Promise<Warehouse> {
    this.warehousePromise ??= Warehouse.open(this.warehouseUri, this.catalogOptions());
    const wh = await this.warehousePromise;
    if (options.mustExist !== false) await requireLocalFolder(wh.uri, this.warehouseUri);
    return wh;
  }

  /** For a REST catalog warehouse: its token and warehouse name from this run's environment. */
  private catalogOptions(): { catalog?: { token?: string; credential?: string; warehouse?: string } } {
    if (!/^https?:\/\//i.test(this.warehouseUri)) return {};
    const token = this.env['FLOE_CATALOG_TOKEN'];
    const credential = this.env['FLOE_CATALOG_CREDENTIAL'];
    const warehouse = this.env['FLOE_CATALOG_WAREHOUSE'];
    return { catalog: { ...(token ? { token } : {}), ...(credential ? { credential } : {}), ...(warehouse ? { warehouse } : {}) } };
  }

  /**
   * Opens a table: `ns.table` in the warehouse, or any Iceberg table by its location (a path or
   * URI containing `/`), without a catalog.
   * @throws TableNotFoundError with a hint naming `floe tables`
   */
  async table(name: string): Promise<Table> {
    if (isLocation(name)) return Table.load(name);
    const wh = await this.warehouse();
    try {
      return await wh.loadTable(name);
    } catch (e) {
      if (isFloeError(e, 'TABLE_NOT_FOUND')) {
        const ns = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
        throw new TableNotFoundError(name, {
          context: { warehouse: this.warehouseUri },
          help: `list the tables with \`floe tables${ns ? ` ${ns}` : ''}\` (warehouse ${this.warehouseUri}; set --warehouse or FLOE_WAREHOUSE for another)`,
        });
      }
      throw e;
    }
  }

  /**
   * Writes to stdout, waiting when the pipe is full (so `floe scan | head` uses bounded memory).
   * @param chunk text or bytes
   */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.stdout.write(chunk)) await once(this.stdout as unknown as NodeJS.EventEmitter, 'drain');
  }

  /**
   * Prints a result: `value` as one JSON document with `--json` (int64s as strings, see
   * `json-output.ts`), else `text()`.
   * @param value the machine-readable result
   * @param text the people's rendering
   */
  async print(value: unknown, text: () => string): Promise<void> {
    await this.write(this.json ? `${jsonText(value, 2)}\n` : text());
  }

  /** Options for a progress line on this run's stderr. */
  progressOptions(): ProgressOptions {
    return { stream: this.stderr, enabled: progressEnabled(this.stderr, this.env) };
  }

  /**
   * Writes a message for people on stderr (suppressed with `--json`).
   * @param text the message
   */
  note(text: string): void {
    if (!this.json) this.stderr.write(`${text}\n`);
  }
}

/**
 * Throws when a local warehouse's folder is missing (or is a file). Other schemes pass.
 * @param uri the opened warehouse's URI (`file:///abs/path` for local folders)
 * @param given the warehouse as the user gave it, for the message
 */
async function requireLocalFolder(uri: string, given: string): Promise<void> {
  if (!uri.startsWith('file://')) return;
  // Warehouse.open writes a local folder as `file://` + the absolute path, undecoded.
  const dir = uri.slice('file://'.length);
  const kind = await stat(dir).then(
    (s) => (s.isDirectory() ? 'folder' : 'file'),
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return 'missing';
      throw new StoreError('local-fs', `cannot read the warehouse folder ${dir}: ${e.message}`, { context: { warehouse: given }, cause: e });
    },
  );
  if (kind === 'folder') return;
  throw new InvalidArgumentError(kind === 'missing' ? `warehouse ${given} does not exist (no folder ${dir})` : `warehouse ${given} is a file, not a folder (${dir})`, {
    context: { warehouse: given },
    help: 'give the warehouse with --warehouse or FLOE_WAREHOUSE (`floe create` makes a new one)',
  });
}

/** Whether a table argument is a location rather than a `ns.table` name. */
export function isLocation(name: string): boolean {
  return name.includes('/') || name.includes('\\');
}
