// Regenerates the README's screenshots of the session list, the player, a
// site's settings page, the two-factor setup page, the code prompt at login
// and the audit log (desktop 1280 px and phone 390 px wide, light and dark),
// on sessions the real recorder makes in Chromium against a throw-away collector.
//
//   npm run build -w @veil/core && npm run build -w @veil/collector
//   node packages/collector/scripts/screenshots.mjs      # writes packages/collector/docs/*.png
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { addSite, addUser, createCollector, recordAudit } from '../dist/index.js';
import { startShop, visitShop } from '../test/shop-page.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '..', 'docs');
const PASSWORD = 'correct horse battery staple';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-screenshots-'));
const shop = await startShop();
const collector = await createCollector({ database: path.join(dir, 'veil.db'), port: 0 });
const browser = await chromium.launch({ executablePath: process.env.VEIL_CHROMIUM || '/usr/bin/chromium', args: ARGS });
try {
  const { key } = await addSite(collector.storage, { name: 'shop', origins: [shop.origin], privacy: 'relaxed' });
  await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['shop'] });
  await addUser(collector.storage, { email: 'analyst@example.com', password: PASSWORD, sites: ['shop'], role: 'viewer' });
  const site = await collector.storage.getSiteByName('shop');

  // three visits by the real recorder, idle for different stretches
  for (const [visitor, idle] of [
    ['visitor-7f3a', 20_000],
    ['visitor-7f3a', 45_000],
    ['visitor-c219', 12_000],
  ]) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    const query = new URLSearchParams({ collector: `${collector.url}/v1/ingest`, key, visitor });
    await visitShop(page, `${shop.url}?${query}`, idle);
    await context.close();
  }
  // one whose middle batch never arrived and whose browser dropped another: the list and player show gaps
  await postGappedSession(collector.url, key);
  await waitForSessions(collector, site.id, 3);

  // a colleague with two-factor login on, for the code prompt; and a few lines in the audit log besides the shots' own
  const { user: colleague } = await addUser(collector.storage, { email: 'colleague@example.com', password: PASSWORD, sites: ['shop'] });
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  await collector.storage.setPendingTotpSecret(colleague.id, secret);
  await collector.storage.enableTwoFactor(colleague.id, { secret, step: 0, recoveryCodeHashes: [] });
  const hourAgo = Date.now() - 3600_000;
  await recordAudit(collector.storage, {
    siteId: site.id,
    userId: colleague.id,
    action: 'login.failed',
    detail: 'wrong password',
    ip: '203.0.113.77',
    at: hourAgo,
  });
  await recordAudit(collector.storage, {
    siteId: site.id,
    userId: colleague.id,
    action: 'login',
    detail: 'with password and authenticator code',
    ip: '198.51.100.20',
    at: hourAgo + 60_000,
  });
  await recordAudit(collector.storage, {
    siteId: site.id,
    userId: colleague.id,
    action: 'visitor.delete',
    detail: 'visitor visitor-51b0: 1 session, 2 batches',
    ip: '198.51.100.20',
    at: hourAgo + 300_000,
  });

  const shots = [];
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: width > 500 ? 900 : 844 }, colorScheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(`${collector.url}/login`);
      await page.fill('input[name=email]', 'owner@example.com');
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(`${collector.url}/`), page.click('button[type=submit]')]);
      const suffix = `${width}-${colorScheme}`;
      await page.goto(`${collector.url}/sites/shop`);
      await page.screenshot({ path: path.join(out, `list-${suffix}.png`), fullPage: true });
      shots.push(`list-${suffix}.png`);
      const [session] = await collector.storage.findSessions(site.id, { sort: 'duration', limit: 1 });
      // the longest visit, opened by a deep link at 0:03: the cart filled, the idle stretch ahead on the timeline
      await page.goto(`${collector.url}/sites/shop/sessions/${session.sessionId}?t=3`, { waitUntil: 'domcontentloaded' });
      const player = await waitForPlayer(page);
      await player.waitForFunction(() => window.veilPlayer && window.veilPlayer.replayer);
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(out, `player-${suffix}.png`), fullPage: true });
      shots.push(`player-${suffix}.png`);
      // the owner's settings page, as it looks right after saving a change
      await page.goto(`${collector.url}/sites/shop/settings?saved=settings`);
      await page.screenshot({ path: path.join(out, `settings-${suffix}.png`), fullPage: true });
      shots.push(`settings-${suffix}.png`);

      await page.goto(`${collector.url}/account/two-factor`);
      // the first round starts the setup; later rounds find it under way, with the same key
      const setUp = page.locator('button:has-text("Set up two-factor login")');
      if (await setUp.count()) await Promise.all([page.waitForURL(`${collector.url}/account/two-factor`), setUp.click()]);
      await page.waitForSelector('#totp-secret');
      await page.screenshot({ path: path.join(out, `two-factor-setup-${suffix}.png`), fullPage: true });
      shots.push(`two-factor-setup-${suffix}.png`);

      await page.goto(`${collector.url}/sites/shop/audit`);
      await page.screenshot({ path: path.join(out, `audit-${suffix}.png`), fullPage: true });
      shots.push(`audit-${suffix}.png`);
      await context.close();

      // the colleague's login stops at the code prompt
      const other = await browser.newContext({ viewport: { width, height: width > 500 ? 900 : 844 }, colorScheme, deviceScaleFactor: 1 });
      const prompt = await other.newPage();
      await prompt.goto(`${collector.url}/login`);
      await prompt.fill('input[name=email]', 'colleague@example.com');
      await prompt.fill('input[name=password]', PASSWORD);
      await Promise.all([prompt.waitForURL(`${collector.url}/login/code`), prompt.click('button[type=submit]')]);
      await prompt.screenshot({ path: path.join(out, `login-code-${suffix}.png`), fullPage: true });
      shots.push(`login-code-${suffix}.png`);
      await other.close();
    }
  }
  console.log(`wrote ${shots.length} screenshots to ${path.relative(process.cwd(), out)}: ${shots.join(', ')}`);
} finally {
  await browser.close();
  await collector.close();
  await shop.close();
  rmSync(dir, { recursive: true, force: true });
}

async function waitForSessions(c, siteId, n) {
  for (let i = 0; i < 300; i++) {
    const sessions = await c.storage.listSessions(siteId);
    if (sessions.filter((s) => s.clicks >= 3).length >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the recorded sessions did not arrive');
}

async function waitForPlayer(page) {
  for (let i = 0; i < 300; i++) {
    const frame = page.frames().find((f) => f.url().endsWith('/player'));
    if (frame) return frame;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the player frame did not load');
}

async function postGappedSession(url, siteKey) {
  const t = Date.now() - 3600_000;
  const el = (id, tagName, childNodes = [], attributes = {}) => ({ type: 2, id, tagName, attributes, childNodes });
  const text = (id, textContent) => ({ type: 3, id, textContent });
  const doc = {
    type: 0,
    id: 1,
    childNodes: [
      el(2, 'html', [el(3, 'head'), el(4, 'body', [el(5, 'h1', [text(6, 'Blog')]), el(7, 'p', [text(8, 'A post about linen.')])])]),
    ],
  };
  const post = async (body) => {
    const res = await fetch(`${url}/v1/ingest?siteKey=${encodeURIComponent(siteKey)}`, {
      method: 'POST',
      body: gzipSync(JSON.stringify({ v: 1, siteKey, sessionId: 'gapped-session', visitorId: 'visitor-51b0', ...body })),
    });
    if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  };
  await post({
    seq: 0,
    events: [
      { type: 4, timestamp: t, data: { href: 'https://shop.example/blog/linen', width: 1100, height: 760 } },
      { type: 2, timestamp: t + 1, data: { node: doc, initialOffset: { left: 0, top: 0 } } },
    ],
  });
  const later = (dt, value) => ({
    type: 3,
    timestamp: t + dt,
    data: { source: 0, texts: [{ id: 8, value }], attributes: [], removes: [], adds: [] },
  });
  await post({ seq: 2, events: [later(40_000, 'A post about wool.')], dropped: { batches: 1, events: 12 } });
}
