// Login limits that slow the attacker, not the user (issue 18, findings 5 and 6).
// The clock is the collector's `now` option, moved by the test: no waiting.
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { addUser } from '../src/auth/users';
import { addTestUser, BACKENDS, pgUrl, startTestCollector, type Backend, type TestCollector } from './helpers';

const PASSWORD = 'correct horse battery staple';

class Jar {
  cookies = new Map<string, string>();
  take(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (c.maxAge === 0 || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

let t: TestCollector | undefined;
let clock = 1_800_000_000_000;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(collector: Record<string, unknown> = {}, backend: Backend = 'sqlite') {
  t = await startTestCollector(backend, {
    collector: {
      now: () => clock,
      rateLimits: {
        loginIpDelay: { freeFailures: 3, firstDelaySeconds: 10, maxDelaySeconds: 1000 },
        loginAccount: { perSecond: 1 / 120, burst: 4 },
      },
      ...collector,
    },
  });
  await addTestUser(t.collector, 'alice@example.com', PASSWORD, ['shop']);
}

async function login(opts: { email?: string; password?: string; jar?: Jar; ip?: string; headers?: Record<string, string> } = {}) {
  const jar = opts.jar ?? new Jar();
  const common = { remoteAddress: opts.ip ?? '127.0.0.1', headers: { ...opts.headers } };
  const page = jar.take(
    await t!.collector.app.inject({ method: 'GET', url: '/login', ...common, headers: { ...common.headers, cookie: jar.header() } }),
  );
  const res = jar.take(
    await t!.collector.app.inject({
      method: 'POST',
      url: '/login',
      ...common,
      headers: { ...common.headers, cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrfFrom(page.body),
        email: opts.email ?? 'alice@example.com',
        password: opts.password ?? PASSWORD,
      }).toString(),
    }),
  );
  return { jar, res };
}

describe('finding 5: a wrong-password flood does not lock the real user out', () => {
  it('lets the user in from a browser she logged in from before, while the account refuses new browsers', async () => {
    await start();
    const alice = new Jar();
    expect((await login({ jar: alice, ip: '10.0.0.1' })).res.statusCode).toBe(303);
    expect(alice.cookies.get('veil_device')).toBeTruthy();
    alice.cookies.delete('veil_session'); // her login session ended; the browser stays known

    // an attacker spread over many addresses spends the account's budget
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await login({ password: 'wrong password!!', ip: `203.0.113.${i}` })).res.statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429, 429]);
    // even with the right password, a browser that never logged in waits
    const stranger = await login({ ip: '203.0.113.99' });
    expect(stranger.res.statusCode).toBe(429);
    expect(Number(stranger.res.headers['retry-after'])).toBeGreaterThan(0);

    // alice, on her own browser, from a new address too, gets in
    expect((await login({ jar: alice, ip: '198.51.100.7' })).res.statusCode).toBe(303);
    alice.cookies.delete('veil_session');
    // but her device cookie is no pass for a wrong password, nor for another account
    expect((await login({ jar: alice, password: 'wrong password!!', ip: '198.51.100.7' })).res.statusCode).toBe(401);
    await addTestUser(t!.collector, 'bob@example.com', PASSWORD, ['shop']);
    for (let i = 0; i < 4; i++) await login({ email: 'bob@example.com', password: 'wrong password!!', ip: `203.0.114.${i}` });
    expect((await login({ email: 'bob@example.com', jar: alice, ip: '198.51.100.8' })).res.statusCode).toBe(429);
  });

  it('a forged device cookie does not pass the account limit', async () => {
    await start();
    for (let i = 0; i < 4; i++) await login({ password: 'wrong password!!', ip: `203.0.113.${i}` });
    const forged = new Jar();
    forged.cookies.set('veil_device', '1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await login({ jar: forged, ip: '198.51.100.9' })).res.statusCode).toBe(429);
  });

  it('slows one guessing address with waits that double, and a success starts it over', async () => {
    await start({
      rateLimits: {
        loginIpDelay: { freeFailures: 3, firstDelaySeconds: 10, maxDelaySeconds: 1000 },
        loginAccount: { perSecond: 1, burst: 1000 },
      },
    });
    const ip = '192.0.2.50';
    const guess = (i: number) => login({ email: `user${i}@example.com`, password: 'wrong password!!', ip });
    for (let i = 0; i < 3; i++) expect((await guess(i)).res.statusCode).toBe(401);
    expect((await guess(3)).res.statusCode).toBe(401); // the 4th failure earns the first wait
    const waits = [];
    for (let round = 0; round < 4; round++) {
      const refused = (await guess(10 + round)).res;
      expect(refused.statusCode).toBe(429);
      const wait = Number(refused.headers['retry-after']);
      waits.push(wait);
      clock += wait * 1000;
      expect((await guess(20 + round)).res.statusCode).toBe(401);
    }
    expect(waits).toEqual([10, 20, 40, 80]);
    // another address is not slowed by this one
    expect((await login({ ip: '192.0.2.51' })).res.statusCode).toBe(303);
    // after its wait, a person at that address who gets it right starts over
    clock += 160_000;
    expect((await login({ ip })).res.statusCode).toBe(303);
    expect((await guess(99)).res.statusCode).toBe(401);
  });
});

describe('finding 6: --trust-proxy trusts only the configured proxies', () => {
  const guessFrom = (remote: string, forwarded: string, i: number) =>
    login({ email: `user${i}@example.com`, password: 'wrong password!!', ip: remote, headers: { 'x-forwarded-for': forwarded } });

  it('a client that is not the proxy cannot choose its address with X-Forwarded-For', async () => {
    await start({ trustProxy: '10.1.1.1' });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await guessFrom('192.0.2.77', `198.51.100.${i}`, i)).res.statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
  });

  it('through the proxy, the address is the one the proxy saw, not one the client put in front', async () => {
    await start({ trustProxy: '10.1.1.1' });
    const codes = [];
    // the proxy appends what it saw (192.0.2.88) to whatever the client sent
    for (let i = 0; i < 5; i++) codes.push((await guessFrom('10.1.1.1', `198.51.100.${i}, 192.0.2.88`, i)).res.statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    // a different client behind the same proxy is not held
    expect((await login({ ip: '10.1.1.1', headers: { 'x-forwarded-for': '192.0.2.89' } })).res.statusCode).toBe(303);
  });

  it('a hop count trusts that many proxies from the socket inwards', async () => {
    await start({ trustProxy: 1 });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await guessFrom('10.1.1.1', `198.51.100.${i}, 192.0.2.90`, i)).res.statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
  });

  it('refuses trustProxy: true, which would trust any X-Forwarded-For', async () => {
    await expect(start({ trustProxy: true })).rejects.toThrow(/trustProxy: true trusts any X-Forwarded-For.*addresses.*hop count/);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(backend === 'postgres' && !pgUrl())(`finding 4: a NUL in the login e-mail, on ${backend}`, () => {
    it('is a 400 that says what is wrong, not a 503, and the login keeps working', async () => {
      await start({}, backend);
      const res = (await login({ email: 'alice\u0000@example.com' })).res;
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('not an e-mail address: it contains control characters');
      expect((await login()).res.statusCode).toBe(303);
      await expect(addUser(t!.collector.storage, { email: 'bob\u0000@example.com', password: PASSWORD, sites: ['shop'] })).rejects.toThrow(
        /is not an e-mail address/,
      );
    });
  });
}
