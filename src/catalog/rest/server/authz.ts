/**
 * The governance step of every request (spec/governance.md §G4): who is asking (401 without a
 * valid token), what the operation requires on which objects (governance/operations.ts), and the
 * decision — 403 when the caller can see the object but lacks the privilege, 404 when it cannot
 * see it at all (so that existence does not leak). Runs before the handler; what it decided
 * (the subject, the read policy) goes to the handler with the request.
 *
 * @module
 */
import { NamespaceNotFoundError, NotAuthorizedError, TableNotFoundError } from '../../../errors.js';
import { type Decision, type Governance, type GovernanceState, type OperationTarget, type ReadPolicy, type Subject, requirementsOf, securableToString } from '../../../governance/index.js';
import type { JsonValue } from '../../../util/index.js';
import { COMMIT_ID_PROPERTY } from '../../../commit/index.js';
import { SYSTEM_NAMESPACE } from './audit-sink.js';
import type { AuditTrail, TrailDecision } from './audit-trail.js';
import { s3MethodWrites } from '../../../store/index.js';
import { NAMESPACE_SEPARATOR, type RestRequest } from './context.js';
import { nothingToSign } from './signing.js';

/** What the governance step decided for a request. */
export interface RequestAuth {
  /** Who is asking. */
  readonly subject: Subject;
  /** The state the decisions were made against. */
  readonly state: GovernanceState;
  /** Every decision made (for the audit log). */
  readonly decisions: readonly TrailDecision[];
  /** For a table read: what the caller's grants limit it to (none: the whole table). */
  readonly readPolicy?: ReadPolicy;
}

function parts(text: string | undefined): string[] | undefined {
  return text === undefined || text === '' ? undefined : text.split(NAMESPACE_SEPARATOR);
}

function obj(v: JsonValue | undefined): Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

/** The kinds of a commit's updates that matter for authorization (Floe's own commit id is bookkeeping). */
function updateActions(body: JsonValue | undefined): string[] {
  const updates = obj(body)['updates'];
  if (!Array.isArray(updates)) return [];
  return updates.flatMap((u) => {
    const o = obj(u);
    const action = typeof o['action'] === 'string' ? o['action'] : 'unknown';
    if (action === 'set-properties' && Object.keys(obj(o['updates'])).every((k) => k === COMMIT_ID_PROPERTY)) return [];
    return [action];
  });
}

/** Whether a commit's requirements hold `assert-create` (a create transaction). */
function createsTable(body: JsonValue | undefined): boolean {
  const requirements = obj(body)['requirements'];
  return Array.isArray(requirements) && requirements.some((r) => obj(r)['type'] === 'assert-create');
}

/** What the request names, for the operation table. */
export function targetOf(request: RestRequest): OperationTarget[] {
  const p = request.params;
  const body = obj(request.body);
  switch (request.operationId) {
    case 'listNamespaces': {
      const parent = parts(request.query['parent']);
      return [parent ? { namespace: parent } : {}];
    }
    case 'createNamespace': {
      const ns = Array.isArray(body['namespace']) ? body['namespace'].map(String) : [];
      return [{ namespace: ns }];
    }
    case 'renameTable': {
      const src = obj(body['source']);
      const dst = obj(body['destination']);
      const list = (v: JsonValue | undefined): string[] => (Array.isArray(v) ? v.map(String) : []);
      return [{ namespace: list(src['namespace']), table: String(src['name'] ?? ''), destination: { namespace: list(dst['namespace']), table: String(dst['name'] ?? '') } }];
    }
    case 'commitTransaction': {
      const changes = Array.isArray(body['table-changes']) ? body['table-changes'] : [];
      return changes.map((c) => {
        const id = obj(obj(c)['identifier']);
        return { namespace: Array.isArray(id['namespace']) ? id['namespace'].map(String) : [], table: String(id['name'] ?? ''), updateActions: updateActions(c), creates: createsTable(c) };
      });
    }
    default:
      return [
        {
          ...(p['namespace'] !== undefined ? { namespace: parts(p['namespace']) ?? [] } : {}),
          ...(p['table'] !== undefined ? { table: p['table'] } : {}),
          ...(request.operationId === 'updateTable' ? { updateActions: updateActions(request.body), creates: createsTable(request.body) } : {}),
          // A registration names its table in the body; `overwrite` replaces a bound one.
          ...(request.operationId === 'registerTable' ? { table: String(body['name'] ?? ''), overwrite: body['overwrite'] === true } : {}),
          // Remote signing: READ for a GET/HEAD, WRITE for anything else (a missing method too).
          ...(request.operationId === 'signRequest' ? { writes: s3MethodWrites(String(body['method'] ?? '')) } : {}),
        },
      ];
  }
}

/**
 * The refusal of a change to the server's own tables (`_system`, the audit log): only the
 * server writes them, so that no grant lets a client rewrite what it did. Reading them is
 * governed as any table is.
 */
function writesSystemNamespace(target: OperationTarget, privilege: string): Decision | undefined {
  if (privilege === 'READ' || privilege === 'LIST') return undefined;
  const touched = target.namespace?.[0] === SYSTEM_NAMESPACE || target.destination?.namespace[0] === SYSTEM_NAMESPACE;
  return touched ? { allowed: false, status: 403, reason: `namespace ${SYSTEM_NAMESPACE} holds the server's audit log; only the server writes it` } : undefined;
}

/**
 * Authenticates and authorizes a request.
 * @throws NotAuthenticatedError (401), NotAuthorizedError (403), TableNotFoundError / NamespaceNotFoundError (404)
 */
export async function authorizeRequest(governance: Governance, request: RestRequest, trail?: AuditTrail): Promise<RequestAuth> {
  const state = await governance.state();
  const subject = await governance.authenticate(state, request.headers['authorization']);
  if (trail) trail.subject = subject;
  // Filled in as decided, so that the audit log has the decisions of a refused request too.
  const decisions: TrailDecision[] = trail?.decisions ?? [];
  let readPolicy: ReadPolicy | undefined;
  for (const target of targetOf(request)) {
    for (const req of requirementsOf(request.operationId, target) ?? []) {
      // Nobody writes the system namespace through the catalog (the audit trail is the server's);
      // a masked reader is refused raw access to the files (governance/authorize.ts).
      const decision =
        writesSystemNamespace(target, req.privilege) ?? governance.decide(state, subject, req.privilege, req.on, req.rawFiles ? { rawFiles: true } : {});
      decisions.push({ privilege: req.privilege, object: securableToString(req.on), decision });
      if (!decision.allowed) {
        if (decision.status === 404 && request.operationId === 'signRequest') throw nothingToSign(req.on.kind === 'table' ? [...req.on.namespace, req.on.table].join('.') : securableToString(req.on));
        if (decision.status === 404) {
          // Hidden: answered exactly as a missing object is.
          if (req.on.kind === 'table') throw new TableNotFoundError([...req.on.namespace, req.on.table].join('.'));
          if (req.on.kind === 'namespace') throw new NamespaceNotFoundError(req.on.namespace.join('.'));
        }
        throw new NotAuthorizedError(decision.reason, { context: { privilege: req.privilege, object: securableToString(req.on) }, ...(decision.help ? { help: decision.help } : {}) });
      }
      if (decision.policy) readPolicy = decision.policy;
    }
  }
  return { subject, state, decisions, ...(readPolicy ? { readPolicy } : {}) };
}
