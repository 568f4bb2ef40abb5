// A site's settings page (its admins only): recording on/off, privacy mode,
// form inputs, sampling, retention, origins, the ingest key, and the site's
// users. Every POST checks the CSRF token, then the role, before it reads or
// changes anything; a viewer gets 403 whatever they post. The invitation
// link's page (/invite/<token>) is the one page here outside the login.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PRIVACY_MODES, type PrivacyMode } from '@veil/core/engine';
import { AdminError } from '../admin-error';
import { csrfToken, csrfValid, CSRF_FIELD } from '../auth/csrf';
import { MIN_PASSWORD_LENGTH } from '../auth/password-policy';
import type { LoginGuard } from '../auth/login-guard';
import { isRole } from '../auth/roles';
import { recordAudit } from '../audit/audit';
import { PRE_SESSION_COOKIE, SESSION_COOKIE, SESSION_TTL_MS, hashSessionId, looksLikeSessionId, newSessionId } from '../auth/sessions';
import { hashKey, newIngestKey } from '../ingest/keys';
import type { Recordings } from '../recordings/recordings';
import {
  acceptInvitation,
  hashInvitationToken,
  invitationPath,
  inviteUser,
  looksLikeInvitationToken,
  removeMember,
  setMemberRole,
} from '../settings/members';
import {
  PRIVACY_DESCRIPTIONS,
  effectiveRetentionDays,
  parseOriginsField,
  parseSettingsForm,
  type Problems,
} from '../settings/site-settings';
import type { MemberSite, SiteSettings, Storage } from '../storage/types';
import { esc, formatTime, layout } from './html';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SettingsContext {
  storage: Storage;
  recordings: Recordings;
  secret: Buffer;
  now: () => number;
  retentionDays: number;
  requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  requireCsrf: (request: FastifyRequest, reply: FastifyReply) => boolean;
  adminSiteOf: (request: FastifyRequest, reply: FastifyReply, name: string) => MemberSite | null;
  nav: (request: FastifyRequest) => string;
  cookieOptions: (request: FastifyRequest, maxAgeSeconds?: number) => Record<string, unknown>;
  preTokenPrefix: string;
  /** An invitation for an existing account asks for its password: the login's limits apply. */
  loginGuard: LoginGuard;
}

/** What the page shows besides the settings in force: a result, a form's problems, a secret shown once. */
interface PageState {
  notice?: string;
  problems?: Problems;
  /** The values the admin posted, shown again next to their problems. */
  posted?: SiteSettings;
  originsProblem?: string;
  originsPosted?: string;
  newKey?: string;
  inviteLink?: string;
  usersProblem?: string;
}

const html = (reply: FastifyReply, code: number, body: string) => reply.code(code).type('text/html; charset=utf-8').send(body);

const percent = (rate: number) => `${Math.round(rate * 10000) / 100}`;

const MODE_LABELS: Record<PrivacyMode, string> = { strict: 'Strict', balanced: 'Balanced', relaxed: 'Relaxed' };

type SiteParams = { Params: { site: string }; Body: Record<string, unknown> };
type MemberParams = { Params: { site: string; user: string }; Body: Record<string, unknown> };

export function settingsRoutes(app: FastifyInstance, ctx: SettingsContext): void {
  const { storage, secret, now } = ctx;
  const base = (site: MemberSite) => `/sites/${encodeURIComponent(site.name)}`;

  function inForce(site: MemberSite): string {
    const days = effectiveRetentionDays(site, ctx.retentionDays);
    const item = (label: string, value: string, cls = '') =>
      `<li${cls ? ` class="${cls}"` : ''}><span class="muted">${esc(label)}</span> <strong>${esc(value)}</strong></li>`;
    return `<section class="in-force" aria-label="In force now"><h2>In force now</h2><ul>
${item('Recording', site.recording ? 'on' : 'off: batches are refused', site.recording ? '' : 'off')}
${item('Privacy mode', site.privacy)}
${item('Form inputs', site.recordInputs ? 'recorded as the mode allows' : 'all masked')}
${item('Sessions recorded', `${percent(site.sampleRate)} %`)}
${item('Kept for', `${days} ${days === 1 ? 'day' : 'days'}`)}
</ul></section>`;
  }

  async function page(request: FastifyRequest, site: MemberSite, state: PageState = {}): Promise<string> {
    const token = csrfToken(secret, request.viewer!.sessionId);
    const csrf = `<input type="hidden" name="${CSRF_FIELD}" value="${esc(token)}">`;
    const shown = state.posted ?? site;
    const p = state.problems ?? {};
    const problem = (key: keyof Problems) => (p[key] ? `<p class="error" role="alert" id="problem-${key}">${esc(p[key])}</p>` : '');
    const invalid = (key: keyof Problems) => (p[key] ? ` aria-invalid="true" aria-describedby="problem-${key}"` : '');
    const radio = (name: string, value: string, checked: boolean, label: string, hint: string) =>
      `<label class="choice"><input type="radio" name="${name}" value="${esc(value)}"${checked ? ' checked' : ''}> <span><strong>${esc(
        label,
      )}</strong><br><span class="muted">${esc(hint)}</span></span></label>`;
    const siteBase = base(site);

    const members = await storage.usersOfSite(site.id);
    const invitations = await storage.invitationsOfSite(site.id, now());
    const me = request.viewer!.userId;
    const admins = members.filter((m) => m.role === 'admin').length;
    const memberRows = members
      .map(({ user, role }) => {
        const userBase = `${siteBase}/users/${user.id}`;
        const who = `<td data-label="User"><span>${esc(user.email)}${
          user.id === me ? ' <span class="muted">(you)</span>' : ''
        }</span></td>`;
        // the site's only admin: no control would work (the server refuses), so none is offered
        if (role === 'admin' && admins === 1) {
          return `<tr>${who}<td data-label="Role"><span>admin <span class="muted">(the only one: make someone else an admin to change this)</span></span></td><td data-label=""></td></tr>`;
        }
        return `<tr>${who}
<td data-label="Role"><form class="inline" method="post" action="${esc(userBase)}/role">${csrf}<label class="visually-hidden" for="role-${
          user.id
        }">Role of ${esc(user.email)}</label><select id="role-${user.id}" name="role"><option value="admin"${
          role === 'admin' ? ' selected' : ''
        }>admin</option><option value="viewer"${
          role === 'viewer' ? ' selected' : ''
        }>viewer</option></select> <button type="submit">Change role</button></form></td>
<td data-label=""><form class="inline" method="post" action="${esc(
          userBase,
        )}/remove">${csrf}<button type="submit" class="danger">Remove from ${esc(site.name)}</button></form></td></tr>`;
      })
      .join('');
    const pending = invitations.length
      ? `<p class="muted">Invitations not yet accepted: ${invitations
          .map((i) => `${esc(i.email)} (${esc(i.role)}, link valid until ${esc(formatTime(i.expiresAt))})`)
          .join('; ')}.</p>`
      : '';

    const body = `<p class="crumbs"><a href="/">Sites</a> › <a href="${esc(siteBase)}">${esc(site.name)}</a></p>
<h1>${esc(site.name)} <span class="muted">settings</span></h1>
${state.notice ? `<p class="done notice" role="status">${esc(state.notice)}</p>` : ''}
${inForce(site)}

<form class="settings" method="post" action="${esc(siteBase)}/settings" novalidate>
${csrf}
<fieldset${invalid('recording')}><legend>Recording</legend>
${radio('recording', 'on', shown.recording, 'On', 'Visits are recorded and stored.')}
${radio(
  'recording',
  'off',
  !shown.recording,
  'Off (kill switch)',
  'Recorders stop and discard what they hold; the collector refuses every batch. Stored sessions stay.',
)}
${problem('recording')}
</fieldset>
<fieldset${invalid('privacy')}><legend>Privacy mode</legend>
${PRIVACY_MODES.map((mode) => radio('privacy', mode, shown.privacy === mode, MODE_LABELS[mode], PRIVACY_DESCRIPTIONS[mode])).join('\n')}
<p class="muted">In every mode, passwords, card numbers, one-time codes and fields that ask for a secret are never recorded, and e-mail addresses, card numbers and IBANs are masked wherever they appear. A page that asked for a stricter mode in its own code keeps it.</p>
${problem('privacy')}
</fieldset>
<fieldset${invalid('recordInputs')}><legend>Form inputs</legend>
${radio('recordInputs', 'on', shown.recordInputs, 'Record form inputs', 'What visitors type is recorded as the privacy mode allows.')}
${radio(
  'recordInputs',
  'off',
  !shown.recordInputs,
  'Do not record form inputs',
  'Every input value is masked, whatever the privacy mode: in the recorder, and again on the collector.',
)}
${problem('recordInputs')}
</fieldset>
<fieldset><legend>Sampling and retention</legend>
<label class="field">Share of sessions recorded <span class="with-unit"><input type="text" inputmode="decimal" name="samplePercent" value="${esc(
      percent(shown.sampleRate),
    )}" size="6"${invalid('sampleRate')}> %</span>
<span class="muted">0 to 100. Each visit is drawn once when recording starts; 100 records every visit.</span></label>
${problem('sampleRate')}
<label class="field">Keep recordings for <span class="with-unit"><input type="text" inputmode="numeric" name="retentionDays" value="${
      shown.retentionDays === null ? '' : esc(shown.retentionDays)
    }" placeholder="${ctx.retentionDays}" size="6"${invalid('retentionDays')}> days</span>
<span class="muted">1 to ${ctx.retentionDays}; empty keeps them ${
      ctx.retentionDays
    } days, this collector's limit. Older sessions are deleted when you save and every hour.</span></label>
${problem('retentionDays')}
</fieldset>
<p class="save"><button type="submit" class="primary">Save settings</button><span class="muted">Recorders pick them up when a visit starts recording; the collector applies them from the next batch it receives.</span></p>
</form>

<section class="card" aria-labelledby="origins-heading">
<h2 id="origins-heading">Allowed origins</h2>
<p class="muted">Pages on these origins may send recordings with this site's key and read its settings. One per line: scheme, host and optional port, e.g. https://shop.example.</p>
<form method="post" action="${esc(siteBase)}/settings/origins">
${csrf}
<label class="visually-hidden" for="origins">Allowed origins</label>
<textarea id="origins" name="origins" rows="${Math.min(8, site.origins.length + 1)}" cols="40"${
      state.originsProblem ? ' aria-invalid="true" aria-describedby="problem-origins"' : ''
    }>${esc(state.originsPosted ?? site.origins.join('\n'))}</textarea>
${state.originsProblem ? `<p class="error" role="alert" id="problem-origins">${esc(state.originsProblem)}</p>` : ''}
<p><button type="submit">Save origins</button></p>
</form>
</section>

<section class="card" aria-labelledby="key-heading">
<h2 id="key-heading">Ingest key</h2>
${
  state.newKey
    ? `<div class="secret" role="status"><p><strong>The new ingest key, shown only this once.</strong> Put it in your recorder's configuration now; the old key is refused from now on.</p><p><input class="mono key" type="text" readonly value="${esc(
        state.newKey,
      )}" aria-label="New ingest key"></p></div>`
    : '<p class="muted">The key is stored only as a hash, so it cannot be shown again. If it leaked, give the site a new one: the old key stops working at once, and recorders must be given the new key.</p>'
}
<form method="post" action="${esc(siteBase)}/settings/key">
${csrf}
<button type="submit" class="danger">Rotate the ingest key</button>
</form>
</section>

<section class="card" aria-labelledby="users-heading">
<h2 id="users-heading">Users</h2>
<p class="muted">Viewers watch recordings. Admins also change these settings, manage users, rotate the key and delete recordings.</p>
${state.usersProblem ? `<p class="error" role="alert">${esc(state.usersProblem)}</p>` : ''}
<div class="table-scroll"><table class="sessions users"><thead><tr><th>User</th><th>Role</th><th></th></tr></thead><tbody>${memberRows}</tbody></table></div>
${pending}
${
  state.inviteLink
    ? `<div class="secret" role="status"><p><strong>Invitation link, shown only this once.</strong> Send it to the person you invited; it works once, for 7 days.</p><p><input class="mono key" type="text" readonly value="${esc(
        state.inviteLink,
      )}" aria-label="Invitation link"></p></div>`
    : ''
}
<form class="invite" method="post" action="${esc(siteBase)}/users/invite">
${csrf}
<label class="field">Invite by e-mail <input type="email" name="email" required autocomplete="off"></label>
<label class="field">as <select name="role"><option value="viewer" selected>viewer</option><option value="admin">admin</option></select></label>
<button type="submit">Create invitation link</button>
</form>
</section>`;
    return layout(`${site.name} settings`, body, { nav: ctx.nav(request) });
  }

  const guard = { preHandler: ctx.requireUser };

  app.get<{ Params: { site: string }; Querystring: { saved?: string } }>('/sites/:site/settings', guard, async (request, reply) => {
    const site = ctx.adminSiteOf(request, reply, request.params.site);
    if (!site) return reply;
    const notices: Record<string, string> = {
      settings: 'Settings saved. They are in force now.',
      origins: 'Origins saved.',
      role: 'Role changed.',
      removed: 'User removed from this site.',
    };
    return html(reply, 200, await page(request, site, { notice: notices[request.query.saved ?? ''] }));
  });

  /** One line in the site's audit log for what an admin did in the settings. */
  const audit = (request: FastifyRequest, site: MemberSite, action: string, detail: string) =>
    recordAudit(storage, { siteId: site.id, userId: request.viewer!.userId, action, detail, ip: request.ip, at: now() });

  /** The fields a settings form changes, "field: old → new", or '' when it changes none. */
  function settingsChanges(site: MemberSite, next: SiteSettings): string {
    const shown = (key: keyof SiteSettings, value: unknown) =>
      key === 'sampleRate'
        ? `${Math.round(Number(value) * 100)} %`
        : key === 'retentionDays' && value === null
          ? 'the default'
          : String(value);
    const keys: (keyof SiteSettings)[] = ['recording', 'privacy', 'recordInputs', 'sampleRate', 'retentionDays'];
    return keys
      .filter((key) => site[key] !== next[key])
      .map((key) => `${key}: ${shown(key, site[key])} → ${shown(key, next[key])}`)
      .join('; ');
  }

  /** The CSRF token, then the role: nothing is read from the form before both hold. */
  function adminPost(request: FastifyRequest<{ Params: { site: string } }>, reply: FastifyReply): MemberSite | null {
    if (!ctx.requireCsrf(request, reply)) return null;
    return ctx.adminSiteOf(request, reply, request.params.site);
  }

  app.post<SiteParams>('/sites/:site/settings', guard, async (request, reply) => {
    const site = adminPost(request, reply);
    if (!site) return reply;
    const { settings, problems } = parseSettingsForm(request.body ?? {}, ctx.retentionDays);
    if (Object.keys(problems).length) {
      return html(reply, 400, await page(request, site, { problems, posted: settings }));
    }
    await storage.setSiteSettings(site.id, settings);
    const changes = settingsChanges(site, settings);
    if (changes) await audit(request, site, 'settings.change', changes);
    const days = effectiveRetentionDays(settings, ctx.retentionDays);
    if (days < ctx.retentionDays) await ctx.recordings.purgeSiteBefore(site.id, now() - days * DAY_MS);
    return reply.redirect(`${base(site)}/settings?saved=settings`, 303);
  });

  app.post<SiteParams>('/sites/:site/settings/origins', guard, async (request, reply) => {
    const site = adminPost(request, reply);
    if (!site) return reply;
    const { origins, problem } = parseOriginsField(request.body?.origins);
    if (problem) {
      const posted = typeof request.body?.origins === 'string' ? request.body.origins.slice(0, 4000) : '';
      return html(reply, 400, await page(request, site, { originsProblem: problem, originsPosted: posted }));
    }
    await storage.setSiteOrigins(site.id, origins);
    await audit(request, site, 'origins.change', `from ${site.origins.join(', ') || '(none)'} to ${origins.join(', ') || '(none)'}`);
    return reply.redirect(`${base(site)}/settings?saved=origins`, 303);
  });

  app.post<SiteParams>('/sites/:site/settings/key', guard, async (request, reply) => {
    const site = adminPost(request, reply);
    if (!site) return reply;
    const key = newIngestKey();
    await storage.setSiteKeyHash(site.id, hashKey(key));
    await audit(request, site, 'key.rotate', 'the old key no longer works');
    // shown in this answer only, never stored or redirected to
    return html(reply, 200, await page(request, site, { newKey: key, notice: 'The ingest key was rotated; the old key no longer works.' }));
  });

  app.post<SiteParams>('/sites/:site/users/invite', guard, async (request, reply) => {
    const site = adminPost(request, reply);
    if (!site) return reply;
    const email = typeof request.body?.email === 'string' ? request.body.email : '';
    const role = request.body?.role;
    if (!isRole(role))
      return html(reply, 400, await page(request, site, { usersProblem: 'Choose the role to invite as: admin or viewer.' }));
    try {
      const { token, invitation } = await inviteUser(storage, site, { email, role }, now());
      await audit(request, site, 'user.invite', `${invitation.email} as ${invitation.role}`);
      const link = `${request.protocol}://${request.host}${invitationPath(token)}`;
      return html(
        reply,
        200,
        await page(request, site, { inviteLink: link, notice: `Invitation for ${invitation.email} as ${invitation.role} created.` }),
      );
    } catch (error) {
      if (error instanceof AdminError) return html(reply, 400, await page(request, site, { usersProblem: error.message }));
      throw error;
    }
  });

  /** The member a users form names, by id; null after answering when it names none of the site's users. */
  const memberId = (value: string) => (/^\d{1,10}$/.test(value) ? Number(value) : null);

  app.post<MemberParams>('/sites/:site/users/:user/role', guard, async (request, reply) => {
    const site = adminPost(request, reply);
    if (!site) return reply;
    const role = request.body?.role;
    const userId = memberId(request.params.user);
    try {
      if (!isRole(role)) throw new AdminError('Choose a role: admin or viewer.');
      if (userId === null) throw new AdminError('That user is not a user of this site.');
      await setMemberRole(storage, site, userId, role);
      await audit(
        request,
        site,
        'user.role',
        `${(await storage.getUserById(userId))?.email ?? `user ${userId}`} is now ${role === 'admin' ? 'an admin' : 'a viewer'}`,
      );
    } catch (error) {
      if (error instanceof AdminError) return html(reply, 400, await page(request, site, { usersProblem: error.message }));
      throw error;
    }
    return reply.redirect(`${base(site)}/settings?saved=role`, 303);
  });

  app.post<MemberParams>('/sites/:site/users/:user/remove', guard, async (request, reply) => {
    const site = adminPost(request, reply);
    if (!site) return reply;
    const userId = memberId(request.params.user);
    try {
      if (userId === null) throw new AdminError('That user is not a user of this site.');
      const removed = (await storage.getUserById(userId))?.email ?? `user ${userId}`;
      await removeMember(storage, site, userId);
      await audit(request, site, 'user.remove', removed);
    } catch (error) {
      if (error instanceof AdminError) return html(reply, 400, await page(request, site, { usersProblem: error.message }));
      throw error;
    }
    return reply.redirect(`${base(site)}/settings?saved=removed`, 303);
  });

  // ---------------------------------------------------------------- the invitation link (no login)

  function invitePage(preId: string, token: string, email: string, siteName: string, exists: boolean, message = ''): string {
    const csrf = csrfToken(secret, ctx.preTokenPrefix + preId);
    return layout(
      'Invitation',
      `<h1>Join ${esc(siteName)}</h1>
<p>You were invited to watch the recordings of <strong>${esc(siteName)}</strong> as <strong>${esc(email)}</strong>.</p>
${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
<form class="login" method="post" action="${esc(invitationPath(token))}">
<input type="hidden" name="${CSRF_FIELD}" value="${esc(csrf)}">
${
  exists
    ? '<label>Your password <input type="password" name="password" autocomplete="current-password" required></label><p class="muted">You have an account already: type its password to accept.</p>'
    : `<label>Choose a password <input type="password" name="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required></label><p class="muted">At least ${MIN_PASSWORD_LENGTH} characters.</p>`
}
<button type="submit">Accept the invitation</button>
</form>`,
    );
  }

  const invitationGone = (reply: FastifyReply) =>
    html(
      reply,
      404,
      layout(
        'Invitation',
        "<h1>Invitation not found</h1><p>This invitation link has expired or was used already. Ask the site's admin for a new one.</p>",
      ),
    );

  async function invitationFor(token: string) {
    if (!looksLikeInvitationToken(token)) return null;
    const invitation = await storage.getInvitation(hashInvitationToken(token), now());
    if (!invitation) return null;
    const site = (await storage.listSites()).find((s) => s.id === invitation.siteId);
    return site ? { invitation, site } : null;
  }

  app.get<{ Params: { token: string } }>('/invite/:token', async (request, reply) => {
    const found = await invitationFor(request.params.token);
    if (!found) return invitationGone(reply);
    let preId = request.cookies[PRE_SESSION_COOKIE];
    if (!looksLikeSessionId(preId)) {
      preId = newSessionId();
      reply.setCookie(PRE_SESSION_COOKIE, preId, ctx.cookieOptions(request, 3600));
    }
    const exists = Boolean(await storage.getUserByEmail(found.invitation.email));
    return html(reply, 200, invitePage(preId, request.params.token, found.invitation.email, found.site.name, exists));
  });

  app.post<{ Params: { token: string }; Body: Record<string, unknown> }>('/invite/:token', async (request, reply) => {
    const token = request.params.token;
    const preId = request.cookies[PRE_SESSION_COOKIE];
    if (!looksLikeSessionId(preId) || !csrfValid(secret, ctx.preTokenPrefix + preId, request.body?.[CSRF_FIELD])) {
      return html(
        reply,
        403,
        layout(
          'Form expired',
          `<h1>Form expired</h1><p>The form was missing its security token. <a href="${esc(
            invitationPath(token),
          )}">Open the invitation link again</a> and retry.</p>`,
        ),
      );
    }
    const found = await invitationFor(token);
    if (!found) return invitationGone(reply);
    const password = typeof request.body?.password === 'string' ? request.body.password.slice(0, 1024) : '';
    const exists = Boolean(await storage.getUserByEmail(found.invitation.email));
    if (exists) {
      const byIp = await ctx.loginGuard.checkIp(request.ip);
      const byAccount = await ctx.loginGuard.accountOpen(found.invitation.email);
      const wait = !byIp.ok ? byIp.retryAfterSeconds : !byAccount.ok ? byAccount.retryAfterSeconds : 0;
      if (wait) {
        reply.header('Retry-After', String(wait));
        return html(
          reply,
          429,
          invitePage(preId, token, found.invitation.email, found.site.name, exists, `Too many attempts. Try again in ${wait} seconds.`),
        );
      }
    }
    let user;
    try {
      ({ user } = await acceptInvitation(storage, token, password, now()));
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      if (exists) await ctx.loginGuard.failed(request.ip, found.invitation.email);
      return html(reply, 400, invitePage(preId, token, found.invitation.email, found.site.name, exists, error.message));
    }
    await recordAudit(storage, {
      siteId: found.site.id,
      userId: user.id,
      action: 'invite.accept',
      detail: `${found.invitation.email} as ${found.invitation.role}`,
      ip: request.ip,
      at: now(),
    });
    const old = request.cookies[SESSION_COOKIE];
    if (looksLikeSessionId(old)) await storage.deleteLoginSession(hashSessionId(old));
    const id = newSessionId();
    await storage.createLoginSession(hashSessionId(id), { userId: user.id, expiresAt: now() + SESSION_TTL_MS });
    reply.setCookie(SESSION_COOKIE, id, ctx.cookieOptions(request, SESSION_TTL_MS / 1000));
    reply.clearCookie(PRE_SESSION_COOKIE, ctx.cookieOptions(request));
    return reply.redirect(`/sites/${encodeURIComponent(found.site.name)}`, 303);
  });
}
