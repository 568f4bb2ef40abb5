// Looking for planted secrets in what a recorder sent (or a replay rebuilt).
// A leak is a secret found in any form a careless encoder could produce:
// as typed, in another case, or with its spaces, dashes, dots and
// underscores dropped; for long secrets, their first 8 characters too (a
// value leaked while it was half typed).

/** Lower case, without whitespace, dashes, dots and underscores. */
export const squash = (text: string): string => text.toLowerCase().replace(/[\s\-–—_.]+/g, '');

/** Every string in a JSON value, keys included; a `sessionId`'s value is left out. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      // a session id is random, not recorded content: short secrets turn up in it by chance
      if (key !== 'sessionId') stringsIn(item, out);
    }
  }
  return out;
}

/**
 * Where each secret appears in `sent`, one line per finding; `[]` when none
 * does. Secrets of 8 characters or more once squashed are looked for in the
 * whole JSON text. Shorter ones (a CVC, an expiry, a postal code: 4 digits
 * occur by chance in timestamps and coordinates) are looked for inside each
 * string of the JSON instead, where numbers of the event format cannot hide
 * them or fake them.
 *
 * @example
 * expect(findLeaks(batches, { 'card number': '4242 4242 4242 4242' })).toEqual([]);
 */
export function findLeaks(sent: unknown, secrets: Record<string, string>): string[] {
  const json = JSON.stringify(sent);
  const lower = json.toLowerCase();
  const squashed = squash(json);
  const leaves = stringsIn(sent);
  const squashedLeaves = leaves.map(squash);
  const leaks: string[] = [];
  for (const [label, secret] of Object.entries(secrets)) {
    const needles = squash(secret).length > 10 ? [secret, secret.slice(0, 8)] : [secret];
    for (const needle of needles) {
      const what = needle === secret ? secret : `${needle}… (start of ${secret})`;
      const plain = needle.toLowerCase();
      const flat = squash(needle);
      if (flat.length >= 8) {
        if (lower.includes(plain)) leaks.push(`${label}: "${what}" in the JSON`);
        else if (squashed.includes(flat)) leaks.push(`${label}: "${what}" in the JSON, ignoring case, whitespace, dashes, dots and underscores`);
      } else {
        const at = leaves.findIndex((leaf) => leaf.toLowerCase().includes(plain));
        const atSquashed = squashedLeaves.findIndex((leaf) => leaf.includes(flat));
        if (at >= 0) leaks.push(`${label}: "${what}" in the string ${JSON.stringify(leaves[at].slice(0, 200))}`);
        else if (atSquashed >= 0) leaks.push(`${label}: "${what}" (squashed) in the string ${JSON.stringify(leaves[atSquashed].slice(0, 200))}`);
      }
    }
  }
  return leaks;
}
