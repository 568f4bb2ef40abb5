// Login sessions: the cookie holds a random id, the database only its hash (a
// leaked database does not hand out live sessions). A new id at every login.
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'veil_session';
/** The pre-login cookie the login form's CSRF token is bound to. */
export const PRE_SESSION_COOKIE = 'veil_pre';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const newSessionId = () => randomBytes(32).toString('base64url');
export const hashSessionId = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');

/** Cookie ids are 43 base64url characters; anything else is not worth a database look-up. */
export const looksLikeSessionId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
