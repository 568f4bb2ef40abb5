// The login-protected viewer: login, the sites and sessions a user may see,
// the replay page and the deletion form. Every form carries a CSRF token bound
// to the session (the login form to a pre-login session).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfToken, csrfValid, CSRF_FIELD } from '../auth/csrf';
import { dummyHash, verifyPassword } from '../auth/password';
import { PRE_SESSION_COOKIE, SESSION_COOKIE, SESSION_TTL_MS, hashSessionId, looksLikeSessionId, newSessionId } from '../auth/sessions';
import { hasControlCharacters } from '../auth/users';
import { DEVICE_COOKIE, DEVICE_TTL_SECONDS, LoginGuard, type LoginIpDelay } from '../auth/login-guard';
import type { RateLimit } from '../rate-limit';
import { decodeBlob } from '../recordings/blob';
import type { Recordings } from '../recordings/recordings';
import type { MemberSite, SessionSummary, Site, Storage, User } from '../storage/types';
import { ADMIN_ONLY, isAdmin } from '../auth/roles';
import { settingsRoutes } from './settings-pages';
import { recordAudit, recordUserAudit, canSeeAudit } from '../audit/audit';
import { PENDING_LOGIN_COOKIE, PENDING_LOGIN_TTL_MS, pendingLoginCookie } from '../auth/two-factor';
import { auditPages } from './audit-pages';
import { twoFactorPages } from './two-factor-pages';
import type { RecordedEvent } from '@veil/core/engine';
import { esc, formatBytes, formatDuration, formatTime, layout } from './html';
import { filterForm, parseListQuery, sessionRow, sortHeader, totals } from './session-list';
import { sortValue } from '../storage/session-query';
import { idFromPath, idPathSegment } from './id-path';
import { makeReplayable } from './replay-safety';

export interface ViewerOptions {
  storage: Storage;
  /** Deletion goes through the pipeline, which forgets the session's scrubber. */
  recordings: Recordings;
  secret: Buffer;
  /** Whether cookies get `Secure` (TLS, or https behind a trusted proxy). */
  secureCookies: (request: FastifyRequest) => boolean;
  /** Per address: waits that double with every failure past the free ones. */
  loginIpDelay: LoginIpDelay;
  /** Per account: failures it may take before only known devices may try. */
  loginAccountLimit: RateLimit;
  /** Receives the login guard (the hourly purge forgets its stale counters). */
  onLoginGuard?: (guard: LoginGuard) => void;
  /** Origin of the player listener (see player/app.ts), e.g. `http://127.0.0.1:4181`. */
  playerOrigin: () => string;
  /** The collector's retention: a site may shorten it in its settings, not extend it. */
  retentionDays: number;
  now?: () => number;
}

export interface Authed {
  userId: number;
  sessionId: string;
  /** The user's sites with their role on each, read afresh for every request. */
  sites: MemberSite[];
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer?: Authed;
  }
}

export const PRE_TOKEN_PREFIX = 'pre\u0000';

/** What the viewer's own pages share with the pages in their own modules (two-factor, audit). */
export interface ViewerContext {
  storage: Storage;
  secret: Buffer;
  now: () => number;
  guard: LoginGuard;
  requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  requireCsrf: (request: FastifyRequest, reply: FastifyReply) => boolean;
  nav: (request: FastifyRequest) => string;
  siteOf: (request: FastifyRequest, name: string) => Site | null;
  notFound: (reply: FastifyReply, what: string) => FastifyReply;
  cookieOptions: (request: FastifyRequest, maxAgeSeconds?: number) => Record<string, unknown>;
  tooMany: (reply: FastifyReply, retryAfterSeconds: number, page: string) => FastifyReply;
  /** After every factor: the device cookie, a new session id, the login in the audit log. */
  startSession: (request: FastifyRequest, reply: FastifyReply, user: User, how: string) => Promise<void>;
}

export async function viewerPlugin(app: FastifyInstance, options: ViewerOptions): Promise<void> {
  const { storage, secret, recordings } = options;
  const now = options.now ?? Date.now;
  // in the database when several instances share it, so failures on one count on all
  const guard = new LoginGuard(options.loginIpDelay, options.loginAccountLimit, secret, now, storage.loginLimits);
  options.onLoginGuard?.(guard);

  const cookieOptions = (request: FastifyRequest, maxAgeSeconds?: number) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: options.secureCookies(request),
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  });

  async function authenticate(request: FastifyRequest): Promise<Authed | null> {
    const id = request.cookies[SESSION_COOKIE];
    if (!looksLikeSessionId(id)) return null;
    const session = await storage.getLoginSession(hashSessionId(id), now());
    if (!session) return null;
    return { userId: session.userId, sessionId: id, sites: await storage.sitesOfUser(session.userId) };
  }

  /** preHandler for every page behind the login. */
  async function requireUser(request: FastifyRequest, reply: FastifyReply) {
    const viewer = await authenticate(request);
    if (!viewer) {
      if (request.method === 'GET' && !request.url.endsWith('.json')) return reply.redirect('/login', 303);
      return reply.code(401).type('application/json').send({ error: 'log in first' });
    }
    request.viewer = viewer;
  }

  function requireCsrf(request: FastifyRequest, reply: FastifyReply): boolean {
    const token = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (csrfValid(secret, request.viewer?.sessionId, token)) return true;
    reply
      .code(403)
      .type('text/html; charset=utf-8')
      .send(
        layout(
          'Form expired',
          '<h1>Form expired</h1><p>The form was missing its security token or it did not match your session. Go back, reload the page and try again.</p>',
        ),
      );
    return false;
  }

  const siteOf = (request: FastifyRequest, name: string) => request.viewer!.sites.find((s) => s.name === name) ?? null;

  /**
   * The site when the user is one of its admins; otherwise answers (404 for a
   * site they do not belong to, 403 for its viewers) and returns null.
   */
  function adminSiteOf(request: FastifyRequest, reply: FastifyReply, name: string): MemberSite | null {
    const site = siteOf(request, name);
    if (!site) {
      notFound(reply, 'No such site, or you do not belong to it.');
      return null;
    }
    if (!isAdmin(site)) {
      reply
        .code(403)
        .type('text/html; charset=utf-8')
        .send(
          layout(
            'Admins only',
            `<p class="crumbs"><a href="/">Sites</a> › <a href="/sites/${esc(encodeURIComponent(site.name))}">${esc(site.name)}</a></p><h1>Admins only</h1><p>${esc(ADMIN_ONLY)}</p>`,
            { nav: nav(request) },
          ),
        );
      return null;
    }
    return site;
  }

  function nav(request: FastifyRequest): string {
    const token = csrfToken(secret, request.viewer!.sessionId);
    return `<nav class="account"><a href="/account/two-factor">Two-factor login</a><form class="logout" method="post" action="/logout"><input type="hidden" name="${CSRF_FIELD}" value="${esc(token)}"><button type="submit">Log out</button></form></nav>`;
  }

  const notFound = (reply: FastifyReply, what: string) =>
    reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(layout('Not found', `<h1>Not found</h1><p>${esc(what)}</p>`));

  async function startSession(request: FastifyRequest, reply: FastifyReply, user: User, how: string) {
    await guard.succeeded(request.ip);
    reply.setCookie(DEVICE_COOKIE, guard.deviceCookie(user.id), cookieOptions(request, DEVICE_TTL_SECONDS));
    // A brand-new id: whatever cookie the browser had before logging in (planted
    // or not) never becomes an authenticated session.
    const old = request.cookies[SESSION_COOKIE];
    if (looksLikeSessionId(old)) await storage.deleteLoginSession(hashSessionId(old));
    const id = newSessionId();
    await storage.createLoginSession(hashSessionId(id), { userId: user.id, expiresAt: now() + SESSION_TTL_MS });
    reply.setCookie(SESSION_COOKIE, id, cookieOptions(request, SESSION_TTL_MS / 1000));
    reply.clearCookie(PRE_SESSION_COOKIE, cookieOptions(request));
    reply.clearCookie(PENDING_LOGIN_COOKIE, cookieOptions(request));
    await recordUserAudit(storage, { userId: user.id, action: 'login', detail: how, ip: request.ip, at: now() });
  }

  const tooMany = (reply: FastifyReply, retryAfterSeconds: number, page: string) =>
    reply.code(429).header('Retry-After', String(retryAfterSeconds)).type('text/html; charset=utf-8').send(page);

  const context: ViewerContext = {
    storage,
    secret,
    now,
    guard,
    requireUser,
    requireCsrf,
    nav,
    siteOf,
    notFound,
    cookieOptions,
    tooMany,
    startSession,
  };
  await twoFactorPages(app, context);
  await auditPages(app, context);

  // ---------------------------------------------------------------- login

  function loginPage(preId: string, message = ''): string {
    const token = csrfToken(secret, PRE_TOKEN_PREFIX + preId);
    return layout(
      'Log in',
      `<h1>Log in</h1>
${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
<form class="login" method="post" action="/login">
<input type="hidden" name="${CSRF_FIELD}" value="${esc(token)}">
<label>E-mail <input type="email" name="email" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>`,
    );
  }

  app.get('/login', async (request, reply) => {
    if (await authenticate(request)) return reply.redirect('/', 303);
    let preId = request.cookies[PRE_SESSION_COOKIE];
    if (!looksLikeSessionId(preId)) {
      preId = newSessionId();
      reply.setCookie(PRE_SESSION_COOKIE, preId, cookieOptions(request, 3600));
    }
    return reply.type('text/html; charset=utf-8').send(loginPage(preId));
  });

  app.post<{ Body: Record<string, unknown> }>('/login', async (request, reply) => {
    const body = request.body ?? {};
    const preId = request.cookies[PRE_SESSION_COOKIE];
    if (!looksLikeSessionId(preId) || !csrfValid(secret, PRE_TOKEN_PREFIX + preId, body[CSRF_FIELD])) {
      return reply
        .code(403)
        .type('text/html; charset=utf-8')
        .send(
          layout(
            'Form expired',
            '<h1>Form expired</h1><p>The login form was missing its security token. <a href="/login">Reload the login page</a> and try again.</p>',
          ),
        );
    }
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    if (hasControlCharacters(email)) {
      // refused before any look-up: PostgreSQL cannot compare a NUL, and no address has one
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(loginPage(preId, 'That is not an e-mail address: it contains control characters. Type the address you log in with.'));
    }
    const tooMany = (retryAfterSeconds: number) =>
      reply
        .code(429)
        .header('Retry-After', String(retryAfterSeconds))
        .type('text/html; charset=utf-8')
        .send(loginPage(preId, `Too many login attempts. Try again in ${retryAfterSeconds} seconds.`));
    const byIp = await guard.checkIp(request.ip);
    if (!byIp.ok) return tooMany(byIp.retryAfterSeconds);
    const user = email ? await storage.getUserByEmail(email) : null;
    const byAccount = await guard.accountOpen(email);
    // under attack, the account is open only to browsers it has logged in from before
    if (!byAccount.ok && !(user && guard.isKnownDevice(request.cookies[DEVICE_COOKIE], user.id))) {
      return tooMany(byAccount.retryAfterSeconds);
    }
    // An unknown account costs the same scrypt run as a wrong password.
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !matches) {
      await guard.failed(request.ip, email);
      if (user)
        await recordUserAudit(storage, { userId: user.id, action: 'login.failed', detail: 'wrong password', ip: request.ip, at: now() });
      return reply.code(401).type('text/html; charset=utf-8').send(loginPage(preId, 'Wrong e-mail or password.'));
    }
    if ((await storage.getTwoFactor(user.id)).secret) {
      // Not a success yet: the address's failures stand until the second factor is right.
      reply.setCookie(
        PENDING_LOGIN_COOKIE,
        pendingLoginCookie(secret, user, preId, now()),
        cookieOptions(request, PENDING_LOGIN_TTL_MS / 1000),
      );
      return reply.redirect('/login/code', 303);
    }
    await startSession(request, reply, user, 'with password');
    return reply.redirect('/', 303);
  });

  app.post('/logout', { preHandler: requireUser }, async (request, reply) => {
    if (!requireCsrf(request, reply)) return reply;
    await storage.deleteLoginSession(hashSessionId(request.viewer!.sessionId));
    await recordUserAudit(storage, { userId: request.viewer!.userId, action: 'logout', ip: request.ip, at: now() });
    reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
    return reply.redirect('/login', 303);
  });

  // ---------------------------------------------------------------- sites and sessions

  app.get('/', { preHandler: requireUser }, async (request, reply) => {
    const sites = request.viewer!.sites;
    const items = sites.length
      ? `<ul class="sites">${sites.map((s) => `<li><a href="/sites/${encodeURIComponent(s.name)}">${esc(s.name)}</a> <span class="muted">${esc(s.privacy)}${s.recording ? '' : ' · recording off'} · ${esc(s.origins.join(', '))} · you are ${isAdmin(s) ? 'an admin' : 'a viewer'}</span>${isAdmin(s) ? ` <a class="settings-link" href="/sites/${encodeURIComponent(s.name)}/settings">Settings</a>` : ''}</li>`).join('')}</ul>`
      : '<p>You do not belong to any site yet. Ask an administrator to run <code>veil-collector user add &lt;e-mail&gt; --site &lt;site&gt;</code>.</p>';
    return reply.type('text/html; charset=utf-8').send(layout('Sites', `<h1>Sites</h1>${items}`, { nav: nav(request) }));
  });

  app.get<{ Params: { site: string }; Querystring: Record<string, string | string[] | undefined> }>(
    '/sites/:site',
    { preHandler: requireUser },
    async (request, reply) => {
      const site = siteOf(request, request.params.site);
      if (!site) return notFound(reply, 'No such site, or you do not belong to it.');
      const { query, problems, values } = parseListQuery(request.query);
      const perPage = 50;
      // one row more than a page says whether there is more in the direction read
      const found = await storage.findSessions(site.id, { ...query, limit: perPage + 1 });
      const backwards = !query.after && !!query.before;
      const page = backwards ? found.slice(-perPage) : found.slice(0, perPage);
      const hasPrevious = backwards ? found.length > perPage : !!query.after;
      const hasNext = backwards || found.length > perPage;
      const siteBase = `/sites/${encodeURIComponent(site.name)}`;
      const rows = page.map((s) => sessionRow(siteBase, s));
      // the filters and sort stay in every link, so a filtered list can be shared and paged
      const keep = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) if (v && k !== 'after' && k !== 'before') keep.set(k, v);
      const cursor = (s: SessionSummary) => `${sortValue(query.sort, s)}~${s.sessionId}`;
      const link = (name: 'after' | 'before', s: SessionSummary) => {
        const params = new URLSearchParams(keep);
        params.set(name, cursor(s));
        return `${siteBase}?${params}`;
      };
      const pager = [
        hasPrevious ? `<a href="${esc(`${siteBase}?${keep}`)}">first page</a>` : '',
        hasPrevious && page.length ? `<a href="${esc(link('before', page[0]))}" rel="prev">previous ${perPage} sessions</a>` : '',
        hasNext && page.length ? `<a href="${esc(link('after', page[page.length - 1]))}" rel="next">next ${perPage} sessions</a>` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const filtered = Object.entries(values).some(([k, v]) => v && !['sort', 'order', 'after', 'before'].includes(k));
      const table = rows.length
        ? `<div class="table-scroll"><table class="sessions"><thead><tr>${sortHeader(siteBase, keep, 'start', 'Start', query)}${sortHeader(siteBase, keep, 'duration', 'Duration', query)}<th>Pages</th>${sortHeader(siteBase, keep, 'activity', 'Activity', query)}<th>Size</th><th>Gaps</th><th>Visitor</th></tr></thead><tbody>${rows.join('')}</tbody></table></div><p class="pager">${pager}</p>`
        : filtered
          ? `<p class="empty">No session matches these filters. <a href="${esc(siteBase)}">Clear the filters</a> to see every session.</p>`
          : query.after || query.before
            ? `<p class="empty">No more sessions. <a href="${esc(siteBase)}">Back to the first page</a>.</p>`
            : '<p class="empty">No sessions recorded yet. Once a page with the recorder and this site\'s key is visited, its sessions show up here.</p>';
      const auditLink = canSeeAudit(request.viewer!, site) ? ` · <a href="${esc(siteBase)}/audit">Audit log</a>` : '';
      const body = `<p class="crumbs"><a href="/">Sites</a>${isAdmin(site) ? ` › <a href="${esc(siteBase)}/settings">Settings</a>` : ''}${auditLink}</p><h1>${esc(site.name)} <span class="muted">sessions</span></h1>
${site.recording ? '' : `<p class="warn" role="status">Recording is switched off for this site: no new sessions are stored.${isAdmin(site) ? ` <a href="${esc(siteBase)}/settings">Settings</a>` : ''}</p>`}
${problems.length ? `<p class="error" role="alert">${problems.map(esc).join(' ')}</p>` : ''}
${filterForm(siteBase, values)}
${table}`;
      return reply.type('text/html; charset=utf-8').send(layout(site.name, body, { nav: nav(request) }));
    },
  );

  app.get<{ Params: { site: string; visitor: string } }>(
    '/sites/:site/visitors/:visitor',
    { preHandler: requireUser },
    async (request, reply) => {
      const site = siteOf(request, request.params.site);
      if (!site) return notFound(reply, 'No such site, or you do not belong to it.');
      const visitorId = idFromPath(request.params.visitor);
      const sessions = await storage.visitorSessions(site.id, visitorId);
      const siteBase = `/sites/${encodeURIComponent(site.name)}`;
      const token = csrfToken(secret, request.viewer!.sessionId);
      const total = totals(sessions);
      const body = `<p class="crumbs"><a href="/">Sites</a> › <a href="${esc(siteBase)}">${esc(site.name)}</a></p>
<h1>Visitor <span class="mono">${esc(visitorId)}</span></h1>
${
  sessions.length
    ? `<p>${sessions.length} ${sessions.length === 1 ? 'session' : 'sessions'}, ${total.batches} ${total.batches === 1 ? 'batch' : 'batches'}, ${esc(formatBytes(total.bytes))}, oldest first.</p>
<div class="table-scroll"><table class="sessions"><thead><tr><th>Start</th><th>Duration</th><th>Pages</th><th>Activity</th><th>Size</th><th>Gaps</th><th>Visitor</th></tr></thead><tbody>${sessions.map((s) => sessionRow(siteBase, s)).join('')}</tbody></table></div>
${
  isAdmin(site)
    ? `<form class="delete" method="post" action="${esc(`${siteBase}/visitors/${idPathSegment(visitorId)}/delete`)}">
<input type="hidden" name="${CSRF_FIELD}" value="${esc(token)}">
<button type="submit" class="danger">Delete all of this visitor's data</button> <span class="muted">for a data-subject request: removes ${sessions.length === 1 ? 'its session and every batch of it' : `all ${sessions.length} sessions and every batch of them`}, now; it cannot be undone</span>
</form>`
    : '<p class="muted">An admin of this site can delete this visitor\'s data (for a data-subject request).</p>'
}`
    : '<p class="empty">No sessions of this visitor are stored (never recorded, already deleted, or past the retention period).</p>'
}`;
      return reply.type('text/html; charset=utf-8').send(layout(`Visitor ${visitorId}`, body, { nav: nav(request) }));
    },
  );

  app.post<{ Params: { site: string; visitor: string } }>(
    '/sites/:site/visitors/:visitor/delete',
    { preHandler: requireUser },
    async (request, reply) => {
      if (!requireCsrf(request, reply)) return reply;
      const site = adminSiteOf(request, reply, request.params.site);
      if (!site) return reply;
      const visitorId = idFromPath(request.params.visitor);
      // what is about to go, counted first: the deletion itself reports sessions only
      const before = totals(await storage.visitorSessions(site.id, visitorId));
      const removed = await recordings.deleteVisitor(site.id, visitorId);
      await recordAudit(storage, {
        siteId: site.id,
        userId: request.viewer!.userId,
        action: 'visitor.delete',
        detail: `visitor ${visitorId}: ${removed} ${removed === 1 ? 'session' : 'sessions'}, ${before.batches} ${before.batches === 1 ? 'batch' : 'batches'}`,
        ip: request.ip,
        at: now(),
      });
      const siteBase = `/sites/${encodeURIComponent(site.name)}`;
      const body = `<p class="crumbs"><a href="/">Sites</a> › <a href="${esc(siteBase)}">${esc(site.name)}</a></p>
<h1>Visitor data deleted</h1>
<p class="done" role="status">Removed ${removed} ${removed === 1 ? 'session' : 'sessions'} of visitor <span class="mono">${esc(visitorId)}</span>: ${before.batches} ${before.batches === 1 ? 'batch' : 'batches'}, ${before.events} ${before.events === 1 ? 'event' : 'events'}, ${esc(formatBytes(before.bytes))}. Nothing of them is left in the database.</p>
<p><a href="${esc(siteBase)}">Back to the sessions</a></p>`;
      return reply.type('text/html; charset=utf-8').send(layout('Visitor data deleted', body, { nav: nav(request) }));
    },
  );

  type SessionParams = { Params: { site: string; session: string } };

  app.get<SessionParams & { Querystring: { t?: string } }>(
    '/sites/:site/sessions/:session',
    { preHandler: requireUser },
    async (request, reply) => {
      const site = siteOf(request, request.params.site);
      if (!site) return notFound(reply, 'No such site, or you do not belong to it.');
      const session = await storage.getSession(site.id, idFromPath(request.params.session));
      if (!session) return notFound(reply, 'No such session (it may have been deleted or expired).');
      const base = `/sites/${encodeURIComponent(site.name)}/sessions/${idPathSegment(session.sessionId)}`;
      const token = csrfToken(secret, request.viewer!.sessionId);
      const gaps = await storage.getGaps(site.id, session.sessionId);
      // ?t=<seconds>: a deep link opens the replay at that moment (whole or decimal seconds; anything else is ignored)
      const t = typeof request.query.t === 'string' && /^\d{1,7}(\.\d{1,3})?$/.test(request.query.t) ? Number(request.query.t) : null;
      const startAt = t === null ? null : Math.round(t * 1000);
      const body = `<p><a href="/">Sites</a> › <a href="/sites/${encodeURIComponent(site.name)}">${esc(site.name)}</a></p>
<h1>Session <span class="mono">${esc(session.sessionId)}</span></h1>
<dl class="facts">
<dt>start</dt><dd>${esc(formatTime(session.startedAt))}</dd>
<dt>duration</dt><dd>${esc(formatDuration(session.startedAt === null || session.endedAt === null ? null : session.endedAt - session.startedAt))}</dd>
<dt>pages</dt><dd>${session.pages}</dd>
<dt>events</dt><dd>${session.events} in ${session.batches} batches (${esc(formatBytes(session.bytes))})</dd>
<dt>visitor</dt><dd class="mono">${session.visitorId ? `<a href="${esc(`/sites/${encodeURIComponent(site.name)}/visitors/${idPathSegment(session.visitorId)}`)}">${esc(session.visitorId)}</a>` : '–'}</dd>
<dt>gaps</dt><dd>${
        gaps.length
          ? gaps
              .map((g) => `expected ${g.expectedSeq}, received ${g.receivedSeq}`)
              .map(esc)
              .join('; ')
          : 'none'
      }${session.droppedBatches ? ` · the client dropped ${session.droppedBatches} batches (${session.droppedEvents} events)` : ''}</dd>
</dl>
<iframe id="player" class="player" title="Replay" allow="fullscreen" sandbox="allow-scripts allow-same-origin" src="${esc(options.playerOrigin())}/player" data-player-origin="${esc(options.playerOrigin())}" data-events="${esc(base)}/events.json"${startAt !== null ? ` data-start="${startAt}"` : ''}></iframe>
<div class="share">
<button type="button" id="copy-link" disabled>Copy link at this moment</button>
<input id="share-link" class="mono" type="text" readonly aria-label="Link to this moment of the replay" value="">
<span id="copy-status" class="muted" role="status"></span>
</div>
${
  isAdmin(site)
    ? `<form class="delete" method="post" action="${esc(base)}/delete">
<input type="hidden" name="${CSRF_FIELD}" value="${esc(token)}">
<button type="submit" class="danger">Delete this session</button> <span class="muted">for a data-subject request: removes every batch of it, now</span>
</form>`
    : ''
}
<script src="/static/replay.js"></script>`;
      return reply.type('text/html; charset=utf-8').send(layout(`Session ${session.sessionId}`, body, { nav: nav(request) }));
    },
  );

  // One page of a session's events: the batches after `?after=<seq>` (from
  // the first when absent), up to EVENTS_PAGE_BATCHES of them or until their
  // stored size passes EVENTS_PAGE_BYTES. `next` is the `after` of the next
  // page, null after the last: the player starts on the first page while the
  // rest of a long session loads.
  app.get<SessionParams & { Querystring: { after?: string } }>(
    '/sites/:site/sessions/:session/events.json',
    { preHandler: requireUser },
    async (request, reply) => {
      const site = siteOf(request, request.params.site);
      if (!site) return reply.code(404).send({ error: 'no such site, or you do not belong to it' });
      const afterParam = request.query.after;
      if (afterParam !== undefined && !/^\d{1,15}$/.test(afterParam)) {
        return reply.code(400).send({ error: 'after must be the sequence number of the last batch loaded (a whole number)' });
      }
      const after = afterParam === undefined ? -1 : Number(afterParam);
      const batches = await storage.batchesAfter(site.id, idFromPath(request.params.session), after, EVENTS_PAGE_BATCHES + 1);
      if (!batches.length && after < 0) return reply.code(404).send({ error: 'no such session' });
      // logged where the recording itself is handed out (its first page), not where the page around it is
      if (after < 0) {
        await recordAudit(storage, {
          siteId: site.id,
          userId: request.viewer!.userId,
          action: 'session.view',
          detail: `session ${idFromPath(request.params.session)}`,
          ip: request.ip,
          at: now(),
        });
      }
      const events: RecordedEvent[] = [];
      // Where the recording has holes, for the player's gap markers: sequence
      // numbers that never arrived, and batches the client said it dropped, both
      // placed at the first event of the batch that came after them.
      const gaps: { at: number; missing?: number; dropped?: number }[] = [];
      let previousSeq = after;
      let bytes = 0;
      let next: number | null = null;
      for (const [i, batch] of batches.entries()) {
        if (i === EVENTS_PAGE_BATCHES || (i > 0 && bytes >= EVENTS_PAGE_BYTES)) {
          next = previousSeq;
          break;
        }
        bytes += batch.blob.byteLength;
        const decoded = makeReplayable(await decodeBlob(batch.blob));
        events.push(...decoded);
        const at = firstTimestamp(decoded);
        if (at !== null && batch.seq > previousSeq + 1) gaps.push({ at, missing: batch.seq - previousSeq - 1 });
        if (at !== null && batch.droppedBatches > 0) gaps.push({ at, dropped: batch.droppedBatches });
        previousSeq = batch.seq;
      }
      return reply.type('application/json; charset=utf-8').send(JSON.stringify({ events, gaps, next }));
    },
  );

  app.post<SessionParams>('/sites/:site/sessions/:session/delete', { preHandler: requireUser }, async (request, reply) => {
    if (!requireCsrf(request, reply)) return reply;
    const site = adminSiteOf(request, reply, request.params.site);
    if (!site) return reply;
    const removed = await recordings.deleteSession(site.id, idFromPath(request.params.session));
    if (removed) {
      await recordAudit(storage, {
        siteId: site.id,
        userId: request.viewer!.userId,
        action: 'session.delete',
        detail: `session ${idFromPath(request.params.session)}`,
        ip: request.ip,
        at: now(),
      });
    }
    return reply.redirect(`/sites/${encodeURIComponent(site.name)}`, 303);
  });

  settingsRoutes(app, {
    storage,
    recordings,
    secret,
    now,
    retentionDays: options.retentionDays,
    requireUser,
    requireCsrf,
    adminSiteOf,
    nav,
    cookieOptions,
    preTokenPrefix: PRE_TOKEN_PREFIX,
    loginGuard: guard,
  });
}

/** Batches per page of events.json: about a minute of a busy session (a batch is cut every 5 s or 500 events). */
export const EVENTS_PAGE_BATCHES = 24;
/** Stored (compressed) bytes after which a page of events.json ends early: a page of big full snapshots stays quick to send and to post to the player. */
export const EVENTS_PAGE_BYTES = 2 * 1024 * 1024;

function firstTimestamp(events: RecordedEvent[]): number | null {
  let first: number | null = null;
  for (const e of events) if (Number.isFinite(e.timestamp) && (first === null || e.timestamp < first)) first = e.timestamp;
  return first;
}
