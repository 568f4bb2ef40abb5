// Every detector reports where in a string it found something, on the string
// as it was given; the masks are applied to the union of all findings at the
// end. Masking one finding before looking for the next would let detectors
// undo each other: four Luhn-valid digit groups masked inside an IBAN leave
// the IBAN's checksum failing, and the rest of it in clear.

/** A stretch `[start, end)` of a string that holds personal data or a secret. */
export interface Finding {
  start: number;
  end: number;
  /** What was found, for explanations ("card number", "GitHub token" …). */
  kind: string;
  /**
   * Mask only these characters, so a number keeps its grouping and
   * separators; otherwise every character but whitespace.
   */
  only?: 'digits' | 'letters and digits';
}

// whitespace of any kind keeps its place: it is layout, not content
const MASKED = { digits: /\d/g, 'letters and digits': /[A-Za-z0-9]/g, all: /\S/g } as const;

/** `value` with every character that a finding covers replaced by `*`. */
export function maskFindings(value: string, found: readonly Finding[]): string {
  // one finding after another on the same string: masking keeps the length, so positions hold
  let out = value;
  for (const { start, end, only } of found) {
    out = out.slice(0, start) + out.slice(start, end).replace(MASKED[only ?? 'all'], '*') + out.slice(end);
  }
  return out;
}
