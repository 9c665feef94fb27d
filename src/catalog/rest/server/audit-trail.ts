/**
 * What one request leaves in the audit log (spec/governance.md §G8): the governance step fills a
 * {@link AuditTrail} as it goes (who authenticated, each decision), the server adds how the
 * request was answered, and {@link recordTrail} turns it into rows — one per decision, or one for
 * an authentication alone: a refused token (401, principal unknown), a token issued, or a request
 * whose operation needs no privilege. Handlers that decide on their own (the management routes,
 * management.ts) add their decisions with {@link recordDecision}; a refusal a handler throws as
 * `NotAuthorizedError` with `privilege` and `object` in its context is recorded without that.
 * Floe's own routes (management.ts, read-endpoint.ts) keep a trail of their own and record it as
 * the catalog's routes do, so that every decision of every route is in the log.
 *
 * @module
 */
import { isFloeError } from '../../../errors.js';
import { AUDIT_CLIENT_ID_MAX, AUDIT_OBJECT_MAX, AUDIT_REASON_MAX, type AuditEvent, type AuditLog, type Decision, type Privilege, type Subject } from '../../../governance/index.js';
import type { JsonValue } from '../../../util/index.js';
import type { RestResponse } from './context.js';
import type { TokenOutcome } from './oauth.js';

/** One decision of the governance step. */
export interface TrailDecision {
  readonly privilege: string;
  readonly object: string;
  readonly decision: Decision;
}

/** What governance decided for one request, filled in as it goes. */
export interface AuditTrail {
  /** The request's id (returned to the client as `x-request-id`). */
  readonly requestId: string;
  /** When the request arrived, ms since the epoch. */
  readonly timeMs: number;
  /** Where it came from. */
  readonly remoteAddress?: string;
  /** The operation, once routed. */
  operation?: string;
  /** Who asked, once authenticated. */
  subject?: Subject;
  /** Each decision, in order (an allowed one may be followed by a refused one). */
  readonly decisions: TrailDecision[];
  /** For the token endpoint: the principal a token was issued to, and how. */
  token?: TokenOutcome;
  /** The failure the request ended with, if any. */
  failure?: unknown;
}

/** A new trail for a request arriving now. */
export function newAuditTrail(requestId: string, timeMs: number, remoteAddress: string | undefined): AuditTrail {
  return { requestId, timeMs, decisions: [], ...(remoteAddress ? { remoteAddress } : {}) };
}

function principalFields(subject: Subject | undefined): Pick<AuditEvent, 'principalId' | 'principalName'> {
  if (!subject) return {};
  if ('principal' in subject) return { principalId: subject.principal.id, principalName: subject.principal.name };
  return { principalName: 'anonymous' };
}

function obj(v: JsonValue | undefined): Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

/** The current snapshot of the table in a load or commit answer, when it names one. */
export function snapshotIdOfAnswer(answer: RestResponse): bigint | undefined {
  if (answer.status !== 200) return undefined;
  const id = obj(obj(answer.body)['metadata'])['current-snapshot-id'];
  const n = typeof id === 'bigint' ? id : typeof id === 'number' && Number.isSafeInteger(id) ? BigInt(id) : undefined;
  return n !== undefined && n >= 0n ? n : undefined;
}

function refusalInHandler(failure: unknown): { privilege: Privilege; object: string; reason: string } | undefined {
  if (!isFloeError(failure, 'NOT_AUTHORIZED')) return undefined;
  const { privilege, object } = failure.context;
  if (typeof privilege !== 'string' || typeof object !== 'string') return undefined;
  return { privilege: privilege as Privilege, object, reason: failure.message };
}

/**
 * Cuts a value the caller chose (a table name in the path, a claimed client id) to what a row
 * holds, so that an over-long one is recorded cut rather than refused by the log's schema and
 * lost: a request cannot keep itself out of the log by its size.
 */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The rows a finished request leaves (see the module doc). */
export function eventsOfTrail(trail: AuditTrail, answer: RestResponse): AuditEvent[] {
  const operation = trail.operation;
  // Not routed (an unknown path, a request the spec's validation refused): nothing was decided.
  if (!operation) return [];
  const base = { timeMs: trail.timeMs, operation, status: answer.status, requestId: trail.requestId, ...(trail.remoteAddress ? { remoteAddress: trail.remoteAddress } : {}) };
  if (trail.token) {
    const { principal, clientId, reason } = trail.token;
    const who = principal ? { principalId: principal.id, principalName: principal.name } : {};
    return [{ ...base, ...who, ...(clientId !== undefined ? { clientId: clip(clientId, AUDIT_CLIENT_ID_MAX) } : {}), allowed: answer.status === 200, reason: clip(reason, AUDIT_REASON_MAX) }];
  }
  if (!trail.subject) {
    // Only a refused authentication is a decision; a failure to read the state is not.
    if (!isFloeError(trail.failure, 'NOT_AUTHENTICATED')) return [];
    return [{ ...base, allowed: false, reason: clip(trail.failure.message, AUDIT_REASON_MAX) }];
  }
  const who = principalFields(trail.subject);
  const snapshotId = snapshotIdOfAnswer(answer);
  const events: AuditEvent[] = trail.decisions.map((d) => ({
    ...base,
    ...who,
    privilege: d.privilege as Privilege,
    object: clip(d.object, AUDIT_OBJECT_MAX),
    allowed: d.decision.allowed,
    reason: clip(d.decision.reason, AUDIT_REASON_MAX),
    ...(d.decision.allowed && snapshotId !== undefined ? { snapshotId } : {}),
  }));
  const refused = refusalInHandler(trail.failure);
  if (refused && !trail.decisions.some((d) => !d.decision.allowed)) {
    events.push({ ...base, ...who, privilege: refused.privilege, object: clip(refused.object, AUDIT_OBJECT_MAX), reason: clip(refused.reason, AUDIT_REASON_MAX), allowed: false });
  }
  if (events.length === 0) events.push({ ...base, ...who, allowed: true, reason: 'authenticated; the operation needs no privilege' });
  return events;
}

/** Records a finished request's rows; a failure here never reaches the request. */
export function recordTrail(log: AuditLog | undefined, trail: AuditTrail, answer: RestResponse): void {
  if (!log) return;
  try {
    for (const e of eventsOfTrail(trail, answer)) log.record(e);
  } catch {
    // The log reports its own failures; a bug in building rows must not fail the request.
  }
}

/**
 * Records one decision a handler made on its own (the management routes: `MANAGE_GRANTS` on the
 * object changed), in the request's trail so that it is written with the request's id.
 * @param trail the request's trail (none: the server keeps no log)
 * @param decision the privilege, the object (`securableToString`) and the decision
 */
export function recordDecision(trail: AuditTrail | undefined, decision: TrailDecision): void {
  trail?.decisions.push(decision);
}
