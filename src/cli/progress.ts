/**
 * Progress of long appends and scans on stderr: rows, MB and rate (and, when the total size is
 * known, percent done and the time left), redrawn in place at most ten times a second. Shown only when stderr is a terminal, and only once an operation has run for
 * a moment, so pipes, logs and quick commands stay clean; `FLOE_PROGRESS=always|never`
 * overrides the terminal check (tests force it on).
 *
 * @module
 */
import { counted } from './plural.js';

/** Where progress goes: a writable with an `isTTY` flag, as `process.stderr`. */
export interface ProgressStream {
  /** Whether it is a terminal. */
  readonly isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Where to draw (default `process.stderr`). */
  readonly stream?: ProgressStream;
  /** Force drawing on or off (default: `FLOE_PROGRESS`, else whether the stream is a TTY). */
  readonly enabled?: boolean;
  /** The time source, ms (tests pass a fake one). */
  readonly nowMs?: () => number;
  /** Draw only after this many ms (default 500 on a terminal, 0 when forced). */
  readonly delayMs?: number;
}

const REDRAW_MS = 100;

/** Whether progress should be drawn, from `FLOE_PROGRESS` and the stream. */
export function progressEnabled(stream: ProgressStream, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const forced = env['FLOE_PROGRESS']?.toLowerCase();
  if (forced === 'always' || forced === '1') return true;
  if (forced === 'never' || forced === '0') return false;
  return stream.isTTY === true;
}

/**
 * Formats a byte count with a binary unit (`1.5 MB`).
 * @param bytes the count
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/**
 * Formats a duration for an ETA: `45s`, `3m 05s`, `1h 02m`.
 * @param seconds the duration
 */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** A progress line for one operation: `add` as work is done, `done` at the end. */
export class Progress {
  private rows = 0;
  private bytes = 0;
  private totalBytes: number | undefined;
  private readonly startMs: number;
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private readonly stream: ProgressStream;
  private readonly enabled: boolean;
  private readonly nowMs: () => number;
  private readonly delayMs: number;

  /**
   * @param label what is going on (`appending`, `scanning ml.events`)
   * @param options stream, forcing, clock
   */
  constructor(private label: string, options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    const forced = options.enabled ?? progressEnabled(this.stream);
    this.enabled = forced;
    this.nowMs = options.nowMs ?? Date.now;
    this.delayMs = options.delayMs ?? (this.stream.isTTY ? 500 : 0);
    this.startMs = this.nowMs();
  }

  /** Changes the label (e.g. from reading to committing) and redraws; the old phase's last counts are drawn first. */
  phase(label: string): void {
    this.draw(true);
    this.label = label;
    this.draw(true);
  }

  /**
   * Records work done.
   * @param rows rows processed
   * @param bytes bytes processed
   */
  add(rows: number, bytes: number): void {
    this.rows += rows;
    this.bytes += bytes;
    this.draw(false);
  }

  /**
   * Sets the bytes the operation will process in all (the input files' sizes), so that the line
   * shows the percent done and the time left at the current rate.
   * @param bytes the total
   */
  setTotalBytes(bytes: number): void {
    this.totalBytes = bytes;
  }

  /** The text of the line as it is now. */
  line(): string {
    const seconds = Math.max((this.nowMs() - this.startMs) / 1000, 1e-3);
    const mb = this.bytes / (1024 * 1024);
    const text = `${this.label}: ${counted(this.rows, 'row')}, ${mb.toFixed(1)} MB, ${(mb / seconds).toFixed(1)} MB/s, ${Math.round(this.rows / seconds).toLocaleString('en-US')} rows/s`;
    if (this.totalBytes === undefined || this.totalBytes <= 0) return text;
    const done = Math.min(this.bytes / this.totalBytes, 1);
    // The time left at the mean rate so far; unknown until some bytes are done.
    const eta = this.bytes > 0 ? `, ETA ${formatSeconds(((this.totalBytes - Math.min(this.bytes, this.totalBytes)) * seconds) / this.bytes)}` : '';
    return `${text}, ${(done * 100).toFixed(0)}%${eta}`;
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = this.nowMs();
    if (now - this.startMs < this.delayMs) return;
    if (!force && now - this.lastDrawMs < REDRAW_MS) return;
    this.lastDrawMs = now;
    this.drawn = true;
    // \r + "erase line" on a terminal; plain lines elsewhere (forced output in logs and tests).
    this.stream.write(this.stream.isTTY ? `\r\x1b[K${this.line()}` : `${this.line()}\n`);
  }

  /** Ends the line: the final counts stay on a terminal only if something was drawn. */
  done(): void {
    if (!this.enabled) return;
    if (!this.drawn && this.nowMs() - this.startMs < this.delayMs) return;
    this.stream.write(this.stream.isTTY ? `\r\x1b[K${this.line()}\n` : `${this.line()}\n`);
  }
}
