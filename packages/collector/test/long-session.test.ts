// A 30-minute session made by the real recorder (a scripted visitor on
// Playwright's fake clock): events.json serves it in pages, and the player
// starts on the first page, takes the rest while it plays, and ends up with
// the whole recording: its length, its markers, and the page at a late moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame } from 'playwright-core';
import { EventType, IncrementalSource } from '@veil/core/engine';
import { launchChromium } from '@veil/test-support';
import { addUser } from '../src/auth/users';
import { createCollector, type Collector } from '../src/server';
import { addSite } from '../src/settings/sites';
import { EVENTS_PAGE_BATCHES } from '../src/viewer/pages';
import { makeDatabase, storedEvents } from './helpers';
import { PASSWORD, logIn, playerFrames, waitFor } from './browser-helpers';
import { startShop, visitShopLong } from './shop-page.mjs';

let browser: Browser;
let collector: Collector;
let db: Awaited<ReturnType<typeof makeDatabase>>;
let shop: Awaited<ReturnType<typeof startShop>>;
let siteId: number;
let sessionId: string;
let clicks = 0;
let recorded: { timestamp: number; type: number; data: any }[] = [];

beforeAll(async () => {
  db = await makeDatabase('sqlite');
  shop = await startShop();
  collector = await createCollector({ database: db.database, port: 0, rateLimits: { loginAccount: { perSecond: 100, burst: 100 } } });
  const { site, key } = await addSite(collector.storage, { name: 'shop', origins: [shop.origin], privacy: 'relaxed' });
  siteId = site.id;
  await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['shop'] });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  clicks = await visitShopLong(page, `${shop.url}?${new URLSearchParams({ collector: `${collector.url}/v1/ingest`, key })}`, 30);
  await waitFor(async () => (await collector.storage.listSessions(site.id)).length === 1, 'the session to arrive');
  sessionId = (await collector.storage.listSessions(site.id))[0].sessionId;
  await waitFor(async () => {
    const events = await storedEvents(collector, site.id, sessionId);
    return (
      events.filter(
        (e) =>
          e.type === EventType.IncrementalSnapshot &&
          (e.data as any).source === IncrementalSource.MouseInteraction &&
          (e.data as any).type === 2,
      ).length === clicks
    );
  }, 'every click to arrive');
  await context.close();
  recorded = ((await storedEvents(collector, site.id, sessionId)) as typeof recorded).sort((a, b) => a.timestamp - b.timestamp);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  await shop?.close();
  db?.cleanup();
});

describe('a 30-minute session', () => {
  it('is stored in more batches than one page of events.json holds, and the pages add up to the whole recording', async () => {
    const batches = await collector.storage.getBatches(siteId, sessionId);
    expect(batches.length).toBeGreaterThan(EVENTS_PAGE_BATCHES * 2);
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await logIn(page, collector.url, 'owner@example.com');
      const base = `${collector.url}/sites/shop/sessions/${sessionId}/events.json`;
      const all: unknown[] = [];
      let after: number | null = null;
      let pages = 0;
      do {
        const body = (await page.evaluate(async (url) => (await fetch(url)).json(), after === null ? base : `${base}?after=${after}`)) as {
          events: unknown[];
          next: number | null;
        };
        all.push(...body.events);
        after = body.next;
        pages++;
      } while (after !== null && pages < 100);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(all.length).toBe(recorded.length);
      const bad = await page.evaluate(async (url) => (await fetch(url)).status, `${base}?after=-1`);
      expect(bad).toBe(400);
    } finally {
      await context.close();
    }
  });

  it('starts playing on the first page, takes the rest while it plays, and then holds the whole recording', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await logIn(page, collector.url, 'owner@example.com');
      await page.goto(`${collector.url}/sites/shop/sessions/${sessionId}`, { waitUntil: 'domcontentloaded' });
      await expect
        .poll(
          () =>
            playerFrames(page)
              .player?.evaluate(() => Boolean((window as any).veilPlayer?.replayer))
              .catch(() => false),
          { timeout: 30_000 },
        )
        .toBe(true);
      const player: Frame = playerFrames(page).player!;
      await expect.poll(() => player.evaluate(() => (window as any).veilPlayer.loading), { timeout: 60_000 }).toBe(false);
      const arrival = await player.evaluate(() => (window as any).veilPlayer.arrival);
      expect(arrival.startedWithMore).toBe(true);
      expect(arrival.laterPages).toBeGreaterThanOrEqual(2);

      const total = recorded[recorded.length - 1].timestamp - recorded[0].timestamp;
      expect(total).toBeGreaterThan(29 * 60_000);
      await expect.poll(() => player.evaluate(() => (window as any).veilPlayer.replayer.getMetaData().totalTime)).toBe(total);
      const items = (await player.evaluate(() => (window as any).veilPlayer.items)) as { kind: string }[];
      expect(items.filter((i) => i.kind === 'click')).toHaveLength(clicks);
      const idle = (await player.evaluate(() => (window as any).veilPlayer.idle)) as { from: number; to: number }[];
      // the two scripted idle stretches of 3 minutes, found across page boundaries
      expect(idle.filter((s) => s.to - s.from >= 3 * 60_000).length).toBe(2);
      expect(await player.locator('#timeline .marker.click').count()).toBe(clicks);

      // a late moment shows the page as it was then: the last search typed before it
      const lastSearch = recorded
        .filter((e) => e.type === EventType.IncrementalSnapshot && e.data.source === IncrementalSource.Input)
        .pop()!;
      const moment = lastSearch.timestamp - recorded[0].timestamp + 1000;
      if (await player.evaluate(() => (window as any).veilPlayer.playing)) await player.click('#toggle');
      await player.evaluate((t) => (window as any).veilPlayer.seek(t), moment);
      await expect
        .poll(() =>
          playerFrames(page)
            .replay!.evaluate(() => (document.getElementById('q') as HTMLInputElement | null)?.value ?? null)
            .catch(() => null),
        )
        .toBe(lastSearch.data.text);
    } finally {
      await context.close();
    }
  });
});
