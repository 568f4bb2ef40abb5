// What a new password must be: long enough, not one of the passwords people
// pick most, and not the user's own e-mail name. Checked wherever a password
// is set (the CLI's user add, password changes, invitations); never at login,
// so existing users keep logging in until they next change their password.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * 12, up from 10: OWASP ASVS 4.0.3 V2.1.1 asks for at least 12 characters,
 * and a long passphrase is what the message steers people to.
 */
export const MIN_PASSWORD_LENGTH = 12;
/** Longer than this is refused too: scrypt hashes it all, and nobody types more. */
export const MAX_PASSWORD_LENGTH = 1024;

const here = path.dirname(fileURLToPath(import.meta.url));

let common: Set<string> | undefined;
/** data/common-passwords.txt, read once: from src/auth/ (tests) or dist/ (the package) alike. */
function commonPasswords(): Set<string> {
  if (common) return common;
  const file = [
    path.resolve(here, '..', 'data', 'common-passwords.txt'),
    path.resolve(here, '..', '..', 'data', 'common-passwords.txt'),
  ].find(existsSync);
  if (!file) throw new Error('[veil] data/common-passwords.txt is missing from the collector package: reinstall @veil/collector.');
  common = new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#')),
  );
  return common;
}

/** Digits and punctuation people add around a common word to pass a length rule ("dragon1234567", "!!password2024"). */
const PADDING = /^[\d\W_]+|[\d\W_]+$/g;

/**
 * Why a password may not be used, as a sentence to show the person choosing
 * it, or null when it may. Case does not matter for the checks.
 *
 * @example
 * checkPasswordPolicy('password1234', { email: 'ann@example.com' });
 * // 'That password is one of the 10,000 most common passwords …'
 */
export function checkPasswordPolicy(password: string, context: { email?: string | null } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The password is too short: it has ${password.length} ${
      password.length === 1 ? 'character' : 'characters'
    }, and at least ${MIN_PASSWORD_LENGTH} are needed. A few unrelated words make a long password that is easy to remember.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) return `The password is too long: at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  const list = commonPasswords();
  if (list.has(lower)) {
    return 'That password is one of the 10,000 most common passwords, the first ones an attacker tries. Choose another: a few unrelated words work well.';
  }
  const core = lower.replace(PADDING, '');
  if (core.length >= 4 && core !== lower && list.has(core)) {
    return `That password is a very common password ("${core}") with digits or symbols added, which attackers try early. Choose another: a few unrelated words work well.`;
  }
  const local = context.email?.split('@')[0]?.trim().toLowerCase() ?? '';
  if (local.length >= 3 && lower.includes(local)) {
    return `The password may not contain your e-mail name ("${local}"): it is the first thing an attacker who knows your address tries.`;
  }
  if (new Set(lower).size === 1) return 'The password is one character repeated; choose one that is harder to guess.';
  return null;
}
