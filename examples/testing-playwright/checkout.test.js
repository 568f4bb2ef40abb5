// A site's own test of what Veil records on its checkout page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { chromium } from 'playwright-core';
import { expectNoLeak, privacyReport, recordPage } from '@veil/testing';

// CHECKOUT_PAGE: another version of the page, e.g. one where a field was added
const page_ = readFileSync(new URL(process.env.CHECKOUT_PAGE ?? './checkout.html', import.meta.url), 'utf8');
let server;
let browser;
let url;

before(async () => {
  server = http.createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page_));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.VEIL_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the card number and the name on the card never leave the page', async () => {
  const page = await browser.newPage();
  await page.goto(url);
  const recording = await recordPage(page, { privacy: 'relaxed' });
  await page.fill('#card', '4242 4242 4242 4242');
  await page.fill('#holder', 'Jana Novakova');
  await page.fill('#coupon', 'WINTER25');
  await expectNoLeak(recording, { card: '4242 4242 4242 4242', holder: 'Jana Novakova' });
  const sent = await recording.stop();
  assert.match(sent.replayed, /WINTER25/, 'the coupon is an ordinary field and is recorded');
  await page.close();
});

test('every field of the checkout has been reviewed', async () => {
  const page = await browser.newPage();
  await page.goto(url);
  const report = await privacyReport(page, { privacy: 'relaxed' });
  const reviewed = new Set(['input#card', 'input#holder', 'input#coupon']);
  const unreviewed = report
    .filter((row) => !reviewed.has(row.field))
    .map((row) => `${row.field} (${row.label}): ${row.outcome}, ${row.reason}`);
  assert.deepEqual(unreviewed, [], 'a field nobody marked or reviewed');
  await page.close();
});
