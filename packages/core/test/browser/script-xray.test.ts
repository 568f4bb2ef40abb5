// The <script> build's X-ray, in Chromium, served as a site serves it:
// Veil.xray(recorder) draws with the recorder's own options, loading
// xray.global.js from beside index.global.js; ?veil-xray shows it only on a
// page whose script tag opted in with data-veil-xray.
import { build } from 'esbuild';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, coreDir } from './harness';

let browser: Browser;
let server: http.Server;
let base: string;
const requested: string[] = [];

const page = (scriptTag: string) => `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${scriptTag}</head><body>
  <h1>Shop</h1>
  <label>Coupon <input id="coupon"></label>
  <label>Card number <input id="card" autocomplete="cc-number"></label>
  <div class="chat">Support chat</div>
  <script>
    window.recorder = Veil.createRecorder({ privacy: 'relaxed', block: ['.chat'], transport: () => {} });
  </script>
</body></html>`;

beforeAll(async () => {
  const xray = await build({
    entryPoints: [path.join(coreDir, 'src', 'xray', 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'VeilXray',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  const files: Record<string, string> = {
    '/dist/index.global.js': await bundle(),
    '/dist/xray.global.js': xray.outputFiles[0].text,
  };
  const pages: Record<string, string> = {
    '/plain.html': page('<script src="/dist/index.global.js"></script>'),
    '/opted-in.html': page('<script src="/dist/index.global.js" data-veil-xray></script>'),
  };
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requested.push(url.pathname);
    const js = files[url.pathname];
    const html = pages[url.pathname];
    if (!js && !html) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html; charset=utf-8' });
    res.end(js ?? html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function open(url: string): Promise<Page> {
  const p = await browser.newPage();
  await p.goto(`${base}${url}`);
  await p.waitForFunction(() => (window as any).recorder);
  return p;
}

const overlayHost = (p: Page) => p.evaluate(() => document.querySelectorAll('veil-xray[data-veil="block"]').length);

describe('Veil.xray in the <script> build', () => {
  it("draws the X-ray with the recorder's own privacy mode and selectors, selectors added later included", async () => {
    const p = await open('/plain.html');
    try {
      expect(requested).not.toContain('/dist/xray.global.js');
      const counts = await p.evaluate(async () => {
        const w = window as any;
        w.recorder.mask('#coupon');
        w.xr = await w.Veil.xray(w.recorder);
        return w.xr.counts();
      });
      expect(requested).toContain('/dist/xray.global.js');
      expect(await overlayHost(p)).toBe(1);
      // relaxed would record the coupon: recorder.mask('#coupon') masks it; the card is never recorded; .chat is blocked
      expect(counts.recorded.fields).toBe(0);
      expect(counts.masked.fields).toBe(1);
      expect(counts['never recorded'].fields).toBe(1);
      expect(counts.blocked.all).toBe(1);
    } finally {
      await p.close();
    }
  });

  it('says what to pass when given a recorder it does not know', async () => {
    const p = await open('/plain.html');
    try {
      const message = await p.evaluate(() =>
        (window as any).Veil.xray({ start() {}, subscribe() {} }).then(
          () => 'drawn',
          (e: Error) => e.message,
        ),
      );
      expect(message).toMatch(/^\[veil\] Veil\.xray\(recorder\) knows only recorders made by Veil\.createRecorder\(\)/);
    } finally {
      await p.close();
    }
  });
});

describe('?veil-xray', () => {
  it('draws nothing, and loads nothing, on a page that did not opt in', async () => {
    requested.length = 0;
    const p = await open('/plain.html?veil-xray');
    try {
      // the opted-in page draws within a few frames of creating its recorder: give this one as long
      await p.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
      expect(await overlayHost(p)).toBe(0);
      expect(requested).not.toContain('/dist/xray.global.js');
    } finally {
      await p.close();
    }
  });

  it("draws the X-ray for the page's recorder where the script tag has data-veil-xray", async () => {
    const p = await open('/opted-in.html?veil-xray');
    try {
      await p.waitForFunction(() => document.querySelector('veil-xray[data-veil="block"]'));
      expect(await overlayHost(p)).toBe(1);
    } finally {
      await p.close();
    }
  });

  it('draws nothing on an opted-in page opened without the query', async () => {
    requested.length = 0;
    const p = await open('/opted-in.html');
    try {
      await p.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
      expect(await overlayHost(p)).toBe(0);
      expect(requested).not.toContain('/dist/xray.global.js');
    } finally {
      await p.close();
    }
  });
});
