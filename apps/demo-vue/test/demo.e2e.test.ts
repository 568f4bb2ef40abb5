// End-to-end test of the Vue demo in Debian's Chromium: build it with vite,
// serve the build, consent, type secrets into every sensitive, personal and
// marked field in every privacy mode, and check what reached the recorder's
// transport (window.__veilBatches) and what rrweb's player rebuilt from it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    readonly mode: string;
    readonly recorder: { readonly state: string; readonly sessionId: string | null };
    flush(): Promise<void>;
  };
}

/** Ordinary page text, outside any marked region. */
const PRODUCT = 'Harbour Rain Shell';
/** Typed into the search box: an ordinary field, recorded in relaxed mode only. */
const SEARCH = 'speckled enamel mug';
/** A style rule the replay panel has the player inject into its iframe. */
const REPLAY_IFRAME_TRACE = 'veil-vue-replay-frame';

/** Typed by the visitor; none occurs anywhere on the page. */
const TYPED = {
  'full name (autocomplete=name)': 'Ottilie Fairweather-Quince',
  'e-mail (type=email)': 'ottilie.q8815@example.net',
  'password, typed before "show"': 'PwBefore-Hx7qVn3',
  'password, typed after "show" (type=text now)': 'PwAfter-Ty5mRw8',
  'card number (cc-number)': '4242 4242 4242 4242',
  'expiry (cc-exp)': '08/32',
  'CVC (cc-csc)': '6183',
  'name on card (cc-name)': 'OTTILIE M FAIRWEATHER',
  'street address (street-address)': '17 Larkspur Quay, Apt 4',
  'postal code (postal-code)': 'ZX7 9QP',
  'city (address-level2)': 'Kittiwake Sands',
  'phone (type=tel)': '+44 7700 900481',
  'bio (v-sensitive="bioPrivate", on)': 'Bio-Secret-Marram-6604',
  'chat message (v-no-record)': 'Chat-Secret-Gannet-2291',
} as const;

/** Already on the page, inside marked regions. */
const ON_PAGE = {
  'customer name (v-sensitive)': 'Isolde Varnhagen',
  'customer e-mail (v-sensitive)': 'i.varnhagen@example.org',
  'customer id, a data-* attribute (v-sensitive)': 'CU-73019-TW',
  'order number (v-sensitive)': 'TW-90417-KR',
  'support agent (v-no-record)': 'Ruairí from support',
} as const;

const SECRETS: Record<string, string> = { ...TYPED, ...ON_PAGE };

const appDir = fileURLToPath(new URL('..', import.meta.url));
let outDir: string;
let server: PreviewServer;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'veil-demo-vue-'));
  const configFile = join(appDir, 'vite.config.ts');
  await build({ root: appDir, configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  server = await preview({
    root: appDir,
    configFile,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, open: false },
  });
  baseUrl = server.resolvedUrls?.local[0] ?? '';
  if (!baseUrl) throw new Error('vite preview did not report its URL');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const stateIs = (page: Page, state: string) =>
  page.waitForFunction((s) => (window as unknown as DemoWindow).__veilDemo?.recorder?.state === s, state, { timeout: 15_000 });

/** Opens the demo; it waits for consent. */
function openDemo(query = ''): Promise<OpenedDemo> {
  return openDemoPage(
    browser,
    new URL(query, baseUrl).href,
    () => (window as unknown as DemoWindow).__veilDemo?.recorder?.state === 'awaiting-consent',
    { timeout: 15_000 },
  );
}

async function accept(page: Page): Promise<void> {
  await page.click('#consent-accept');
  await stateIs(page, 'recording');
  await page.waitForSelector('#consent-accept', { state: 'detached' });
}

/**
 * Types every secret into its field: key by key, the way a visitor would (so a
 * half-typed value would show up too), or with `fast` one input event a field.
 */
async function fillEverything(page: Page, { fast = false } = {}): Promise<void> {
  const type = async (selector: string, text: string) => {
    const field = page.locator(selector);
    if (!fast) return field.pressSequentially(text);
    await field.click();
    await field.press('End');
    return page.keyboard.insertText(text);
  };
  await type('#full-name', TYPED['full name (autocomplete=name)']);
  await type('#email', TYPED['e-mail (type=email)']);
  await type('#password', TYPED['password, typed before "show"']);
  await page.click('#toggle-password');
  await page.locator('#password').press('End');
  if ((await page.getAttribute('#password', 'type')) !== 'text') throw new Error('"show" did not reveal the password');
  await type('#password', TYPED['password, typed after "show" (type=text now)']);
  await type('#card-number', TYPED['card number (cc-number)']);
  await type('#card-exp', TYPED['expiry (cc-exp)']);
  await type('#card-cvc', TYPED['CVC (cc-csc)']);
  await type('#card-name', TYPED['name on card (cc-name)']);
  await type('#street', TYPED['street address (street-address)']);
  await type('#postal-code', TYPED['postal code (postal-code)']);
  await type('#city', TYPED['city (address-level2)']);
  await page.selectOption('#country', 'IS');
  await type('#phone', TYPED['phone (type=tel)']);
  const bioMark = await page.locator('#bio').evaluate((el) => el.closest('[data-veil]')?.getAttribute('data-veil'));
  if (bioMark !== 'mask') throw new Error(`the bio should be under v-sensitive (data-veil="mask"), found ${bioMark}`);
  await type('#bio', TYPED['bio (v-sensitive="bioPrivate", on)']);
  await type('#chat-input', TYPED['chat message (v-no-record)']);
  await page.press('#chat-input', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#chat-log .msg').length === 3); // greeting, ours, reply
  await page.click(`button.add[data-product="${PRODUCT}"]`);
  await type('#search', SEARCH);
}

interface ModeRun {
  opened: OpenedDemo;
  /** What was sent before the visitor consented. */
  before: SentBatch[];
  /** What was sent once everything was typed. */
  batches: SentBatch[];
}

/** Opens the demo in `mode`, consents and types every secret. */
async function runMode(mode: Mode): Promise<ModeRun> {
  const opened = await openDemo(`/?privacy=${mode}`);
  const { page } = opened;
  const started = await page.evaluate(() => (window as unknown as DemoWindow).__veilDemo.mode);
  if (started !== mode) throw new Error(`the demo started in ${started} mode, not ${mode}`);
  const before = await sentBatches(page);
  await accept(page);
  await fillEverything(page);
  return { opened, before, batches: await sentBatches(page) };
}

// The three modes run side by side, each in its own browser context.
const modeRuns = new Map<Mode, Promise<ModeRun>>();
beforeAll(async () => {
  for (const mode of MODES) modeRuns.set(mode, runMode(mode));
  await Promise.allSettled(modeRuns.values());
});
afterAll(async () => {
  for (const run of modeRuns.values()) await run.then(({ opened }) => opened.context.close()).catch(() => undefined);
});

describe.each(MODES)('the demo in %s mode', (mode: Mode) => {
  let opened: OpenedDemo;
  let before: SentBatch[];
  let batches: SentBatch[];

  beforeAll(async () => {
    ({ opened, before, batches } = await modeRuns.get(mode)!);
  });

  it('sends nothing before the visitor consents', () => {
    expect(before).toEqual([]);
  });

  it('sends none of the secrets typed into sensitive, personal and marked fields, or shown in marked regions', async () => {
    expect(batches.length).toBeGreaterThan(0);
    // raw, squashed, encoded, and in the text the replay shows (a value split across elements whole)
    await expectNoLeak(recordingOf(batches), SECRETS);
  });

  it('sends well-formed batches of one session that start with a full snapshot', () => {
    const events = batches.flatMap((batch) => batch.events);
    expect(batches[0].events.some((event) => event.type === EventType.FullSnapshot)).toBe(true);
    expect(new Set(batches.map((batch) => batch.sessionId)).size).toBe(1);
    expect(batches.map((batch) => batch.v)).toEqual(batches.map(() => 1));
    expect(batches.map((batch) => batch.seq)).toEqual(batches.map((_, i) => i));
    expect(events.filter((event) => event.type === EventType.IncrementalSnapshot).length).toBeGreaterThan(10);
  });

  it('does not record the replay panel or its replay iframe (no feedback loop)', () => {
    const json = JSON.stringify(batches);
    expect(json.includes(REPLAY_IFRAME_TRACE), 'the replay iframe was recorded').toBe(false);
    expect(json.includes(REPLAY_PANEL_TEXT), 'the replay panel was recorded').toBe(false);
  });

  it(`sends the page content that ${mode} mode records`, () => {
    const json = JSON.stringify(batches);
    const sent = (text: string) => json.includes(text);
    expect(sent(UNMASKED_TEXT), 'text under v-unmask is recorded').toBe(true);
    if (mode === 'strict') expect(sent(PRODUCT), `strict mode masks ordinary page text ("${PRODUCT}")`).toBe(false);
    else expect(sent(PRODUCT), `${mode} mode records ordinary page text ("${PRODUCT}")`).toBe(true);
    if (mode === 'relaxed') expect(sent(SEARCH), 'relaxed mode records ordinary input values').toBe(true);
    else expect(sent(SEARCH), `${mode} mode masks every input value (the search box)`).toBe(false);
  });

  it('rebuilds the page in the live replay panel from what was sent', async () => {
    const { page } = opened;
    const visible = mode === 'strict' ? UNMASKED_TEXT : PRODUCT;
    await expect
      .poll(async () => (await replayed(page))?.text.includes(visible) ?? false, {
        timeout: 20_000,
        message: `the replay shows "${visible}"`,
      })
      .toBe(true);
    if (mode === 'relaxed') {
      await expect.poll(async () => (await replayed(page))?.search, { timeout: 20_000 }).toBe(SEARCH);
    }
    const replay = (await replayed(page))!;
    expect(replay.hasCardField).toBe(true);
    expect(replay.hasPasswordField).toBe(true);
    if (mode === 'strict') expect(replay.text.includes(PRODUCT), 'the strict replay shows no page text').toBe(false);
    expect(findLeaks({ html: replay.html, values: replay.values }, SECRETS)).toEqual([]);
    if (mode === 'relaxed') {
      await page.waitForTimeout(500); // let the player settle for a tidy picture
      await page.screenshot({ path: '/tmp/demo-vue.png' });
    }
  });

  it('runs without page errors or console errors', () => {
    expect(opened.pageErrors).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });
});

describe.concurrent('the demo', () => {
  it('records nothing after "No, thanks", records after "Record this visit", and nothing more once consent is withdrawn', async ({
    expect,
  }) => {
    const { context, page, pageErrors } = await openDemo('/?privacy=relaxed');
    try {
      await page.click('#consent-decline');
      await page.waitForSelector('#consent-decline', { state: 'detached' });
      await page.locator('#search').pressSequentially('declined visit');
      expect(await sentBatches(page)).toEqual([]);
      expect(await page.textContent('#rec-state')).toBe('not recording · declined');
      await page.locator('#search').fill('');

      await page.click('#consent-regrant');
      await stateIs(page, 'recording');
      await page.locator('#search').pressSequentially('consented visit');
      const granted = await sentBatches(page);
      expect(JSON.stringify(granted).includes('consented visit'), 'typing after consent is recorded').toBe(true);

      await page.click('#consent-withdraw');
      await stateIs(page, 'awaiting-consent');
      await page.locator('#search').pressSequentially(' after withdrawal');
      const after = await sentBatches(page);
      expect(after.length, 'nothing is sent after consent was withdrawn').toBe(granted.length);
      expect(JSON.stringify(after).includes('declined visit'), 'typing before consent is not recorded').toBe(false);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('switches the privacy mode by remounting the app: a new session, consent kept', async ({ expect }) => {
    const { context, page, pageErrors } = await openDemo('/');
    try {
      await accept(page);
      const first = await page.evaluate(() => (window as unknown as DemoWindow).__veilDemo.recorder.sessionId);
      await page.click('.modes label:has(input[value="relaxed"])');
      await page.waitForFunction(() => (window as unknown as DemoWindow).__veilDemo.mode === 'relaxed');
      await stateIs(page, 'recording'); // consent carried over: no banner
      expect(await page.locator('#consent-accept').count()).toBe(0);
      expect(new URL(page.url()).searchParams.get('privacy')).toBe('relaxed');
      await fillEverything(page, { fast: true });
      const batches = await sentBatches(page);

      const sessions = sessionsIn(batches);
      expect(sessions).toHaveLength(2);
      expect(sessions[0][0].sessionId).toBe(first);
      const [strictPart, relaxedPart] = sessions;
      for (const part of [strictPart, relaxedPart]) {
        expect(part.map((batch) => batch.seq)).toEqual(part.map((_, i) => i));
        expect(part[0].events.some((event) => event.type === EventType.FullSnapshot)).toBe(true);
      }
      expect(JSON.stringify(strictPart).includes(PRODUCT), 'the strict session masks page text').toBe(false);
      expect(JSON.stringify(relaxedPart).includes(PRODUCT), 'the relaxed session records page text').toBe(true);
      await expectNoLeak(recordingOf(batches), SECRETS);
      await expect
        .poll(async () => (await replayed(page))?.text.includes(PRODUCT) ?? false, {
          timeout: 20_000,
          message: 'the replay shows the relaxed session',
        })
        .toBe(true);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('masks the bio while v-sensitive="bioPrivate" is on, and records it once the visitor unticks it (relaxed)', async ({ expect }) => {
    const { context, page, pageErrors } = await openDemo('/?privacy=relaxed');
    try {
      await accept(page);
      const bio = page.locator('#bio');
      await bio.pressSequentially('Sandpiper-3318-Quietbio');
      expect(findLeaks(await sentBatches(page), { 'typed while private': 'Sandpiper-3318-Quietbio' })).toEqual([]);
      await bio.fill('');
      await page.uncheck('#bio-private');
      expect(await bio.evaluate((el) => el.closest('[data-veil]'))).toBeNull();
      await bio.pressSequentially('Pelican-Dune public bio');
      expect(JSON.stringify(await sentBatches(page)).includes('Pelican-Dune public bio'), 'the bio is recorded once public').toBe(true);
      await page.check('#bio-private');
      await bio.fill('');
      await bio.pressSequentially('Cormorant-5120-Hushbio');
      const batches = await sentBatches(page);
      expect(
        findLeaks(batches, { 'typed while private': 'Sandpiper-3318-Quietbio', 'typed once private again': 'Cormorant-5120-Hushbio' }),
      ).toEqual([]);
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
      await accept(page);
      // the bio is an ordinary field once the visitor unticks "Keep my bio private"
      await page.uncheck('#bio-private');
      const fields = await ordinaryFields(page);
      expect(fields, 'the fields whose values relaxed mode records as typed').toEqual(['#search', '#bio']);
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
      await accept(page);
      const run = await runXraySwitch(page, { hover: '#card-number', screenshots: join(appDir, 'docs') });
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
        'textarea#street (Street address): masked',
        'input#postal-code (Postal code): masked',
        'input#city (City): masked',
        'select#country (Country): masked',
        'input#phone (Phone): masked',
        'textarea#bio (Bio): masked',
        'input#bio-private (Keep my bio private (v-sensitive="bioPrivate")): recorded',
        'input#chat-input (Message): blocked',
      ]);
    } finally {
      await context.close();
    }
  });
});
