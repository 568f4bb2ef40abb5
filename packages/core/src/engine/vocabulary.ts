// The words every part of Veil shares: the privacy modes, the region marks and
// how a page writes them (one attribute, or classes), and where a visitor's
// consent stands. The recorder, the scrubber, the React, Vue and Angular
// bindings and the collector all take them from here, so that none of them
// can answer "which mark wins?" or "which modes are there?" differently.
//
// This is the only file of the core that spells out the marker attribute:
// selectors and attribute lists elsewhere are made from these constants.

/** The privacy modes, from most to least private. */
export const PRIVACY_MODES = ['strict', 'balanced', 'relaxed'] as const;

/** How much of the page Veil records: one of {@link PRIVACY_MODES}. */
export type PrivacyMode = (typeof PRIVACY_MODES)[number];

/** The mode a recorder (and a collector site) uses when none is given. */
export const DEFAULT_PRIVACY_MODE: PrivacyMode = 'strict';

/**
 * True for one of the three mode names.
 *
 * @example
 * isPrivacyMode('balanced'); // true
 * isPrivacyMode('paranoid'); // false
 */
export function isPrivacyMode(value: unknown): value is PrivacyMode {
  return (PRIVACY_MODES as readonly unknown[]).includes(value);
}

/**
 * The more private of two modes.
 *
 * @example
 * stricterMode('relaxed', 'balanced'); // 'balanced'
 */
export function stricterMode(a: PrivacyMode, b: PrivacyMode): PrivacyMode {
  return PRIVACY_MODES.indexOf(a) <= PRIVACY_MODES.indexOf(b) ? a : b;
}

/** The region marks, from weakest to strongest. */
export const REGION_MARKS = ['unmask', 'mask', 'block'] as const;

/** What a region marker or a selector does to an element and its subtree. */
export type RegionMark = (typeof REGION_MARKS)[number];

/**
 * The attribute a page marks regions with: `data-veil="mask"`, `"block"` or
 * `"unmask"`. Every framework binding renders to it, so marks survive server
 * rendering and need no framework at all.
 */
export const MARK_ATTRIBUTE = 'data-veil';

/** Classes that mark a region as the attribute does, for markup that can only set classes. */
export const MARK_CLASSES: Readonly<Record<RegionMark, string>> = /* @__PURE__ */ Object.freeze({
  unmask: 'veil-unmask',
  mask: 'veil-mask',
  block: 'veil-block',
});

/** What every marker class starts with: an element without it in its class attribute has none. */
export const MARK_CLASS_PREFIX = 'veil-';

// HTML splits attribute values into tokens on ASCII whitespace only, and CSS
// compares them ASCII-case-insensitively: so does Veil, or a value such as
// "\u00a0block" would be a block for the classifier and not for a selector.
const ASCII_WHITESPACE = /[\t\n\f\r ]+/;
const asciiLowerCase = (value: string) => value.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());

function tokens(value: string): string[] {
  return value.split(ASCII_WHITESPACE).filter(Boolean);
}

/**
 * The mark an attribute value states. Its words are read case-insensitively;
 * the strongest one counts, and a word Veil does not know (a typo, an empty
 * value) counts as `mask`: an unreadable mark protects rather than exposes.
 * `null` when there is no attribute.
 *
 * @example
 * readMark(' Block '); // 'block'
 * readMark('unmask');  // 'unmask'
 * readMark('hidden');  // 'mask'
 * readMark(null);      // null
 */
export function readMark(value: string | null | undefined): RegionMark | null {
  if (value == null) return null;
  let mark: RegionMark = 'unmask';
  let words = 0;
  for (const word of tokens(asciiLowerCase(String(value)))) {
    words++;
    if (word === 'block') return 'block';
    if (word !== 'unmask') mark = 'mask';
  }
  return words ? mark : 'mask';
}

/**
 * The strongest mark a class attribute carries (`veil-block`, `veil-mask`,
 * `veil-unmask`), or `null` when it carries none. Classes are compared as
 * the browser does: exactly, and split on ASCII whitespace.
 *
 * @example
 * classMark('card veil-mask'); // 'mask'
 */
export function classMark(className: string | null | undefined): RegionMark | null {
  if (!className || !className.includes(MARK_CLASS_PREFIX)) return null;
  let mark: RegionMark | null = null;
  for (const name of tokens(className)) {
    if (name === MARK_CLASSES.block) return 'block';
    if (name === MARK_CLASSES.mask) mark = 'mask';
    else if (name === MARK_CLASSES.unmask && mark === null) mark = 'unmask';
  }
  return mark;
}

/** A mark's strength: 0 for none, then 1 (unmask) to 3 (block). */
export function markStrength(mark: RegionMark | null): 0 | 1 | 2 | 3 {
  return mark === null ? 0 : ((REGION_MARKS.indexOf(mark) + 1) as 1 | 2 | 3);
}

/**
 * The strongest of several marks, as Veil applies them: marks only ever add
 * protection, so `block` beats `mask`, which beats `unmask`. Each argument is
 * a mark, a raw `data-veil` value (read as {@link readMark} does), or nothing
 * (`null`, `undefined`, `false`), which is skipped. `null` when no argument
 * marks anything. The framework bindings use it wherever two marks meet on one
 * element.
 *
 * @example
 * strongestMark('unmask', 'block');     // 'block'
 * strongestMark(props['data-veil'], 'mask');
 * strongestMark(undefined, false);      // null
 */
export function strongestMark(...marks: (RegionMark | string | null | undefined | false)[]): RegionMark | null {
  let strongest: RegionMark | null = null;
  for (const value of marks) {
    if (value === null || value === undefined || value === false) continue;
    const mark = readMark(value);
    if (markStrength(mark) > markStrength(strongest)) strongest = mark;
  }
  return strongest;
}

/**
 * The mark an element's attributes give it, marker attribute and classes
 * together: what the recorder will do with it. `null` for an unmarked element.
 *
 * @example
 * elementMark({ 'data-veil': 'unmask', class: 'veil-block' }); // 'block'
 */
export function elementMark(attributes: { readonly [name: string]: unknown }): RegionMark | null {
  const attribute = attributes[MARK_ATTRIBUTE];
  const className = attributes.class;
  return strongestMark(typeof attribute === 'string' ? attribute : null, classMark(typeof className === 'string' ? className : null));
}

/** What the visitor said about being recorded: nothing yet, yes, or no. */
export type ConsentState = 'unknown' | 'granted' | 'revoked';

/** Where a recorder is in its life. */
export type RecorderState = 'idle' | 'awaiting-consent' | 'recording' | 'stopped';

/**
 * Where consent stands for a consent banner:
 * - `'pending'`: the recorder waits for consent and the visitor has not answered: ask;
 * - `'granted'` / `'revoked'`: the visitor's last answer;
 * - `'unknown'`: no answer, and the recorder is not waiting for one.
 */
export type ConsentStatus = 'unknown' | 'pending' | 'granted' | 'revoked';

/**
 * The consent status of a recorder in `state` whose visitor answered `consent`.
 * Every framework binding shows this one value.
 *
 * @example
 * consentStatus(recorder.state, recorder.consent) === 'pending' && showBanner();
 */
export function consentStatus(state: RecorderState, consent: ConsentState): ConsentStatus {
  return state === 'awaiting-consent' && consent !== 'revoked' ? 'pending' : consent;
}
