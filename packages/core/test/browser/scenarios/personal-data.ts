// Personal data that the detectors must find where ordinary pages put it:
// split across elements and text nodes, written with other separators, in
// phone links, credentials in page text, and detectors that must not undo
// each other. Every value is also searched on the replayed page, where the
// pieces of a split value stand side by side again.
import type { Page } from 'playwright-core';
import { CARDS, IBANS, NEAR_MISSES } from '../fixtures';
import { recordedValues, typeInto, type Scenario } from '../harness';
import { EventType } from '../../../src/engine/protocol';

// each step is serialized into the page with its one argument
const run =
  <A>(fn: (arg: A) => void, arg: A) =>
  (page: Page) =>
    page.evaluate(fn as (arg: unknown) => void, arg as unknown);
const groups = (value: string) => value.split(' ');

// ---------------------------------------------------------------------------
// One value, several nodes

const acrossNodes: Scenario[] = [
  {
    name: 'masks a card number shown one group per <span>, and an IBAN the same way',
    html: `<p>Card <span>${groups(CARDS.spansOneGroupEach).join('</span> <span>')}</span> on file</p>
      <p>Account <span class="g">${groups(IBANS.spans).join('</span>&nbsp;<span class="g">')}</span></p>`,
    canaries: [CARDS.spansOneGroupEach, IBANS.spans],
    mustRecord: { balanced: ['Card ', ' on file'], relaxed: ['Card ', ' on file'] },
  },
  {
    name: 'masks a card number split across nested inline elements (<b><span>, <i>, <a>)',
    html: `<div>Paid with <b><span>${CARDS.nestedInline.slice(0, 9)}</span></b><i> ${CARDS.nestedInline.slice(10, 14)}</i> <a href="#c">${CARDS.nestedInline.slice(15)}</a>.</div>`,
    canaries: [CARDS.nestedInline],
  },
  {
    // what a framework's text interpolation leaves: one text node per expression
    name: 'masks a card number, an IBAN and an e-mail address held in adjacent text nodes',
    html: `<p id="card">Card: </p><p id="iban"></p><p id="mail">Write to </p>`,
    before: run(
      ({ card, iban }) => {
        const put = (id: string, pieces: string[]) => document.getElementById(id)!.append(...pieces.map((p) => document.createTextNode(p)));
        put('card', card.split(/(?= )/));
        put('iban', [iban.slice(0, 4), iban.slice(4, 14), iban.slice(14)]);
        put('mail', ['vx.splitmail7', '@', 'vx-split-inbox.org', ' today']);
      },
      { card: CARDS.textNodes, iban: IBANS.textNodes },
    ),
    canaries: [CARDS.textNodes, IBANS.textNodes, 'vx.splitmail7@vx-split-inbox.org'],
    mustRecord: { balanced: ['Write to '], relaxed: ['Write to '] },
  },
  {
    name: 'masks the pieces already recorded, as text changes, when a piece added later completes a card number',
    html: `<p id="late">Card <span>${CARDS.pieceAddedLater.slice(0, 9)}</span></p>`,
    steps: run((rest) => {
      const span = document.createElement('span');
      span.textContent = ` ${rest}`;
      document.getElementById('late')!.appendChild(span);
    }, CARDS.pieceAddedLater.slice(10)),
    canaries: [CARDS.pieceAddedLater],
    settle: 500,
    check(rec, mode, expect) {
      if (mode === 'strict') return;
      // the first piece went out in clear while it was nothing; the replay must not keep showing it
      expect(rec.replayed).not.toContain(CARDS.pieceAddedLater.slice(0, 9));
      expect(rec.events.filter((e) => e.type === EventType.FullSnapshot).length, 'no fresh snapshot needed').toBe(1);
    },
  },
  {
    name: 'masks pieces changed later into the groups of a card number, by text and by a text node of their own',
    html: `<p>Ref <span id="a">0000 0000</span> <span id="b">0000 0000</span></p><p id="c">Total </p>`,
    steps: run((card) => {
      (document.getElementById('a')!.firstChild as Text).data = card.slice(0, 9);
      document.getElementById('b')!.textContent = card.slice(10);
    }, CARDS.piecesChangedLater),
    canaries: [CARDS.piecesChangedLater],
    settle: 500,
  },
  {
    name: 'masks a credential split across inline elements',
    html: `<p>Key: <code>sk_live_</code><code>VxSplitKey51Hc3f0aKq8</code></p>
      <p>Token <span>eyJhbGciOiJIUzI1NiJ9</span>.<span>eyJzdWIiOiJ2eFNwbGl0In0</span>.<span>VxSig4Kq9LmN2</span></p>`,
    canaries: ['sk_live_VxSplitKey51Hc3f0aKq8', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2eFNwbGl0In0.VxSig4Kq9LmN2'],
  },
  {
    // no digit, no '@': only the credential's start says anything, and in the
    // text of the whole block it follows a word ("Total") with no boundary
    name: 'masks a credential without digits split across inline elements, right after the text of a block',
    html: `<div><p>Total</p><span>eyJVxNoDigitsHd</span><span>.VxPayloadAbcQ.VxSigTailWz</span></div>`,
    canaries: ['eyJVxNoDigitsHd.VxPayloadAbcQ.VxSigTailWz'],
    mustRecord: { balanced: ['Total'], relaxed: ['Total'] },
  },
];

// ---------------------------------------------------------------------------
// Separators

const separators: Scenario[] = [
  {
    name: 'masks card numbers whose groups are joined by dots, slashes, underscores, bullets or zero-width spaces',
    html: `<p>Card ${CARDS.dots.replace(/ /g, '.')} on file</p><p>Card ${CARDS.slashes.replace(/ /g, ' / ')}</p>
      <p>Card ${CARDS.zeroWidth.replace(/ /g, '&#x200b;')}</p><p>Card ${CARDS.bullets.replace(/ /g, '&bull;')}</p>
      <p title="card ${CARDS.underscores.replace(/ /g, '_')}">t</p>`,
    canaries: [CARDS.dots, CARDS.slashes, CARDS.zeroWidth, CARDS.bullets, CARDS.underscores],
  },
  {
    name: 'masks an IBAN grouped with dashes',
    html: `<p>Refund to ${IBANS.dashes.replace(/ /g, '-')}</p>`,
    canaries: [IBANS.dashes],
  },
  {
    name: 'masks a card number typed with dots, keystroke by keystroke',
    html: `<label>Note <input id="note" type="text" name="note"></label>`,
    steps: typeInto('#note', CARDS.typedWithDots.replace(/ /g, '.')),
    canaries: [CARDS.typedWithDots],
  },
];

// ---------------------------------------------------------------------------
// Phone links

const phoneLinks: Scenario[] = [
  {
    name: 'masks the number of tel:, sms: and callto: links, present and set later, keeping the link text',
    html: `<p><a href="tel:+420601987345">Call us</a> <a href="sms:+420 602 876 543?body=hi">Text us</a>
      <a href="callto:+44-20-7946-0123">Skype</a> <a id="later" href="#">Later</a></p>`,
    steps: run(() => document.getElementById('later')!.setAttribute('href', 'tel:+420603765432'), null),
    canaries: ['+420601987345', '+420 602 876 543', '+44-20-7946-0123', '+420603765432'],
    mustRecord: { balanced: ['Call us', 'Text us'], relaxed: ['Call us', 'Text us'] },
  },
];

// ---------------------------------------------------------------------------
// Credentials

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ2eC1jYW5hcnktand0In0.Vx7kQ2mN9pL4sR8tW1yZ3bC6dF0gH5jK';

const credentials: Scenario[] = [
  {
    name: 'masks a JWT, a bearer token and API keys with well-known prefixes in page text',
    html: `<pre>Authorization: Bearer VxBearer9Kq2Lm7Np4Rs1</pre><p>Session ${JWT}</p>
      <ul><li>sk_live_VxStripe4Hc9fKq8vZt2</li><li>ghp_VxGithub7a2B3c4D5e6F7g8H9i0J1k2L</li>
      <li>xoxb-123456789012-VxSlack5abcdef</li><li>AKIAVXAWS7EXAMPLE2Q4</li></ul>`,
    canaries: [
      'VxBearer9Kq2Lm7Np4Rs1',
      JWT,
      'sk_live_VxStripe4Hc9fKq8vZt2',
      'ghp_VxGithub7a2B3c4D5e6F7g8H9i0J1k2L',
      'xoxb-123456789012-VxSlack5abcdef',
      'AKIAVXAWS7EXAMPLE2Q4',
    ],
    mustRecord: { balanced: ['Authorization: Bearer '], relaxed: ['Authorization: Bearer '] },
  },
  {
    name: 'masks the body of a PEM private key shown on the page',
    html: `<pre>-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCVxPem7Kq
BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjVxPem2Lm
-----END PRIVATE KEY-----</pre>`,
    canaries: ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCVxPem7Kq', 'BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjVxPem2Lm'],
  },
  {
    name: 'masks credentials in attributes and in a link URL, present and set later',
    html: `<span id="k" title="key sk_test_VxTitleKey8Lm2Np4" data-token="${JWT.replace('Vx7', 'Vx8')}">k</span>
      <a id="l" href="/api?q=glpat-VxGitlab4Kq9Lm2Np7Rs">api</a>`,
    steps: run(() => document.getElementById('k')!.setAttribute('data-late', 'npm_VxNpmLate2Kq9Lm7Np4Rs1Tu8Vw3Xy6'), null),
    canaries: ['sk_test_VxTitleKey8Lm2Np4', JWT.replace('Vx7', 'Vx8'), 'glpat-VxGitlab4Kq9Lm2Np7Rs', 'npm_VxNpmLate2Kq9Lm7Np4Rs1Tu8Vw3Xy6'],
  },
  {
    name: 'masks an API key pasted and typed into an ordinary field',
    html: `<label>Search <input id="q" type="search" name="q"></label>`,
    steps: typeInto('#q', 'sk_live_VxTyped3Kq9Lm2Np7'),
    canaries: ['sk_live_VxTyped3Kq9Lm2Np7'],
  },
];

// ---------------------------------------------------------------------------
// Detectors together, and what must stay readable

const together: Scenario[] = [
  {
    name: 'masks the whole of an IBAN four of whose digit groups make a valid card number',
    html: `<p>Refund to ${IBANS.holdsCardNumber} today</p><p>Also <span>${IBANS.holdsCardNumber.replace(/ /g, '</span> <span>')}</span></p>`,
    canaries: [IBANS.holdsCardNumber],
    mustRecord: { balanced: [' today'], relaxed: [' today'] },
  },
];

const readable: Scenario[] = [
  {
    name: 'keeps prices in spans, dates, versions, order numbers that fail the Luhn check and phone numbers that are not links',
    html: `<ul><li><span>Widget</span> <span>19.99</span> <span>29.99</span> <span>39.99</span> <span>49.99</span></li>
      <li>Shipped 2026.11.29, v10.15.7</li>
      <li>Order <span>${NEAR_MISSES.orderNumberSpans.replace(/ /g, '</span> <span>')}</span></li>
      <li>Call +420 601 123 456</li><li>Bearer authentication is explained below.</li></ul>`,
    mustRecord: {
      balanced: [
        '19.99',
        '49.99',
        'Shipped 2026.11.29, v10.15.7',
        '5094',
        'Call +420 601 123 456',
        'Bearer authentication is explained below.',
      ],
      relaxed: [
        '19.99',
        '49.99',
        'Shipped 2026.11.29, v10.15.7',
        '5094',
        'Call +420 601 123 456',
        'Bearer authentication is explained below.',
      ],
    },
    check(rec, mode, expect) {
      if (mode === 'strict') return;
      expect(rec.replayed.replace(/\s/g, ''), 'the order number reads whole on the replayed page').toContain(
        NEAR_MISSES.orderNumberSpans.replace(/\s/g, ''),
      );
    },
  },
];

// ---------------------------------------------------------------------------
// Typed values: recorded when typing settles

const TYPED_MAIL = 'vx.typed.mail@vx-typed.example.org';

const typed: Scenario[] = [
  {
    name: 'sends no prefix of an address, a card number or an IBAN typed key by key into an ordinary field, only settled values',
    html: `<label>Search <input id="q" type="search" name="q"></label><label>Note <textarea id="n" name="note"></textarea></label>`,
    steps: async (page) => {
      await typeInto('#q', `mail ${TYPED_MAIL}`)(page);
      await typeInto('#n', `card ${CARDS.typedSettled} and ${IBANS.typedSettled}`)(page);
      await page.keyboard.press('Tab');
      // a pause settles a value: what was typed before it goes out by itself
      await page.click('#q');
      await page.keyboard.press('End');
      await page.keyboard.type(' then more');
      await page.waitForTimeout(1500);
    },
    canaries: [TYPED_MAIL, CARDS.typedSettled, IBANS.typedSettled],
    mustNotRecord: { relaxed: ['vx.typed.mail', 'vx-typed'] },
    settle: 100,
    check(rec, mode, expect) {
      const search = recordedValues(rec.events, 'q');
      const note = recordedValues(rec.events, 'n');
      // one value when the field was left, one after the pause: never one per key
      expect(search.length, `search values: ${search.join(' | ')}`).toBeLessThanOrEqual(2);
      expect(note.length, `note values: ${note.join(' | ')}`).toBe(1);
      for (const value of [...search, ...note]) expect(value.replace(/\D/g, '').length, value).toBeLessThanOrEqual(6);
      if (mode === 'relaxed') {
        expect(search[0]).toMatch(/^mail \*+$/);
        expect(note[0]).toMatch(/^card [*\s]+ and [*\s]+$/);
        expect(search[search.length - 1]).toContain(' then more');
      }
    },
  },
];

export const personalDataScenarios = { acrossNodes, separators, phoneLinks, credentials, together, readable, typed };
