import { existsSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../server.mjs';

const coreBundle = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'packages',
  'core',
  'dist',
  'index.global.js',
);

describe('the demo server', () => {
  let server: { url: string; port: number; close: () => Promise<void> };

  beforeAll(async () => {
    server = await startServer({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (p: string, init?: RequestInit) => fetch(new URL(p, server.url), init);

  it('listens on 127.0.0.1 and serves the demo page', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('Veil demo');
    for (const asset of ['/demo.js', '/demo.css', '/favicon.svg', '/vendor/rrweb.css']) {
      expect((await get(asset)).status, asset).toBe(200);
    }
  });

  it("serves rrweb's UMD player wrapped so that it defines window.rrweb", async () => {
    const res = await get('/vendor/rrweb.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    const window: Record<string, unknown> = {};
    vm.runInNewContext(await res.text(), { window, console });
    expect(typeof (window.rrweb as { Replayer?: unknown })?.Replayer).toBe('function');
  });

  it("serves Veil's browser build as /veil.js, or says how to build it", async () => {
    const res = await get('/veil.js');
    if (existsSync(coreBundle)) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    } else {
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('npm run build');
    }
  });

  it('answers 500 with what to run when the core is not built', async () => {
    const unbuilt = await startServer({ port: 0, coreBundle: path.join(coreBundle, '..', 'no-such-build.js') });
    try {
      const res = await fetch(new URL('/veil.js', unbuilt.url));
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('npm run build');
    } finally {
      await unbuilt.close();
    }
  });

  it('answers 404 for anything else, including paths that climb out of the app', async () => {
    for (const p of ['/nope', '/server.mjs', '/package.json', '/../../package.json', '/%2e%2e/package.json']) {
      expect((await get(p)).status, p).toBe(404);
    }
    expect((await get('/', { method: 'POST' })).status).toBe(405);
  });

  it('falls back to a free port when the requested one is busy', async () => {
    const other = await startServer({ port: server.port });
    try {
      expect(other.port).not.toBe(server.port);
      expect((await fetch(other.url)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
