// In Debian's Chromium (playwright-core): a user turns two-factor login on
// from the viewer, logs out, logs in again through the code prompt, watches a
// session, and finds all of it in the site's audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { addUser } from '../src/auth/users';
import { totpAt, totpStep } from '../src/auth/totp';
import { createCollector, type Collector } from '../src/server';
import { addSite } from '../src/settings/sites';
import { gz, makeDatabase, firstEvents } from './helpers';
import { PASSWORD, logIn, waitFor } from './browser-helpers';

let browser: Browser;
let collector: Collector;
let db: Awaited<ReturnType<typeof makeDatabase>>;

beforeAll(async () => {
  db = await makeDatabase('sqlite');
  collector = await createCollector({ database: db.database, port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  db?.cleanup();
});

describe('two-factor login and the audit log in a browser', () => {
  it('enrols, logs in with a code, and the audit page shows the login, the enrolment and the watched session', async () => {
    const { site, key } = await addSite(collector.storage, { name: 'shop', origins: ['https://shop.example'], privacy: 'relaxed' });
    await addUser(collector.storage, { email: 'owner@example.com', password: PASSWORD, sites: ['shop'] });
    const now = Date.now();
    const res = await fetch(`${collector.url}/v1/ingest?siteKey=${key}`, {
      method: 'POST',
      body: gz({ v: 1, siteKey: key, sessionId: 'visit-1', visitorId: 'visitor-1', seq: 0, events: firstEvents(now - 60_000) }),
    });
    expect(res.status).toBeLessThan(300);

    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, collector.url, 'owner@example.com');

    // enrolment: the key as text, a first code, then the recovery codes once
    await page.click('text=Two-factor login');
    await expect.poll(() => page.textContent('main')).toContain('Two-factor login is off');
    await Promise.all([page.waitForURL(`${collector.url}/account/two-factor`), page.click('button:has-text("Set up two-factor login")')]);
    const secret = (await page.textContent('#totp-secret'))!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.getAttribute('a[href^="otpauth://"]', 'href')).toContain(`secret=${secret}`);
    await page.fill('input[name=code]', totpAt(secret, totpStep(Date.now())));
    await page.click('button:has-text("Turn on two-factor login")');
    await expect.poll(() => page.locator('#recovery-codes li').count()).toBe(10);
    expect(await page.textContent('[role=status]')).toContain('Two-factor login is on');

    await Promise.all([page.waitForURL(`${collector.url}/login`), page.click('button:has-text("Log out")')]);

    // the password alone leads to the code prompt, not in
    await page.fill('input[name=email]', 'owner@example.com');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${collector.url}/login/code`), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('Enter your code');
    expect(await page.getAttribute('input[name=code]', 'autocomplete')).toBe('one-time-code');
    expect((await page.goto(`${collector.url}/sites/shop`))!.url()).toBe(`${collector.url}/login`);
    await page.goBack();
    await page.goto(`${collector.url}/login/code`);
    await page.fill('input[name=code]', '000000');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('That code is not right');
    // the enrolment used this step's code; the next step's is within the window and not used yet
    await page.fill('input[name=code]', totpAt(secret, totpStep(Date.now()) + 1));
    await Promise.all([page.waitForURL(`${collector.url}/`), page.click('button[type=submit]')]);

    await page.goto(`${collector.url}/sites/shop/sessions/visit-1`);
    await waitFor(
      async () => (await collector.storage.listAudit(site.id, { limit: 1 }))[0]?.action === 'session.view',
      'the player to load the session',
    );

    await page.goto(`${collector.url}/sites/shop`);
    await Promise.all([page.waitForURL(`${collector.url}/sites/shop/audit`), page.click('a:has-text("Audit log")')]);
    const rows = await page.$$eval('table.audit tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 4).map((td) => td.textContent!.trim())),
    );
    expect(rows).toEqual([
      ['owner@example.com', 'Watched a session', 'session visit-1'],
      ['owner@example.com', 'Logged in', 'with password and authenticator code'],
      ['owner@example.com', 'Failed login', 'password right, wrong two-factor code'],
      ['owner@example.com', 'Logged out', '–'],
      ['owner@example.com', 'Turned on two-factor login', '–'],
      ['owner@example.com', 'Logged in', 'with password'],
    ]);
    expect(await page.$eval('table.audit tbody tr td.mono', (td) => td.textContent)).toBe('127.0.0.1');
    const download = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download as CSV")')]).then(([d]) => d);
    expect(download.suggestedFilename()).toMatch(/^veil-audit-shop-\d{4}-\d\d-\d\d\.csv$/);
    await context.close();
  });
});
