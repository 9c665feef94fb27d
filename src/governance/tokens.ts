/**
 * Bearer tokens (spec/governance.md §G2): JWTs signed with HS256 by a key of the warehouse's
 * governance state, issued by the REST spec's OAuth2 endpoint (`POST /v1/oauth/tokens`) for the
 * client-credentials grant and refreshed by its token-exchange grant. Signing and verifying are
 * jose's (a well-kept JOSE library): the algorithm is pinned, so `alg: none` and any other
 * algorithm are refused, as are a wrong signature, tampered claims, a wrong issuer or audience,
 * and an expired token. A token also dies with its principal's revocation (`tokensValidAfterMs`)
 * or disablement, checked against the current state on every request.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { NotAuthenticatedError } from '../errors.js';
import { newUuid } from '../util/index.js';
import type { GovernanceState, Principal } from './model.js';

/** The issuer every Floe token names. */
export const TOKEN_ISSUER = 'floe';

/** How long a token lives by default, seconds (as Iceberg's REST clients refresh an hour's tokens). */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** A new signing key (32 random bytes, base64url). */
export function newSigningKey(nowMs: number): { kid: string; secret: string; createdAtMs: number } {
  return { kid: newUuid(), secret: randomBytes(32).toString('base64url'), createdAtMs: nowMs };
}

/** An issued token. */
export interface IssuedToken {
  /** The JWT. */
  readonly token: string;
  /** Seconds until it expires. */
  readonly expiresInSeconds: number;
}

/**
 * Issues a token for a principal.
 * @param audience what the token is for (the warehouse it was issued by)
 * @throws NotAuthenticatedError when the state has no signing key
 */
export async function issueToken(state: GovernanceState, principal: Principal, options: { readonly audience: string; readonly nowMs: number; readonly ttlSeconds?: number }): Promise<IssuedToken> {
  const key = state.signingKeys.at(-1);
  if (!key) throw new NotAuthenticatedError('this warehouse has no token signing key yet');
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const iat = Math.floor(options.nowMs / 1000);
  const token = await new SignJWT({ name: principal.name, iat_ms: options.nowMs })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(options.audience)
    .setSubject(principal.id)
    .setJti(newUuid())
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(Buffer.from(key.secret, 'base64url'));
  return { token, expiresInSeconds: ttl };
}

/**
 * The principal a token stands for, checked against the current state.
 * @throws NotAuthenticatedError for a malformed, unsigned, tampered, expired, foreign, revoked or
 *   disabled principal's token (the message says which, never the token)
 */
export async function verifyToken(state: GovernanceState, token: string, options: { readonly audience: string; readonly nowMs: number }): Promise<Principal> {
  let payload: Record<string, unknown>;
  try {
    const r = await jwtVerify(
      token,
      (header) => {
        const key = state.signingKeys.find((k) => k.kid === header.kid);
        if (!key) throw new NotAuthenticatedError('the token was not signed by a key of this warehouse');
        return Buffer.from(key.secret, 'base64url');
      },
      {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: options.audience,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        currentDate: new Date(options.nowMs),
      },
    );
    payload = r.payload as Record<string, unknown>;
  } catch (e) {
    if (e instanceof NotAuthenticatedError) throw e;
    const reason =
      e instanceof joseErrors.JWTExpired
        ? 'the token has expired'
        : e instanceof joseErrors.JWSSignatureVerificationFailed
          ? 'the token signature does not verify'
          : e instanceof joseErrors.JOSEAlgNotAllowed
            ? 'the token is not signed with the algorithm this catalog uses'
            : e instanceof joseErrors.JWTClaimValidationFailed
              ? `the token's ${e.claim} claim is not valid here`
              : 'the token is malformed';
    throw new NotAuthenticatedError(reason, { help: 'get a new token from POST /v1/oauth/tokens' });
  }
  const principal = state.principals[String(payload['sub'])];
  if (!principal) throw new NotAuthenticatedError('the token names a principal that does not exist');
  if (principal.disabled) throw new NotAuthenticatedError(`principal ${principal.name} is disabled`);
  const issuedMs = typeof payload['iat_ms'] === 'number' ? payload['iat_ms'] : Number(payload['iat']) * 1000;
  if (issuedMs < principal.tokensValidAfterMs) throw new NotAuthenticatedError(`the token was revoked (principal ${principal.name}'s tokens issued before ${new Date(principal.tokensValidAfterMs).toISOString()} are void)`);
  return principal;
}
