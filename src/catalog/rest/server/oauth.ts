/**
 * `POST /v1/oauth/tokens` (rest-catalog-open-api.yaml `getToken`): the OAuth2 client-credentials
 * grant (client id and secret, in the form body or an HTTP Basic header, RFC 6749 §2.3.1) and the
 * token-exchange grant a client uses to refresh its token (RFC 8693). Failures are the spec's
 * `OAuthError` (`invalid_client` 401, `invalid_request`/`unsupported_grant_type` 400) and never
 * say which part of a credential was wrong. The spec marks this endpoint deprecated in favour of
 * an external identity provider; it is what Iceberg's clients (Java, PyIceberg, Spark) use today.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { NotAuthenticatedError, isFloeError } from '../../../errors.js';
import type { Governance, Principal } from '../../../governance/index.js';
import type { RestRequest, RestResponse } from './context.js';

function oauthError(status: 400 | 401 | 503, error: string, description: string, headers?: Readonly<Record<string, string>>): RestResponse {
  return { status, body: { error, error_description: description }, ...(headers ? { headers } : {}) };
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim()) : null;
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const at = text.indexOf(':');
  if (at < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded inside the Basic header. One that is not
  // fails the client's authentication (invalid_client, 401), as a wrong secret does.
  try {
    return { id: decodeURIComponent(text.slice(0, at).replace(/\+/g, ' ')), secret: decodeURIComponent(text.slice(at + 1).replace(/\+/g, ' ')) };
  } catch {
    throw new NotAuthenticatedError('the Basic authorization header does not hold form-urlencoded client_id:client_secret (bad percent-encoding)');
  }
}

const TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** How a token request ended, for the audit log. */
export interface TokenOutcome {
  /** The principal a token was issued to. */
  readonly principal?: Principal;
  /**
   * The client id claimed by a client-credentials request when it is a principal's, else
   * {@link unknownClientId} of it: a user who swapped id and secret claimed the secret as id.
   */
  readonly clientId?: string;
  /** Why a token was issued or refused (never the credential). */
  readonly reason: string;
}

/**
 * What the audit log records for a claimed client id that is no principal's: `unknown` and the
 * first 8 hex digits of its SHA-256, enough to tell repeated attempts apart, never the value
 * (which may be a secret sent in the id's place).
 */
export function unknownClientId(claimed: string): string {
  return `unknown (sha256 ${createHash('sha256').update(claimed, 'utf8').digest('hex').slice(0, 8)})`;
}

/** The client id to record: as claimed when a principal has it, else {@link unknownClientId}. */
async function recordedClientId(governance: Governance, claimed: string): Promise<string> {
  const state = await governance.state();
  return Object.values(state.principals).some((p) => p.clientId === claimed) ? claimed : unknownClientId(claimed);
}

/**
 * Answers a token request.
 * @param onOutcome told who got a token, or why none was issued, and the client id claimed (for the audit log; never the secret or a token)
 */
export async function getToken(
  governance: Governance,
  request: RestRequest,
  form: Readonly<Record<string, string>>,
  onOutcome: (outcome: TokenOutcome) => void = () => undefined,
): Promise<RestResponse> {
  const grant = form['grant_type'];
  let claimed: string | undefined;
  try {
    if (grant === 'client_credentials') {
      const basic = basicCredentials(request.headers['authorization']);
      const id = basic?.id ?? form['client_id'];
      const secret = basic?.secret ?? form['client_secret'];
      if (!id || !secret) return oauthError(400, 'invalid_request', 'client_id and client_secret are required');
      claimed = id;
      const t = await governance.tokenForClient(id, secret);
      onOutcome({ clientId: t.principal.clientId, principal: t.principal, reason: `issued a token to principal ${t.principal.name} for its client credentials` });
      return { status: 200, body: { access_token: t.token, token_type: 'bearer', expires_in: t.expiresInSeconds, issued_token_type: TOKEN_TYPE }, headers: { 'cache-control': 'no-store' } };
    }
    if (grant === 'urn:ietf:params:oauth:grant-type:token-exchange') {
      const subject = form['subject_token'];
      if (!subject) return oauthError(400, 'invalid_request', 'subject_token is required');
      const t = await governance.refresh(subject);
      onOutcome({ principal: t.principal, reason: `issued a token to principal ${t.principal.name} in exchange for a valid one` });
      return { status: 200, body: { access_token: t.token, token_type: 'bearer', expires_in: t.expiresInSeconds, issued_token_type: TOKEN_TYPE }, headers: { 'cache-control': 'no-store' } };
    }
    return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials or urn:ietf:params:oauth:grant-type:token-exchange');
  } catch (e) {
    if (isFloeError(e, 'NOT_AUTHENTICATED')) {
      onOutcome({ ...(claimed !== undefined ? { clientId: await recordedClientId(governance, claimed) } : {}), reason: e.message });
      return oauthError(401, grant === 'client_credentials' ? 'invalid_client' : 'invalid_grant', e.message);
    }
    if (isFloeError(e, 'OVERLOADED')) {
      onOutcome({ ...(claimed !== undefined ? { clientId: await recordedClientId(governance, claimed) } : {}), reason: e.message });
      // The spec declares 5XX as an OAuthError, whose `error` has no "temporarily unavailable"
      // value: `invalid_request` (try again later), the description and Retry-After say why.
      return oauthError(503, 'invalid_request', e.message, { 'retry-after': String(e.context['retryAfterSeconds'] ?? 1) });
    }
    throw e;
  }
}
