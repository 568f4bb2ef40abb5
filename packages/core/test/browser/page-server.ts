// A test file's own pages: an HTTP server on 127.0.0.1 that serves the
// recorder's <script> build at /veil.js and hands every other request to the
// file's route, and a Chromium to open them. Both start before the file's
// tests and close after them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@veil/test-support';
import { afterAll, beforeAll } from 'vitest';
import { bundle } from './harness';

export interface PageServer {
  /** `http://127.0.0.1:<port>`, once the file's tests run. */
  readonly base: string;
  readonly browser: Browser;
}

export function servePages(route: http.RequestListener): PageServer {
  let server: http.Server | undefined;
  const pages = { base: '', browser: undefined as unknown as Browser };
  beforeAll(async () => {
    const js = await bundle();
    server = http.createServer((req, res) => {
      if (req.url === '/veil.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        return res.end(js);
      }
      route(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    pages.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pages.browser = await launchChromium();
  });
  afterAll(async () => {
    await pages.browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });
  return pages;
}
