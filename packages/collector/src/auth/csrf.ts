// Synchronizer tokens without a token table: the token is an HMAC of the
// session's cookie id under a secret kept in the database (shared by every
// instance). It is bound to that one session (a pre-login session for the
// login form), changes when the session does, and is compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CSRF_FIELD = '_csrf';

export function csrfToken(secret: Buffer, sessionId: string): string {
  return createHmac('sha256', secret).update(`csrf\u0000${sessionId}`).digest('base64url');
}

export function csrfValid(secret: Buffer, sessionId: string | undefined, token: unknown): boolean {
  if (!sessionId || typeof token !== 'string' || token.length === 0 || token.length > 100) return false;
  const expected = Buffer.from(csrfToken(secret, sessionId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
