// Issue 18, part B: several collector instances on one PostgreSQL database.
// The login limits live in the database, so failures on one instance count on
// the others; the ingest rate limits are per instance (README, "Several
// instances"): N instances let N times the configured rate through.
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { addUser } from '../src/auth/users';
import { createCollector, type Collector } from '../src/server';
import { batch, makeDatabase, ORIGIN, pgUrl, send } from './helpers';
import { addSite } from '../src/settings/sites';

const PASSWORD = 'correct horse battery staple';
let clock = 1_800_000_000_000;
const open: Collector[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

const cookiesOf = (res: LightMyRequestResponse) =>
  (res.cookies as { name: string; value: string }[]).map((c) => `${c.name}=${c.value}`).join('; ');

async function attempt(collector: Collector, ip: string, password: string, email = 'alice@example.com') {
  const page = await collector.app.inject({ method: 'GET', url: '/login', remoteAddress: ip });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const res = await collector.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: { cookie: cookiesOf(page), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  });
  return res;
}

/** Two instances on one fresh database, as behind a load balancer. */
async function twoInstances(rateLimits: Record<string, unknown>) {
  const { database } = await makeDatabase('postgres');
  const a = await createCollector({ database, listen: false, now: () => clock, rateLimits });
  open.push(a);
  const b = await createCollector({ database, listen: false, now: () => clock, rateLimits });
  open.push(b);
  const { key } = await addSite(a.storage, { name: 'shop', origins: [ORIGIN], privacy: 'relaxed' });
  await addUser(a.storage, { email: 'alice@example.com', password: PASSWORD, sites: ['shop'] });
  return { a, b, key, database };
}

describe.skipIf(!pgUrl())('several instances on one PostgreSQL database', () => {
  it("count one address's login failures together: the wait earned on A holds on B", async () => {
    const { a, b } = await twoInstances({
      loginIpDelay: { freeFailures: 3, firstDelaySeconds: 10, maxDelaySeconds: 1000 },
      loginAccount: { perSecond: 1, burst: 1000 },
    });
    const ip = '192.0.2.77';
    // alternating instances, as a load balancer would: four failures in all, the fourth earns the first wait
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await attempt(i % 2 ? b : a, ip, 'wrong password!!')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401]);
    for (const instance of [a, b]) {
      const refused = await attempt(instance, ip, PASSWORD);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBe(10);
    }
    // the wait over, a success on B starts the address over on A too
    clock += 10_000;
    expect((await attempt(b, ip, PASSWORD)).statusCode).toBe(303);
    expect((await attempt(a, ip, 'wrong password!!')).statusCode).toBe(401);
    expect((await attempt(a, ip, PASSWORD)).statusCode).toBe(303);
  });

  it("spend one account's failure budget together, from many addresses and both instances", async () => {
    const { a, b } = await twoInstances({
      loginIpDelay: { freeFailures: 100, firstDelaySeconds: 10, maxDelaySeconds: 1000 },
      loginAccount: { perSecond: 1 / 120, burst: 4 },
    });
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await attempt(i % 2 ? b : a, `203.0.113.${i}`, 'wrong password!!')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429, 429]);
    // a new browser with the right password waits on either instance, until a failure's worth has come back
    expect((await attempt(a, '198.51.100.1', PASSWORD)).statusCode).toBe(429);
    expect((await attempt(b, '198.51.100.2', PASSWORD)).statusCode).toBe(429);
    clock += 120_000;
    expect((await attempt(b, '198.51.100.3', PASSWORD)).statusCode).toBe(303);
  });

  it('the hourly purge forgets counters that hold no one back any more', async () => {
    const { a, database } = await twoInstances({
      loginIpDelay: { freeFailures: 0, firstDelaySeconds: 10, maxDelaySeconds: 1000 },
      loginAccount: { perSecond: 1 / 120, burst: 4 },
    });
    const pool = new pg.Pool({ connectionString: database });
    const rows = async () => (await pool.query('SELECT kind FROM login_limits ORDER BY kind')).rows.map((r) => r.kind);
    try {
      expect((await attempt(a, '192.0.2.1', 'wrong password!!')).statusCode).toBe(401);
      await a.purge();
      expect(await rows()).toEqual(['account', 'ip']); // the wait and the spent budget still matter
      clock += 25 * 3600_000;
      await a.purge();
      expect(await rows()).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('limit ingest per instance: each lets its own burst through (N instances, N times the rate)', async () => {
    const { a, b, key } = await twoInstances({ ip: { perSecond: 0.001, burst: 2 }, key: false });
    const ip = '198.51.100.50';
    const codes = (instance: Collector, seqs: number[]) =>
      seqs.reduce(
        async (done, seq) => [...(await done), (await send(instance, batch({ siteKey: key, seq }), { ip })).statusCode],
        Promise.resolve([] as number[]),
      );
    expect(await codes(a, [0, 1, 2])).toEqual([200, 200, 429]);
    expect(await codes(b, [3, 4, 5])).toEqual([200, 200, 429]);
  });
});
