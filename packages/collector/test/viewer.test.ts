// The viewer's access control, sessions, CSRF and headers (no browser needed).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { removeUser } from '../src/auth/users';
import { addSite } from '../src/settings/sites';
import { formatTime } from '../src/viewer/html';
import { addTestUser, batch, send, startTestCollector, type TestCollector } from './helpers';

const PASSWORD = 'correct horse battery staple';

/** A tiny cookie jar for app.inject. */
class Jar {
  cookies = new Map<string, string>();
  take(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() <= Date.now()) || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

let t: TestCollector;
beforeEach(async () => {
  t = await startTestCollector('sqlite', {
    collector: {
      rateLimits: {
        loginIpDelay: { freeFailures: 7, firstDelaySeconds: 1000, maxDelaySeconds: 100_000 },
        loginAccount: { perSecond: 0.001, burst: 3 },
      },
    },
  });
  await addTestUser(t.collector, 'alice@example.com', PASSWORD, ['shop']);
  await send(t.collector, batch({ siteKey: t.key }));
});
afterEach(async () => {
  await t.close();
});

const get = (jar: Jar, url: string) =>
  t.collector.app.inject({ method: 'GET', url, headers: { cookie: jar.header() } }).then((r) => jar.take(r));
const post = (jar: Jar, url: string, form: Record<string, string>, ip = '127.0.0.1') =>
  t.collector.app
    .inject({
      method: 'POST',
      url,
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
      remoteAddress: ip,
    })
    .then((r) => jar.take(r));

async function login(email = 'alice@example.com', password = PASSWORD, jar = new Jar(), ip?: string) {
  const page = await get(jar, '/login');
  const res = await post(jar, '/login', { _csrf: csrfFrom(page.body), email, password }, ip);
  return { jar, res };
}

const SESSION_URL = '/sites/shop/sessions/session-1';
const PROTECTED_GETS = ['/', '/sites/shop', SESSION_URL, `${SESSION_URL}/events.json`];

describe('without a session', () => {
  it('every viewer page sends to the login page and the events route answers 401', async () => {
    for (const url of PROTECTED_GETS) {
      const res = await get(new Jar(), url);
      if (url.endsWith('.json')) {
        expect(res.statusCode, url).toBe(401);
      } else {
        expect(res.statusCode, url).toBe(303);
        expect(res.headers.location, url).toBe('/login');
      }
      expect(res.body).not.toContain('session-1');
    }
  });

  it('every form action is refused', async () => {
    for (const url of ['/logout', `${SESSION_URL}/delete`]) {
      const res = await post(new Jar(), url, { _csrf: 'x' });
      expect(res.statusCode, url).toBe(401);
    }
    expect(await t.collector.storage.getSession(t.siteId, 'session-1')).not.toBeNull();
  });

  it('a made-up session cookie is no session', async () => {
    const jar = new Jar();
    jar.cookies.set('veil_session', 'A'.repeat(43));
    expect((await get(jar, '/')).statusCode).toBe(303);
  });
});

describe('logging in', () => {
  it('with the right password: a new HTTP-only, SameSite cookie and the sites page', async () => {
    const { jar, res } = await login();
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = (res.cookies as any[]).find((c) => c.name === 'veil_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    const home = await get(jar, '/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('href="/sites/shop"');
  });

  it('with a wrong password, or as an unknown user: 401, the same message, no session', async () => {
    for (const [email, password] of [
      ['alice@example.com', 'wrong password!!'],
      ['nobody@example.com', PASSWORD],
    ]) {
      const { jar, res } = await login(email, password);
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('Wrong e-mail or password.');
      expect(jar.cookies.has('veil_session')).toBe(false);
      expect((await get(jar, '/')).statusCode).toBe(303);
    }
  });

  it('is limited per account: 429 with Retry-After after the allowed failures, even with the right password from a browser that never logged in', async () => {
    for (let i = 0; i < 3; i++) expect((await login('alice@example.com', 'wrong password!!')).res.statusCode).toBe(401);
    const { res } = await login();
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('is limited per IP across accounts', async () => {
    const codes = [];
    for (let i = 0; i < 9; i++) codes.push((await login(`user${i}@example.com`, 'whatever pw 123', new Jar(), '10.9.9.9')).res.statusCode);
    expect(codes.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(codes[8]).toBe(429);
    expect((await login(undefined, undefined, new Jar(), '10.9.9.10')).res.statusCode).toBe(303);
  });

  it('refuses a login form without its CSRF token, with a wrong one, or with one from another pre-login session', async () => {
    const jar = new Jar();
    const page = await get(jar, '/login');
    expect((await post(jar, '/login', { email: 'alice@example.com', password: PASSWORD })).statusCode).toBe(403);
    expect((await post(jar, '/login', { _csrf: 'forged', email: 'alice@example.com', password: PASSWORD })).statusCode).toBe(403);
    const other = new Jar();
    const otherToken = csrfFrom((await get(other, '/login')).body);
    expect((await post(jar, '/login', { _csrf: otherToken, email: 'alice@example.com', password: PASSWORD })).statusCode).toBe(403);
    expect(jar.cookies.has('veil_session')).toBe(false);
    expect((await post(jar, '/login', { _csrf: csrfFrom(page.body), email: 'alice@example.com', password: PASSWORD })).statusCode).toBe(
      303,
    );
  });

  it('does not accept a cookie from before the login afterwards (no session fixation)', async () => {
    const jar = new Jar();
    // an attacker plants a session cookie value, and the pre-login cookie exists
    jar.cookies.set('veil_session', 'B'.repeat(43));
    const page = await get(jar, '/login');
    const before = new Map(jar.cookies);
    await post(jar, '/login', { _csrf: csrfFrom(page.body), email: 'alice@example.com', password: PASSWORD });
    const after = jar.cookies.get('veil_session')!;
    expect(after).toBeTruthy();
    for (const value of before.values()) {
      expect(value).not.toBe(after);
      const attacker = new Jar();
      attacker.cookies.set('veil_session', value);
      expect((await get(attacker, '/')).statusCode).toBe(303);
    }
    expect((await get(jar, '/')).statusCode).toBe(200);
  });

  it('serves HTTPS directly with --tls-cert/--tls-key: Secure cookies and HSTS', async () => {
    const dir = t.dir;
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    const tls = { cert: readFileSync(path.join(dir, 'cert.pem')), key: readFileSync(path.join(dir, 'key.pem')) };
    await t.restart({ tls, listen: true, port: 0 });
    expect(t.collector.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(t.collector.playerUrl).toMatch(/^https:/);
    const res = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      https
        .get(`${t.collector.url}/login`, { ca: tls.cert, servername: undefined, checkServerIdentity: () => undefined }, (r) => {
          r.resume();
          r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers }));
        })
        .on('error', reject);
    });
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toContain('Secure');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('sets Secure cookies behind a trusted TLS-terminating proxy', async () => {
    await t.restart({ trustProxy: '127.0.0.1' });
    const jar = new Jar();
    const page = await t.collector.app.inject({ method: 'GET', url: '/login', headers: { 'x-forwarded-proto': 'https' } });
    jar.take(page);
    expect((page.cookies as any[])[0].secure).toBe(true);
  });
});

describe('logged in', () => {
  it('logging out needs the CSRF token and then ends the session for good', async () => {
    const { jar } = await login();
    const old = jar.cookies.get('veil_session')!;
    expect((await post(jar, '/logout', {})).statusCode).toBe(403);
    expect((await get(jar, '/')).statusCode).toBe(200);
    const home = await get(jar, '/');
    const res = await post(jar, '/logout', { _csrf: csrfFrom(home.body) });
    expect(res.statusCode).toBe(303);
    const replay = new Jar();
    replay.cookies.set('veil_session', old);
    expect((await get(replay, '/')).statusCode).toBe(303);
  });

  it('a user removed from the command line is logged out at once', async () => {
    const { jar } = await login();
    expect((await get(jar, '/')).statusCode).toBe(200);
    await removeUser(t.collector.storage, 'alice@example.com');
    expect((await get(jar, '/')).statusCode).toBe(303);
    expect((await login()).res.statusCode).toBe(401);
  });

  it("deleting a session needs this session's CSRF token", async () => {
    const { jar } = await login();
    const other = (await login()).jar;
    const otherToken = csrfFrom((await get(other, SESSION_URL)).body);
    expect((await post(jar, `${SESSION_URL}/delete`, {})).statusCode).toBe(403);
    expect((await post(jar, `${SESSION_URL}/delete`, { _csrf: otherToken })).statusCode).toBe(403);
    expect(await t.collector.storage.getSession(t.siteId, 'session-1')).not.toBeNull();
    const token = csrfFrom((await get(jar, SESSION_URL)).body);
    const res = await post(jar, `${SESSION_URL}/delete`, { _csrf: token });
    expect(res.statusCode).toBe(303);
    expect(await t.collector.storage.getSession(t.siteId, 'session-1')).toBeNull();
    expect(await t.collector.storage.getBatches(t.siteId, 'session-1')).toEqual([]);
  });

  it("lists the site's sessions and serves the replay page and its events", async () => {
    const { jar } = await login();
    const list = await get(jar, '/sites/shop');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('session-1');
    const page = await get(jar, SESSION_URL);
    expect(page.body).toContain(`sandbox="allow-scripts allow-same-origin" src="${t.collector.playerUrl}/player"`);
    const events = await get(jar, `${SESSION_URL}/events.json`);
    expect(events.statusCode).toBe(200);
    expect(events.json().events.length).toBe(4);
  });

  it("one site's user sees nothing of another site: not in the list, not by URL, not as JSON", async () => {
    const { key } = await addSite(t.collector.storage, { name: 'blog', origins: ['https://blog.example'] });
    await send(t.collector, batch({ siteKey: key, sessionId: 'blog-session' }), { origin: 'https://blog.example' });
    await addTestUser(t.collector, 'bob@example.com', PASSWORD, ['blog']);
    const { jar } = await login('bob@example.com');
    const home = await get(jar, '/');
    expect(home.body).toContain('/sites/blog');
    expect(home.body).not.toContain('/sites/shop');
    for (const url of ['/sites/shop', SESSION_URL, `${SESSION_URL}/events.json`]) {
      const res = await get(jar, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('Linen');
    }
    const token = csrfFrom(home.body);
    expect((await post(jar, `${SESSION_URL}/delete`, { _csrf: token })).statusCode).toBe(404);
    expect(await t.collector.storage.getSession(t.siteId, 'session-1')).not.toBeNull();
    // and bob's own site works
    expect((await get(jar, '/sites/blog/sessions/blog-session/events.json')).statusCode).toBe(200);
  });
});

describe('security headers', () => {
  it('are on every viewer response; authenticated pages are not cached; the player is sandboxed', async () => {
    const { jar } = await login();
    const urls = ['/login', '/', '/sites/shop', SESSION_URL, `${SESSION_URL}/events.json`, '/static/replay.js', '/nope'];
    for (const url of urls) {
      const res = await get(jar, url);
      const csp = String(res.headers['content-security-policy']);
      for (const part of ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]) {
        expect(csp, url).toContain(part);
      }
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      if (!url.startsWith('/static')) expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const replayPage = await get(jar, SESSION_URL);
    expect(String(replayPage.headers['content-security-policy'])).toContain(`frame-src ${t.collector.playerUrl}`);
  });

  it('the player origin serves only the player shell and its scripts, under a CSP with no inline script', async () => {
    const player = await t.collector.playerApp.inject({ method: 'GET', url: '/player' });
    expect(player.statusCode).toBe(200);
    const csp = String(player.headers['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';/);
    expect(csp).toContain("connect-src 'none'");
    expect(player.headers['cache-control']).toBe('no-store');
    expect(player.body).not.toMatch(/<script>/);
    for (const url of ['/', '/login', '/sites/shop', `${SESSION_URL}/events.json`, '/static/replay.js', '/v1/ingest']) {
      expect((await t.collector.playerApp.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    expect((await t.collector.playerApp.inject({ method: 'GET', url: '/static/rrweb-replay.js' })).statusCode).toBe(200);
  });
});

describe('times on the viewer', () => {
  it('shows a time no date can hold (stored before ingest refused them) as a dash instead of failing the page', () => {
    expect(formatTime(1_764_383_003_000)).toBe('2025-11-29 02:23:23 UTC');
    expect(formatTime(null)).toBe('–');
    expect(formatTime(1e20)).toBe('–');
    expect(formatTime(Number.NaN)).toBe('–');
  });
});
