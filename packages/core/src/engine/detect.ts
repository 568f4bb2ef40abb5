// Detectors for personal data that can appear anywhere (text, attribute
// values, input values, URLs). Each one is cheap to reject: most strings on a
// page hold no '@', no long digit runs and nothing shaped like a credential,
// and those return untouched.

import { findCredentials, findPartialCredentials, mayHoldCredential, mayHoldPartialCredential } from './credentials';
import { maskFindings, type Finding } from './findings';

export type { Finding } from './findings';

const UNMASKED_CHAR = /[^\s*]/;

/** Replaces every non-space character with `*`, keeping length and layout. */
export function maskChars(value: string): string {
  // Most strings that reach here are layout whitespace between tags, or were
  // masked once already at capture: those come back unchanged, and one native
  // scan says so faster than a loop over their characters.
  return UNMASKED_CHAR.test(value) ? value.replace(/\S/g, '*') : value;
}

// Local part and domain are broad on purpose: a missed address is a leak, an
// extra masked word is only a cosmetic loss.
const LOCAL_PART_CHAR = /[\p{L}\p{N}._%+!#$&'=?^`{|}~-]|[\uD800-\uDFFF]/u;
const DOMAIN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/uy;
const AT = /@|%40/gi;

const mayHoldEmail = (value: string) => value.includes('@') || value.includes('%40');

/**
 * Adds each e-mail address in `value` to `found`. Found from each '@' (or
 * '%40') outwards: a pattern tried at every position of a long text would
 * scan each word as a possible local part.
 */
export function findEmails(value: string, found: Finding[]): void {
  if (!mayHoldEmail(value)) return;
  let searchedTo = 0;
  for (const at of value.matchAll(AT)) {
    const i = at.index!;
    if (i < searchedTo) continue;
    let start = i;
    while (start > searchedTo && LOCAL_PART_CHAR.test(value[start - 1])) start--;
    if (start === i) continue;
    DOMAIN.lastIndex = i + at[0].length;
    const domain = DOMAIN.exec(value);
    if (!domain) continue;
    searchedTo = DOMAIN.lastIndex;
    found.push({ start, end: searchedTo, kind: 'e-mail address' });
  }
}

/**
 * True when the string contains something shaped like an e-mail address.
 *
 * @example
 * hasEmail('write to pat@example.com'); // true
 */
export function hasEmail(value: string): boolean {
  const found: Finding[] = [];
  findEmails(value, found);
  return found.length > 0;
}

export function maskEmails(value: string): string {
  return maskWith(findEmails, value);
}

// Link targets that name a phone number or an account to call or message. A
// replay never shows an href, so hiding the number costs it nothing.
const PHONE_SCHEME = '(?:tel|sms|smsto|mms|mmsto|callto|facetime|facetime-audio|sip|sips|skype|viber|whatsapp):(?:\\/\\/)?';
const PHONE_LINK = new RegExp(`\\b(${PHONE_SCHEME})([^\\s"'<>]+)`, 'gi');
// a whole URL: what follows the scheme is the number, spaces and all
const PHONE_URL = new RegExp(`^(\\s*${PHONE_SCHEME})([\\s\\S]+)$`, 'i');

/** Adds the target of each phone link (`tel:`, `sms:`, `callto:` …) in `value` to `found`, keeping its scheme. */
export function findPhoneLinks(value: string, found: Finding[]): void {
  if (!value.includes(':')) return;
  for (const match of value.matchAll(PHONE_LINK)) {
    const start = match.index! + match[1].length;
    found.push({ start, end: start + match[2].length, kind: 'phone number in a link' });
  }
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

// What may stand between the digit groups of one number. Any run of spaces
// (no-break and thin ones keep a number on one line, indentation in the page
// source breaks it across two), dashes, and characters that show nothing
// (zero-width spaces, soft hyphens) join groups of any size. One dot, slash,
// underscore, middle dot or bullet joins groups of three digits or more, as
// in "4111.1111.1111.1111": between shorter groups it is a price, a date or
// a version ("19.99", "01/02", "1.2.3"), which a list would chain into long
// runs of digits.
const LOOSE_SEPARATOR = /^[\s\-\u00ad\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff]+$/;
const TIGHT_SEPARATOR = /^\s*[./_\u00b7\u2022\u2219]\s*$/;

function joinsGroups(between: string, before: string, after: string): boolean {
  return LOOSE_SEPARATOR.test(between) || (before.length >= 3 && after.length >= 3 && TIGHT_SEPARATOR.test(between));
}

/** Adds the digits of one run of joined groups that form a card number to `found`. */
function findCardsInRun(groups: RegExpExecArray[], found: Finding[]): void {
  if (groups.reduce((n, g) => n + g[0].length, 0) < 13) return;
  // Any window of consecutive whole groups that is a valid card number, so
  // neighbouring digits cannot hide one; a window never splits a group, so an
  // ordinary long number is not masked by chance.
  for (let first = 0; first < groups.length; first++) {
    let digits = '';
    for (let last = first; last < groups.length; last++) {
      digits += groups[last][0];
      if (digits.length > 19) break;
      if (digits.length >= 13 && luhnValid(digits)) {
        found.push({ start: groups[first].index, end: groups[last].index + groups[last][0].length, kind: 'card number', only: 'digits' });
      }
    }
  }
}

/** Adds each Luhn-valid card number (13 to 19 digits, in groups or not) in `value` to `found`. */
export function findCardNumbers(value: string, found: Finding[]): void {
  let digitCount = 0;
  for (let i = 0; i < value.length && digitCount < 13; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digitCount++;
  }
  if (digitCount < 13) return;
  let run: RegExpExecArray[] = [];
  for (const group of value.matchAll(/\d+/g)) {
    const previous = run[run.length - 1];
    if (previous && !joinsGroups(value.slice(previous.index + previous[0].length, group.index), previous[0], group[0])) {
      findCardsInRun(run, found);
      run = [];
    }
    run.push(group);
  }
  findCardsInRun(run, found);
}

/**
 * Masks the digits of Luhn-valid card numbers, keeping their layout.
 *
 * @example
 * maskCardNumbers('pay 4111.1111.1111.1111'); // 'pay ****.****.****.****'
 */
/**
 * Masks the number of a phone link URL, or of each phone link in a text.
 *
 * @example
 * maskPhoneLinks('tel:+420 601 123 456'); // 'tel:**** *** *** ***'
 */
export function maskPhoneLinks(value: string): string {
  const url = PHONE_URL.exec(value);
  return url ? url[1] + maskChars(url[2]) : maskWith(findPhoneLinks, value);
}

export function maskCardNumbers(value: string): string {
  return maskWith(findCardNumbers, value);
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

// Country code, check digits, then 11 to 30 letters or digits, in groups
// separated by a space of any kind, a dash, a dot or an invisible character.
const IBAN_SEPARATOR = '[\\s\\-.\\u00ad\\u200b-\\u200d\\u2060\\ufeff]';
const IBAN_CANDIDATE = new RegExp(`\\b[A-Za-z]{2}\\d{2}(?:${IBAN_SEPARATOR}?[A-Za-z0-9]){11,30}`, 'g');
const IBAN_SEPARATORS = new RegExp(IBAN_SEPARATOR, 'g');
const IBAN_GROUP_END = new RegExp(IBAN_SEPARATOR);

// Each country's IBAN length (ISO 13616 registry). With it, an IBAN followed
// by a word ("… 0130 00 today") ends where the country says, not where a
// checksum that one in 97 strings pass by chance would let it run on.
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 ' +
    'FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 ' +
    'LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 QA29 RO24 RS22 ' +
    'RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30'
  )
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))] as const),
);

/** Where in `candidate` its IBAN ends, or -1. */
function ibanEnd(candidate: string): number {
  const length = IBAN_LENGTHS.get(candidate.slice(0, 2).toUpperCase());
  if (length !== undefined) {
    let seen = 0;
    for (let i = 0; i < candidate.length; i++) {
      if (!IBAN_GROUP_END.test(candidate[i]) && ++seen === length) {
        return ibanValid(candidate.slice(0, i + 1).replace(IBAN_SEPARATORS, '')) ? i + 1 : -1;
      }
    }
    return -1;
  }
  // a country the registry does not list (yet): the longest valid prefix that ends a group
  const ends = [candidate.length];
  for (let i = candidate.length - 1; i >= 15; i--) if (IBAN_GROUP_END.test(candidate[i])) ends.push(i);
  return ends.find((end) => ibanValid(candidate.slice(0, end).replace(IBAN_SEPARATORS, ''))) ?? -1;
}

/** Adds each IBAN with a valid checksum (and its country's length) in `value` to `found`. */
export function findIbans(value: string, found: Finding[]): void {
  if (value.length < 15 || !/[A-Za-z]{2}\d{2}/.test(value)) return;
  for (const match of value.matchAll(IBAN_CANDIDATE)) {
    const end = ibanEnd(match[0]);
    if (end > 0) found.push({ start: match.index!, end: match.index! + end, kind: 'IBAN', only: 'letters and digits' });
  }
}

/** Masks credentials (API keys, tokens, private keys) wherever they appear in the string. */
export function maskCredentials(value: string): string {
  return maskWith(findCredentials, value);
}

export function maskIbans(value: string): string {
  return maskWith(findIbans, value);
}

type Finder = (value: string, found: Finding[]) => void;

function maskWith(finder: Finder, value: string): string {
  const found: Finding[] = [];
  finder(value, found);
  return maskFindings(value, found);
}

// key=value pairs inside URLs, query strings and fragments.
// A value stops at '?' too, so "url=/next?token=…" (meta refresh) yields the inner parameter.
const PARAM = /([?&#;])([^=&#;?\s"'<>]{1,64})=([^&#;?\s"'<>]*)/g;

const SECRET_PARAM_WORDS = new Set([
  'token',
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'key',
  'auth',
  'authorization',
  'session',
  'sid',
  'signature',
  'sig',
  'email',
  'mail',
  'code',
  'otp',
  'jwt',
  'credential',
  'credentials',
  'apikey',
  'nonce',
  'ssn',
  'pin',
  'cvv',
  'cvc',
  'iban',
  'card',
  'sessionid',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'state',
  'ticket',
  'hash',
  'bearer',
  'security',
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

// What a detector of personal data needs to find anything: an '=' (parameters),
// an '@' or '%40' (addresses), or two digits (card numbers have 13, IBANs two
// check digits); or what a credential starts with. Most text has none, and
// a native scan or two say so.
const MAY_HOLD_PERSONAL_DATA = /[=@%]|\d\D*\d/;

/** False when no detector can find anything in `value`. */
export function mayHoldPersonalData(value: string): boolean {
  return value.length >= 5 && (MAY_HOLD_PERSONAL_DATA.test(value) || mayHoldCredential(value));
}

/**
 * Adds every e-mail address, Luhn-valid card number, IBAN with a valid
 * checksum, phone link target and credential in `value` to `found`, each found on `value` as it
 * is, so that they can overlap.
 */
export function findPersonalData(value: string, found: Finding[] = []): Finding[] {
  if (value.length < 5) return found;
  if (MAY_HOLD_PERSONAL_DATA.test(value)) {
    findEmails(value, found);
    findCardNumbers(value, found);
    findIbans(value, found);
    findPhoneLinks(value, found);
  }
  findCredentials(value, found);
  return found;
}

/**
 * Masks every kind of personal data Veil detects in free text: e-mail
 * addresses, Luhn-valid card numbers, IBANs with a valid checksum,
 * credentials, and secret URL parameters.
 *
 * @example
 * maskPersonalData('Paid by pat@example.com'); // 'Paid by ***************'
 */
export function maskPersonalData(value: string): string {
  if (!mayHoldPersonalData(value)) return value;
  const out = scrubSecretParams(value);
  return maskFindings(out, findPersonalData(out));
}

// While a visitor types, every keystroke is an input event: a card number or an
// address is sent many times before it is complete and detectable. Values
// therefore also lose what is on its way to becoming one.
const PARTIAL_EMAIL = /[^\s@]+@[^\s@]*/g;
// 7 digits or more, one separator of any kind between two: past a card's first six (its issuer) on the way to a card number
const TYPED_DIGIT_RUN = /\d(?:[\s\-./_\u00ad\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff\u00b7\u2022]?\d){6,}/g;
const IBAN_START = new RegExp(`\\b[A-Za-z]{2}\\d{2}(?:${IBAN_SEPARATOR}?[A-Za-z0-9]){4,}`, 'g');

/**
 * What an input value holds on its way to becoming personal data: anything
 * with an '@', the start of an IBAN, credentials by their first characters,
 * and runs of 7 to 15 digits (where a card number being typed passes
 * through). Added to `found`, beside what findPersonalData finds.
 */
export function findTypedPersonalData(value: string, found: Finding[]): void {
  if (value.includes('@'))
    for (const m of value.matchAll(PARTIAL_EMAIL))
      found.push({ start: m.index!, end: m.index! + m[0].length, kind: 'e-mail address being typed' });
  for (const m of value.matchAll(TYPED_DIGIT_RUN)) {
    const digits = m[0].replace(/\D/g, '').length;
    if (digits <= 15) found.push({ start: m.index!, end: m.index! + m[0].length, kind: 'number being typed', only: 'digits' });
  }
  for (const m of value.matchAll(IBAN_START))
    found.push({ start: m.index!, end: m.index! + m[0].length, kind: 'IBAN being typed', only: 'letters and digits' });
  if (mayHoldPartialCredential(value)) findPartialCredentials(value, found);
}

/**
 * maskPersonalData for input values: also masks what findTypedPersonalData
 * finds, so a half-typed card number or address is masked too. A complete
 * number of 16 digits or more that fails the Luhn check, such as an order
 * number, stays readable.
 */
export function maskPersonalValue(value: string): string {
  if (!MAY_HOLD_PERSONAL_DATA.test(value) && !mayHoldCredential(value) && !mayHoldPartialCredential(value)) return value;
  const out = value.length < 5 ? value : scrubSecretParams(value);
  const found = findPersonalData(out);
  findTypedPersonalData(out, found);
  return maskFindings(out, found);
}
