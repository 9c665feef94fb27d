/**
 * The audit log (spec/governance.md §G8): every decision the server makes — who asked, for what
 * privilege on which object, allowed or not, with what answer — as one {@link AuditEvent}, handed
 * to an {@link AuditLog}. Governance defines the record and the buffering; where the records go
 * is the server's business (it writes them to an Iceberg table, `_system.audit`), since this
 * layer does not know the table API.
 *
 * {@link BufferedAuditLog} keeps requests fast: `record` only buffers; the buffer is written in
 * one batch when it reaches `batchSize` events, on a timer, or on `flush()`/`close()`, one write
 * at a time. A failed write never reaches a request: it is reported (without secrets), its events
 * stay buffered for the next write, and the buffer is bounded (the oldest events are dropped past
 * `maxBufferedEvents`, and the drop is reported). Log4j's `AsyncAppender` and Lakekeeper's event
 * publisher (`crates/lakekeeper/src/service/events`) buffer the same way.
 *
 * The record has no field for a credential: principals are named by id and name, never by token
 * or secret; a token request's claimed client id is kept (it names who tried, and is no secret),
 * and the reason is the decision's own text (authorize.ts writes it from names and privileges
 * only; token refusals say why, never the token).
 *
 * @module
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors.js';
import { PRIVILEGES, type Privilege } from './model.js';

/** One decision, as recorded. */
export interface AuditEvent {
  /** When it was made, ms since the epoch. */
  readonly timeMs: number;
  /** The principal's id; absent for an anonymous request or one that did not authenticate. */
  readonly principalId?: string;
  /** The principal's name, `anonymous` for an anonymous request; absent when the request did not authenticate (401). */
  readonly principalName?: string;
  /** The client id a token request claimed, whether or not it authenticated (never its secret). */
  readonly clientId?: string;
  /** What was asked: the REST operation id (`loadTable`, `updateTable`, `getToken`, …). */
  readonly operation: string;
  /** The privilege decided on; absent when the operation needs none (authentication only). */
  readonly privilege?: Privilege;
  /** The object it was decided on (`catalog`, `namespace ml`, `table ml.events`). */
  readonly object?: string;
  /** The table's current snapshot in the answer (loads and commits), when known. */
  readonly snapshotId?: bigint;
  /** Whether the privilege was granted (for authentication-only rows: whether the caller authenticated). */
  readonly allowed: boolean;
  /** The HTTP status the request was answered with. */
  readonly status: number;
  /** Why: the decision's reason or the refusal's message (never a secret). */
  readonly reason: string;
  /** The request's id (one request may record several decisions). */
  readonly requestId: string;
  /** The address the request came from. */
  readonly remoteAddress?: string;
}

const text = (max: number): z.ZodString => z.string().max(max);

/** The longest client id recorded (a longer claimed one is cut: the server clips before recording). */
export const AUDIT_CLIENT_ID_MAX = 128;
/** The longest object recorded. */
export const AUDIT_OBJECT_MAX = 1024;
/** The longest reason recorded. */
export const AUDIT_REASON_MAX = 2048;

/** zod schema of an {@link AuditEvent}: bounded strings, so that no request can grow a row without limit. */
export const AuditEventSchema = z.strictObject({
  timeMs: z.number().int().nonnegative(),
  principalId: text(128).optional(),
  principalName: text(128).optional(),
  clientId: text(AUDIT_CLIENT_ID_MAX).optional(),
  operation: text(128).min(1),
  privilege: z.enum(PRIVILEGES).optional(),
  object: text(AUDIT_OBJECT_MAX).optional(),
  snapshotId: z.bigint().optional(),
  allowed: z.boolean(),
  status: z.number().int().min(100).max(599),
  reason: text(AUDIT_REASON_MAX),
  requestId: text(128).min(1),
  remoteAddress: text(128).optional(),
});

/** Where decisions go. */
export interface AuditLog {
  /** Takes one decision; never throws and never waits (a bad event is reported and dropped). */
  record(event: AuditEvent): void;
  /** Writes what is buffered; resolves to the number of events still unwritten (0 when all were written). */
  flush(): Promise<number>;
  /** Stops the timer and writes what is buffered (reporting what could not be written). */
  close(): Promise<void>;
}

/** Options of {@link BufferedAuditLog}. */
export interface BufferedAuditLogOptions {
  /** Writes one batch durably (all or nothing); a rejection keeps the batch for the next write. */
  readonly write: (events: readonly AuditEvent[]) => Promise<void>;
  /** Events that start a write (default {@link DEFAULT_AUDIT_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** A write of what is buffered every this many ms (default {@link DEFAULT_AUDIT_FLUSH_INTERVAL_MS}; 0: no timer). */
  readonly flushIntervalMs?: number;
  /** Events kept while writes fail, at most (default {@link DEFAULT_AUDIT_MAX_BUFFERED}); the oldest go first. */
  readonly maxBufferedEvents?: number;
  /** Where failures are reported (one line each, no secrets); default: stderr. */
  readonly onError?: (message: string) => void;
}

/** Events that start a write, by default. */
export const DEFAULT_AUDIT_BATCH_SIZE = 500;
/** How often the buffer is written at the latest, by default (ms). */
export const DEFAULT_AUDIT_FLUSH_INTERVAL_MS = 5_000;
/** Events kept while writes fail, by default. */
export const DEFAULT_AUDIT_MAX_BUFFERED = 100_000;
// One write holds at most this many events, so that one data file stays of a sane size.
const MAX_EVENTS_PER_WRITE = 50_000;

/** zod schema of {@link BufferedAuditLogOptions}' numbers. */
export const AuditLogSettingsSchema = z.strictObject({
  batchSize: z.number().int().min(1).max(MAX_EVENTS_PER_WRITE).optional(),
  flushIntervalMs: z.number().int().nonnegative().optional(),
  maxBufferedEvents: z.number().int().min(1).optional(),
});

function describeError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? `${(e as { code: string }).code}: ` : '';
  const message = e instanceof Error ? e.message : String(e);
  return `${code}${message.split('\n')[0]!.slice(0, 300)}`;
}

/** An {@link AuditLog} that buffers and writes in batches; see the module doc. */
export class BufferedAuditLog implements AuditLog {
  readonly #write: BufferedAuditLogOptions['write'];
  readonly #batchSize: number;
  readonly #maxBuffered: number;
  readonly #onError: (message: string) => void;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  #buffer: AuditEvent[] = [];
  // Writes run one at a time, in order: each flush waits for the one before it.
  #tail: Promise<unknown> = Promise.resolve();
  // Whether a write started by a full batch or the timer is queued or running (one at a time).
  #autoFlushing = false;
  // Events recorded since the last write began: a batch of them starts the next write. After a
  // failed write the events kept do not count, so that an outage does not turn every request
  // into a write attempt.
  #fresh = 0;
  // Events dropped from a full buffer and not yet reported (reported once per write, not per event).
  #dropped = 0;

  /**
   * @param options the writer, the batch size, the timer and the bound
   * @throws InvalidArgumentError for a batch size, interval or bound that is not a suitable integer
   */
  constructor(options: BufferedAuditLogOptions) {
    const parsed = AuditLogSettingsSchema.safeParse({
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
      ...(options.maxBufferedEvents !== undefined ? { maxBufferedEvents: options.maxBufferedEvents } : {}),
    });
    if (!parsed.success) {
      throw new InvalidArgumentError(`invalid audit options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { context: { argument: 'audit' } });
    }
    const settings = parsed.data;
    this.#write = options.write;
    this.#batchSize = settings.batchSize ?? DEFAULT_AUDIT_BATCH_SIZE;
    this.#maxBuffered = Math.max(settings.maxBufferedEvents ?? DEFAULT_AUDIT_MAX_BUFFERED, this.#batchSize);
    this.#onError = options.onError ?? ((m) => void process.stderr.write(`floe: ${m}\n`));
    const interval = settings.flushIntervalMs ?? DEFAULT_AUDIT_FLUSH_INTERVAL_MS;
    if (interval > 0) {
      this.#timer = setInterval(() => {
        if (this.#buffer.length > 0) this.#autoFlush(true);
      }, interval);
      // The timer never keeps a process alive: close() writes what is left.
      this.#timer.unref();
    }
  }

  /** @inheritdoc */
  record(event: AuditEvent): void {
    const checked = AuditEventSchema.safeParse(event);
    if (!checked.success) {
      this.#onError(`an audit event of ${String(event?.operation).slice(0, 64)} was malformed and is not recorded: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return;
    }
    this.#buffer.push(checked.data as AuditEvent);
    this.#fresh++;
    this.#trim();
    if (this.#fresh >= this.#batchSize) this.#autoFlush(false);
  }

  #autoFlush(all: boolean): void {
    if (this.#autoFlushing) return;
    this.#autoFlushing = true;
    void this.#enqueue(all).finally(() => {
      this.#autoFlushing = false;
    });
  }

  /** @inheritdoc */
  flush(): Promise<number> {
    return this.#enqueue(true);
  }

  // Writes run one after another; an automatic one writes only whole batches, so that a slow
  // trickle of requests is still written a batch at a time.
  #enqueue(all: boolean): Promise<number> {
    const run = this.#tail.then(() => this.#drain(all));
    this.#tail = run.catch(() => 0);
    return run;
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    const left = await this.flush();
    if (left > 0) this.#onError(`${left} audit events could not be written and are lost`);
  }

  async #drain(all: boolean): Promise<number> {
    while (this.#buffer.length > 0 && (all || this.#buffer.length >= this.#batchSize)) {
      const batch = this.#buffer.splice(0, MAX_EVENTS_PER_WRITE);
      this.#fresh = 0;
      try {
        await this.#write(batch);
      } catch (e) {
        this.#buffer.unshift(...batch);
        this.#trim();
        this.#onError(`could not write ${batch.length} audit events (kept for the next write): ${describeError(e)}`);
        this.#reportDropped();
        return this.#buffer.length;
      }
    }
    this.#reportDropped();
    return this.#buffer.length;
  }

  #trim(): void {
    const excess = this.#buffer.length - this.#maxBuffered;
    if (excess <= 0) return;
    this.#buffer.splice(0, excess);
    this.#dropped += excess;
  }

  #reportDropped(): void {
    if (this.#dropped === 0) return;
    this.#onError(`dropped the ${this.#dropped} oldest audit events: at most ${this.#maxBuffered} are kept while writes fail`);
    this.#dropped = 0;
  }
}
