// Two-factor login, optional per user: a TOTP authenticator app, and ten
// one-time recovery codes for when the phone is lost. Between the password
// and the code there is no session, only a short-lived signed cookie that
// names the user, bound to the browser's pre-login cookie and to the user's
// current password hash (a password change voids it).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Storage, User } from '../storage/types';
import { matchTotp } from './totp';

export const PENDING_LOGIN_COOKIE = 'veil_2fa';
/** Long enough to open the app and type, short enough that a stolen password alone goes stale. */
export const PENDING_LOGIN_TTL_MS = 5 * 60 * 1000;
export const RECOVERY_CODE_COUNT = 10;

// No 0/O or 1/I/L: recovery codes are read off paper.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** `xxxx-xxxx-xxxx`: 12 characters of a 31-letter alphabet, about 59 bits each. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    let code = '';
    // rejection sampling: 248 is the largest multiple of 31 below 256, so every letter is equally likely
    while (code.length < 12) {
      const byte = randomBytes(1)[0];
      if (byte < 248) code += RECOVERY_ALPHABET[byte % 31];
    }
    codes.add(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`);
  }
  return [...codes];
}

/** The form a recovery code is compared in: lower case, no spaces or dashes. */
export const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

/**
 * Stored as SHA-256: the codes are random and long enough that a slow hash
 * adds nothing, and a leaked table does not hand them out.
 */
export const hashRecoveryCode = (code: string) =>
  createHash('sha256')
    .update(`veil-recovery\u0000${normalizeRecoveryCode(code)}`)
    .digest('hex');

export type SecondFactorResult =
  { ok: true; method: 'totp' | 'recovery'; recoveryCodesLeft: number } | { ok: false; reason: 'wrong' | 'reused' };

/**
 * Checks a code typed at login (or to switch two-factor login off): a TOTP
 * code of the user's secret, not used before, or one of their unused
 * recovery codes. Either is used up by a success.
 */
export async function verifySecondFactor(storage: Storage, userId: number, code: string, now: number): Promise<SecondFactorResult> {
  const state = await storage.getTwoFactor(userId);
  if (!state.secret) return { ok: false, reason: 'wrong' };
  const typed = code.trim().slice(0, 64);
  if (/^\d{6}$/.test(typed.replace(/\s/g, ''))) {
    const step = matchTotp(state.secret, typed, now);
    if (step === null) return { ok: false, reason: 'wrong' };
    // one code, one login: the step must be later than the last one accepted (atomic, across instances)
    if (!(await storage.useTotpStep(userId, step))) return { ok: false, reason: 'reused' };
    return { ok: true, method: 'totp', recoveryCodesLeft: state.recoveryCodesLeft };
  }
  if (normalizeRecoveryCode(typed).length !== 12) return { ok: false, reason: 'wrong' };
  if (!(await storage.useRecoveryCode(userId, hashRecoveryCode(typed), now))) return { ok: false, reason: 'wrong' };
  return { ok: true, method: 'recovery', recoveryCodesLeft: state.recoveryCodesLeft - 1 };
}

const sign = (secret: Buffer, parts: (string | number)[]) =>
  createHmac('sha256', secret)
    .update(['2fa-pending', ...parts].join('\u0000'))
    .digest('base64url');

/** The pending-login cookie after a correct password: `userId.expiresAt.mac`. */
export function pendingLoginCookie(secret: Buffer, user: User, preId: string, now: number): string {
  const expires = now + PENDING_LOGIN_TTL_MS;
  return `${user.id}.${expires}.${sign(secret, [user.id, expires, preId, user.passwordHash])}`;
}

/** The user id a pending-login cookie names, if it is genuine, unexpired, from this browser and for the current password. */
export async function readPendingLogin(
  storage: Storage,
  secret: Buffer,
  cookie: unknown,
  preId: string | undefined,
  now: number,
): Promise<User | null> {
  if (typeof cookie !== 'string' || cookie.length > 200 || !preId) return null;
  const [id, expires, mac, extra] = cookie.split('.');
  if (extra !== undefined || !/^\d{1,10}$/.test(id ?? '') || !/^\d{1,15}$/.test(expires ?? '') || !mac) return null;
  if (Number(expires) <= now) return null;
  const user = await storage.getUserById(Number(id));
  if (!user) return null;
  const expected = Buffer.from(sign(secret, [user.id, Number(expires), preId, user.passwordHash]));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given) ? user : null;
}
