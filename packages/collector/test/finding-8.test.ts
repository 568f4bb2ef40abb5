// Issue 18, finding 8: the smaller holes, one test each.
import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { addUser } from '../src/auth/users';
import {
  BACKENDS,
  batch,
  firstEvents,
  gz,
  ORIGIN,
  pgUrl,
  PLAIN,
  send,
  startTestCollector,
  T0,
  type Backend,
  type TestCollector,
} from './helpers';

const PASSWORD = 'correct horse battery staple';
const PLAIN_HEADING = PLAIN.heading;
const NEW_PASSWORD = 'a different horse entirely';

let t: TestCollector | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const cookiesOf = (res: LightMyRequestResponse) =>
  (res.cookies as { name: string; value: string }[]).map((c) => `${c.name}=${c.value}`).join('; ');
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Logs in through the form; returns the cookie header of the logged-in browser. */
export async function logIn(collector: TestCollector['collector'], email: string, password: string, ip = '127.0.0.1'): Promise<string> {
  const page = await collector.app.inject({ method: 'GET', url: '/login', remoteAddress: ip });
  const res = await collector.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: { cookie: cookiesOf(page), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfFrom(page.body), email, password }).toString(),
  });
  expect(res.statusCode).toBe(303);
  return cookiesOf(res);
}

for (const backend of BACKENDS) {
  describe.skipIf(backend === 'postgres' && !pgUrl())(`finding 8 (${backend})`, () => {
    const start = async () => {
      t = await startTestCollector(backend as Backend);
      await addUser(t.collector.storage, { email: 'alice@example.com', password: PASSWORD, sites: ['shop'] });
    };

    it('resetting a password with `user add` ends the login sessions opened with the old one', async () => {
      await start();
      const app = t!.collector.app;
      const stolen = await logIn(t!.collector, 'alice@example.com', PASSWORD);
      expect((await app.inject({ method: 'GET', url: '/', headers: { cookie: stolen } })).statusCode).toBe(200);
      await addUser(t!.collector.storage, { email: 'alice@example.com', password: NEW_PASSWORD, sites: ['shop'] });
      const after = await app.inject({ method: 'GET', url: '/', headers: { cookie: stolen } });
      expect(after.statusCode).toBe(303);
      expect(after.headers.location).toBe('/login');
      // the new password opens a new session
      const fresh = await logIn(t!.collector, 'alice@example.com', NEW_PASSWORD);
      expect((await app.inject({ method: 'GET', url: '/', headers: { cookie: fresh } })).statusCode).toBe(200);
    });

    it('a 503 carries CORS headers, so the page can read its Retry-After', async () => {
      await start();
      const key = t!.key;
      await t!.collector.storage.close();
      const res = await send(t!.collector, batch({ siteKey: key }));
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(String(res.headers['access-control-expose-headers'])).toMatch(/Retry-After/);
      await t!.restart();
    });

    it('deleting a visitor deletes a session whose first batch carried another visitor id', async () => {
      await start();
      const c = t!.collector;
      expect((await send(c, batch({ siteKey: t!.key, sessionId: 'shared', seq: 0, visitorId: 'visitor-a' }))).statusCode).toBe(200);
      expect((await send(c, batch({ siteKey: t!.key, sessionId: 'shared', seq: 1, visitorId: 'visitor-b' }))).statusCode).toBe(200);
      expect((await send(c, batch({ siteKey: t!.key, sessionId: 'own', seq: 0, visitorId: 'visitor-b' }))).statusCode).toBe(200);
      expect((await send(c, batch({ siteKey: t!.key, sessionId: 'other', seq: 0, visitorId: 'visitor-c' }))).statusCode).toBe(200);
      expect(await c.storage.deleteVisitor(t!.siteId, 'visitor-b')).toBe(2);
      expect(await c.storage.getSession(t!.siteId, 'shared')).toBeNull();
      expect(await c.storage.getBatches(t!.siteId, 'shared')).toEqual([]);
      expect(await c.storage.getSession(t!.siteId, 'own')).toBeNull();
      expect(await c.storage.getSession(t!.siteId, 'other')).not.toBeNull();
      // and the first visitor's deletion finds nothing left of that session either
      expect(await c.storage.deleteVisitor(t!.siteId, 'visitor-a')).toBe(0);
    });

    it('refuses session ids . and .. at ingest, and opens and deletes those stored before', async () => {
      await start();
      const c = t!.collector;
      for (const sessionId of ['.', '..']) {
        const refused = await send(c, batch({ siteKey: t!.key, sessionId }));
        expect(refused.statusCode).toBe(400);
        expect(refused.json().error).toMatch(/sessionId .* is refused/);
        // as an earlier collector stored them
        await c.storage.writeBatch({
          siteId: t!.siteId,
          sessionId,
          seq: 0,
          visitorId: null,
          receivedAt: Date.now(),
          blob: gz(firstEvents()),
          eventCount: 4,
          firstTimestamp: T0,
          lastTimestamp: T0 + 3,
          pages: 1,
          hasFullSnapshot: true,
          droppedBatches: 0,
          droppedEvents: 0,
        });
      }
      const cookie = await logIn(c, 'alice@example.com', PASSWORD);
      const get = (url: string) => c.app.inject({ method: 'GET', url, headers: { cookie } });
      const list = await get('/sites/shop');
      const hrefs = [...list.body.matchAll(/href="([^"]*\/sessions\/[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
      for (const sessionId of ['.', '..']) {
        // resolved as a browser resolves it (dot segments and all), the link still names the session
        const href = hrefs.find((h) => decodeURIComponent(h.split('/').pop()!).trim() === sessionId);
        expect(href).toBeDefined();
        const url = new URL(href!, 'http://collector.example/sites/shop').pathname;
        const page = await get(url);
        expect(page.statusCode).toBe(200);
        const events = await get(`${url}/events.json`);
        expect(events.statusCode).toBe(200);
        expect(events.json().events.length).toBe(4);
        const deleted = await c.app.inject({
          method: 'POST',
          url: `${url}/delete`,
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: csrfFrom(page.body) }).toString(),
        });
        expect(deleted.statusCode).toBe(303);
        expect(await c.storage.getSession(t!.siteId, sessionId)).toBeNull();
      }
    });

    it('opens and deletes visitors whose ids are dot segments, and tells them from ids of spaces and dots', async () => {
      await start();
      const c = t!.collector;
      const visitors = ['.', '..', ' ..', ' .', '  ..', 'plain'];
      for (const [i, visitorId] of visitors.entries()) {
        const answer = await send(c, batch({ siteKey: t!.key, sessionId: `s-${i}`, visitorId }));
        expect(answer.statusCode, answer.body).toBe(200);
      }
      const cookie = await logIn(c, 'alice@example.com', PASSWORD);
      const get = (url: string) => c.app.inject({ method: 'GET', url, headers: { cookie } });
      const list = await get('/sites/shop');
      const links = [...list.body.matchAll(/<a class="mono" href="([^"]*\/visitors\/[^"]*)">([^<]*)<\/a>/g)].map((m) => ({
        href: m[1].replace(/&amp;/g, '&'),
        text: m[2],
      }));
      expect(links.map((l) => l.text).sort()).toEqual([...visitors].sort());
      for (const [i, visitorId] of visitors.entries()) {
        const link = links.find((l) => l.text === visitorId)!;
        // resolved as a browser resolves it, dot segments and all
        const url = new URL(link.href, 'http://collector.example/sites/shop').pathname;
        expect(url.startsWith('/sites/shop/visitors/')).toBe(true);
        const page = await get(url);
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain(`Visitor <span class="mono">${visitorId}</span>`);
        // this visitor's session only
        const sessions = [...page.body.matchAll(/href="[^"]*\/sessions\/([^"]*)"/g)].map((m) => decodeURIComponent(m[1]));
        expect(sessions).toEqual([`s-${i}`]);
      }
      // the visitor page's Delete form deletes that visitor, not one whose id differs by a space
      const page = await get(new URL(links.find((l) => l.text === '..')!.href, 'http://collector.example/sites/shop/').pathname);
      const action = /<form class="delete" method="post" action="([^"]+)"/.exec(page.body)![1].replace(/&amp;/g, '&');
      const deleted = await c.app.inject({
        method: 'POST',
        url: new URL(action, 'http://collector.example/sites/shop/').pathname,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(page.body) }).toString(),
      });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.body).toContain('Removed 1 session of visitor <span class="mono">..</span>: 1 batch, ');
      // the page before said it in the singular too
      expect(page.body).toMatch(/1 session, 1 batch, [\d.]+ (B|KiB), oldest first/);
      expect(page.body).toContain('removes its session and every batch of it');
      expect(await c.storage.getSession(t!.siteId, 's-1')).toBeNull();
      for (const kept of ['s-0', 's-2', 's-3', 's-4', 's-5']) expect(await c.storage.getSession(t!.siteId, kept)).not.toBeNull();
    });

    it('a hand-made #document child of an iframe in a full snapshot does not reach the player (rrweb would blank the replay)', async () => {
      await start();
      const c = t!.collector;
      const events = firstEvents() as any[];
      const snapshot = events.find((e) => e.type === 2);
      const body = snapshot.data.node.childNodes[1].childNodes[1];
      const nested = { type: 0, id: 31, childNodes: [{ type: 2, id: 32, tagName: 'html', attributes: {}, childNodes: [] }] };
      body.childNodes.push({ type: 2, id: 30, tagName: 'iframe', attributes: {}, childNodes: [nested] });
      expect((await send(c, batch({ siteKey: t!.key, sessionId: 'framed', events }))).statusCode).toBe(200);
      const cookie = await logIn(c, 'alice@example.com', PASSWORD);
      const res = await c.app.inject({ method: 'GET', url: '/sites/shop/sessions/framed/events.json', headers: { cookie } });
      expect(res.statusCode).toBe(200);
      const served = res.json().events.find((e: any) => e.type === 2).data.node;
      const documents: number[] = [];
      const pending = [...served.childNodes];
      while (pending.length) {
        const node = pending.pop();
        if (node.type === 0) documents.push(node.id);
        pending.push(...(node.childNodes ?? []));
      }
      expect(documents).toEqual([]); // only the root is a document
      expect(served.type).toBe(0);
      const servedBody = served.childNodes[1].childNodes[1];
      expect(servedBody.childNodes.find((n: any) => n.tagName === 'iframe')).toMatchObject({ id: 30, childNodes: [] });
      expect(JSON.stringify(served)).toContain(PLAIN_HEADING);
    });
  });
}
