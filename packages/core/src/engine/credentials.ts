// Credentials a page can show as text (a settings page with an API key, a debug
// panel with an Authorization header, a pasted private key): found by their
// shape, which for most is a prefix their issuer chose so that scanners like
// this one can find them. One table says what each starts with and what
// follows; from it come the pattern for a complete credential and the
// pattern for one still being typed.
import type { Finding } from './findings';

interface CredentialShape {
  /** What it is, for explanations. */
  name: string;
  /** How it starts (a regular expression source): enough to recognize it while it is typed. */
  start: string;
  /** What follows the start once it is complete. */
  rest: string;
}

const SHAPES: readonly CredentialShape[] = [
  // header.payload.signature, each base64url; the header is JSON, so it starts {" = eyJ
  { name: 'JSON Web Token', start: 'eyJ', rest: '[\\w-]{6,}\\.[\\w-]{4,}\\.[\\w-]*' },
  { name: 'Stripe key', start: '(?:sk|rk|pk)_(?:live|test)_|whsec_', rest: '\\w{8,}' },
  { name: 'GitHub token', start: 'gh[pousr]_|github_pat_', rest: '\\w{10,}' },
  { name: 'Slack token', start: 'xox[abposre]-', rest: '[\\w-]{8,}' },
  { name: 'AWS access key', start: '(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)', rest: '[A-Z0-9]{16}\\b' },
  { name: 'Google API key', start: 'AIza', rest: '[\\w-]{20,}' },
  { name: 'GitLab token', start: 'gl(?:pat|dt|rt|ptt)-', rest: '[\\w-]{10,}' },
  { name: 'npm token', start: 'npm_', rest: '\\w{20,}' },
  { name: 'Hugging Face token', start: 'hf_', rest: '\\w{20,}' },
  { name: 'OpenAI or Anthropic key', start: 'sk-(?:proj-|ant-|svcacct-)?', rest: '[\\w-]{20,}' },
  { name: 'SendGrid key', start: 'SG\\.', rest: '[\\w-]{10,}\\.[\\w-]{10,}' },
  { name: 'Shopify token', start: 'shp(?:at|ca|pa|ss)_', rest: '\\w{16,}' },
];

const COMPLETE = SHAPES.map(({ start, rest }) => new RegExp(`\\b(?:${start})${rest}`, 'g'));

// A token after an Authorization scheme, masked only if it looks like one: a
// digit, a symbol of base64 or base64url, or small and capital letters mixed
// after its first character ("Bearer authentication", "Token EXPIRED" are prose).
const AUTHORIZATION = /\b(?:Bearer|Basic|Digest|Token)\s+([\w\-.~+/]{8,}=*)/gi;
const RANDOM_LOOKING = /[\d+/=._~-]|^.(?=.*[a-z])(?=.*[A-Z])/;

// The body of a private key; its BEGIN and END lines only say what kind of key it is.
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----([\s\S]*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;

// What any of them needs before it can match, as exactly as the patterns
// above ask it (their starts in their case, a scheme and a token's first
// characters): words like "token" and "basic" are common in prose and URLs,
// and a gate they opened would run every pattern over them.
const CREDENTIAL_START = new RegExp(`\\b(?:${SHAPES.map((shape) => shape.start).join('|')})|-----BEGIN`);
const AUTHORIZATION_START = /\b(?:Bearer|Basic|Digest|Token)\s+[\w\-.~+/]{8}/i;

/** False when findCredentials cannot find anything in `value`. */
export function mayHoldCredential(value: string): boolean {
  return CREDENTIAL_START.test(value) || AUTHORIZATION_START.test(value);
}

/** Adds each credential in `value` to `found`. */
export function findCredentials(value: string, found: Finding[]): void {
  if (!mayHoldCredential(value)) return;
  COMPLETE.forEach((pattern, i) => {
    for (const match of value.matchAll(pattern))
      found.push({ start: match.index!, end: match.index! + match[0].length, kind: SHAPES[i].name });
  });
  for (const match of value.matchAll(AUTHORIZATION)) {
    const token = match[1];
    if (!RANDOM_LOOKING.test(token)) continue;
    const end = match.index! + match[0].length;
    found.push({ start: end - token.length, end, kind: 'Authorization header value' });
  }
  for (const match of value.matchAll(PRIVATE_KEY)) {
    // the body starts where the BEGIN line's closing dashes end
    const start = match.index! + match[0].indexOf('-----', 5) + 5;
    found.push({ start, end: start + match[1].length, kind: 'private key' });
  }
}

// While one is typed (or pasted a piece at a time), a credential is
// recognizable by its start long before it is complete: from there to the
// end of the word is masked, for a private key to the end of the value.
const PARTIAL = new RegExp(
  `\\b(?:${SHAPES.map((shape) => shape.start).join('|')})\\S*|\\b(?:Bearer|Basic|Digest)\\s+\\S+|-----BEGIN [A-Z0-9 ]*PRIVATE KEY[\\s\\S]*`,
  'g',
);
const PARTIAL_START = new RegExp(PARTIAL.source);

/** False when findPartialCredentials cannot find anything in `value`. */
export function mayHoldPartialCredential(value: string): boolean {
  return PARTIAL_START.test(value);
}

/** Adds each credential being typed in `value`, complete or not, to `found`. */
export function findPartialCredentials(value: string, found: Finding[]): void {
  for (const match of value.matchAll(PARTIAL)) {
    found.push({ start: match.index!, end: match.index! + match[0].length, kind: 'credential being typed' });
  }
}
