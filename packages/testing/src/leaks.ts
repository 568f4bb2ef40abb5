// Looking for secrets in what a recorder sent, the way Veil's own suites do:
// a secret counts as leaked in any form a careless encoder could produce.

/** Lower case, without whitespace, dashes, dots and underscores: "4111-1111 1111.1111" and "41111111111111111" are one value. */
export const squash = (text: string): string => text.toLowerCase().replace(/[\s\-\u2010-\u2015\u2212_.\u00a0\u2009\u202f]+/g, '');

/** Every string in a JSON value, keys included; a `sessionId`'s value is left out (random, and short secrets turn up in it by chance). */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      if (key !== 'sessionId') stringsIn(item, out);
    }
  }
  return out;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The forms a secret is looked for in, besides as it is: URL-encoded and base64 (its first 12 characters, which do not depend on what follows). */
function encodings(secret: string): { form: string; needle: string }[] {
  const out: { form: string; needle: string }[] = [];
  const url = encodeURIComponent(secret);
  if (url !== secret) out.push({ form: 'URL-encoded', needle: url });
  if (secret.length >= 9) out.push({ form: 'base64', needle: base64(secret).slice(0, 12) });
  return out;
}

/** Secrets to look for: a list, or labels mapped to secrets (the labels name them in the findings). */
export type Secrets = readonly string[] | Readonly<Record<string, string>>;

const labelled = (secrets: Secrets): [string, string][] =>
  Array.isArray(secrets) ? (secrets as string[]).map((s) => [s, s]) : Object.entries(secrets as Record<string, string>);

/**
 * Where each secret appears in `sent` (any JSON value: batches, events), one
 * line per finding; `[]` when none does. Searched: as it is in any case;
 * without whitespace, dashes, dots and underscores; URL-encoded; as base64;
 * and, for secrets longer than 10 characters, their first 8 (a value sent
 * while it was half typed). Secrets shorter than 8 characters once squashed
 * (a CVC, a postal code: 4 digits occur by chance in timestamps) are looked
 * for inside each string instead of the whole JSON text. `replayed`, the
 * text a replay shows (replayedText), is searched squashed too: it holds a
 * value split across elements whole.
 */
export function findLeaks(sent: unknown, secrets: Secrets, replayed = ''): string[] {
  const json = JSON.stringify(sent) ?? '';
  const lower = json.toLowerCase();
  const squashed = squash(json);
  const leaves = stringsIn(sent);
  const squashedLeaves = leaves.map(squash);
  const replayedFlat = squash(replayed);
  const leaks: string[] = [];
  for (const [label, secret] of labelled(secrets)) {
    if (!secret) throw new Error(`[veil] findLeaks: the secret "${label}" is empty; an empty string is found everywhere.`);
    const needles = squash(secret).length > 10 ? [secret, secret.slice(0, 8)] : [secret];
    for (const needle of needles) {
      // the whole secret found, its start says nothing more
      if (needle !== secret && leaks.some((l) => l.startsWith(label === secret ? `"${secret}"` : `${label}: "${secret}"`))) break;
      const what = needle === secret ? `"${secret}"` : `"${needle}…" (the start of "${secret}")`;
      const name = label === secret ? what : `${label}: ${what}`;
      const plain = needle.toLowerCase();
      const flat = squash(needle);
      if (flat.length >= 8) {
        if (lower.includes(plain)) leaks.push(`${name} is in what was sent`);
        else if (squashed.includes(flat)) leaks.push(`${name} is in what was sent, with other case, spaces or separators`);
      } else {
        const at = leaves.findIndex((leaf) => leaf.toLowerCase().includes(plain));
        const atSquashed = squashedLeaves.findIndex((leaf) => leaf.includes(flat));
        if (at >= 0) leaks.push(`${name} is in the string ${JSON.stringify(leaves[at].slice(0, 200))}`);
        else if (atSquashed >= 0)
          leaks.push(`${name} is in the string ${JSON.stringify(leaves[atSquashed].slice(0, 200))}, with other case, spaces or separators`);
      }
      if (flat.length >= 4 && replayedFlat.includes(flat) && !leaks.some((l) => l.startsWith(name)))
        leaks.push(`${name} is shown by the replayed page (read across elements)`);
    }
    for (const { form, needle } of encodings(secret)) {
      if (json.includes(needle) || leaves.some((leaf) => leaf.includes(needle)))
        leaks.push(`${label === secret ? `"${secret}"` : `${label}: "${secret}"`} is in what was sent, ${form}`);
    }
  }
  return leaks;
}
