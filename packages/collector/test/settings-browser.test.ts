// The settings page in Debian's Chromium: an admin changes the site's settings
// and sees them in force (and GET /v1/settings follows); a viewer has no way in.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { decodeBlob } from '../src/recordings/blob';
import { launchChromium } from '@veil/test-support';
import { addUser } from '../src/auth/users';
import { createCollector, type Collector } from '../src/server';
import { addSite } from '../src/settings/sites';
import { logIn, PASSWORD, waitFor } from './browser-helpers';
import { makeDatabase } from './helpers';

let browser: Browser;
let collector: Collector;
let db: Awaited<ReturnType<typeof makeDatabase>>;
let key: string;
let demo: { url: string; close(): Promise<void> };
let demoKey: string;

const here = path.dirname(fileURLToPath(import.meta.url));
const DEMO_SERVER = path.resolve(here, '../../../apps/demo-html/server.mjs');

beforeAll(async () => {
  db = await makeDatabase('sqlite');
  collector = await createCollector({ database: db.database, port: 0 });
  ({ key } = await addSite(collector.storage, { name: 'shop', origins: ['https://shop.example'], privacy: 'relaxed' }));
  await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['shop'] });
  await addUser(collector.storage, { email: 'watcher@example.com', password: PASSWORD, sites: ['shop'] });
  const { startServer } = (await import(DEMO_SERVER)) as { startServer(o: { port: number }): Promise<typeof demo> };
  demo = await startServer({ port: 0 });
  ({ key: demoKey } = await addSite(collector.storage, { name: 'demo', origins: [new URL(demo.url).origin], privacy: 'relaxed' }));
  await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['demo'] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  await demo?.close();
  db?.cleanup();
});

describe('the settings page in Chromium', () => {
  it('lets an admin switch form inputs off, go strict and stop recording, and shows it in force', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await logIn(page, collector.url, 'owner@example.com');
      await Promise.all([
        page.waitForURL(`${collector.url}/sites/shop/settings`),
        page.click('a.settings-link[href="/sites/shop/settings"]'),
      ]);
      await expect(page.locator('section.in-force').innerText()).resolves.toContain('Form inputs recorded as the mode allows');

      await page.check('input[name=recordInputs][value=off]');
      await page.check('input[name=privacy][value=strict]');
      await page.fill('input[name=samplePercent]', '150');
      await Promise.all([page.waitForLoadState('domcontentloaded'), page.click('form.settings button[type=submit]')]);
      // the mistake is named, and what was chosen stays chosen
      await expect(page.locator('#problem-sampleRate').innerText()).resolves.toContain('percentage from 0 to 100');
      expect(await page.isChecked('input[name=recordInputs][value=off]')).toBe(true);
      expect((await collector.storage.getSiteByName('shop'))?.recordInputs).toBe(true);

      await page.fill('input[name=samplePercent]', '50');
      await page.check('input[name=recording][value=off]');
      await Promise.all([page.waitForURL(/saved=settings/), page.click('form.settings button[type=submit]')]);
      const inForce = await page.locator('section.in-force').innerText();
      expect(inForce).toMatch(/Recording\s+off/);
      expect(inForce).toMatch(/Privacy mode\s+strict/);
      expect(inForce).toMatch(/Form inputs\s+all masked/);
      expect(inForce).toMatch(/Sessions recorded\s+50 %/);
      await expect(page.locator('p.done').innerText()).resolves.toContain('Settings saved');

      const remote = await fetch(`${collector.url}/v1/settings?siteKey=${encodeURIComponent(key)}`);
      expect(await remote.json()).toEqual({ v: 1, recording: false, privacy: 'strict', recordInputs: false, sampleRate: 0.5 });

      // the key: rotated, shown once
      await Promise.all([page.waitForLoadState('domcontentloaded'), page.click('text=Rotate the ingest key')]);
      const newKey = await page.inputValue('input.key');
      expect(newKey).toMatch(/^vk_/);
      await page.goto(`${collector.url}/sites/shop/settings`);
      expect(await page.content()).not.toContain(newKey);
    } finally {
      await context.close();
    }
  });

  it('shows a viewer no settings link and answers 403 on the settings URL', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await logIn(page, collector.url, 'watcher@example.com');
      expect(await page.locator('a.settings-link').count()).toBe(0);
      await page.goto(`${collector.url}/sites/shop`);
      expect(await page.locator('a[href$="/settings"]').count()).toBe(0);
      const res = await page.goto(`${collector.url}/sites/shop/settings`);
      expect(res?.status()).toBe(403);
      await expect(page.locator('h1').innerText()).resolves.toBe('Admins only');
      expect(await page.locator('input[name=privacy]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe('the real recorder on the HTML demo obeys what the settings page sets', () => {
  /** Opens the demo recording to the collector; collects the bodies it sends. */
  async function openDemo(): Promise<{ page: Page; sent: string[]; close(): Promise<void> }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sent: string[] = [];
    page.on('request', (request) => {
      if (!request.url().includes('/v1/ingest')) return;
      const body = request.postDataBuffer();
      if (body) sent.push(body[0] === 0x1f ? gunzipSync(body).toString() : body.toString());
    });
    const query = new URLSearchParams({ privacy: 'relaxed', collector: `${collector.url}/v1/ingest`, siteKey: demoKey });
    await page.goto(`${demo.url}?${query}`);
    return { page, sent, close: () => context.close() };
  }

  async function saveSettings(change: Record<string, string>) {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await logIn(page, collector.url, 'owner@example.com');
      await page.goto(`${collector.url}/sites/demo/settings`);
      for (const [name, value] of Object.entries(change)) await page.check(`input[name=${name}][value=${value}]`);
      await Promise.all([page.waitForURL(/saved=settings/), page.click('form.settings button[type=submit]')]);
    } finally {
      await context.close();
    }
  }

  const storedOf = async (sessionId: string) => {
    const site = (await collector.storage.getSiteByName('demo'))!;
    const events = [];
    for (const b of await collector.storage.getBatches(site.id, sessionId)) events.push(...(await decodeBlob(b.blob)));
    return JSON.stringify(events);
  };

  it('strict mode: a page already open takes it at its next start, and its page text is masked from then on', async () => {
    await saveSettings({ privacy: 'relaxed', recordInputs: 'on', recording: 'on' });
    const { page, sent, close } = await openDemo();
    try {
      await page.waitForFunction(() => (window as any).__veilDemo?.recorder?.state === 'recording');
      await page.evaluate(() => (window as any).__veilDemo.flush());
      const heading = 'New this week';
      await expect.poll(() => sent.join('')).toContain(heading);
      await saveSettings({ privacy: 'strict' });
      // the open page learns the site's settings when recording starts again
      sent.length = 0;
      await page.evaluate(async () => {
        const recorder = (window as any).__veilDemo.recorder;
        recorder.stop();
        recorder.start();
        await recorder.flush();
      });
      await expect.poll(() => sent.join('')).toContain('"type":2');
      expect(sent.join('')).not.toContain(heading);
      expect(sent.join('')).toContain('*'.repeat(3) + ' ' + '*'.repeat(4) + ' ' + '*'.repeat(4));
    } finally {
      await close();
    }
    await saveSettings({ privacy: 'relaxed' });
  });

  it('form inputs off: a newly opened page masks what is typed, in what it sends and in what is stored', async () => {
    await saveSettings({ recordInputs: 'off' });
    const { page, sent, close } = await openDemo();
    try {
      await page.waitForFunction(() => (window as any).__veilDemo?.recorder?.state === 'recording');
      const typed = 'linen-scarf-query-8h3';
      await page.locator('#search').pressSequentially(typed);
      await page.locator('#search').blur();
      await page.evaluate(() => (window as any).__veilDemo.flush());
      const site = (await collector.storage.getSiteByName('demo'))!;
      await waitFor(async () => (await collector.storage.listSessions(site.id)).length > 0, 'the session to arrive');
      const [session] = await collector.storage.listSessions(site.id);
      await waitFor(async () => (await storedOf(session.sessionId)).includes('"source":5'), 'the typing to arrive');
      expect(sent.join('')).not.toContain(typed);
      const stored = await storedOf(session.sessionId);
      expect(stored).not.toContain(typed);
      expect(stored).toContain('*****');
    } finally {
      await close();
    }
  });

  it('recording off: a newly opened page does not record, and nothing of it is stored', async () => {
    const site = (await collector.storage.getSiteByName('demo'))!;
    const before = (await collector.storage.listSessions(site.id)).length;
    await saveSettings({ recordInputs: 'on', recording: 'off' });
    const { page, sent, close } = await openDemo();
    try {
      await page.locator('#search').pressSequentially('while-switched-off');
      await page.evaluate(() => (window as any).__veilDemo.flush()).catch(() => undefined);
      await page.waitForTimeout(1500);
      expect(await page.evaluate(() => (window as any).__veilDemo?.recorder?.state)).not.toBe('recording');
      expect(sent.join('')).not.toContain('while-switched-off');
      expect((await collector.storage.listSessions(site.id)).length).toBe(before);
    } finally {
      await close();
    }
  });

  it("the audit log shows each change, from what to what, to the site's admins", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await logIn(page, collector.url, 'owner@example.com');
      await page.goto(`${collector.url}/sites/demo/audit`);
      const log = (await page.textContent('main')) ?? (await page.textContent('body'))!;
      expect(log).toContain("Changed the site's settings");
      for (const change of [
        'privacy: relaxed → strict',
        'privacy: strict → relaxed',
        'recordInputs: true → false',
        'recording: true → false',
      ]) {
        expect(log).toContain(change);
      }
    } finally {
      await context.close();
    }
  });
});
