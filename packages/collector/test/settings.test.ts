// Issue 19 on the collector: roles, the settings page, GET /v1/settings and
// the settings' enforcement on ingest, on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { EventType, IncrementalSource, PROTOCOL_VERSION, SerializedNodeType } from '@veil/core/engine';
import type { Collector } from '../src/server';
import {
  BACKENDS,
  ORIGIN,
  OTHER_ORIGIN,
  PLAIN,
  SITE_SETTINGS,
  addTestUser,
  batch,
  inputEvent,
  pgUrl,
  send,
  startTestCollector,
  storedEvents,
  textEdit,
  type Backend,
  type TestCollector,
} from './helpers';

const PASSWORD = 'correct horse battery staple';

/** A browser's cookies for app.inject. */
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

function browserOf(collector: () => Collector) {
  const jar = new Jar();
  const get = (url: string) =>
    collector()
      .app.inject({ method: 'GET', url, headers: { cookie: jar.header() } })
      .then((r) => jar.take(r));
  const post = (url: string, form: Record<string, string>) =>
    collector()
      .app.inject({
        method: 'POST',
        url,
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      })
      .then((r) => jar.take(r));
  return {
    jar,
    get,
    post,
    async login(email: string) {
      const page = await get('/login');
      const res = await post('/login', { _csrf: csrfFrom(page.body), email, password: PASSWORD });
      expect(res.statusCode, res.body).toBe(303);
      // any page behind the login carries the session's token (the logout form)
      this.csrf = csrfFrom((await get('/')).body);
      return this;
    },
    csrf: '',
  };
}

/** Every setting a form may post, as the settings page posts them. */
const FORM = { privacy: 'relaxed', recording: 'on', recordInputs: 'on', samplePercent: '100', retentionDays: '' };

/** A unique value typed into a form, as an old or hostile recorder would send it in clear. */
const TYPED = 'Typed-In-Clear-5k8Qz';
const TYPED_LATER = 'Typed-Later-3w9Rx';
const TYPED_AREA = 'Textarea-Typed-7p2Lm';
const CHOSEN = 'chosen-option-4j1Hn';

/** A page with form controls whose values are all in clear (node ids 10-16). */
function formPage(t: number) {
  const el = (id: number, tagName: string, attributes: Record<string, unknown>, childNodes: unknown[] = []) => ({
    type: SerializedNodeType.Element,
    id,
    tagName,
    attributes,
    childNodes,
  });
  const text = (id: number, textContent: string) => ({ type: SerializedNodeType.Text, id, textContent });
  return [
    { type: EventType.Meta, timestamp: t, data: { href: `${ORIGIN}/contact`, width: 1280, height: 720 } },
    {
      type: EventType.FullSnapshot,
      timestamp: t + 1,
      data: {
        node: {
          type: SerializedNodeType.Document,
          id: 1,
          childNodes: [
            el(2, 'html', {}, [
              el(3, 'head', {}, []),
              el(4, 'body', {}, [
                el(5, 'h1', {}, [text(6, PLAIN.heading)]),
                el(10, 'input', { type: 'text', name: 'q', value: TYPED }),
                el(11, 'textarea', { name: 'message', value: TYPED_AREA }, [text(12, TYPED_AREA)]),
                el(13, 'select', { name: 'topic', value: CHOSEN }, [
                  el(14, 'option', { value: CHOSEN, selected: true }, [text(15, 'Shipping')]),
                ]),
                el(16, 'input', { type: 'submit', value: 'Send' }),
              ]),
            ]),
          ],
        },
        initialOffset: { left: 0, top: 0 },
      },
    },
    inputEvent(10, TYPED, t + 2),
  ];
}

/** A later batch: typing in the field and the textarea, a value set by script. */
function laterForm(t: number) {
  return [
    inputEvent(10, TYPED_LATER, t),
    inputEvent(11, `${TYPED_AREA} more`, t + 1),
    {
      type: EventType.IncrementalSnapshot,
      timestamp: t + 2,
      data: {
        source: IncrementalSource.Mutation,
        texts: [{ id: 12, value: TYPED_LATER }],
        attributes: [{ id: 10, attributes: { value: TYPED_LATER } }],
        removes: [],
        adds: [],
      },
    },
  ];
}

for (const backend of BACKENDS) {
  const skip = backend === 'postgres' && !pgUrl();
  describe.skipIf(skip)(`settings and roles with ${backend}`, () => {
    let t: TestCollector;
    let adminId: number;
    let viewerId: number;
    const c = () => t.collector;
    beforeEach(async () => {
      t = await startTestCollector(backend as Backend);
      adminId = (await addTestUser(c(), 'admin@example.com', PASSWORD, ['shop'])).user.id;
      viewerId = (await addTestUser(c(), 'viewer@example.com', PASSWORD, ['shop'])).user.id;
      expect((await send(c(), batch({ siteKey: t.key, visitorId: 'visitor-1' }))).statusCode).toBe(200);
    });
    afterEach(async () => {
      await t.close();
    });

    /** Everything an admin route could change. */
    async function state() {
      const s = c().storage;
      const site = await s.getSiteByName('shop');
      return {
        site,
        users: (await s.usersOfSite(t.siteId)).map((m) => `${m.user.email}:${m.role}`),
        invitations: (await s.invitationsOfSite(t.siteId, Date.now())).length,
        sessions: (await s.listSessions(t.siteId)).map((x) => x.sessionId),
        keyWorks: (await c().app.inject({ method: 'GET', url: `/v1/settings?siteKey=${encodeURIComponent(t.key)}` })).statusCode === 200,
      };
    }

    describe('roles', () => {
      it('the first user of a site is its admin, the next a viewer', async () => {
        const members = await c().storage.usersOfSite(t.siteId);
        expect(members.map((m) => [m.user.email, m.role])).toEqual([
          ['admin@example.com', 'admin'],
          ['viewer@example.com', 'viewer'],
        ]);
      });

      it('a viewer gets 403 from every admin route, GET and POST, and nothing changes', async () => {
        const viewer = await browserOf(c).login('viewer@example.com');
        const before = await state();
        const routes: [string, Record<string, string>][] = [
          ['/sites/shop/settings', { ...FORM, privacy: 'strict', recording: 'off' }],
          ['/sites/shop/settings/origins', { origins: OTHER_ORIGIN }],
          ['/sites/shop/settings/key', {}],
          ['/sites/shop/users/invite', { email: 'intruder@example.com', role: 'admin' }],
          [`/sites/shop/users/${viewerId}/role`, { role: 'admin' }],
          [`/sites/shop/users/${adminId}/role`, { role: 'viewer' }],
          [`/sites/shop/users/${adminId}/remove`, {}],
          ['/sites/shop/visitors/visitor-1/delete', {}],
          ['/sites/shop/sessions/session-1/delete', {}],
        ];
        const page = await viewer.get('/sites/shop/settings');
        expect(page.statusCode).toBe(403);
        expect(page.body).toContain('Only an admin of this site can do this');
        expect(page.body).not.toContain('name="privacy"');
        for (const [url, form] of routes) {
          const res = await viewer.post(url, { _csrf: viewer.csrf, ...form });
          expect(res.statusCode, url).toBe(403);
          expect(res.body, url).toContain('Only an admin of this site can do this');
          expect(res.body, url).not.toMatch(/vk_|\/invite\//);
        }
        expect(await state()).toEqual(before);
      });

      it('a viewer sees no settings link and no delete buttons; an admin sees them', async () => {
        const viewer = await browserOf(c).login('viewer@example.com');
        expect((await viewer.get('/')).body).not.toContain('/sites/shop/settings');
        expect((await viewer.get('/')).body).toContain('you are a viewer');
        expect((await viewer.get('/sites/shop')).body).not.toContain('/settings');
        expect((await viewer.get('/sites/shop/sessions/session-1')).body).not.toContain('Delete this session');
        expect((await viewer.get('/sites/shop/visitors/visitor-1')).body).not.toContain("Delete all of this visitor's data");
        const admin = await browserOf(c).login('admin@example.com');
        expect((await admin.get('/')).body).toContain('href="/sites/shop/settings"');
        expect((await admin.get('/sites/shop/sessions/session-1')).body).toContain('Delete this session');
        expect((await admin.get('/sites/shop/visitors/visitor-1')).body).toContain("Delete all of this visitor's data");
      });

      it('a user of no site gets 404 from the settings, and an admin route without its token changes nothing', async () => {
        await c().storage.createSite({ name: 'blog', origins: ['https://blog.example'], privacy: 'strict', keyHash: 'x' });
        const blogAdmin = await addTestUser(c(), 'blog@example.com', PASSWORD, ['blog']);
        expect((await c().storage.sitesOfUser(blogAdmin.user.id))[0].role).toBe('admin');
        const stranger = await browserOf(c).login('blog@example.com');
        expect((await stranger.get('/sites/shop/settings')).statusCode).toBe(404);
        expect((await stranger.post('/sites/shop/settings', { _csrf: stranger.csrf, ...FORM, recording: 'off' })).statusCode).toBe(404);
        const admin = await browserOf(c).login('admin@example.com');
        const before = await state();
        expect((await admin.post('/sites/shop/settings', { ...FORM, recording: 'off' })).statusCode).toBe(403);
        expect((await admin.post('/sites/shop/settings/key', { _csrf: 'forged' })).statusCode).toBe(403);
        expect(await state()).toEqual(before);
      });

      it('an admin invites, changes roles and removes users, and cannot remove or demote the last admin', async () => {
        const admin = await browserOf(c).login('admin@example.com');
        const invited = await admin.post('/sites/shop/users/invite', { _csrf: admin.csrf, email: 'New@Example.com', role: 'admin' });
        expect(invited.statusCode).toBe(200);
        const link = /value="(http:\/\/[^"]+\/invite\/[A-Za-z0-9_-]{43})"/.exec(invited.body)?.[1];
        expect(link, 'the link is shown once').toBeTruthy();
        expect(invited.body).toContain('shown only this once');
        expect((await admin.get('/sites/shop/settings')).body).not.toContain(new URL(link!).pathname);
        expect((await admin.get('/sites/shop/settings')).body).toContain('new@example.com (admin');

        const bad = await admin.post('/sites/shop/users/invite', { _csrf: admin.csrf, email: 'not an address', role: 'viewer' });
        expect(bad.statusCode).toBe(400);
        expect(bad.body).toContain('is not an e-mail address');

        const lastAdmin = await admin.post(`/sites/shop/users/${adminId}/role`, { _csrf: admin.csrf, role: 'viewer' });
        expect(lastAdmin.statusCode).toBe(400);
        expect(lastAdmin.body).toContain('is the only admin of shop');
        expect((await admin.post(`/sites/shop/users/${adminId}/remove`, { _csrf: admin.csrf })).body).toContain(
          'is the only admin of shop',
        );

        const promoted = await admin.post(`/sites/shop/users/${viewerId}/role`, { _csrf: admin.csrf, role: 'admin' });
        expect(promoted.statusCode).toBe(303);
        expect((await c().storage.usersOfSite(t.siteId)).find((m) => m.user.id === viewerId)?.role).toBe('admin');
        // the promoted user's next request has the admin's rights: roles are read per request
        const former = await browserOf(c).login('viewer@example.com');
        expect((await former.get('/sites/shop/settings')).statusCode).toBe(200);
        expect((await admin.post(`/sites/shop/users/${viewerId}/remove`, { _csrf: admin.csrf })).statusCode).toBe(303);
        expect((await former.get('/sites/shop')).statusCode).toBe(404);
        expect(await c().storage.getUserByEmail('viewer@example.com')).not.toBeNull();
      });
    });

    describe('the settings form', () => {
      it('shows what is in force, saves valid values and applies them', async () => {
        const admin = await browserOf(c).login('admin@example.com');
        const page = await admin.get('/sites/shop/settings');
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('In force now');
        expect(page.body).toMatch(/name="privacy" value="relaxed" checked/);
        for (const mode of ['strict', 'balanced', 'relaxed']) expect(page.body).toContain(`name="privacy" value="${mode}"`);
        const saved = await admin.post('/sites/shop/settings', {
          _csrf: admin.csrf,
          privacy: 'balanced',
          recording: 'off',
          recordInputs: 'off',
          samplePercent: '25.5',
          retentionDays: '7',
        });
        expect(saved.statusCode, saved.body).toBe(303);
        expect(saved.headers.location).toBe('/sites/shop/settings?saved=settings');
        const site = await c().storage.getSiteByName('shop');
        expect(site).toMatchObject({ privacy: 'balanced', recording: false, recordInputs: false, sampleRate: 0.255, retentionDays: 7 });
        const after = (await admin.get(saved.headers.location as string)).body;
        expect(after).toContain('Settings saved');
        expect(after).toMatch(/Recording<\/span> <strong>off/);
        expect(after).toContain('25.5 %');
        expect(after).toContain('7 days');
        // an empty retention goes back to the collector's
        await admin.post('/sites/shop/settings', { _csrf: admin.csrf, ...FORM });
        expect((await c().storage.getSiteByName('shop'))?.retentionDays).toBeNull();
      });

      it('refuses wrong values with messages that say what is accepted, changing nothing', async () => {
        const admin = await browserOf(c).login('admin@example.com');
        const before = await state();
        const cases: [Record<string, string>, string][] = [
          [{ privacy: 'loose' }, 'Choose a privacy mode: strict, balanced, relaxed.'],
          [{ recording: 'maybe' }, 'Choose on or off for recording.'],
          [{ recordInputs: '' }, 'Choose on or off for recording form inputs.'],
          [{ samplePercent: '150' }, 'percentage from 0 to 100'],
          [{ samplePercent: '-1' }, 'percentage from 0 to 100'],
          [{ samplePercent: 'all' }, 'percentage from 0 to 100'],
          [{ retentionDays: '0' }, 'whole number of days from 1 to 30'],
          [{ retentionDays: '31' }, 'whole number of days from 1 to 30'],
          [{ retentionDays: '2.5' }, 'whole number of days from 1 to 30'],
        ];
        for (const [change, message] of cases) {
          const res = await admin.post('/sites/shop/settings', { _csrf: admin.csrf, ...FORM, recording: 'off', ...change });
          expect(res.statusCode, JSON.stringify(change)).toBe(400);
          expect(res.body, JSON.stringify(change)).toContain(message.replace(/'/g, '&#39;'));
          expect(res.body).toContain('aria-invalid="true"');
        }
        const missing = await admin.post('/sites/shop/settings', { _csrf: admin.csrf, privacy: 'strict' });
        expect(missing.statusCode).toBe(400);
        const origins = await admin.post('/sites/shop/settings/origins', {
          _csrf: admin.csrf,
          origins: 'https://ok.example\nshop.example/path',
        });
        expect(origins.statusCode).toBe(400);
        expect(origins.body).toContain('&quot;shop.example/path&quot; is not an origin: give scheme, host and optional port');
        expect((await admin.post('/sites/shop/settings/origins', { _csrf: admin.csrf, origins: '  ' })).body).toContain(
          'Give at least one origin',
        );
        expect(await state()).toEqual(before);
      });

      it('saves origins, and rotates the key showing the new one once', async () => {
        const admin = await browserOf(c).login('admin@example.com');
        const saved = await admin.post('/sites/shop/settings/origins', {
          _csrf: admin.csrf,
          origins: `${ORIGIN}\nhttps://www.shop.example/ , ${ORIGIN}`,
        });
        expect(saved.statusCode).toBe(303);
        expect((await c().storage.getSiteByName('shop'))?.origins).toEqual([ORIGIN, 'https://www.shop.example']);
        const rotated = await admin.post('/sites/shop/settings/key', { _csrf: admin.csrf });
        expect(rotated.statusCode).toBe(200);
        const key = /value="(vk_[A-Za-z0-9_-]+)"/.exec(rotated.body)?.[1];
        expect(key).toBeTruthy();
        expect((await send(c(), batch({ siteKey: t.key, sessionId: 'old-key' }))).statusCode).toBe(401);
        expect((await send(c(), batch({ siteKey: key, sessionId: 'new-key' }))).statusCode).toBe(200);
        expect((await admin.get('/sites/shop/settings')).body).not.toContain(key!);
      });

      it('a shorter retention deletes older sessions when saved', async () => {
        let clock = Date.now();
        await t.restart({ now: () => clock });
        expect((await send(c(), batch({ siteKey: t.key, sessionId: 'recent' }))).statusCode).toBe(200);
        clock += 3 * 24 * 3600_000;
        expect((await send(c(), batch({ siteKey: t.key, sessionId: 'today' }))).statusCode).toBe(200);
        const admin = await browserOf(c).login('admin@example.com');
        expect((await admin.post('/sites/shop/settings', { _csrf: admin.csrf, ...FORM, retentionDays: '2' })).statusCode).toBe(303);
        expect((await c().storage.listSessions(t.siteId)).map((s) => s.sessionId)).toEqual(['today']);
      });
    });

    describe('GET /v1/settings', () => {
      const settings = (key: string, origin?: string) =>
        c().app.inject({ method: 'GET', url: `/v1/settings?siteKey=${encodeURIComponent(key)}`, headers: origin ? { origin } : {} });

      it("answers the site's settings, with CORS for its origins only", async () => {
        const res = await settings(t.key, ORIGIN);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual(SITE_SETTINGS);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
        const other = await settings(t.key, OTHER_ORIGIN);
        expect(other.statusCode).toBe(403);
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
        expect(other.json().settings).toBeUndefined();
        const server = await settings(t.key);
        expect(server.statusCode).toBe(200);
        expect(server.headers['access-control-allow-origin']).toBeUndefined();
      });

      it("answers a preflight (a transport with extra headers) for the sites' origins only", async () => {
        const preflight = (origin: string) =>
          c().app.inject({
            method: 'OPTIONS',
            url: '/v1/settings',
            headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-proxy-token' },
          });
        const ok = await preflight(ORIGIN);
        expect(ok.statusCode).toBe(204);
        expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
        expect(ok.headers['access-control-allow-methods']).toBe('GET');
        expect(ok.headers['access-control-allow-headers']).toBe('x-proxy-token');
        const other = await preflight(OTHER_ORIGIN);
        expect(other.statusCode).toBe(403);
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
      });

      it('404 for an unknown key, 400 without one', async () => {
        const unknown = await settings('vk_nope', ORIGIN);
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json().error).toContain('unknown siteKey');
        const none = await c().app.inject({ method: 'GET', url: '/v1/settings' });
        expect(none.statusCode).toBe(400);
        expect(none.json().error).toContain('siteKey is missing');
      });

      it('follows a change of settings at once', async () => {
        const admin = await browserOf(c).login('admin@example.com');
        await admin.post('/sites/shop/settings', {
          _csrf: admin.csrf,
          privacy: 'strict',
          recording: 'on',
          recordInputs: 'off',
          samplePercent: '10',
          retentionDays: '',
        });
        expect((await settings(t.key, ORIGIN)).json()).toEqual({
          v: 1,
          recording: true,
          privacy: 'strict',
          recordInputs: false,
          sampleRate: 0.1,
        });
      });
    });

    describe("ingest under the site's current settings", () => {
      const setSettings = async (
        change: Partial<{ privacy: 'strict' | 'balanced' | 'relaxed'; recording: boolean; recordInputs: boolean }>,
      ) => {
        const site = (await c().storage.getSiteByName('shop'))!;
        await c().storage.setSiteSettings(site.id, { ...site, ...change });
      };

      it('refuses every batch of a switched-off site with 403 and the settings, storing nothing', async () => {
        await setSettings({ recording: false });
        const off = { ...SITE_SETTINGS, recording: false };
        for (const options of [{}, { keyInBodyOnly: true, plain: true }]) {
          const res = await send(c(), batch({ siteKey: t.key, sessionId: 'while-off' }), options);
          expect(res.statusCode).toBe(403);
          expect(res.json()).toEqual({ error: 'recording is switched off for this site', settings: off });
          expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
          expect(res.headers['retry-after']).toBeUndefined();
        }
        expect(await c().storage.getSession(t.siteId, 'while-off')).toBeNull();
        await setSettings({ recording: true });
        const back = await send(c(), batch({ siteKey: t.key, sessionId: 'while-off' }));
        expect(back.statusCode).toBe(200);
        expect(back.json().settings).toEqual(SITE_SETTINGS);
      });

      it('scrubs with the mode in force for each batch: a session that goes strict keeps no more page text', async () => {
        expect((await send(c(), batch({ siteKey: t.key, sessionId: 'mode', seq: 0 }))).statusCode).toBe(200);
        expect(JSON.stringify(await storedEvents(c(), t.siteId, 'mode'))).toContain(PLAIN.heading);
        await setSettings({ privacy: 'strict' });
        const res = await send(
          c(),
          batch({ siteKey: t.key, sessionId: 'mode', seq: 1, events: [textEdit(7, 'Now-Strict-Text 8f2', Date.now())] }),
        );
        expect(res.statusCode).toBe(200);
        expect(res.json().settings.privacy).toBe('strict');
        const [, second] = await c().storage.getBatches(t.siteId, 'mode');
        const { decodeBlob } = await import('../src/recordings/blob');
        expect(JSON.stringify(await decodeBlob(second.blob))).not.toContain('Now-Strict-Text');
      });

      it('with form inputs off, stores no input value that a recorder sent in clear, from the next batch on', async () => {
        const t0 = Date.now();
        // inputs on: a relaxed site keeps an ordinary field's value
        const first = await send(c(), { v: PROTOCOL_VERSION, siteKey: t.key, sessionId: 'form', seq: 0, events: formPage(t0) });
        expect(first.statusCode, first.body).toBe(200);
        expect(JSON.stringify(await storedEvents(c(), t.siteId, 'form'))).toContain(TYPED);
        await setSettings({ recordInputs: false });
        // the cached scrubber was made with inputs on: it must not take this batch
        const later = await send(c(), { v: PROTOCOL_VERSION, siteKey: t.key, sessionId: 'form', seq: 1, events: laterForm(t0 + 1000) });
        expect(later.statusCode).toBe(200);
        expect(later.json().settings.recordInputs).toBe(false);
        const [, second] = await c().storage.getBatches(t.siteId, 'form');
        const { decodeBlob } = await import('../src/recordings/blob');
        const stored = JSON.stringify(await decodeBlob(second.blob));
        expect(stored).not.toContain(TYPED_LATER);
        expect(stored).not.toContain(TYPED_AREA);
        expect(stored).toContain('*****');

        // a whole new session with inputs off: snapshot values, the textarea's text, the chosen option, typing
        const fresh = await send(c(), {
          v: PROTOCOL_VERSION,
          siteKey: t.key,
          sessionId: 'form-2',
          seq: 0,
          events: [...formPage(t0), ...laterForm(t0 + 10)],
        });
        expect(fresh.statusCode).toBe(200);
        const all = JSON.stringify(await storedEvents(c(), t.siteId, 'form-2'));
        for (const secret of [TYPED, TYPED_LATER, TYPED_AREA]) expect(all).not.toContain(secret);
        expect(all).not.toContain('"selected"');
        expect(all).toContain(PLAIN.heading);
        // rebuilt from storage (a restart), the masking still holds for the next batch
        await t.restart();
        await send(c(), {
          v: PROTOCOL_VERSION,
          siteKey: t.key,
          sessionId: 'form-2',
          seq: 1,
          events: [inputEvent(10, 'After-Restart-9d1', t0 + 100), inputEvent(999, 'Unknown-Node-2b7', t0 + 101)],
        });
        const afterRestart = JSON.stringify(await storedEvents(c(), t.siteId, 'form-2'));
        expect(afterRestart).not.toContain('After-Restart-9d1');
        expect(afterRestart).not.toContain('Unknown-Node-2b7');
      });

      it('a settings change in the viewer applies to the very next batch', async () => {
        const t0 = Date.now();
        await send(c(), { v: PROTOCOL_VERSION, siteKey: t.key, sessionId: 'live', seq: 0, events: formPage(t0) });
        const admin = await browserOf(c).login('admin@example.com');
        expect((await admin.post('/sites/shop/settings', { _csrf: admin.csrf, ...FORM, recordInputs: 'off' })).statusCode).toBe(303);
        await send(c(), { v: PROTOCOL_VERSION, siteKey: t.key, sessionId: 'live', seq: 1, events: laterForm(t0 + 1000) });
        const [, second] = await c().storage.getBatches(t.siteId, 'live');
        const { decodeBlob } = await import('../src/recordings/blob');
        expect(JSON.stringify(await decodeBlob(second.blob))).not.toContain(TYPED_LATER);
        expect((await admin.post('/sites/shop/settings', { _csrf: admin.csrf, ...FORM, recording: 'off' })).statusCode).toBe(303);
        expect(
          (await send(c(), { v: PROTOCOL_VERSION, siteKey: t.key, sessionId: 'live', seq: 2, events: laterForm(t0 + 2000) })).statusCode,
        ).toBe(403);
      });
    });
  });
}
