// The audit log on SQLite and PostgreSQL: what is recorded, with whose
// address; who may read it; keyset pages; the CSV export; retention; and
// that nothing but the retention job removes or changes a line.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { recordAudit, csvCell } from '../src/audit/audit';
import { main } from '../src/commands';
import { addSite } from '../src/settings/sites';
import { totpAt, totpStep } from '../src/auth/totp';
import { addTestUser, batch, BACKENDS, pgUrl, send, startTestCollector, type Backend, type TestCollector } from './helpers';
import { Jar, client, csrfFrom } from './viewer-client';

const PASSWORD = 'correct horse battery staple';
const DAY = 24 * 60 * 60 * 1000;

let t: TestCollector | undefined;
let clock = 1_800_000_000_000;
afterEach(async () => {
  await t?.close();
  t = undefined;
});
const c = client(() => t!.collector);

async function start(backend: Backend, collector: Record<string, unknown> = {}) {
  clock = 1_800_000_000_000;
  t = await startTestCollector(backend, { collector: { now: () => clock, ...collector } });
  await addTestUser(t.collector, 'alice@example.com', PASSWORD, ['shop']);
  const { site: blog } = await addSite(t.collector.storage, { name: 'blog', origins: ['https://blog.example'] });
  await addTestUser(t.collector, 'bob@example.com', PASSWORD, ['blog']);
  return { blog };
}

/** The audit page's rows as [user, action, detail, ip], top to bottom. */
function rows(html: string): string[][] {
  return [...html.matchAll(/<tr class="audit-[^"]*">([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].slice(1).map((cell) => cell[1].replace(/<[^>]+>/g, '').replace(/&#39;/g, "'")),
  );
}

for (const backend of BACKENDS) {
  describe.skipIf(backend === 'postgres' && !pgUrl())(`the audit log with ${backend}`, () => {
    it("records logins, failed logins of known accounts, watching, deleting, two-factor changes and logouts, newest first, for the site's users only", async () => {
      await start(backend);
      await send(t!.collector, batch({ siteKey: t!.key, sessionId: 'session-1', visitorId: 'visitor-9' }));
      await send(t!.collector, batch({ siteKey: t!.key, sessionId: 'session-2', visitorId: 'visitor-7' }));
      const ip = { ip: '198.51.100.4' };

      clock += 1000;
      await c.login('alice@example.com', 'wrong password, sorry', new Jar(), { ip: '203.0.113.66' });
      await c.login('nobody@example.com', 'wrong password, sorry', new Jar(), ip);
      clock += 1000;
      const { jar } = await c.login('alice@example.com', PASSWORD, new Jar(), ip);
      clock += 1000;
      expect((await c.get(jar, '/sites/shop/sessions/session-1/events.json', ip)).statusCode).toBe(200);
      clock += 1000;
      await c.submit(jar, '/sites/shop/sessions/session-1', '/sites/shop/sessions/session-1/delete', {}, ip);
      clock += 1000;
      await c.submit(jar, '/sites/shop/visitors/visitor-7', '/sites/shop/visitors/visitor-7/delete', {}, ip);
      clock += 1000;
      await c.submit(jar, '/account/two-factor', '/account/two-factor/start', {}, ip);
      const shown = await c.get(jar, '/account/two-factor', ip);
      const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(shown.body)![1].replace(/ /g, '');
      await c.post(jar, '/account/two-factor/confirm', { _csrf: csrfFrom(shown.body), code: totpAt(secret, totpStep(clock)) }, ip);
      clock += 30_000;
      await c.submit(
        jar,
        '/account/two-factor',
        '/account/two-factor/disable',
        { password: PASSWORD, code: totpAt(secret, totpStep(clock)) },
        ip,
      );
      clock += 1000;
      await c.submit(jar, '/', '/logout', {}, ip);

      const again = await c.login('alice@example.com', PASSWORD, new Jar(), ip);
      const page = await c.get(again.jar, '/sites/shop/audit', ip);
      expect(page.statusCode).toBe(200);
      expect(rows(page.body)).toEqual([
        ['alice@example.com', 'Logged in', 'with password', '198.51.100.4'],
        ['alice@example.com', 'Logged out', '–', '198.51.100.4'],
        ['alice@example.com', 'Turned off two-factor login', '–', '198.51.100.4'],
        ['alice@example.com', 'Turned on two-factor login', '–', '198.51.100.4'],
        ['alice@example.com', "Deleted a visitor's data", 'visitor visitor-7: 1 session, 1 batch', '198.51.100.4'],
        ['alice@example.com', 'Deleted a session', 'session session-1', '198.51.100.4'],
        ['alice@example.com', 'Watched a session', 'session session-1', '198.51.100.4'],
        ['alice@example.com', 'Logged in', 'with password', '198.51.100.4'],
        ['alice@example.com', 'Failed login', 'wrong password', '203.0.113.66'],
      ]);
      // the watched session links to its replay
      expect(page.body).toContain('session <a class="mono" href="/sites/shop/sessions/session-1">session-1</a>');
      // the site's page links to it
      expect((await c.get(again.jar, '/sites/shop', ip)).body).toContain('href="/sites/shop/audit"');

      // bob, of another site, sees none of it, not even by URL; his own site's log has only his login
      const bob = await c.login('bob@example.com', PASSWORD);
      expect((await c.get(bob.jar, '/sites/shop/audit')).statusCode).toBe(404);
      expect((await c.get(bob.jar, '/sites/shop/audit.csv')).statusCode).toBe(404);
      expect(rows((await c.get(bob.jar, '/sites/blog/audit')).body)).toEqual([
        ['bob@example.com', 'Logged in', 'with password', '127.0.0.1'],
      ]);
      // and nobody logged out sees anything
      expect((await c.get(new Jar(), '/sites/shop/audit')).headers.location).toBe('/login');
    });

    it('records a failed second factor, and a login with a recovery code says how many are left', async () => {
      await start(backend);
      const { jar } = await c.login('alice@example.com', PASSWORD);
      await c.submit(jar, '/account/two-factor', '/account/two-factor/start', {});
      const shown = await c.get(jar, '/account/two-factor');
      const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(shown.body)![1].replace(/ /g, '');
      const done = await c.post(jar, '/account/two-factor/confirm', { _csrf: csrfFrom(shown.body), code: totpAt(secret, totpStep(clock)) });
      const code = /<li>([a-z2-9-]{14})<\/li>/.exec(done.body)![1];
      clock += 1000;
      const next = await c.login('alice@example.com', PASSWORD);
      await c.sendCode(next.jar, '000000');
      clock += 1000;
      await c.sendCode(next.jar, code);
      const lines = rows((await c.get(next.jar, '/sites/shop/audit')).body).slice(0, 2);
      expect(lines).toEqual([
        ['alice@example.com', 'Logged in', 'with password and a recovery code (9 left)', '127.0.0.1'],
        [
          'alice@example.com',
          'Failed login',
          expect.stringMatching(/^password right, (wrong two-factor code|two-factor code used before)$/),
          '127.0.0.1',
        ],
      ]);
    });

    it("takes the client's address from X-Forwarded-For only when --trust-proxy trusts the hop", async () => {
      await start(backend, { trustProxy: '10.0.0.5' });
      const xff = { 'x-forwarded-for': '198.51.100.23' };
      await c.login('alice@example.com', PASSWORD, new Jar(), { ip: '10.0.0.5', headers: xff });
      await c.login('alice@example.com', PASSWORD, new Jar(), { ip: '192.0.2.8', headers: xff });
      const ips = (await t!.collector.storage.listAudit(t!.siteId, { limit: 10 })).map((e) => e.ip);
      expect(ips).toEqual(['192.0.2.8', '198.51.100.23']);
    });

    it('pages newest first by keyset: every line once, none skipped, equal times included', async () => {
      await start(backend);
      const storage = t!.collector.storage;
      // 120 lines, in pairs with the same time, so the keyset has ties to break
      for (let i = 0; i < 120; i++)
        await recordAudit(storage, {
          siteId: t!.siteId,
          userId: null,
          action: 'test.line',
          detail: `line ${i}`,
          at: clock - 1_000_000 + Math.floor(i / 2),
        });
      const { jar } = await c.login('alice@example.com', PASSWORD);
      const seen: string[] = [];
      let url: string | undefined = '/sites/shop/audit';
      let pages = 0;
      while (url) {
        const page = await c.get(jar, url);
        pages++;
        seen.push(...rows(page.body).map((r) => r[2]));
        url = /<a href="([^"]+)" rel="next">/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
      }
      expect(pages).toBe(3);
      // the newest line is this login; then the 120, newest first
      expect(seen[0]).toBe('with password');
      expect(seen.slice(1)).toEqual(Array.from({ length: 120 }, (_, i) => `line ${119 - i}`));
    });

    it('exports CSV with every cell quoted and formulas neutralised, and logs the export', async () => {
      await start(backend);
      const tricky = ['=HYPERLINK("https://evil.example","click")', '+1+1', '-2', '@SUM(A1)', 'a "quoted", comma\nand a new line', 'plain'];
      for (const [i, detail] of tricky.entries())
        await recordAudit(t!.collector.storage, {
          siteId: t!.siteId,
          userId: null,
          action: 'test.line',
          detail,
          ip: '192.0.2.1',
          at: clock - 10_000 + i,
        });
      const { jar } = await c.login('alice@example.com', PASSWORD);
      const res = await c.get(jar, '/sites/shop/audit.csv');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="veil-audit-shop-2027-01-15.csv"');
      const lines = res.body.split('\r\n');
      expect(lines[0]).toBe('"time (UTC)","user","action","what","detail","ip"');
      expect(lines[1]).toMatch(/^"2027-01-15T08:00:00.000Z","alice@example.com","audit.export","Exported the audit log","",".+"$/);
      expect(lines[2]).toMatch(/^"2027-01-15T08:00:00.000Z","alice@example.com","login","Logged in","with password",/);
      expect(res.body).toContain('"command line","test.line","test.line","plain","192.0.2.1"');
      expect(res.body).toContain('"\'@SUM(A1)"');
      expect(res.body).toContain('"\'-2"');
      expect(res.body).toContain('"\'+1+1"');
      expect(res.body).toContain('"\'=HYPERLINK(""https://evil.example"",""click"")"');
      expect(res.body).toContain('"a ""quoted"", comma\nand a new line"');
      expect(csvCell('\tx')).toBe('"\'\tx"');
      expect(csvCell(null)).toBe('""');
    });

    it('the retention job removes lines older than the retention period, and only those', async () => {
      await start(backend, { retentionDays: 30 });
      const storage = t!.collector.storage;
      await recordAudit(storage, { siteId: t!.siteId, userId: null, action: 'test.line', detail: 'old', at: clock - 31 * DAY });
      await recordAudit(storage, { siteId: null, userId: null, action: 'test.line', detail: 'old, no site', at: clock - 31 * DAY });
      await recordAudit(storage, { siteId: t!.siteId, userId: null, action: 'test.line', detail: 'recent', at: clock - 29 * DAY });
      await t!.collector.purge();
      expect((await storage.listAudit(t!.siteId, { limit: 10 })).map((e) => e.detail)).toEqual(['recent']);
      expect(await storage.purgeAuditBefore(clock - 31 * DAY)).toBe(0);
    });

    it('has no route that changes or deletes a line, and the database refuses an UPDATE', async () => {
      await start(backend);
      const { jar } = await c.login('alice@example.com', PASSWORD);
      const before = await t!.collector.storage.listAudit(t!.siteId, { limit: 10 });
      const csrf = csrfFrom((await c.get(jar, '/sites/shop/audit')).body);
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        for (const url of [
          '/sites/shop/audit',
          '/sites/shop/audit.csv',
          `/sites/shop/audit/${before[0].id}`,
          `/sites/shop/audit/${before[0].id}/delete`,
        ]) {
          const res = await t!.collector.app.inject({
            method,
            url,
            headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
            payload: `_csrf=${encodeURIComponent(csrf)}`,
          });
          expect(res.statusCode, `${method} ${url}`).toBe(404);
        }
      }
      const after = await t!.collector.storage.listAudit(t!.siteId, { limit: 10 });
      expect(after.slice(-before.length)).toEqual(before);

      if (backend === 'sqlite') {
        const db = new Database(t!.database);
        expect(() => db.prepare("UPDATE audit_log SET detail = 'edited'").run()).toThrow('the audit log is append-only');
        db.close();
      } else {
        const pool = new pg.Pool({ connectionString: t!.database, max: 1 });
        await expect(pool.query("UPDATE audit_log SET detail = 'edited'")).rejects.toThrow('the audit log is append-only');
        await pool.end();
      }
    });

    it('logs deletions and two-factor resets made from the command line as such', async () => {
      await start(backend);
      await send(t!.collector, batch({ siteKey: t!.key, sessionId: 'session-1' }));
      const io = { out: () => undefined, err: () => undefined, readStdin: async () => '' };
      expect(await main(['delete', '--site', 'shop', '--session', 'session-1', '--database', t!.database], io)).toBe(0);
      const [line] = await t!.collector.storage.listAudit(t!.siteId, { limit: 1 });
      expect(line).toMatchObject({
        userId: null,
        actor: null,
        action: 'session.delete',
        detail: 'session session-1, from the command line',
        ip: null,
      });
    });
  });
}
