// Two-factor login over HTTP, on SQLite and PostgreSQL: enrolment confirmed by
// a first code, the code prompt after a correct password (and no session
// before it), used codes refused, recovery codes once each, the login limits,
// switching it off. The clock is the collector's `now`, moved by the test.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/commands';
import { hashRecoveryCode } from '../src/auth/two-factor';
import { totpAt, totpStep } from '../src/auth/totp';
import { addTestUser, BACKENDS, pgUrl, startTestCollector, type Backend, type TestCollector } from './helpers';
import { Jar, client, csrfFrom } from './viewer-client';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'alice@example.com';

let t: TestCollector | undefined;
let clock = 1_800_000_000_000;
afterEach(async () => {
  await t?.close();
  t = undefined;
});
const c = client(() => t!.collector);

async function start(backend: Backend) {
  clock = 1_800_000_000_000;
  t = await startTestCollector(backend, {
    collector: {
      now: () => clock,
      rateLimits: {
        loginIpDelay: { freeFailures: 20, firstDelaySeconds: 10, maxDelaySeconds: 1000 },
        loginAccount: { perSecond: 1 / 120, burst: 4 },
      },
    },
  });
  const { user } = await addTestUser(t.collector, EMAIL, PASSWORD, ['shop']);
  return user.id;
}

const loggedIn = async (jar: Jar) => (await c.get(jar, '/')).statusCode === 200;

/** Logs in without two-factor, turns it on from the account page; returns the secret, the recovery codes and the browser. */
async function enrol() {
  const { jar } = await c.login(EMAIL, PASSWORD);
  const off = await c.get(jar, '/account/two-factor');
  expect(off.body).toContain('Two-factor login is <strong>off</strong>');
  await c.submit(jar, '/account/two-factor', '/account/two-factor/start', {});
  const shown = await c.get(jar, '/account/two-factor');
  const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(shown.body)![1].replace(/ /g, '');
  expect(shown.body).toContain(`otpauth://totp/Veil:alice%40example.com?secret=${secret}&amp;issuer=Veil`);
  const res = await c.post(jar, '/account/two-factor/confirm', { _csrf: csrfFrom(shown.body), code: totpAt(secret, totpStep(clock)) });
  expect(res.statusCode).toBe(200);
  const codes = [...res.body.matchAll(/<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/li>/g)].map((m) => m[1]);
  return { secret, codes, jar };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend === 'postgres' && !pgUrl())(`two-factor login with ${backend}`, () => {
    it('is switched on only by a first code that matches the key shown, and then shows ten recovery codes once', async () => {
      const userId = await start(backend);
      const { jar } = await c.login(EMAIL, PASSWORD);
      await c.submit(jar, '/account/two-factor', '/account/two-factor/start', {});
      const shown = await c.get(jar, '/account/two-factor');
      const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(shown.body)![1].replace(/ /g, '');
      // reloading shows the same key: the app the user is typing it into stays right
      expect((await c.get(jar, '/account/two-factor')).body).toContain(/id="totp-secret">([A-Z2-7 ]+)</.exec(shown.body)![1]);

      const wrong = await c.post(jar, '/account/two-factor/confirm', {
        _csrf: csrfFrom(shown.body),
        code: totpAt(secret, totpStep(clock) + 5),
      });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain('That code does not match the key');
      expect((await t!.collector.storage.getTwoFactor(userId)).secret).toBeNull();

      const right = await c.post(jar, '/account/two-factor/confirm', {
        _csrf: csrfFrom(shown.body),
        code: totpAt(secret, totpStep(clock)),
      });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('shown only this once');
      const codes = [...right.body.matchAll(/<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/li>/g)].map((m) => m[1]);
      expect(new Set(codes).size).toBe(10);
      const state = await t!.collector.storage.getTwoFactor(userId);
      expect(state).toMatchObject({ secret, pendingSecret: null, recoveryCodesLeft: 10 });
      // never again: the account page says how many are left, not which
      const after = await c.get(jar, '/account/two-factor');
      expect(after.body).toContain('10 of your recovery codes are unused');
      for (const code of codes) expect(after.body).not.toContain(code);

      if (backend === 'sqlite') {
        const db = new Database(t!.database, { readonly: true });
        const stored = (db.prepare('SELECT code_hash FROM recovery_codes').all() as { code_hash: string }[]).map((r) => r.code_hash);
        db.close();
        expect(stored.sort()).toEqual(codes.map(hashRecoveryCode).sort());
      }
    });

    it('asks for the code after a correct password, with no session before it, and refuses a code used before', async () => {
      await start(backend);
      const { secret } = await enrol();
      // the enrolment's code was this step's: it cannot log in too
      const first = await c.login(EMAIL, PASSWORD);
      expect(first.res.statusCode).toBe(303);
      expect(first.res.headers.location).toBe('/login/code');
      expect(first.jar.cookies.has('veil_session')).toBe(false);
      expect(await loggedIn(first.jar)).toBe(false);
      const reused = await c.sendCode(first.jar, totpAt(secret, totpStep(clock)));
      expect(reused.statusCode).toBe(401);
      expect(reused.body).toContain('That code was used already');

      clock += 30_000;
      const wrong = await c.sendCode(first.jar, String((Number(totpAt(secret, totpStep(clock))) + 1) % 1e6).padStart(6, '0'));
      expect(wrong.statusCode).toBe(401);
      expect(wrong.body).toContain('That code is not right');
      expect(await loggedIn(first.jar)).toBe(false);

      const code = totpAt(secret, totpStep(clock));
      const ok = await c.sendCode(first.jar, code);
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe('/');
      expect(await loggedIn(first.jar)).toBe(true);
      expect(first.jar.cookies.has('veil_2fa')).toBe(false);

      // the same code, a second later, from another browser that has the password
      const other = await c.login(EMAIL, PASSWORD);
      expect((await c.sendCode(other.jar, code)).body).toContain('That code was used already');
      expect(await loggedIn(other.jar)).toBe(false);
    });

    it('takes each recovery code once', async () => {
      const userId = await start(backend);
      const { codes } = await enrol();
      const a = await c.login(EMAIL, PASSWORD);
      expect((await c.sendCode(a.jar, codes[3].toUpperCase().replace('-', ' '))).statusCode).toBe(303);
      expect(await loggedIn(a.jar)).toBe(true);
      expect((await t!.collector.storage.getTwoFactor(userId)).recoveryCodesLeft).toBe(9);
      const b = await c.login(EMAIL, PASSWORD);
      expect((await c.sendCode(b.jar, codes[3])).statusCode).toBe(401);
      expect(await loggedIn(b.jar)).toBe(false);
    });

    it('the pending login is void in another browser, after five minutes, and after a password change', async () => {
      await start(backend);
      const { secret } = await enrol();
      clock += 30_000;
      const { jar } = await c.login(EMAIL, PASSWORD);
      // the pending cookie copied into a browser without the pre-login cookie it is bound to
      const thief = new Jar();
      thief.cookies.set('veil_2fa', jar.cookies.get('veil_2fa')!);
      expect((await c.get(thief, '/login/code')).headers.location).toBe('/login');
      const pre = new Jar();
      const stolen = await c.get(pre, '/login');
      thief.cookies.set('veil_pre', pre.cookies.get('veil_pre')!);
      expect((await c.post(thief, '/login/code', { _csrf: csrfFrom(stolen.body), code: totpAt(secret, totpStep(clock)) })).statusCode).toBe(
        401,
      );

      clock += 5 * 60_000 + 1;
      const late = await c.post(jar, '/login/code', { _csrf: 'x', code: totpAt(secret, totpStep(clock)) });
      expect(late.statusCode).toBe(401);
      expect(late.body).toContain('The time to type the code ran out');

      const again = await c.login(EMAIL, PASSWORD);
      await addTestUser(t!.collector, EMAIL, 'a brand new passphrase here', ['shop']);
      expect((await c.get(again.jar, '/login/code')).headers.location).toBe('/login');
    });

    it("wrong codes spend the account's failures like wrong passwords; a browser that logged in before still gets in", async () => {
      await start(backend);
      const { secret, jar: known } = await enrol();
      clock += 30_000;
      // someone with the password, at the code prompt from a new browser
      const waiting = await c.login(EMAIL, PASSWORD, new Jar(), { ip: '203.0.113.9' });
      for (let i = 0; i < 4; i++) {
        const attacker = await c.login(EMAIL, PASSWORD, new Jar(), { ip: `203.0.113.${i}` });
        expect((await c.sendCode(attacker.jar, '000000', { ip: `203.0.113.${i}` })).statusCode).toBe(401);
      }
      // the account's failures are spent: even the right code is not tried from a new browser, nor a password
      const limited = await c.sendCode(waiting.jar, totpAt(secret, totpStep(clock)), { ip: '203.0.113.9' });
      expect(limited.statusCode).toBe(429);
      expect(limited.body).toContain('Too many login attempts');
      expect((await c.login(EMAIL, PASSWORD, new Jar(), { ip: '203.0.113.10' })).res.statusCode).toBe(429);

      // the real user's browser has the device cookie from enrolling: not held
      await c.post(known, '/logout', { _csrf: csrfFrom((await c.get(known, '/')).body) });
      const mine = await c.login(EMAIL, PASSWORD, known);
      expect(mine.res.headers.location).toBe('/login/code');
      expect((await c.sendCode(known, totpAt(secret, totpStep(clock)))).statusCode).toBe(303);
      expect(await loggedIn(known)).toBe(true);
    });

    it('is switched off only with the password and a code, and then the password alone logs in', async () => {
      const userId = await start(backend);
      const { secret, jar } = await enrol();
      clock += 30_000;
      const code = totpAt(secret, totpStep(clock));
      const badPassword = await c.submit(jar, '/account/two-factor', '/account/two-factor/disable', {
        password: 'not my password at all',
        code,
      });
      expect(badPassword.statusCode).toBe(401);
      expect(badPassword.body).toContain('The password is not right. Two-factor login is still on.');
      const badCode = await c.submit(jar, '/account/two-factor', '/account/two-factor/disable', { password: PASSWORD, code: '' });
      expect(badCode.statusCode).toBe(401);
      expect((await t!.collector.storage.getTwoFactor(userId)).secret).toBe(secret);
      const noCsrf = await c.post(jar, '/account/two-factor/disable', { password: PASSWORD, code });
      expect(noCsrf.statusCode).toBe(403);

      const off = await c.submit(jar, '/account/two-factor', '/account/two-factor/disable', { password: PASSWORD, code });
      expect(off.statusCode).toBe(200);
      expect(off.body).toContain('Two-factor login is <strong>off</strong>');
      expect(await t!.collector.storage.getTwoFactor(userId)).toEqual({
        secret: null,
        pendingSecret: null,
        lastStep: null,
        recoveryCodesLeft: 0,
      });
      expect((await c.login(EMAIL, PASSWORD)).res.headers.location).toBe('/');
    });

    it('an administrator resets it from the command line for a user who lost phone and codes', async () => {
      const userId = await start(backend);
      await enrol();
      const out: string[] = [];
      const code = await main(['user', 'reset-2fa', 'Alice@Example.com', '--database', t!.database], {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
        readStdin: async () => '',
      });
      expect(code).toBe(0);
      expect(out.join('\n')).toContain('Two-factor login is off for alice@example.com');
      expect((await t!.collector.storage.getTwoFactor(userId)).secret).toBeNull();
      expect((await c.login(EMAIL, PASSWORD)).res.headers.location).toBe('/');
    });
  });
}
