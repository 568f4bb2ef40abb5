// The session list: per-session summary columns written by the ingest
// pipeline, filters and sorts with keyset pages on both databases, the list
// page's query string, and a visitor's page with its deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { EventType, IncrementalSource, NAVIGATION_EVENT } from '@veil/core/engine';
import type { SessionQuery } from '../src/storage/types';
import {
  BACKENDS,
  ORIGIN,
  addTestUser,
  batch,
  firstEvents,
  inputEvent,
  pgUrl,
  send,
  startTestCollector,
  textEdit,
  type TestCollector,
} from './helpers';

const PASSWORD = 'correct horse battery staple';
const DAY = 24 * 3600 * 1000;
const D1 = Date.UTC(2026, 10, 1, 10);

interface Plan {
  id: string;
  start: number;
  durationS: number;
  urls: string[];
  clicks: number;
  inputs: number;
  visitor?: string;
  gap?: boolean;
  dropped?: boolean;
}

const PLANS: Plan[] = [
  { id: 'a', start: D1, durationS: 10, urls: ['/checkout', '/cart?token=SECRET123tok'], clicks: 3, inputs: 1, visitor: 'v1' },
  { id: 'b', start: D1 + DAY, durationS: 120, urls: ['/home'], clicks: 0, inputs: 2, visitor: 'v1' },
  { id: 'c', start: D1 + 2 * DAY, durationS: 30, urls: ['/home', '/checkout', '/thanks'], clicks: 1, inputs: 0, visitor: 'v2', gap: true },
  { id: 'd', start: D1 + 2 * DAY + 3600_000, durationS: 5, urls: ['/blog'], clicks: 0, inputs: 0, dropped: true },
];

function eventsOf(plan: Plan) {
  const t = plan.start;
  const [, snapshot] = firstEvents(t);
  const events: Record<string, unknown>[] = [
    { type: EventType.Meta, timestamp: t, data: { href: ORIGIN + plan.urls[0], width: 1280, height: 720 } },
    { ...snapshot, timestamp: t + 1 },
  ];
  plan.urls
    .slice(1)
    .forEach((url, i) =>
      events.push({ type: EventType.Custom, timestamp: t + 100 + i, data: { tag: NAVIGATION_EVENT, payload: { href: ORIGIN + url } } }),
    );
  for (let i = 0; i < plan.clicks; i++)
    events.push({
      type: EventType.IncrementalSnapshot,
      timestamp: t + 200 + i,
      data: { source: IncrementalSource.MouseInteraction, type: 2, id: 6, x: 10, y: 10 },
    });
  for (let i = 0; i < plan.inputs; i++) events.push(inputEvent(11, `wool ${i}`, t + 300 + i));
  return events;
}

async function ingest(t: TestCollector, plan: Plan) {
  const common = { siteKey: t.key, sessionId: plan.id, ...(plan.visitor ? { visitorId: plan.visitor } : {}) };
  const end = plan.start + plan.durationS * 1000;
  expect((await send(t.collector, batch({ ...common, seq: 0, events: eventsOf(plan) }))).statusCode).toBe(200);
  const last = batch({
    ...common,
    seq: plan.gap ? 2 : 1,
    events: [textEdit(7, 'later', end)],
    ...(plan.dropped ? { dropped: { batches: 1, events: 3 } } : {}),
  });
  expect((await send(t.collector, last)).statusCode).toBe(200);
}

for (const backend of BACKENDS) {
  describe.skipIf(backend === 'postgres' && !pgUrl())(`the session list on ${backend}`, () => {
    let t: TestCollector;
    const find = async (q: Partial<SessionQuery>) =>
      (await t.collector.storage.findSessions(t.siteId, { sort: 'start', ...q })).map((s) => s.sessionId);

    beforeAll(async () => {
      t = await startTestCollector(backend, {
        collector: { rateLimits: { loginAccount: { perSecond: 100, burst: 100 } } },
      });
      for (const plan of PLANS) await ingest(t, plan);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('keeps per-session summaries: duration, clicks, inputs, first and last (scrubbed) URL, gaps', async () => {
      const a = (await t.collector.storage.getSession(t.siteId, 'a'))!;
      expect(a).toMatchObject({ clicks: 3, inputs: 1, pages: 2, startedAt: D1, endedAt: D1 + 10_000, firstUrl: `${ORIGIN}/checkout` });
      expect(a.lastUrl).toMatch(/^https:\/\/shop\.example\/cart\?token=/);
      expect(a.lastUrl).not.toContain('SECRET123tok');
      const c = (await t.collector.storage.getSession(t.siteId, 'c'))!;
      expect(c).toMatchObject({ pages: 3, firstUrl: `${ORIGIN}/home`, lastUrl: `${ORIGIN}/thanks`, missingBatches: 1 });
      expect((await t.collector.storage.getSession(t.siteId, 'd'))!.droppedBatches).toBe(1);
    });

    it('filters return exactly the matching sessions', async () => {
      expect(await find({ url: '/checkout' })).toEqual(['c', 'a']);
      expect(await find({ url: `${ORIGIN}/home`, urlMatch: 'equals' })).toEqual(['c', 'b']);
      expect(await find({ url: '/home', urlMatch: 'equals' })).toEqual([]);
      // matched on the scrubbed URL: the secret was never stored
      expect(await find({ url: 'SECRET123tok' })).toEqual([]);
      expect(await find({ from: D1 + DAY - 3600_000, to: D1 + 2 * DAY - 3600_000 })).toEqual(['b']);
      expect(await find({ from: D1 + 2 * DAY - 3600_000 })).toEqual(['d', 'c']);
      expect(await find({ minDurationMs: 30_000 })).toEqual(['c', 'b']);
      expect(await find({ visitorId: 'v1' })).toEqual(['b', 'a']);
      expect(await find({ minPages: 3 })).toEqual(['c']);
      expect(await find({ hasGaps: true })).toEqual(['d', 'c']);
      expect(await find({ hasGaps: false })).toEqual(['b', 'a']);
      expect(await find({ url: '/checkout', visitorId: 'v2', hasGaps: true, minPages: 2 })).toEqual(['c']);
    });

    it('sorts by start, duration and activity, either way, and pages by keyset without repeats', async () => {
      expect(await find({ sort: 'start', order: 'asc' })).toEqual(['a', 'b', 'c', 'd']);
      expect(await find({ sort: 'duration' })).toEqual(['b', 'c', 'a', 'd']);
      expect(await find({ sort: 'activity' })).toEqual(['a', 'b', 'c', 'd']);
      expect(await find({ sort: 'activity', order: 'asc' })).toEqual(['d', 'c', 'b', 'a']);
      const seen: string[] = [];
      let after: SessionQuery['after'] = null;
      for (let page = 0; page < 5; page++) {
        const rows = await t.collector.storage.findSessions(t.siteId, { sort: 'duration', limit: 1, after });
        if (!rows.length) break;
        seen.push(rows[0].sessionId);
        after = { value: rows[0].endedAt! - rows[0].startedAt!, sessionId: rows[0].sessionId };
      }
      expect(seen).toEqual(['b', 'c', 'a', 'd']);
      // and back: each page before a cursor, in the list's order
      const back: string[] = [];
      let before: SessionQuery['before'] = after;
      for (let page = 0; page < 5; page++) {
        const rows = await t.collector.storage.findSessions(t.siteId, { sort: 'duration', limit: 2, before });
        if (!rows.length) break;
        back.unshift(...rows.map((r) => r.sessionId));
        before = { value: rows[0].endedAt! - rows[0].startedAt!, sessionId: rows[0].sessionId };
      }
      expect(back).toEqual(['b', 'c', 'a']);
      expect(
        (
          await t.collector.storage.findSessions(t.siteId, {
            sort: 'start',
            order: 'asc',
            limit: 2,
            before: { value: D1 + 3 * DAY, sessionId: 'z' },
          })
        ).map((r) => r.sessionId),
      ).toEqual(['c', 'd']);
    });

    it('the list page takes its filters from the query string, escapes what it echoes, and links the next page', async () => {
      const jar = await login(t);
      const list = await get(t, jar, '/sites/shop?url=%2Fcheckout&sort=duration');
      expect(list.statusCode).toBe(200);
      expect(rowsOf(list.body)).toEqual(['c', 'a']);
      expect(list.body).toContain('value="/checkout"');
      const hostile = await get(t, jar, `/sites/shop?url=${encodeURIComponent('"><script>alert(1)</script>')}&minDuration=abc`);
      expect(hostile.body).not.toContain('<script>alert(1)');
      expect(hostile.body).toContain('&quot;&gt;&lt;script&gt;');
      expect(hostile.body).toContain('Minimum duration&quot; must be a whole number');
      expect(hostile.body).toContain('No session matches these filters');
      // one row a page would need 50 sessions; the cursor in a hand-made link works the same
      const next = await get(t, jar, `/sites/shop?sort=start&after=${D1 + DAY}~b`);
      expect(rowsOf(next.body)).toEqual(['a']);
      expect(next.body).toContain('first page');
      // its "previous" link leads back to the rows before 'a', and from there "next" to 'a' again
      const prevHref = /href="([^"]+)" rel="prev"/.exec(next.body)?.[1].replace(/&amp;/g, '&');
      expect(prevHref).toMatch(/before=/);
      const previous = await get(t, jar, prevHref!);
      expect(rowsOf(previous.body)).toEqual(['d', 'c', 'b']);
      expect(previous.body).not.toContain('rel="prev"');
      const nextHref = /href="([^"]+)" rel="next"/.exec(previous.body)?.[1].replace(/&amp;/g, '&');
      expect(rowsOf((await get(t, jar, nextHref!)).body)).toEqual(['a']);
      const rows = await get(t, jar, '/sites/shop');
      expect(rows.body).toContain('3 clicks, 1 input');
      expect(rows.body).toContain('1 missing');
      expect(rows.body).toContain('1 dropped');
      expect(rows.body).toContain('/checkout</span> <span class="muted">→</span>');
    });

    it("a visitor's page lists their sessions in order and deletes all of them with a CSRF-protected form, saying how much went", async () => {
      const jar = await login(t);
      const page = await get(t, jar, '/sites/shop/visitors/v1');
      expect(rowsOf(page.body)).toEqual(['a', 'b']);
      expect(page.body).toContain('2 sessions, 4 batches');
      const refused = await post(t, jar, '/sites/shop/visitors/v1/delete', { _csrf: 'nope' });
      expect(refused.statusCode).toBe(403);
      expect(await t.collector.storage.getSession(t.siteId, 'a')).not.toBeNull();
      const done = await post(t, jar, '/sites/shop/visitors/v1/delete', { _csrf: csrfFrom(page.body) });
      expect(done.statusCode).toBe(200);
      expect(done.body).toMatch(/Removed 2 sessions of visitor <span class="mono">v1<\/span>: 4 batches, \d+ events, [\d.]+ (B|KiB)/);
      expect(await t.collector.storage.getBatches(t.siteId, 'a')).toEqual([]);
      expect(await t.collector.storage.getBatches(t.siteId, 'b')).toEqual([]);
      expect(await find({ url: '/' })).toEqual(['d', 'c']);
      expect(rowsOf((await get(t, jar, '/sites/shop/visitors/v1')).body)).toEqual([]);
    });
  });
}

// ------------------------------------------------------------------ a tiny browser-less client

type Jar = Map<string, string>;
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
function take(jar: Jar, res: LightMyRequestResponse) {
  for (const c of res.cookies as { name: string; value: string }[]) {
    if (c.value === '') jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
  return res;
}
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const rowsOf = (html: string) => [...html.matchAll(/<tr data-session="([^"]+)"/g)].map((m) => m[1]);
const get = (t: TestCollector, jar: Jar, url: string) =>
  t.collector.app.inject({ method: 'GET', url, headers: { cookie: cookieHeader(jar) } }).then((r) => take(jar, r));
const post = (t: TestCollector, jar: Jar, url: string, form: Record<string, string>) =>
  t.collector.app
    .inject({
      method: 'POST',
      url,
      headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    })
    .then((r) => take(jar, r));
const users = new WeakSet<TestCollector>();
async function login(t: TestCollector): Promise<Jar> {
  if (!users.has(t)) {
    await addTestUser(t.collector, 'alice@example.com', PASSWORD, ['shop']);
    users.add(t);
  }
  const jar: Jar = new Map();
  const page = await get(t, jar, '/login');
  await post(t, jar, '/login', { _csrf: csrfFrom(page.body), email: 'alice@example.com', password: PASSWORD });
  return jar;
}
