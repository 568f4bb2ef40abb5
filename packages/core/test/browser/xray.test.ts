// The X-ray overlay in Chromium: outlines counted per outcome on a page with
// a shadow root and a frame, the reason on hover, a field added later, the
// mode switch, and a recording made while it is shown that holds nothing of it.
import { build } from 'esbuild';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, coreDir } from './harness';

let browser: Browser;
let xrayScript: string;
let recorderScript: string;
let server: http.Server;
let base: string;

export const XRAY_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Checkout</title></head><body style="font:16px system-ui;margin:24px">
  <h1>Checkout</h1>
  <p>Free shipping on orders over 50 €</p>
  <form id="pay" style="display:grid;gap:8px;max-width:420px">
    <label>E-mail <input id="email" type="email"></label>
    <label>Card number <input id="card" autocomplete="cc-number"></label>
    <label>Coupon <input id="coupon"></label>
    <label>Password <input id="pw" type="password"></label>
  </form>
  <section data-veil="mask"><h2>Your profile</h2><p>Jana Nováková, Prague</p></section>
  <div data-veil="block" style="height:60px;border:1px solid #ccc">Support chat</div>
  <x-address id="host"></x-address>
  <iframe id="frame" style="width:420px;height:80px;border:1px solid #ccc" srcdoc="<label>Note <input id='note' data-veil='mask'></label>"></iframe>
</body></html>`;

beforeAll(async () => {
  const out = await build({
    entryPoints: [path.join(coreDir, 'src', 'xray', 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'VeilXray',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  xrayScript = out.outputFiles[0].text;
  recorderScript = await bundle();
  server = http.createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(XRAY_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function open(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.goto(base);
  await page.evaluate(() => {
    const root = document.getElementById('host')!.attachShadow({ mode: 'open' });
    root.innerHTML = '<label>ZIP <input id="zip" name="zip"></label>';
  });
  await page.waitForFunction(() => (document.getElementById('frame') as HTMLIFrameElement).contentDocument?.getElementById('note'));
  await page.evaluate((js) => (0, eval)(`${js}\n;window.VeilXray = VeilXray;`), xrayScript);
  return page;
}

const counts = (page: Page) => page.evaluate(() => (window as any).xr.counts());

describe('xray', () => {
  it('outlines every field and text with its outcome, through shadow roots and frames', async () => {
    const page = await open();
    try {
      await page.evaluate(() => ((window as any).xr = (window as any).VeilXray.xray({ privacy: 'relaxed' })));
      const c = await counts(page);
      // email (personal), zip (personal name), note (masked region): masked; card, password: never recorded; coupon: recorded
      expect(c.masked.fields).toBe(3);
      expect(c['never recorded'].fields).toBe(2);
      expect(c.recorded.fields).toBe(1);
      expect(c.blocked.all).toBe(1);
      const boxes = await page.evaluate(() => (window as any).xr.overlay.querySelectorAll('.box').length);
      expect(boxes).toBe(Object.values(c as Record<string, { all: number }>).reduce((n, o) => n + o.all, 0));
      const legend = await page.evaluate(() => (window as any).xr.overlay.querySelector('.legend').textContent.replace(/\s+/g, ' '));
      expect(legend).toContain('never recorded2 fields · 2 in all');
      // the picture in the README: the X-ray with the card of one field shown
      await page.hover('#card');
      await page.waitForFunction(() => !(window as any).xr.overlay.querySelector('.card').hidden);
      await page.screenshot({ path: path.join(coreDir, 'docs', 'xray.png') });
      await page.setViewportSize({ width: 390, height: 760 });
      await page.mouse.move(0, 0);
      await page.waitForFunction(() => (window as any).xr.overlay.querySelector('.card').hidden);
      await page.screenshot({ path: path.join(coreDir, 'docs', 'xray-390.png') });
    } finally {
      await page.close();
    }
  });

  it('shows the rule that decided when the pointer is over an outline', async () => {
    const page = await open();
    try {
      await page.evaluate(() => ((window as any).xr = (window as any).VeilXray.xray({ privacy: 'relaxed' })));
      await page.hover('#card');
      await page.waitForFunction(() => !(window as any).xr.overlay.querySelector('.card').hidden);
      const card = () =>
        page.evaluate(() => {
          const el = (window as any).xr.overlay.querySelector('.card');
          return [el.querySelector('strong').textContent, el.querySelector('code').textContent, el.querySelector('.why').textContent];
        });
      expect(await card()).toEqual(['never recorded', 'input#card', 'autocomplete="cc-number"']);
      await page.hover('section[data-veil] p', { position: { x: 8, y: 8 } });
      await page.waitForFunction(() => (window as any).xr.overlay.querySelector('.card').textContent.includes('data-veil'));
      expect(await card()).toEqual(['masked', 'p', 'inside [data-veil="mask"] at section']);
    } finally {
      await page.close();
    }
  });

  it('outlines a blocked region once and goes on after it, also when it ends its parent', async () => {
    const page = await open();
    try {
      // the blocked region is its parent's last child, and the parent has a next sibling:
      // the walk used to return to the parent and into the region again, freezing the page
      await page.evaluate(() =>
        document
          .querySelector('h1')!
          .insertAdjacentHTML(
            'afterend',
            '<section><aside data-veil="block">Chat <p>Agent</p><input id="chat"></aside></section><p>Thanks for shopping</p><div data-veil="block"><p>One</p><p>Two</p></div>',
          ),
      );
      await page.evaluate(() => ((window as any).xr = (window as any).VeilXray.xray({ privacy: 'relaxed' })));
      const c = await counts(page);
      // the page's chat, the aside, and the text-less div: one box each, not one per paragraph inside
      expect(c.blocked.all).toBe(3);
      expect(c.blocked.fields).toBe(0);
      // what follows the region is still outlined: the coupon field and the text after it
      expect(c.recorded.fields).toBe(1);
      const outcomes = await page.evaluate(() =>
        [...(window as any).xr.overlay.querySelectorAll('.box')].map((b: HTMLElement) => b.dataset.outcome),
      );
      expect(outcomes.filter((o: string | undefined) => o === 'recorded').length).toBeGreaterThan(2);
    } finally {
      await page.close();
    }
  });

  it('follows a field added later and the mode switch', async () => {
    const page = await open();
    try {
      await page.evaluate(() => ((window as any).xr = (window as any).VeilXray.xray({ privacy: 'relaxed' })));
      await page.evaluate(() =>
        document.getElementById('pay')!.insertAdjacentHTML('beforeend', '<label>CVC <input id="cvc" name="cvc"></label>'),
      );
      await page.waitForFunction(() => (window as any).xr.counts()['never recorded'].fields === 3);
      await page.evaluate(() => ((window as any).xr.overlay.querySelector('select').value = 'strict'));
      await page.evaluate(() => (window as any).xr.overlay.querySelector('select').dispatchEvent(new Event('change', { bubbles: true })));
      const strict = await counts(page);
      expect(strict.recorded.fields).toBe(0);
      expect(strict.masked.fields).toBe(4);
    } finally {
      await page.close();
    }
  });

  it('adds nothing of itself to a recording running beside it', async () => {
    const page = await open();
    try {
      await page.evaluate((js) => (0, eval)(`${js}\n;window.Veil = Veil;`), recorderScript);
      const batches = await page.evaluate(async () => {
        const sent: string[] = [];
        const recorder = (window as any).Veil.createRecorder({
          privacy: 'relaxed',
          transport: (b: unknown) => void sent.push(JSON.stringify(b)),
        });
        recorder.start();
        const xr = (window as any).VeilXray.xray({ privacy: 'relaxed' });
        await new Promise((r) => setTimeout(r, 100));
        xr.setPrivacy('balanced');
        await new Promise((r) => setTimeout(r, 100));
        await recorder.flush();
        recorder.stop();
        xr.destroy();
        return sent.join('\n');
      });
      expect(batches).toContain('Free shipping on orders over');
      for (const own of ['Veil X-ray', 'Hover an outline', 'autocomplete=\\"cc-number\\"', 'repeating-linear-gradient', 'box hover'])
        expect(batches).not.toContain(own);
      // its only trace: the empty, blocked 0×0 host
      expect(batches).toMatch(/"tagName":"veil-xray","attributes":\{[^}]*\},"childNodes":\[\]/);
    } finally {
      await page.close();
    }
  });
});
