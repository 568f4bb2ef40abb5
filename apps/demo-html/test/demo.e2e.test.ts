// End-to-end test of the plain-HTML demo in Debian's Chromium: type secrets
// into every sensitive, personal and marked field, in every privacy mode, and
// check what reached the recorder's transport (window.__veilBatches) and what
// rrweb's player rebuilt from it in the replay panel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '@veil/core/engine';
import type { Browser, Page } from 'playwright-core';
import {
  MODES,
  REPLAY_PANEL_TEXT,
  UNMASKED_TEXT,
  launchChromium,
  openDemo as openDemoPage,
  ordinaryFields,
  personalDataPrefixesSeen,
  replayed,
  sentBatches,
  sessionsIn,
  type Mode,
  type OpenedDemo,
  type SentBatch,
  XRAY_OVERLAY_TEXT,
  recordingOf,
  runXraySwitch,
} from '@veil/test-support';
import { expectNoLeak, findLeaks, privacyReport } from '@veil/testing';
import { startServer } from '../server.mjs';

declare global {
  interface Window {
    __veilBatches: SentBatch[];
    __veilDemo: {
      readonly mode: string;
      readonly recorder: { readonly state: string; readonly sessionId: string | null } | null;
      flush(): Promise<void>;
    };
  }
}

/** Ordinary page text, outside any marked region. */
const PRODUCT = 'Linen Overshirt';
/** Typed into the search box: an ordinary field, recorded in relaxed mode only. */
const SEARCH = 'chunky wool scarf';
/** A style rule demo.js has the player inject into the replay iframe: sent only if the (blocked) replay panel was recorded. */
const REPLAY_IFRAME_TRACE = 'veil-demo-replay-frame';

/** Typed by the visitor. Unique strings; none occurs anywhere on the page. */
const TYPED = {
  'full name (autocomplete=name)': 'Ottoline Brackenridge-Vasquez',
  'e-mail (type=email)': 'ottoline.secret7731@example.net',
  'password, typed before "show"': 'PwBefore-Zq7xKd2',
  'password, typed after "show" (type=text now)': 'PwAfter-Mv4rLt9',
  'card number (cc-number)': '4242 4242 4242 4242',
  'expiry (cc-exp)': '09/31',
  'CVC (cc-csc)': '7294',
  'name on card (cc-name)': 'OTTOLINE Q HALLORAN',
  'street address (street-address)': '221 Quillfeather Lane, Flat 9',
  'postal code (postal-code)': 'QX9 4ZT',
  'chat message (data-veil="block")': 'Chat-Secret-Halcyon-8812',
} as const;

/** Already on the page, inside marked regions. */
const ON_PAGE = {
  'customer name (data-veil="mask")': 'Margarethe Quellbrunn',
  'customer e-mail (data-veil="mask")': 'm.quellbrunn@example.org',
  'customer id, a data-* attribute (data-veil="mask")': 'CU-88421-QB',
  'order number (data-veil="mask")': 'VX-58213-QB',
  'support agent name (data-veil="block")': 'Wrenna',
} as const;

const SECRETS: Record<string, string> = { ...TYPED, ...ON_PAGE };

let server: { url: string; close: () => Promise<void> };
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the demo and waits until it records (the plain-HTML demo asks no consent). */
function openDemo(query = ''): Promise<OpenedDemo> {
  return openDemoPage(browser, new URL(query, server.url).href, () => window.__veilDemo?.recorder?.state === 'recording', {
    timeout: 15_000,
  });
}

/** Types every secret into its field, the way a visitor would (key by key). */
async function fillEverything(page: Page): Promise<void> {
  const type = (selector: string, text: string) => page.locator(selector).pressSequentially(text);
  await type('#full-name', TYPED['full name (autocomplete=name)']);
  await type('#email', TYPED['e-mail (type=email)']);
  await type('#password', TYPED['password, typed before "show"']);
  await page.click('#toggle-password');
  await page.locator('#password').press('End'); // carry on typing after what is there
  if ((await page.getAttribute('#password', 'type')) !== 'text') throw new Error('"show" did not reveal the password');
  await type('#password', TYPED['password, typed after "show" (type=text now)']);
  await type('#card-number', TYPED['card number (cc-number)']);
  await type('#card-exp', TYPED['expiry (cc-exp)']);
  await type('#card-cvc', TYPED['CVC (cc-csc)']);
  await type('#card-name', TYPED['name on card (cc-name)']);
  await type('#street', TYPED['street address (street-address)']);
  await type('#postal-code', TYPED['postal code (postal-code)']);
  await page.selectOption('#country', 'IS');
  await type('#chat-input', TYPED['chat message (data-veil="block")']);
  await page.press('#chat-input', 'Enter');
  // greeting, ours, the agent's reply
  await page.waitForFunction(() => document.querySelectorAll('#chat-log .msg').length === 3);
  await page.click('button.add[data-product="Linen Overshirt"]');
  await type('#search', SEARCH);
}

describe.each(MODES)('the demo in %s mode', (mode: Mode) => {
  let opened: OpenedDemo;
  let batches: SentBatch[];

  beforeAll(async () => {
    opened = await openDemo(`/?privacy=${mode}`);
    const started = await opened.page.evaluate(() => window.__veilDemo.mode);
    if (started !== mode) throw new Error(`the demo started in ${started} mode, not ${mode}`);
    await fillEverything(opened.page);
    batches = await sentBatches(opened.page);
  });

  afterAll(async () => {
    await opened?.context.close();
  });

  it('sends none of the secrets typed into sensitive, personal and marked fields, or shown in marked regions', async () => {
    expect(batches.length).toBeGreaterThan(0);
    // raw, squashed, encoded, and in the text the replay shows (a value split across elements whole)
    await expectNoLeak(recordingOf(batches), SECRETS);
  });

  it('sends well-formed batches that start with a full snapshot', () => {
    const events = batches.flatMap((batch) => batch.events);
    expect(events.some((event) => event.type === EventType.FullSnapshot)).toBe(true);
    const sessions = new Set(batches.map((batch) => batch.sessionId));
    expect(sessions.size).toBe(1);
    expect(batches.map((batch) => batch.v)).toEqual(batches.map(() => 1));
    expect(batches.map((batch) => batch.seq)).toEqual(batches.map((_, i) => i));
    // incremental events were recorded (typing, clicks), not just the snapshot
    expect(events.filter((event) => event.type === EventType.IncrementalSnapshot).length).toBeGreaterThan(10);
  });

  it('does not record the blocked replay panel or its replay iframe (no feedback loop)', () => {
    const json = JSON.stringify(batches);
    expect(json.includes(REPLAY_IFRAME_TRACE), 'the replay iframe was recorded').toBe(false);
    expect(json.includes(REPLAY_PANEL_TEXT), 'the replay panel was recorded').toBe(false);
  });

  it(`sends the page content that ${mode} mode records`, () => {
    const json = JSON.stringify(batches);
    const sent = (text: string) => json.includes(text);
    if (mode === 'strict') {
      expect(sent(PRODUCT), `strict mode masks ordinary page text ("${PRODUCT}")`).toBe(false);
      expect(sent(UNMASKED_TEXT), 'strict mode records text in data-veil="unmask"').toBe(true);
    } else {
      expect(sent(PRODUCT), `${mode} mode records ordinary page text ("${PRODUCT}")`).toBe(true);
      expect(sent(UNMASKED_TEXT), `${mode} mode records text in data-veil="unmask"`).toBe(true);
    }
    if (mode === 'relaxed') expect(sent(SEARCH), 'relaxed mode records ordinary input values').toBe(true);
    else expect(sent(SEARCH), `${mode} mode masks every input value (the search box)`).toBe(false);
  });

  it('rebuilds the page in the live replay panel from what was sent', async () => {
    const { page } = opened;
    const visible = mode === 'strict' ? UNMASKED_TEXT : PRODUCT;
    await expect.poll(async () => (await replayed(page))?.text ?? '', { timeout: 20_000 }).toContain(visible);
    if (mode === 'relaxed') {
      // the replay has caught up with the visitor's typing once the search box shows the search
      await expect.poll(async () => (await replayed(page))?.search, { timeout: 30_000 }).toBe(SEARCH);
    }
    const replay = await replayed(page);
    expect(replay).not.toBeNull();
    expect(replay!.hasCardField).toBe(true);
    expect(replay!.hasPasswordField).toBe(true);
    if (mode === 'strict') expect(replay!.text.includes(PRODUCT), 'strict replay shows no page text').toBe(false);
    expect(findLeaks({ html: replay!.html, values: replay!.values }, SECRETS)).toEqual([]);
    if (mode === 'relaxed') {
      await page.waitForTimeout(1000); // let the replay settle (scrolling) for a tidy picture
      await page.screenshot({ path: '/tmp/demo-html.png' });
    }
  });

  it('runs without page errors or console errors', () => {
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });
});

describe('the privacy mode switch', () => {
  it('stops the recorder and starts a new session in the chosen mode', async () => {
    const { context, page, pageErrors } = await openDemo('/');
    try {
      expect(await page.evaluate(() => window.__veilDemo.mode)).toBe('strict');
      const first = await page.evaluate(() => window.__veilDemo.recorder!.sessionId);
      await page.click('.modes label:has(input[value="relaxed"])');
      await page.waitForFunction(() => window.__veilDemo.mode === 'relaxed' && window.__veilDemo.recorder?.state === 'recording');
      expect(new URL(page.url()).searchParams.get('privacy')).toBe('relaxed');
      await fillEverything(page);
      const batches = await sentBatches(page);

      const sessions = sessionsIn(batches);
      expect(sessions.length).toBe(2);
      if (first) expect(sessions[0][0].sessionId).toBe(first);
      const [strictPart, relaxedPart] = sessions;
      for (const part of [strictPart, relaxedPart]) {
        expect(part.map((batch) => batch.seq)).toEqual(part.map((_, i) => i));
        expect(part.flatMap((batch) => batch.events).some((event) => event.type === EventType.FullSnapshot)).toBe(true);
      }
      expect(JSON.stringify(strictPart).includes(PRODUCT), 'the strict session masks page text').toBe(false);
      expect(JSON.stringify(relaxedPart).includes(PRODUCT), 'the relaxed session records page text').toBe(true);
      await expectNoLeak(recordingOf(batches), SECRETS);

      await expect.poll(async () => (await replayed(page))?.text ?? '', { timeout: 20_000 }).toContain(PRODUCT);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('personal data typed key by key into the ordinary fields, in relaxed mode', () => {
  it('sends no start of an e-mail address, card number or IBAN, and the replay shows none', async () => {
    const { context, page, pageErrors } = await openDemo('/?privacy=relaxed');
    try {
      const fields = await ordinaryFields(page);
      expect(fields, 'the fields whose values relaxed mode records as typed').toEqual(['#search']);
      expect(await personalDataPrefixesSeen(page, fields)).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the X-ray switch', () => {
  it('shows the overlay with counts and its own mode switch, hides it again, and adds nothing to the recording', async () => {
    const { context, page, pageErrors, consoleErrors } = await openDemo('/?privacy=relaxed');
    try {
      const screenshots = new URL('../docs', import.meta.url).pathname;
      const run = await runXraySwitch(page, { hover: '#card-number', screenshots });
      expect(run.on).not.toBeNull();
      // relaxed: password and card fields never recorded, personal fields masked, ordinary ones recorded
      expect(run.on!.counts['never recorded'].fields).toBeGreaterThanOrEqual(4);
      expect(run.on!.counts.masked.fields).toBeGreaterThanOrEqual(5);
      expect(run.on!.counts.recorded.fields).toBeGreaterThanOrEqual(2);
      expect(run.on!.counts.blocked.all).toBeGreaterThanOrEqual(2);
      // the overlay's own mode switch: strict records no field value, relaxed the ordinary ones
      expect(run.modes.strict!.counts.recorded.fields).toBe(0);
      expect(run.modes.relaxed!.counts).toEqual(run.on!.counts);
      expect(run.off).toBeNull();
      await expectNoLeak(recordingOf(await sentBatches(page)), XRAY_OVERLAY_TEXT);
      expect(pageErrors).toEqual([]);
      expect(consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens for ?veil-xray, since this page opted in on its Veil script tag', async () => {
    const { context, page } = await openDemo('/?privacy=relaxed&veil-xray');
    try {
      await expect.poll(() => page.evaluate(() => document.querySelectorAll('veil-xray[data-veil="block"]').length)).toBe(1);
    } finally {
      await context.close();
    }
  });
});

describe('the privacy report', () => {
  it('lists every form field of the demo with what relaxed mode does to it', async () => {
    const { context, page } = await openDemo('/?privacy=relaxed');
    try {
      const report = await privacyReport(page, { privacy: 'relaxed' });
      // The replay panel's iframe holds the player's copy of the page, as far as
      // it has replayed: whatever is in it, all of it is blocked.
      const inReplay = report.filter((row) => row.field.startsWith('iframe > '));
      expect(inReplay.filter((row) => row.outcome !== 'blocked')).toEqual([]);
      // a new field of the page shows up here, in review, with its outcome
      expect(report.filter((row) => !inReplay.includes(row)).map((row) => `${row.field} (${row.label}): ${row.outcome}`)).toEqual([
        'input[name="privacy"] (strict): recorded',
        'input[name="privacy"] (balanced): recorded',
        'input[name="privacy"] (relaxed): recorded',
        'input#xray-switch (X-ray: show what is recorded): recorded',
        'input#search (Search the shop): recorded',
        'input#full-name (Full name): masked',
        'input#email (E-mail): masked',
        'input#password (Password): never recorded',
        'input#card-number (Card number): never recorded',
        'input#card-exp (Expiry): never recorded',
        'input#card-cvc (CVC): never recorded',
        'input#card-name (Name on card): never recorded',
        'textarea#street (Street address): masked',
        'input#postal-code (Postal code): masked',
        'select#country (Country): masked',
        'input#chat-input (Message): blocked',
      ]);
    } finally {
      await context.close();
    }
  });
});
