// The one place that decides what Veil may record about a node. Everything
// here is pure: it reads attributes through a function, so the same rules run
// on live DOM elements (at capture), on serialized nodes (in the scrubber),
// and on a server that re-scrubs what it receives.
import { maskChars, maskPersonalData, maskPersonalValue, words } from './detect';
import { scrubCss, scrubSrcset, scrubUrl } from './url';
import {
  MARK_ATTRIBUTE,
  MARK_CLASSES,
  MARK_CLASS_PREFIX,
  classMark,
  markStrength,
  readMark,
  PRIVACY_MODES,
  type PrivacyMode,
  type RegionMark,
} from './vocabulary';

/** How strongly a region is protected; the strongest mark on the way to the root wins. */
export type Region = 0 | 1 | 2 | 3;
export const RECORD: Region = 0;
export const UNMASK: Region = 1;
export const MASK: Region = 2;
export const BLOCK: Region = 3;

/** The region a mark makes (RECORD for none). */
export const regionOf = (mark: RegionMark | null): Region => markStrength(mark);

/** The mark that makes a region, or null for RECORD. */
export function markOf(region: Region): RegionMark | null {
  return region === BLOCK ? 'block' : region === MASK ? 'mask' : region === UNMASK ? 'unmask' : null;
}

/** What kind of value a form control holds. */
export type FieldKind = 0 | 1 | 2 | 3;
export const NOT_A_FIELD: FieldKind = 0;
export const PLAIN_FIELD: FieldKind = 1;
export const PERSONAL_FIELD: FieldKind = 2;
export const SENSITIVE_FIELD: FieldKind = 3;

/** What a text child is: page text, script source (never recorded), or CSS. */
export type Content = 0 | 1 | 2;
export const TEXT: Content = 0;
export const SCRIPT: Content = 1;
export const STYLE: Content = 2;

export type AttributeReader = (name: string) => string | null | undefined;

/** What an element says about itself, from its own tag and attributes. */
export interface OwnFacts {
  mark: Region;
  field: FieldKind;
  /** Text inside is an input value (textarea, select, datalist). */
  valueHost: boolean;
  /** contenteditable: 0 inherits, 1 editable, 2 explicitly not editable. */
  editable: 0 | 1 | 2;
  content: Content;
}

/** What a node inherits from its ancestors and itself. */
export interface Context {
  region: Region;
  /** Kind of the nearest enclosing form control (or of the editable region). */
  field: FieldKind;
  /** Text here is an input value rather than page text. */
  inValue: boolean;
  editable: boolean;
  content: Content;
}

export const ROOT_CONTEXT: Context = { region: RECORD, field: NOT_A_FIELD, inValue: false, editable: false, content: TEXT };

export const MODE_STRICT = 0;
export const MODE_BALANCED = 1;
export const MODE_RELAXED = 2;
export type ModeLevel = 0 | 1 | 2;

/** A mode's place in PRIVACY_MODES, most private first; anything unknown is strict. */
export function modeLevel(mode: PrivacyMode): ModeLevel {
  return Math.max(MODE_STRICT, PRIVACY_MODES.indexOf(mode)) as ModeLevel;
}

/**
 * The mode input values are decided by: the privacy mode's, or strict's (every
 * value masked) when form-input recording is switched off, by the page's
 * `recordInputs: false` or by the site's settings.
 */
export function valueModeOf(mode: ModeLevel, recordInputs: boolean): ModeLevel {
  return recordInputs ? mode : MODE_STRICT;
}

/** Elements that show images or moving pictures: blocked in strict mode. */
export const STRICT_MEDIA_TAGS = ['img', 'picture', 'video', 'audio', 'canvas', 'embed', 'object'];
const STRICT_MEDIA = new Set(STRICT_MEDIA_TAGS);

// Names, ids and autocomplete values that announce a secret. Short words must
// be whole words ("pin" but not "shipping"); long ones may hide inside others.
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pw',
  'pass',
  'passcode',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'otp',
  'totp',
  'hotp',
  'mfa',
  '2fa',
  'pin',
  'pincode',
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'csc',
  'cvn',
  'iban',
  'ssn',
  'ccn',
  'ccnum',
  'ccnumber',
  'cardnumber',
  'creditcard',
  'securitycode',
  'credential',
  'credentials',
  'privatekey',
  'bic',
  'swift',
]);
const SECRET_PAIRS: [string, string][] = [
  ['api', 'key'],
  ['card', 'number'],
  ['card', 'num'],
  ['card', 'no'],
  ['cc', 'number'],
  ['cc', 'num'],
  ['cc', 'no'],
  ['security', 'code'],
  ['credit', 'card'],
  ['social', 'security'],
  ['account', 'number'],
  ['routing', 'number'],
  ['tax', 'id'],
  ['private', 'key'],
  ['secret', 'key'],
  ['access', 'key'],
  ['verification', 'code'],
  ['one', 'time'],
  ['auth', 'code'],
  ['sort', 'code'],
  ['card', 'code'],
  ['card', 'cvc'],
  ['card', 'cvv'],
];
const SECRET_INSIDE = /password|passwd|passphrase|passcode|secret|token|apikey|cardnumber|creditcard|ccnumber|securitycode|cvv|iban/;

const PERSONAL_WORDS = new Set([
  'email',
  'mail',
  'phone',
  'tel',
  'telephone',
  'mobile',
  'birthday',
  'birthdate',
  'dob',
  'address',
  'street',
  'zip',
  'zipcode',
  'postcode',
  'postal',
  'surname',
  'firstname',
  'lastname',
  'fullname',
  'username',
]);
const PERSONAL_PAIRS: [string, string][] = [
  ['first', 'name'],
  ['last', 'name'],
  ['full', 'name'],
  ['given', 'name'],
  ['family', 'name'],
  ['user', 'name'],
  ['date', 'birth'],
];

function hasPair(parts: string[], pairs: [string, string][]): boolean {
  for (let i = 0; i + 1 < parts.length; i++) {
    for (const [a, b] of pairs) if (parts[i] === a && parts[i + 1] === b) return true;
  }
  // "date of birth": allow one word between
  for (let i = 0; i + 2 < parts.length; i++) {
    for (const [a, b] of pairs) if (parts[i] === a && parts[i + 2] === b) return true;
  }
  return false;
}

// Both layers ask about the same names and ids, and a page repeats them from
// form to form and in every fresh snapshot: each is worked out once.
const KNOWN_IDENTIFIERS = new Map<string, FieldKind>();
const KNOWN_IDENTIFIERS_LIMIT = 4096;

/** Kind of field an identifier (name, id) or a field's label text suggests, in any case and style. */
export function identifierKind(identifier: string | null | undefined): FieldKind {
  if (!identifier) return NOT_A_FIELD;
  let kind = KNOWN_IDENTIFIERS.get(identifier);
  if (kind === undefined) {
    if (KNOWN_IDENTIFIERS.size >= KNOWN_IDENTIFIERS_LIMIT) KNOWN_IDENTIFIERS.clear();
    KNOWN_IDENTIFIERS.set(identifier, (kind = wordsKind(words(identifier))));
  }
  return kind;
}

function wordsKind(parts: string[]): FieldKind {
  if (parts.some((w) => SECRET_WORDS.has(w)) || hasPair(parts, SECRET_PAIRS) || SECRET_INSIDE.test(parts.join(''))) {
    return SENSITIVE_FIELD;
  }
  if (parts.some((w) => PERSONAL_WORDS.has(w)) || hasPair(parts, PERSONAL_PAIRS)) return PERSONAL_FIELD;
  return NOT_A_FIELD;
}

const SENSITIVE_AUTOCOMPLETE = new Set(['current-password', 'new-password', 'one-time-code']);
const PERSONAL_AUTOCOMPLETE = new Set([
  'name',
  'honorific-prefix',
  'given-name',
  'additional-name',
  'family-name',
  'honorific-suffix',
  'nickname',
  'username',
  'street-address',
  'country',
  'country-name',
  'postal-code',
  'sex',
  'email',
  'impp',
  'organization-title',
]);

/** Kind of field an `autocomplete` value announces. */
export function autocompleteKind(value: string | null | undefined): FieldKind {
  if (!value) return NOT_A_FIELD;
  let kind: FieldKind = NOT_A_FIELD;
  for (const token of value.toLowerCase().split(/\s+/)) {
    if (!token) continue;
    if (token.startsWith('cc-') || SENSITIVE_AUTOCOMPLETE.has(token)) return SENSITIVE_FIELD;
    if (PERSONAL_AUTOCOMPLETE.has(token) || token.startsWith('address-') || token.startsWith('tel') || token.startsWith('bday')) {
      kind = PERSONAL_FIELD;
    }
  }
  return kind;
}

const SENSITIVE_INPUT_TYPES = new Set(['password', 'hidden', 'file']);
const PERSONAL_INPUT_TYPES = new Set(['email', 'tel']);

/**
 * What names a field to the page's code (name, id), then to the person
 * filling it in (placeholder, aria-label). Label text that asks for a password
 * or a card number says as much as a name does, but it often shows an example
 * instead ("Happy birthday!" in a gift message): there only a secret counts.
 */
const FIELD_NAMES = ['name', 'id', 'placeholder', 'aria-label'];

/**
 * Every attribute that can change how an element is classified, and which
 * elements it classifies:
 * - `region`: any element (its mark, its marker classes, whether it is editable);
 * - `field`: form controls only (FIELD_TAGS), and meta elements, whose content it names;
 * - `slot`: any element, through the live page only (which slot of a shadow host shows it).
 * The capture layer's selectors, the mark watcher's filter and the scrubber's
 * records are all made from this one table.
 */
const CLASSIFYING_TABLE: readonly { name: string; classifies: 'region' | 'field' | 'slot' }[] = [
  { name: MARK_ATTRIBUTE, classifies: 'region' },
  { name: 'class', classifies: 'region' },
  { name: 'contenteditable', classifies: 'region' },
  { name: 'type', classifies: 'field' },
  { name: 'autocomplete', classifies: 'field' },
  ...FIELD_NAMES.map((name) => ({ name, classifies: 'field' as const })),
  { name: 'slot', classifies: 'slot' },
];

const namesOf = (...kinds: string[]) => CLASSIFYING_TABLE.filter((a) => kinds.includes(a.classifies)).map((a) => a.name);

/** Every classifying attribute: a change to one of them can change how an element is classified. */
export const CLASSIFYING_ATTRIBUTES: readonly string[] = namesOf('region', 'field', 'slot');

/** The attributes that classify any element, form control or not. */
export const REGION_ATTRIBUTES: readonly string[] = namesOf('region');

/** The attributes that classify form controls and meta elements (ownFacts reads these of them). */
export const FIELD_ATTRIBUTES: readonly string[] = namesOf('region', 'field');

/** The classifying attributes that say nothing about elements other than form controls (and meta elements, for what their content is). */
export const FIELD_ONLY_ATTRIBUTES: ReadonlySet<string> = new Set(namesOf('field'));

/** The form controls: the only elements whose type, autocomplete and names classify them. */
export const FIELD_TAGS: ReadonlySet<string> = new Set(['input', 'textarea', 'select', 'button']);

/**
 * Matches every element that one of its region attributes may classify: an
 * element that matches none has its tag's facts (see tagFacts). The class
 * test is a pre-filter; classMark decides.
 */
export const REGION_MARKER_SELECTOR = REGION_ATTRIBUTES.map((name) =>
  name === 'class' ? `[class*="${MARK_CLASS_PREFIX}"]` : `[${name}]`,
).join(',');

/**
 * Matches the elements whose own marks block them: exactly those ownFacts
 * gives a block mark for their attribute or classes (readMark takes any word
 * "block", ASCII-case-insensitively, as `~= i` does).
 */
export const MARK_BLOCK_SELECTOR = `[${MARK_ATTRIBUTE}~="block" i], .${MARK_CLASSES.block}`;

/** The region a marker attribute value gives (readMark's rules: the strongest word, unknown words mask). */
export function parseMark(value: string): Region {
  return regionOf(readMark(value));
}

/**
 * Told which attribute gave an element its mark or its field kind, each time
 * one raises it: the explanation (explain/) listens, the recorder passes none.
 * `level` is a Region for 'mark', a FieldKind for 'field'.
 */
export type RuleWitness = (what: 'mark' | 'field', level: number, attribute: string, value: string) => void;

/**
 * The kind of value a form control holds, or NOT_A_FIELD for other elements.
 * `type=password`, `hidden` and `file`, `cc-*` and password autocomplete, and
 * a secret-looking name, id, placeholder or aria-label make a field sensitive;
 * a personal-looking name or id makes it personal.
 */
export function fieldKind(tag: string, attr: AttributeReader, witness?: RuleWitness): FieldKind {
  if (!FIELD_TAGS.has(tag)) return NOT_A_FIELD;
  let kind: FieldKind = PLAIN_FIELD;
  const raiseTo = (to: FieldKind, attribute: string, value: string) => {
    if (to <= kind) return;
    kind = to;
    witness?.('field', to, attribute, value);
  };
  if (tag === 'input') {
    const type = attr('type');
    const normal = (type ?? '').trim().toLowerCase();
    if (SENSITIVE_INPUT_TYPES.has(normal)) raiseTo(SENSITIVE_FIELD, 'type', type!);
    else if (PERSONAL_INPUT_TYPES.has(normal)) raiseTo(PERSONAL_FIELD, 'type', type!);
    if (kind === SENSITIVE_FIELD) return kind;
  }
  const autocomplete = attr('autocomplete');
  raiseTo(autocompleteKind(autocomplete), 'autocomplete', autocomplete!);
  for (let i = 0; i < FIELD_NAMES.length && kind !== SENSITIVE_FIELD; i++) {
    const value = attr(FIELD_NAMES[i]);
    const named = identifierKind(value);
    if (i < 2 || named === SENSITIVE_FIELD) raiseTo(named, FIELD_NAMES[i], value!);
  }
  return kind;
}

/** Facts an element states about itself. `tag` is lower case. */
export function ownFacts(tag: string, attr: AttributeReader, mode: ModeLevel, witness?: RuleWitness): OwnFacts {
  let mark: Region = RECORD;
  const veil = attr(MARK_ATTRIBUTE);
  if (veil != null) {
    mark = parseMark(veil);
    if (mark !== RECORD) witness?.('mark', mark, MARK_ATTRIBUTE, veil);
  }
  if (mark !== BLOCK) {
    const classes = attr('class');
    const fromClass = regionOf(classMark(classes));
    if (fromClass > mark) {
      mark = fromClass;
      witness?.('mark', mark, 'class', classes!);
    }
  }
  if (mode === MODE_STRICT && STRICT_MEDIA.has(tag) && mark !== BLOCK) {
    mark = BLOCK;
    witness?.('mark', mark, '', tag);
  }
  const ce = attr('contenteditable');
  let editable: 0 | 1 | 2 = 0;
  if (ce != null) editable = ce.trim().toLowerCase() === 'false' ? 2 : 1;
  return {
    mark,
    field: fieldKind(tag, attr, witness),
    valueHost: tag === 'textarea' || tag === 'select' || tag === 'datalist',
    editable,
    content: tag === 'script' ? SCRIPT : tag === 'style' ? STYLE : TEXT,
  };
}

// per mode: a tag's facts
const FACTS_BY_TAG = [new Map<string, OwnFacts>(), new Map<string, OwnFacts>(), new Map<string, OwnFacts>()];
const noAttribute = () => null;

/**
 * The facts of an element without any classifying attribute, which depend on
 * its tag alone (most elements): worked out once and shared, frozen so that
 * a caller that forgets to copy before a change fails loudly.
 */
export function tagFacts(tag: string, mode: ModeLevel): OwnFacts {
  let facts = FACTS_BY_TAG[mode].get(tag);
  if (!facts) FACTS_BY_TAG[mode].set(tag, (facts = Object.freeze(ownFacts(tag, noAttribute, mode))));
  return facts;
}

export function sameContext(a: Context, b: Context): boolean {
  return (
    a === b ||
    (a.region === b.region && a.field === b.field && a.inValue === b.inValue && a.editable === b.editable && a.content === b.content)
  );
}

/** The context of a node whose parent's context is `parent`. */
export function combine(parent: Context, own: OwnFacts): Context {
  const region = own.mark > parent.region ? own.mark : parent.region;
  const editable = own.editable === 0 ? parent.editable : own.editable === 1;
  const inValue = parent.inValue || own.valueHost || editable;
  let field = own.field !== NOT_A_FIELD ? own.field : parent.field;
  if (inValue && field === NOT_A_FIELD) field = PLAIN_FIELD;
  const content = own.content !== TEXT ? own.content : parent.content;
  if (
    region === parent.region &&
    field === parent.field &&
    inValue === parent.inValue &&
    editable === parent.editable &&
    content === parent.content
  ) {
    return parent;
  }
  return { region, field, inValue, editable, content };
}

/**
 * The protection a slot in a region gives the light-DOM children a shadow
 * host shows in it: they appear where the slot is, so a mask or block around
 * the slot reaches them although their DOM ancestors have none; an unmask
 * does not.
 */
export function slotProtection(slotRegion: Region): Region {
  return slotRegion >= MASK ? slotRegion : RECORD;
}

/** `ctx` with its region raised to `region`, never lowered. */
export function raise(ctx: Context, region: Region): Context {
  return region > ctx.region ? { ...ctx, region } : ctx;
}

/** Whether page text (and text-bearing attributes) in this region is masked. */
export function textMasked(region: Region, mode: ModeLevel): boolean {
  return region >= MASK || (mode === MODE_STRICT && region !== UNMASK);
}

/** Whether an input value of this kind in this region is masked. */
export function valueMasked(kind: FieldKind, region: Region, mode: ModeLevel): boolean {
  if (kind >= PERSONAL_FIELD || region >= MASK || mode === MODE_STRICT) return true;
  return mode === MODE_BALANCED && region !== UNMASK;
}

/** What a sensitive field shows instead of its value: a fixed placeholder, so not even its length is sent. */
export const SENSITIVE_PLACEHOLDER = '********';

/** The recordable form of an input value. */
export function scrubValue(value: string, kind: FieldKind, region: Region, mode: ModeLevel): string {
  if (!value) return value;
  if (kind === SENSITIVE_FIELD) return SENSITIVE_PLACEHOLDER;
  // spaces too: a value has no layout to keep, and word lengths say a lot about a name
  if (valueMasked(kind, region, mode)) return '*'.repeat(value.length);
  return maskPersonalValue(value);
}

/** Whether text in `ctx` is recorded as it is but for the personal data the detectors find in it. */
export function textScanned(ctx: Context, mode: ModeLevel): boolean {
  return ctx.region !== BLOCK && ctx.content === TEXT && !ctx.inValue && !textMasked(ctx.region, mode);
}

/** The recordable form of a text node's content in `ctx`; '' when nothing may be sent. */
export function scrubText(text: string, ctx: Context, mode: ModeLevel, valueMode: ModeLevel = mode): string {
  if (!text) return text;
  if (ctx.region === BLOCK || ctx.content === SCRIPT) return '';
  if (ctx.content === STYLE) return scrubCss(text, textMasked(ctx.region, mode));
  if (ctx.inValue) return scrubValue(text, ctx.field, ctx.region, valueMode);
  return textMasked(ctx.region, mode) ? maskChars(text) : maskPersonalData(text);
}

// Other attributes still get secret parameters and e-mail addresses removed
// by maskPersonalData; these also lose credentials in the authority.
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'poster',
  'cite',
  'background',
  'ping',
  'data',
  'xlink:href',
  'rr_src',
]);
const SRCSET_ATTRIBUTES = new Set(['srcset', 'imagesrcset']);
/** Text-bearing attributes besides data-* and aria-*, masked where text is. */
const TEXT_ATTRIBUTES = new Set([
  'title',
  'alt',
  'placeholder',
  'label',
  'summary',
  'abbr',
  'content',
  'download',
  'value',
  'standby',
  'prompt',
]);
/** Elements whose `value` attribute is an input value. */
const VALUE_TAGS = new Set(['input', 'textarea', 'select', 'option', 'button']);
/** Attributes never needed to replay a page and able to carry data. */
function droppedAttribute(name: string): boolean {
  return (
    (name.startsWith('on') && name.length > 2) || name === 'srcdoc' || name === 'rr_dataurl' || name === 'nonce' || name === 'integrity'
  );
}

/** Attributes whose values are ids of other elements or rrweb's own markers, not text. */
const REFERENCE_ATTRIBUTES = new Set([
  'aria-labelledby',
  'aria-describedby',
  'aria-controls',
  'aria-owns',
  'aria-activedescendant',
  'aria-details',
  'aria-errormessage',
  'aria-flowto',
  'data-rr-is-password',
]);
/** Meta tags that configure the page rather than describe it. */
const TECHNICAL_META = /^(viewport|theme-color|color-scheme|referrer|robots|googlebot|format-detection|generator)$/i;

const SECRET_META = /csrf|xsrf|token|secret|nonce|session|auth|password|signature|credential|(^|[^a-z])key([^a-z]|$)|api[-_]?key/i;

function metaIsSecret(attrs: Record<string, unknown>): boolean {
  for (const n of ['name', 'property', 'http-equiv', 'itemprop']) {
    const v = attrs[n];
    if (typeof v === 'string' && SECRET_META.test(v)) return true;
  }
  return false;
}

/**
 * Scrubs a serialized element's attributes in place. `ctx` is the element's
 * own context (its marks included); `kind` its own field kind.
 */
export function scrubAttributes(
  tag: string,
  attrs: Record<string, unknown>,
  ctx: Context,
  mode: ModeLevel,
  valueMode: ModeLevel = mode,
): void {
  const textHidden = textMasked(ctx.region, mode);
  const isValueTag = VALUE_TAGS.has(tag);
  // an <option> belongs to its <select>; anything else uses its own kind
  const kind = ctx.field;
  const hideValue = isValueTag && (kind === SENSITIVE_FIELD || valueMasked(kind, ctx.region, valueMode));
  for (const rawName in attrs) {
    const value = attrs[rawName];
    const name = rawName.toLowerCase();
    if (droppedAttribute(name)) {
      delete attrs[rawName];
      continue;
    }
    if (typeof value !== 'string') {
      // booleans and numbers: checked / selected reveal a choice in a masked control
      if (hideValue && (name === 'checked' || name === 'selected')) delete attrs[rawName];
      continue;
    }
    if (!value) continue;
    let out: string;
    if (URL_ATTRIBUTES.has(name)) out = scrubUrl(value);
    else if (SRCSET_ATTRIBUTES.has(name)) out = scrubSrcset(value);
    else if (name === 'style' || name === '_csstext') out = scrubCss(value, textHidden);
    else if (isValueTag && (name === 'value' || (tag === 'option' && name === 'label')))
      out = scrubValue(value, kind, ctx.region, valueMode);
    else if (tag === 'meta' && name === 'content' && metaIsSecret(attrs)) out = maskChars(value);
    else if (tag === 'meta' && name === 'content' && TECHNICAL_META.test(String(attrs.name ?? ''))) out = value;
    else if (
      name === MARK_ATTRIBUTE ||
      name === 'class' ||
      name === 'id' ||
      name === 'type' ||
      name === 'autocomplete' ||
      REFERENCE_ATTRIBUTES.has(name)
    )
      out = maskPersonalData(value);
    else if (textHidden && (TEXT_ATTRIBUTES.has(name) || name.startsWith('data-') || name.startsWith('aria-'))) out = maskChars(value);
    else out = maskPersonalData(value);
    if (out !== value) attrs[rawName] = out;
  }
}

/** What may remain of a blocked element: its size and classes, for an empty box of the same size. */
export function blockedAttributes(attrs: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of ['rr_width', 'rr_height']) if (attrs[name] !== undefined) kept[name] = attrs[name];
  if (typeof attrs.class === 'string') kept.class = maskPersonalData(attrs.class);
  return kept;
}
