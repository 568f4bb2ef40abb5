import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../server.mjs';

describe('the demo server', () => {
  let dir: string;
  let server: { url: string; port: number; close: () => Promise<void> };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'veil-demo-angular-server-'));
    await mkdir(path.join(dir, 'browser'));
    await writeFile(path.join(dir, 'browser', 'index.html'), '<!doctype html><title>Veil demo — Angular</title><app-root></app-root>');
    await writeFile(path.join(dir, 'browser', 'main-ABC.js'), 'console.log(1)');
    await writeFile(path.join(dir, 'secret.txt'), 'outside the root');
    server = await startServer({ port: 0, root: path.join(dir, 'browser') });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (p: string, init?: RequestInit) => fetch(new URL(p, server.url), init);

  it('listens on 127.0.0.1 and serves the built app with a script-src self policy', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<app-root>');
    const js = await get('/main-ABC.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('answers paths without an extension with index.html, and missing files with 404', async () => {
    expect(await (await get('/account/orders')).text()).toContain('<app-root>');
    expect((await get('/nope.js')).status).toBe(404);
  });

  it('serves nothing outside its root', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const res = await get(p);
      expect(await res.text(), p).not.toContain('outside the root');
    }
    expect((await get('/', { method: 'POST' })).status).toBe(405);
  });

  it('says how to build the app when it is not built', async () => {
    const unbuilt = await startServer({ port: 0, root: path.join(dir, 'no-build') });
    try {
      const res = await fetch(unbuilt.url);
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('npm run build');
    } finally {
      await unbuilt.close();
    }
  });
});
