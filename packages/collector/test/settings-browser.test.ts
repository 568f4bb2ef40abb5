// The settings page in Debian's Chromium: an admin changes the site's settings
// and sees them in force (and GET /v1/settings follows); a viewer has no way in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { addUser } from '../src/auth/users';
import { createCollector, type Collector } from '../src/server';
import { addSite } from '../src/settings/sites';
import { logIn, PASSWORD } from './browser-helpers';
import { makeDatabase } from './helpers';

let browser: Browser;
let collector: Collector;
let db: Awaited<ReturnType<typeof makeDatabase>>;
let key: string;

beforeAll(async () => {
  db = await makeDatabase('sqlite');
  collector = await createCollector({ database: db.database, port: 0 });
  ({ key } = await addSite(collector.storage, { name: 'shop', origins: ['https://shop.example'], privacy: 'relaxed' }));
  await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['shop'] });
  await addUser(collector.storage, { email: 'watcher@example.com', password: PASSWORD, sites: ['shop'] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  db?.cleanup();
});

describe('the settings page in Chromium', () => {
  it('lets an admin switch form inputs off, go strict and stop recording, and shows it in force', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await logIn(page, collector.url, 'owner@example.com');
      await Promise.all([page.waitForURL(`${collector.url}/sites/shop/settings`), page.click('a.settings-link')]);
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
