// The replay player in Chromium, on a session the real recorder made (the
// core's <script> build on a small shop page, test/shop-page.ts): the event
// list and timeline markers, seeking, speed, skipping idle time, deep links
// and gap markers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { EventType, IncrementalSource, NAVIGATION_EVENT } from '@veil/core/engine';
import { launchChromium } from '@veil/test-support';
import { addUser } from '../src/auth/users';
import { createCollector, type Collector } from '../src/server';
import { addSite } from '../src/settings/sites';
import { batch, firstEvents, laterEvents, makeDatabase, send, storedEvents, T0 } from './helpers';
import { PASSWORD, logIn, playerFrames, waitFor } from './browser-helpers';
import { startShop, visitShop } from './shop-page.mjs';

const IDLE_MS = 20_000;

let browser: Browser;
let collector: Collector;
let db: Awaited<ReturnType<typeof makeDatabase>>;
let shop: Awaited<ReturnType<typeof startShop>>;
let sessionId: string;
/** Offsets (ms) from the recording's first event. */
const at = { navigated: 0, paid: 0, added: 0, idleFrom: 0, idleTo: 0, total: 0 };

beforeAll(async () => {
  db = await makeDatabase('sqlite');
  shop = await startShop();
  // every test logs in afresh: the login limits are not what is tested here
  collector = await createCollector({
    database: db.database,
    port: 0,
    rateLimits: { loginAccount: { perSecond: 100, burst: 100 } },
  });
  const { site, key } = await addSite(collector.storage, { name: 'shop', origins: [shop.origin], privacy: 'relaxed' });
  await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['shop'] });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const query = new URLSearchParams({ collector: `${collector.url}/v1/ingest`, key, visitor: 'visitor-a' });
  await visitShop(page, `${shop.url}?${query}`, IDLE_MS);
  await waitFor(async () => (await collector.storage.listSessions(site.id)).length === 1, 'the session to arrive');
  sessionId = (await collector.storage.listSessions(site.id))[0].sessionId;
  await waitFor(
    async () => JSON.stringify(await storedEvents(collector, site.id, sessionId)).includes('Paid, thank you'),
    'the last batch',
  );
  await context.close();

  const events = (await storedEvents(collector, site.id, sessionId)).sort((a, b) => a.timestamp - b.timestamp);
  const start = events[0].timestamp;
  at.total = events[events.length - 1].timestamp - start;
  const nav = events.find((e) => e.type === EventType.Custom && (e.data as any).tag === NAVIGATION_EVENT)!;
  at.navigated = nav.timestamp - start;
  const clicks = events.filter(
    (e) =>
      e.type === EventType.IncrementalSnapshot &&
      (e.data as any).source === IncrementalSource.MouseInteraction &&
      (e.data as any).type === 2,
  );
  at.added = clicks[0].timestamp - start;
  at.paid = clicks[clicks.length - 1].timestamp - start;
  // the idle stretch: the longest pause between two of the visitor's own events
  const own = events.filter((e) => e.type === EventType.IncrementalSnapshot && (e.data as any).source > 0 && (e.data as any).source <= 5);
  for (let i = 1; i < own.length; i++) {
    if (own[i].timestamp - own[i - 1].timestamp > at.idleTo - at.idleFrom) {
      at.idleFrom = own[i - 1].timestamp - start;
      at.idleTo = own[i].timestamp - start;
    }
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  await shop?.close();
  db?.cleanup();
});

async function openReplay(query = ''): Promise<{ page: Page; player: Frame }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await logIn(page, collector.url, 'owner@example.com');
  await page.goto(`${collector.url}/sites/shop/sessions/${sessionId}${query}`, { waitUntil: 'domcontentloaded' });
  await expect
    .poll(
      () =>
        playerFrames(page)
          .player?.evaluate(() => Boolean((window as any).veilPlayer?.replayer))
          .catch(() => false),
      { timeout: 30_000 },
    )
    .toBe(true);
  return { page, player: playerFrames(page).player! };
}

const now = (player: Frame) => player.evaluate(() => (window as any).veilPlayer.replayer.getCurrentTime() as number);
const replayed = (page: Page, id: string) =>
  playerFrames(page)
    .replay!.evaluate((id) => document.getElementById(id)?.textContent ?? null, id)
    .catch(() => null);

async function pause(player: Frame) {
  if (await player.evaluate(() => (window as any).veilPlayer.playing)) await player.click('#toggle');
}

describe('the player on a recorded visit', () => {
  it('the recording has an idle stretch longer than rrweb skips', () => {
    expect(at.idleTo - at.idleFrom).toBeGreaterThanOrEqual(IDLE_MS);
    expect(at.idleFrom).toBeLessThan(at.navigated);
  });

  it('lists page changes, clicks with their element, inputs as recorded and resizes, and marks them on the timeline', async () => {
    const { page, player } = await openReplay();
    try {
      const items = (await player.evaluate(() => (window as any).veilPlayer.items)) as { at: number; kind: string; text: string }[];
      const texts = items.map((i) => `${i.kind}: ${i.text}`);
      expect(texts[0]).toMatch(/^page: Page loaded: http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(texts).toContain('click: Click on button#add');
      expect(texts).toContain('input: Input in input#q: “wool scarf”');
      expect(texts.some((t) => /^page: Went to http:\/\/127\.0\.0\.1:\d+\/checkout$/.test(t))).toBe(true);
      expect(texts.some((t) => t.startsWith('resize: Window resized to 900 × 700'))).toBe(true);
      expect(texts).toContain('click: Click on button#pay');
      expect(items.find((i) => i.text.startsWith('Went to'))!.at).toBe(at.navigated);
      // the visible list says the same
      expect(await player.locator('#event-list li').count()).toBe(items.length);
      expect(await player.locator('#event-list').textContent()).toContain('Click on button#pay');
      // markers: two page changes, three clicks (add, go, pay), one input; the idle stretch is shaded
      expect(await player.locator('#timeline .marker.page').count()).toBe(2);
      expect(await player.locator('#timeline .marker.click').count()).toBe(3);
      expect(await player.locator('#timeline .marker.input').count()).toBe(1);
      expect(await player.locator('#timeline .marker.gap').count()).toBe(0);
      const idle = (await player.evaluate(() => (window as any).veilPlayer.idle)) as { from: number; to: number }[];
      expect(idle).toContainEqual({ from: at.idleFrom, to: at.idleTo });
      expect(await player.locator('#timeline .idle').count()).toBe(idle.length);
    } finally {
      await page.context().close();
    }
  });

  it('seeks by clicking the timeline or an event, landing on the recorded state, and the URL bar follows', async () => {
    const { page, player } = await openReplay();
    try {
      await pause(player);
      const box = (await player.locator('#timeline').boundingBox())!;
      const clickAt = async (ms: number) => {
        await player
          .locator('#timeline')
          .click({ position: { x: Math.min(box.width - 0.5, (ms / at.total) * box.width), y: box.height / 2 } });
      };
      const drag = async (fromMs: number, toMs: number) => {
        const b = (await player.locator('#timeline').boundingBox())!;
        const y = b.y + b.height / 2;
        await page.mouse.move(b.x + (fromMs / at.total) * b.width, y);
        await page.mouse.down();
        await page.mouse.move(b.x + (toMs / at.total) * b.width + 40, y, { steps: 5 });
        await page.mouse.move(b.x + (toMs / at.total) * b.width, y, { steps: 2 });
        await page.mouse.up();
      };
      // in the idle stretch: added to cart, not navigated yet
      const idleMiddle = (at.idleFrom + at.idleTo) / 2;
      await clickAt(idleMiddle);
      // input reaches the player's frame asynchronously: wait for the seek, then look
      await expect.poll(async () => Math.abs((await now(player)) - idleMiddle)).toBeLessThan(at.total / box.width + 50);
      expect(await replayed(page, 'title')).toBe('Home');
      expect(await replayed(page, 'cart')).toBe('Cart: 1');
      expect(await player.locator('#url').textContent()).not.toContain('/checkout');
      // after the navigation, before paying
      await clickAt((at.navigated + at.paid) / 2);
      await expect.poll(() => now(player)).toBeGreaterThan(at.navigated);
      expect(await replayed(page, 'title')).toBe('Checkout');
      expect(await replayed(page, 'paid')).toBe('Not paid');
      expect(await player.locator('#url').textContent()).toMatch(/\/checkout$/);
      // back to the start by dragging the handle
      await drag(idleMiddle, 0);
      await expect.poll(() => now(player)).toBeLessThan(at.added);
      expect(await replayed(page, 'cart')).toBe('Cart: 0');
      // an event in the list: the Pay click (the player goes half a second before it)
      await player.locator('#event-list button', { hasText: 'Click on button#pay' }).click();
      await expect.poll(async () => Math.abs((await now(player)) - (at.paid - 500))).toBeLessThan(50);
      expect(await replayed(page, 'title')).toBe('Checkout');
      await clickAt(at.total);
      await expect.poll(() => now(player)).toBeGreaterThanOrEqual(at.total);
      expect(await replayed(page, 'paid')).toBe('Paid, thank you');
    } finally {
      await page.context().close();
    }
  });

  it('changes speed with the buttons and with keys 1–4, and play/pause with space', async () => {
    const { page, player } = await openReplay();
    try {
      const speed = () =>
        player.evaluate(() => {
          const r = (window as any).veilPlayer.replayer;
          return { config: r.config.speed, timer: r.timer.speed };
        });
      await player.click('#skip'); // off: a jump over the idle stretch would move the clock as well
      await player.click('button[data-speed="4"]');
      await expect.poll(speed).toEqual({ config: 4, timer: 4 });
      expect(await player.getAttribute('button[data-speed="4"]', 'aria-pressed')).toBe('true');
      // keys pressed on the viewer page reach the player
      await page.locator('h1').click();
      await page.keyboard.press('2');
      await expect.poll(speed).toEqual({ config: 2, timer: 2 });
      await page.keyboard.press('4');
      await expect.poll(speed).toEqual({ config: 8, timer: 8 });
      // and keys pressed in the player itself
      await player.locator('#time').click();
      await page.keyboard.press('1');
      await expect.poll(speed).toEqual({ config: 1, timer: 1 });
      const playing = await player.evaluate(() => (window as any).veilPlayer.playing);
      await page.keyboard.press(' ');
      await expect.poll(() => player.evaluate(() => (window as any).veilPlayer.playing)).toBe(!playing);
      // at 8x the replay clock moves 8 replay-ms per wall-ms: a second of wall time covers several seconds
      await pause(player);
      await player.evaluate(() => (window as any).veilPlayer.seek(0));
      await page.keyboard.press('4');
      await expect.poll(speed).toEqual({ config: 8, timer: 8 });
      await player.click('#toggle');
      const before = await now(player);
      const wallStart = Date.now();
      await expect.poll(() => now(player), { timeout: 30_000 }).toBeGreaterThan(before + 4000);
      // it got there faster than 1x could have (measured, not a deadline)
      expect(Date.now() - wallStart).toBeLessThan(4000);
    } finally {
      await page.context().close();
    }
  });

  it('jumps over the idle stretch when "Skip inactivity" is on (the default), and plays it when it is off', async () => {
    const { page, player } = await openReplay();
    try {
      expect(await player.isChecked('#skip')).toBe(true);
      await pause(player);
      await player.evaluate((t) => (window as any).veilPlayer.seek(t), at.idleFrom - 300);
      const wallStart = Date.now();
      await player.click('#toggle');
      await expect.poll(() => now(player), { timeout: 60_000 }).toBeGreaterThan(at.idleTo);
      const crossed = Date.now() - wallStart;
      const skips = (await player.evaluate(() => (window as any).veilPlayer.skips)) as { at: number; to: number }[];
      const skip = skips.find((s) => s.at >= at.idleFrom - 50 && s.at < at.idleTo);
      expect(skip, JSON.stringify(skips)).toBeDefined();
      expect(skip!.to).toBe(at.idleTo);
      // the replay clock jumped from (within a second of) the stretch's start to its end: playback is shorter by the idle time
      expect(skip!.at - at.idleFrom).toBeLessThan(1000);
      // the whole stretch is passed over, not played faster: 20 s of idle took less than half of it (measured, generous)
      expect(crossed).toBeLessThan((at.idleTo - at.idleFrom) / 2);
      await expect.poll(() => player.locator('#status').textContent()).toMatch(/skipped 0:\d\d without activity|^$/);

      await pause(player);
      await player.click('#skip');
      await player.evaluate((t) => (window as any).veilPlayer.seek(t), at.idleFrom - 300);
      await player.click('#toggle');
      await expect.poll(() => now(player), { timeout: 30_000 }).toBeGreaterThan(at.idleFrom + 1500);
      expect(await player.evaluate(() => (window as any).veilPlayer.replayer.timer.speed)).toBe(1);
      const later = (await player.evaluate(() => (window as any).veilPlayer.skips)) as unknown[];
      expect(later.length).toBe(skips.length);
    } finally {
      await page.context().close();
    }
  });

  it('goes full screen with its button and with f, and the replay then fills the screen', async () => {
    const { page, player } = await openReplay();
    try {
      await player.click('#fullscreen');
      await expect.poll(() => player.evaluate(() => document.fullscreenElement !== null)).toBe(true);
      // the label follows the fullscreenchange event, which comes after the state
      await expect.poll(() => player.textContent('#fullscreen')).toBe('Exit full screen');
      // the stage takes what the controls leave of the screen
      await expect.poll(() => player.evaluate(() => document.getElementById('stage')!.clientHeight > window.innerHeight / 2)).toBe(true);
      await player.click('#fullscreen');
      await expect.poll(() => player.evaluate(() => document.fullscreenElement === null)).toBe(true);
      await expect.poll(() => player.textContent('#fullscreen')).toBe('Full screen');
      // f on the viewer page puts the player's frame in full screen
      await page.locator('h1').click();
      await page.keyboard.press('f');
      await expect.poll(() => page.evaluate(() => document.fullscreenElement?.id ?? null)).toBe('player');
      await page.keyboard.press('f');
      await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
    } finally {
      await page.context().close();
    }
  });

  it('opens a deep link paused at its second, and "copy link" gives the moment shown', async () => {
    const second = Math.ceil((at.navigated + 200) / 1000);
    const { page, player } = await openReplay(`?t=${second}`);
    try {
      expect(await player.evaluate(() => (window as any).veilPlayer.playing)).toBe(false);
      expect(Math.abs((await now(player)) - second * 1000)).toBeLessThan(50);
      expect(await replayed(page, 'title')).toBe(second * 1000 >= at.navigated ? 'Checkout' : 'Home');
      expect(await player.locator('#status').textContent()).toContain('from the link');
      // seek elsewhere: the link follows
      await player.evaluate(() => (window as any).veilPlayer.seek(3200));
      await expect.poll(() => page.inputValue('#share-link')).toMatch(/\?t=3$/);
      await page.click('#copy-link');
      await expect.poll(() => page.textContent('#copy-status')).toMatch(/Copied|Copy the selected link/);
      const link = await page.inputValue('#share-link');
      expect(link).toBe(`${collector.url}/sites/shop/sessions/${sessionId}?t=3`);
    } finally {
      await page.context().close();
    }
  });

  it('ignores a malformed t and starts playing from the beginning', async () => {
    const { page, player } = await openReplay('?t=%3Cscript%3E');
    try {
      expect(await page.content()).not.toContain('<script>alert');
      expect(await player.evaluate(() => (window as any).veilPlayer.playing)).toBe(true);
    } finally {
      await page.context().close();
    }
  });
});

describe('a session with gaps', () => {
  it('marks batches that never arrived and batches the client dropped, on the timeline and in the list', async () => {
    const { key: siteKey } = await addSite(collector.storage, { name: 'gappy', origins: ['https://shop.example'], privacy: 'relaxed' });
    await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['shop', 'gappy'] });
    expect((await send(collector, batch({ siteKey, sessionId: 'gapped', seq: 0, events: firstEvents() }))).statusCode).toBe(200);
    const res = await send(
      collector,
      batch({ siteKey, sessionId: 'gapped', seq: 3, events: laterEvents(T0 + 5000), dropped: { batches: 2, events: 40 } }),
    );
    expect(res.json()).toMatchObject({ ok: true, gap: { expected: 1, received: 3 } });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await logIn(page, collector.url, 'owner@example.com');
      await page.goto(`${collector.url}/sites/gappy/sessions/gapped`, { waitUntil: 'domcontentloaded' });
      await expect
        .poll(
          () =>
            playerFrames(page)
              .player?.evaluate(() => Boolean((window as any).veilPlayer?.replayer))
              .catch(() => false),
          { timeout: 30_000 },
        )
        .toBe(true);
      const player = playerFrames(page).player!;
      const gaps = ((await player.evaluate(() => (window as any).veilPlayer.items)) as { at: number; kind: string; text: string }[]).filter(
        (i) => i.kind === 'gap',
      );
      expect(gaps.map((g) => g.text).sort()).toEqual([
        'Gap: 2 batches never arrived here',
        "Gap: The visitor's browser dropped 2 batches (could not send them)",
      ]);
      expect(gaps.every((g) => g.at === 5000)).toBe(true);
      expect(await player.locator('#timeline .marker.gap').count()).toBe(2);
    } finally {
      await context.close();
    }
  });
});
