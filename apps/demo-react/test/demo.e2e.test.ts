// End-to-end test of the React demo in Debian's Chromium: build it with Vite,
// serve the build with Vite's preview server, grant consent, type unique secrets
// into every sensitive, personal and marked field in each privacy mode, and check
// what reached the recorder's transport (window.__veilBatches) and what rrweb's
// player rebuilt from it in the replay panel.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '@veil/core/engine';
import { build, preview, type PreviewServer } from 'vite';
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

interface DemoWindow {
  __veilBatches: SentBatch[];
  __veilDemo: {
    mode: string;
    recorder: { state: string; sessionId: string | null };
    flush(): Promise<void>;
  };
}

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Ordinary page text, outside any marked region. */
const PRODUCT = 'Harbour Rain Jacket';
/** Text of the element marked with useUnmask(). */
const BASKET_TEXT = 'In your basket:';
/** Typed into the search box: an ordinary field, recorded in relaxed mode only. */
const SEARCH = 'waxed canvas';
/** A style rule the replay panel puts in the player's iframe: sent only if the (blocked) panel was recorded. */
const REPLAY_IFRAME_TRACE = 'veil-demo-replay-frame';

/** Typed by the visitor. Unique strings; none occurs anywhere on the page. */
const TYPED = {
  'full name (autocomplete=name)': 'Ottilie Fernsby-Quarrington',
  'e-mail (type=email)': 'ottilie.secret5519@example.net',
  'password, typed before "show"': 'PwBefore-Jx8qLr3',
  'password, typed after "show" (type=text now)': 'PwAfter-Nc6tWz1',
  'card number (cc-number)': '4111 1111 1111 1111',
  'expiry (cc-exp)': '08/32',
  'CVC (cc-csc)': '6183',
  'name on card (cc-name)': 'OTTILIE R FERNSBY',
  'street address (street-address)': '48 Marrowgate Row, Unit 12',
  'city (address-level2)': 'Bramblecombe',
  'postal code (postal-code)': 'ZK7 3QW',
  'phone (type=tel)': '+44 7700 900461',
  'delivery notes (useSensitive())': 'Gate code Xylo-5530 by the shed',
  'account note (inside <Sensitive>)': 'Note-Secret-Quillon-2291',
  'chat message (inside <NoRecord>)': 'Chat-Secret-Marlowe-6604',
} as const;

/** Already on the page, inside marked regions. */
const ON_PAGE = {
  'customer name (<Sensitive>)': 'Cordelia Ashdown-Pryce',
  'customer e-mail (<Sensitive>)': 'c.ashdown@example.org',
  'customer id, a data-* attribute (<Sensitive>)': 'CU-40917-KX',
  'order number (<Sensitive>)': 'VX-31877-KX',
  'support agent name (<NoRecord>)': 'Isolde',
  'backup code (useNoRecord())': '7Q4M-K2XP-91DZ',
} as const;

const SECRETS: Record<string, string> = { ...TYPED, ...ON_PAGE };

let outDir: string;
let server: PreviewServer;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  // turbo builds the packages this app depends on; the app itself is built here,
  // as a production build, into a directory of its own
  outDir = await mkdtemp(path.join(tmpdir(), 'veil-demo-react-'));
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: appDir, logLevel: 'error', build: { outDir, emptyOutDir: true, sourcemap: false } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  server = await preview({
    root: appDir,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  baseUrl = server.resolvedUrls?.local[0] ?? '';
  if (!baseUrl.startsWith('http://127.0.0.1:')) throw new Error(`unexpected preview URL ${baseUrl}`);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Opens the demo and waits until its recorder waits for consent. */
function openDemo(query = ''): Promise<OpenedDemo> {
  return openDemoPage(
    browser,
    new URL(query, baseUrl).href,
    () => (window as unknown as DemoWindow).__veilDemo?.recorder?.state === 'awaiting-consent',
  );
}

async function grantConsent(page: Page): Promise<void> {
  await page.getByRole('dialog', { name: 'May we record this visit?' }).getByRole('button', { name: 'Allow recording' }).click();
  await page.waitForFunction(() => (window as unknown as DemoWindow).__veilDemo.recorder.state === 'recording');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

/**
 * Types every secret into its field, the way a visitor would: key by key (so a
 * value leaked half-typed would show), or all at once where that is enough.
 */
async function fillEverything(page: Page, { keyByKey = true } = {}): Promise<void> {
  const type = (selector: string, text: string) =>
    keyByKey ? page.locator(selector).pressSequentially(text) : page.locator(selector).fill(text);
  await type('#full-name', TYPED['full name (autocomplete=name)']);
  await type('#email', TYPED['e-mail (type=email)']);
  // the password always key by key: "show" turns it into a plain text field
  await page.locator('#password').pressSequentially(TYPED['password, typed before "show"']);
  await page.click('#toggle-password');
  await page.locator('#password').press('End');
  if ((await page.getAttribute('#password', 'type')) !== 'text') throw new Error('"show" did not reveal the password');
  await page.locator('#password').pressSequentially(TYPED['password, typed after "show" (type=text now)']);
  await type('#card-number', TYPED['card number (cc-number)']);
  await type('#card-exp', TYPED['expiry (cc-exp)']);
  await type('#card-cvc', TYPED['CVC (cc-csc)']);
  await type('#card-name', TYPED['name on card (cc-name)']);
  await type('#street', TYPED['street address (street-address)']);
  await type('#city', TYPED['city (address-level2)']);
  await type('#postal-code', TYPED['postal code (postal-code)']);
  await page.selectOption('#country', 'IS');
  await type('#phone', TYPED['phone (type=tel)']);
  await type('#delivery-notes', TYPED['delivery notes (useSensitive())']);
  await type('#account-note', TYPED['account note (inside <Sensitive>)']);
  await type('#chat-input', TYPED['chat message (inside <NoRecord>)']);
  await page.press('#chat-input', 'Enter');
  // the greeting, ours, the agent's reply
  await page.waitForFunction(() => document.querySelectorAll('#chat-log .msg').length === 3);
  await page.click(`button.add[data-product="${PRODUCT}"]`);
  await type('#search', SEARCH);
}

describe.each(MODES)('the React demo in %s mode', (mode: Mode) => {
  let opened: OpenedDemo;
  let batches: SentBatch[];

  beforeAll(async () => {
    opened = await openDemo(`/?privacy=${mode}`);
    expect(await opened.page.evaluate(() => (window as unknown as DemoWindow).__veilDemo.mode)).toBe(mode);
    await grantConsent(opened.page);
    // key by key in relaxed mode, where ordinary input values are recorded and a
    // value leaked half-typed would show; strict and balanced mask every value
    await fillEverything(opened.page, { keyByKey: mode === 'relaxed' });
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

  it('sends one session of well-formed batches that starts with a full snapshot', () => {
    const events = batches.flatMap((batch) => batch.events);
    expect(events.filter((event) => event.type === EventType.FullSnapshot).length).toBeGreaterThanOrEqual(1);
    expect(new Set(batches.map((batch) => batch.sessionId)).size).toBe(1);
    expect(batches.map((batch) => batch.seq)).toEqual(batches.map((_, i) => i));
    expect(events.filter((event) => event.type === EventType.IncrementalSnapshot).length).toBeGreaterThan(10);
  });

  it('does not record the <NoRecord> replay panel or its replay iframe (no feedback loop)', () => {
    const json = JSON.stringify(batches);
    expect(json.includes(REPLAY_IFRAME_TRACE), 'the replay iframe was recorded').toBe(false);
    expect(json.includes(REPLAY_PANEL_TEXT), 'the replay panel was recorded').toBe(false);
  });

  it(`sends the page content that ${mode} mode records`, () => {
    const json = JSON.stringify(batches);
    const sent = (text: string) => json.includes(text);
    expect(sent(UNMASKED_TEXT), 'text in <Unmask> is recorded').toBe(true);
    expect(sent(BASKET_TEXT), 'text marked with useUnmask() is recorded').toBe(true);
    if (mode === 'strict') expect(sent(PRODUCT), `strict mode masks ordinary page text ("${PRODUCT}")`).toBe(false);
    else expect(sent(PRODUCT), `${mode} mode records ordinary page text ("${PRODUCT}")`).toBe(true);
    if (mode === 'relaxed') expect(sent(SEARCH), 'relaxed mode records ordinary input values').toBe(true);
    else expect(sent(SEARCH), `${mode} mode masks every input value (the search box)`).toBe(false);
  });

  it('rebuilds the page in the live replay panel from what was sent', async () => {
    const { page } = opened;
    const visible = mode === 'strict' ? UNMASKED_TEXT : PRODUCT;
    await expect.poll(async () => (await replayed(page))?.text ?? '', { timeout: 20_000 }).toContain(visible);
    if (mode === 'relaxed') {
      // the replay has caught up with the visitor once the search box shows the search
      await expect.poll(async () => (await replayed(page))?.search, { timeout: 20_000 }).toBe(SEARCH);
    }
    const replay = await replayed(page);
    expect(replay).not.toBeNull();
    expect(replay!.hasCardField).toBe(true);
    expect(replay!.hasPasswordField).toBe(true);
    if (mode === 'strict') expect(replay!.text.includes(PRODUCT), 'the strict replay shows no page text').toBe(false);
    expect(findLeaks({ html: replay!.html, values: replay!.values }, SECRETS)).toEqual([]);
    if (mode === 'relaxed') {
      await page.waitForTimeout(500); // let the replay settle for a tidy picture
      await page.screenshot({ path: '/tmp/demo-react.png' });
    }
  });

  it('runs without page errors or console errors', () => {
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });
});

describe('consent in the React demo', () => {
  it('records nothing before consent, nor after "No thanks", and starts when the visitor allows it later', async () => {
    const { context, page, pageErrors } = await openDemo('/?privacy=relaxed');
    try {
      await expect.poll(() => page.getByRole('dialog', { name: 'May we record this visit?' }).count()).toBe(1);
      await page.locator('#search').fill('before consent');
      expect(await sentBatches(page)).toEqual([]); // (sentBatches flushes first)

      await page.getByRole('button', { name: 'No thanks' }).click();
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
      await page.locator('#full-name').fill('after declining');
      expect(await sentBatches(page)).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as DemoWindow).__veilDemo.recorder.state)).toBe('awaiting-consent');

      await page.getByRole('button', { name: 'allow recording' }).click();
      await page.waitForFunction(() => (window as unknown as DemoWindow).__veilDemo.recorder.state === 'recording');
      const batches = await sentBatches(page);
      expect(batches.flatMap((batch) => batch.events).some((event) => event.type === EventType.FullSnapshot)).toBe(true);
      expect(JSON.stringify(batches)).toContain(PRODUCT);

      await page.getByRole('button', { name: 'withdraw consent' }).click();
      await page.waitForFunction(() => (window as unknown as DemoWindow).__veilDemo.recorder.state === 'awaiting-consent');
      const count = (await sentBatches(page)).length;
      await page.locator('#search').fill('after withdrawing');
      expect((await sentBatches(page)).length).toBe(count);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the privacy mode switch', () => {
  it('hands the provider a new recorder in the chosen mode, keeping consent and what was typed', async () => {
    const { context, page, pageErrors } = await openDemo('/');
    try {
      await grantConsent(page);
      await page.locator('#coupon').pressSequentially('SPRING10');
      const first = await page.evaluate(() => (window as unknown as DemoWindow).__veilDemo.recorder.sessionId);
      await page.click('.modes label:has(input[value="relaxed"])');
      await page.waitForFunction(() => {
        const d = (window as unknown as DemoWindow).__veilDemo;
        return d.mode === 'relaxed' && d.recorder.state === 'recording';
      });
      expect(new URL(page.url()).searchParams.get('privacy')).toBe('relaxed');
      expect(await page.getByRole('dialog').count(), 'consent is not asked again').toBe(0);
      expect(await page.inputValue('#coupon'), 'the page was not remounted').toBe('SPRING10');

      await fillEverything(page, { keyByKey: false });
      const batches = await sentBatches(page);
      const sessions = sessionsIn(batches);
      expect(sessions).toHaveLength(2);
      expect(sessions[0][0].sessionId).toBe(first);
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
      await grantConsent(page);
      const fields = await ordinaryFields(page);
      expect(fields, 'the fields whose values relaxed mode records as typed').toEqual(['#search', '#coupon']);
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
      await grantConsent(page);
      const run = await runXraySwitch(page, { hover: '#card-number', screenshots: path.join(appDir, 'docs') });
      expect(run.on).not.toBeNull();
      // relaxed: password and card fields never recorded, personal fields masked, search and coupon recorded
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
});

describe('the privacy report', () => {
  it('lists every form field of the demo with what relaxed mode does to it', async () => {
    const { context, page } = await openDemo('/?privacy=relaxed');
    try {
      const report = await privacyReport(page, { privacy: 'relaxed' });
      // a new field shows up here, in review, with its outcome
      expect(report.map((row) => `${row.field} (${row.label}): ${row.outcome}`)).toEqual([
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
        'input#coupon (Coupon): recorded',
        'textarea#street (Street address): masked',
        'input#city (City): masked',
        'input#postal-code (Postal code): masked',
        'select#country (Country): masked',
        'input#phone (Phone): masked',
        'textarea#delivery-notes (Delivery notes useSensitive()): masked',
        'input#account-note (Note to our team): masked',
        'input#chat-input (Message): blocked',
      ]);
    } finally {
      await context.close();
    }
  });
});
