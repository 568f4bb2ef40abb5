// Detectors for personal data that can appear anywhere (text, attribute
// values, input values, URLs). Each one is cheap to reject: most strings on a
// page hold no '@' and no long digit runs, and those return untouched.

const UNMASKED_CHAR = /[^\s*]/;

/** Replaces every non-space character with `*`, keeping length and layout. */
export function maskChars(value: string): string {
  // Most strings that reach here are layout whitespace between tags, or were
  // masked once already at capture: those come back unchanged, and one native
  // scan says so faster than a loop over their characters.
  return UNMASKED_CHAR.test(value) ? value.replace(/\S/g, '*') : value;
}

function maskDigits(value: string, start: number, end: number): string {
  return value.slice(0, start) + value.slice(start, end).replace(/\d/g, '*') + value.slice(end);
}

// Local part and domain are broad on purpose: a missed address is a leak, an
// extra masked word is only a cosmetic loss.
const EMAIL = /[\p{L}\p{N}._%+!#$&'=?^`{|}~-]+(?:@|%40)[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/giu;

/**
 * True when the string contains something shaped like an e-mail address.
 *
 * @example
 * hasEmail('write to pat@example.com'); // true
 */
export function hasEmail(value: string): boolean {
  if (!value.includes('@') && !value.includes('%40')) return false;
  EMAIL.lastIndex = 0;
  return EMAIL.test(value);
}

export function maskEmails(value: string): string {
  if (!value.includes('@') && !value.includes('%40')) return value;
  return value.replace(EMAIL, maskChars);
}

/**
 * Luhn checksum over a string of digits.
 *
 * @example
 * luhnValid('4111111111111111'); // true
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

// Runs of digit groups separated by dashes and spaces of any kind and number:
// a no-break or thin space keeps a number on one line, and indentation in the
// page source breaks it across two.
const DIGIT_RUN = /\d+(?:[\s\-]+\d+)*/g;

/**
 * Masks Luhn-valid card numbers (13 to 19 digits). A number is a run of whole
 * digit groups: a longer run ("4111 1111 1111 1111 2030") is searched for any
 * window of consecutive groups that is a valid card number, so neighbouring
 * digits cannot hide one; windows never split a group, so an ordinary long
 * number does not get masked by chance.
 */
export function maskCardNumbers(value: string): string {
  let digitCount = 0;
  for (let i = 0; i < value.length && digitCount < 13; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digitCount++;
  }
  if (digitCount < 13) return value;
  return value.replace(DIGIT_RUN, (run) => {
    const groups = [...run.matchAll(/\d+/g)];
    if (groups.reduce((n, g) => n + g[0].length, 0) < 13) return run;
    let masked = run;
    for (let first = 0; first < groups.length; first++) {
      let digits = '';
      for (let last = first; last < groups.length; last++) {
        digits += groups[last][0];
        if (digits.length > 19) break;
        if (digits.length >= 13 && luhnValid(digits)) {
          masked = maskDigits(masked, groups[first].index!, groups[last].index! + groups[last][0].length);
        }
      }
    }
    return masked;
  });
}

/**
 * ISO 13616 mod-97 check over a compact IBAN (no spaces).
 *
 * @example
 * ibanValid('DE89370400440532013000'); // true
 */
export function ibanValid(compact: string): boolean {
  if (compact.length < 15 || compact.length > 34) return false;
  const s = (compact.slice(4) + compact.slice(0, 4)).toUpperCase();
  let rest = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let n: number;
    if (c >= 48 && c <= 57) n = c - 48;
    else if (c >= 65 && c <= 90) n = c - 55;
    else return false;
    rest = n > 9 ? (rest * 100 + n) % 97 : (rest * 10 + n) % 97;
  }
  return rest === 1;
}

// Country code, check digits, then 11 to 30 letters or digits, optionally in groups separated by a space of any kind.
const IBAN_CANDIDATE = /\b[A-Za-z]{2}\d{2}(?:\s?[A-Za-z0-9]){11,30}/g;

/**
 * Masks IBANs with a valid checksum. A candidate may run into the next word
 * ("… 0130 00 EUR"), so shorter prefixes ending on a group boundary are tried
 * too, longest first.
 */
export function maskIbans(value: string): string {
  if (value.length < 15 || !/[A-Za-z]{2}\d{2}/.test(value)) return value;
  return value.replace(IBAN_CANDIDATE, (candidate) => {
    const ends = [candidate.length];
    for (let i = candidate.length - 1; i >= 15; i--) if (/\s/.test(candidate[i])) ends.push(i);
    for (const end of ends) {
      if (ibanValid(candidate.slice(0, end).replace(/\s/g, ''))) {
        return maskChars(candidate.slice(0, end)) + candidate.slice(end);
      }
    }
    return candidate;
  });
}

// key=value pairs inside URLs, query strings and fragments.
// A value stops at '?' too, so "url=/next?token=…" (meta refresh) yields the inner parameter.
const PARAM = /([?&#;])([^=&#;?\s"'<>]{1,64})=([^&#;?\s"'<>]*)/g;

const SECRET_PARAM_WORDS = new Set([
  'token', 'password', 'passwd', 'pwd', 'pass', 'secret', 'key', 'auth', 'authorization', 'session', 'sid',
  'signature', 'sig', 'email', 'mail', 'code', 'otp', 'jwt', 'credential', 'credentials', 'apikey', 'nonce',
  'ssn', 'pin', 'cvv', 'cvc', 'iban', 'card', 'sessionid', 'accesstoken', 'refreshtoken', 'idtoken', 'state',
  'ticket', 'hash', 'bearer', 'security',
]);

/** Splits an identifier into lower-case words: `userPassword`, `api_key`, `X-Amz-Signature`. */
export function words(identifier: string): string[] {
  return identifier
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/)
    .filter(Boolean);
}

/** True when a query or fragment parameter name suggests its value is a secret or personal. */
export function isSecretParamName(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // keep it as written
  }
  const parts = words(decoded);
  if (parts.some((w) => SECRET_PARAM_WORDS.has(w))) return true;
  const joined = parts.join('');
  return /password|passwd|secret|token|apikey|signature|session|credential|email/.test(joined);
}

export const REDACTED = 'redacted';

/** Replaces the values of secret-looking `key=value` parameters wherever they appear in the string. */
export function scrubSecretParams(value: string): string {
  if (!value.includes('=')) return value;
  return value.replace(PARAM, (all, lead: string, key: string, val: string) =>
    val && isSecretParamName(key) ? `${lead}${key}=${REDACTED}` : all,
  );
}

// What every detector here needs to find anything: an '=' (parameters), an
// '@' or '%40' (addresses), or two digits (card numbers have 13, IBANs two
// check digits). Most text has none, and one native scan says so.
const MAY_HOLD_PERSONAL_DATA = /[=@%]|\d\D*\d/;

/**
 * Masks every kind of personal data Veil detects in free text: e-mail
 * addresses, Luhn-valid card numbers, IBANs with a valid checksum, and secret
 * URL parameters.
 *
 * @example
 * maskPersonalData('Paid by pat@example.com'); // 'Paid by ***************'
 */
export function maskPersonalData(value: string): string {
  if (value.length < 5 || !MAY_HOLD_PERSONAL_DATA.test(value)) return value;
  let out = scrubSecretParams(value);
  out = maskEmails(out);
  out = maskCardNumbers(out);
  out = maskIbans(out);
  return out;
}

// While a visitor types, every keystroke is an input event: a card number or an
// address is sent many times before it is complete and detectable. Values
// therefore also lose what is on its way to becoming one.
const PARTIAL_EMAIL = /[^\s@]+@[^\s@]*/g;
const LONG_DIGIT_RUN = /\d(?:[\s\-]?\d){8,}/g;
const IBAN_START = /\b[A-Za-z]{2}\d{2}(?:\s?[A-Za-z0-9]){8,}/g;

/**
 * maskPersonalData for input values: also masks anything with an '@', the
 * start of an IBAN, and runs of 9 to 15 digits (where a card number being
 * typed passes through), so a half-typed one is masked too. A complete number
 * of 16 digits or more that fails the Luhn check, such as an order number,
 * stays readable.
 */
export function maskPersonalValue(value: string): string {
  if (!MAY_HOLD_PERSONAL_DATA.test(value)) return value;
  let out = maskPersonalData(value);
  if (out.includes('@')) out = out.replace(PARTIAL_EMAIL, maskChars);
  out = out.replace(LONG_DIGIT_RUN, (run) => {
    const digits = run.replace(/\D/g, '').length;
    return digits <= 15 ? run.replace(/\d/g, '*') : run;
  });
  return out.replace(IBAN_START, maskChars);
}
