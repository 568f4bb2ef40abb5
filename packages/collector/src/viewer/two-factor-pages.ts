// The second step of a login with two-factor on (/login/code), and the page
// where a user turns two-factor login on and off (/account/two-factor).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordUserAudit } from '../audit/audit';
import { CSRF_FIELD, csrfToken, csrfValid } from '../auth/csrf';
import { DEVICE_COOKIE } from '../auth/login-guard';
import { verifyPassword } from '../auth/password';
import { PRE_SESSION_COOKIE, looksLikeSessionId } from '../auth/sessions';
import { matchTotp, otpauthUri } from '../auth/totp';
import {
  PENDING_LOGIN_COOKIE,
  hashRecoveryCode,
  newRecoveryCodes,
  readPendingLogin,
  verifySecondFactor,
  type SecondFactorResult,
} from '../auth/two-factor';
import { newTotpSecret } from '../auth/totp';
import { esc, layout } from './html';
import { PRE_TOKEN_PREFIX, type ViewerContext } from './pages';

const html = (reply: FastifyReply, code: number, page: string) => reply.code(code).type('text/html; charset=utf-8').send(page);

/** What to tell a person whose code was refused. */
function refusal(result: Extract<SecondFactorResult, { ok: false }>): string {
  return result.reason === 'reused'
    ? 'That code was used already. Wait for the next one in your authenticator app (a new code every 30 seconds) and type it.'
    : 'That code is not right. Type the 6-digit code your authenticator app shows now, or one of your recovery codes.';
}

/** The secret in groups of four, as people copy it into an app by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

export async function twoFactorPages(app: FastifyInstance, ctx: ViewerContext): Promise<void> {
  const { storage, secret, now, guard } = ctx;

  // ---------------------------------------------------------------- login, second step

  function codePage(preId: string, message = ''): string {
    const token = csrfToken(secret, PRE_TOKEN_PREFIX + preId);
    return layout(
      'Two-factor code',
      `<h1>Enter your code</h1>
<p>Your password was right. Open your authenticator app and type the 6-digit code it shows for Veil.</p>
${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
<form class="login" method="post" action="/login/code">
<input type="hidden" name="${CSRF_FIELD}" value="${esc(token)}">
<label>Code from your app <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="20" required autofocus></label>
<button type="submit">Log in</button>
</form>
<p class="muted">Lost your phone? Type one of the recovery codes you saved when you turned two-factor login on; each works once. No codes left? An administrator can switch two-factor login off for you with <code>veil-collector user reset-2fa &lt;e-mail&gt;</code>.</p>
<p><a href="/login">Start again</a></p>`,
    );
  }

  async function pending(request: FastifyRequest) {
    const preId = request.cookies[PRE_SESSION_COOKIE];
    if (!looksLikeSessionId(preId)) return null;
    const user = await readPendingLogin(storage, secret, request.cookies[PENDING_LOGIN_COOKIE], preId, now());
    return user ? { user, preId } : null;
  }

  app.get('/login/code', async (request, reply) => {
    const state = await pending(request);
    if (!state) return reply.redirect('/login', 303);
    return html(reply, 200, codePage(state.preId));
  });

  app.post<{ Body: Record<string, unknown> }>('/login/code', async (request, reply) => {
    const body = request.body ?? {};
    const state = await pending(request);
    if (!state) {
      return html(
        reply,
        401,
        layout(
          'Log in again',
          '<h1>Log in again</h1><p>The time to type the code ran out (5 minutes), or this browser did not start the login. <a href="/login">Log in again</a>.</p>',
        ),
      );
    }
    const { user, preId } = state;
    if (!csrfValid(secret, PRE_TOKEN_PREFIX + preId, body[CSRF_FIELD])) {
      return html(
        reply,
        403,
        layout(
          'Form expired',
          '<h1>Form expired</h1><p>The form was missing its security token. <a href="/login/code">Reload the page</a> and try again.</p>',
        ),
      );
    }
    // the same limits as the password: a wrong code is a failed login
    const byIp = await guard.checkIp(request.ip);
    if (!byIp.ok)
      return ctx.tooMany(
        reply,
        byIp.retryAfterSeconds,
        codePage(preId, `Too many login attempts. Try again in ${byIp.retryAfterSeconds} seconds.`),
      );
    const byAccount = await guard.accountOpen(user.email);
    if (!byAccount.ok && !guard.isKnownDevice(request.cookies[DEVICE_COOKIE], user.id)) {
      return ctx.tooMany(
        reply,
        byAccount.retryAfterSeconds,
        codePage(preId, `Too many login attempts. Try again in ${byAccount.retryAfterSeconds} seconds.`),
      );
    }
    const code = typeof body.code === 'string' ? body.code : '';
    const result = await verifySecondFactor(storage, user.id, code, now());
    if (!result.ok) {
      await guard.failed(request.ip, user.email);
      await recordUserAudit(storage, {
        userId: user.id,
        action: 'login.failed',
        detail: result.reason === 'reused' ? 'password right, two-factor code used before' : 'password right, wrong two-factor code',
        ip: request.ip,
        at: now(),
      });
      return html(reply, 401, codePage(preId, refusal(result)));
    }
    await ctx.startSession(
      request,
      reply,
      user,
      result.method === 'totp'
        ? 'with password and authenticator code'
        : `with password and a recovery code (${result.recoveryCodesLeft} left)`,
    );
    return reply.redirect('/', 303);
  });

  // ---------------------------------------------------------------- the account page

  const base = '/account/two-factor';

  async function page(request: FastifyRequest, reply: FastifyReply, code: number, content: string) {
    const body = `<p class="crumbs"><a href="/">Sites</a></p><h1>Two-factor login</h1>${content}`;
    return html(reply, code, layout('Two-factor login', body, { nav: ctx.nav(request) }));
  }

  const csrfInput = (request: FastifyRequest) =>
    `<input type="hidden" name="${CSRF_FIELD}" value="${esc(csrfToken(secret, request.viewer!.sessionId))}">`;

  async function overview(request: FastifyRequest, reply: FastifyReply, code = 200, message = '') {
    const userId = request.viewer!.userId;
    const [state, user] = await Promise.all([storage.getTwoFactor(userId), storage.getUserById(userId)]);
    const alert = message ? `<p class="error" role="alert">${esc(message)}</p>` : '';
    if (state.secret) {
      return page(
        request,
        reply,
        code,
        `<p class="done" role="status">Two-factor login is <strong>on</strong> for ${esc(
          user?.email,
        )}. Every login asks for a code from your authenticator app after the password.</p>
<p>${state.recoveryCodesLeft} of your recovery codes ${state.recoveryCodesLeft === 1 ? 'is' : 'are'} unused.${
          state.recoveryCodesLeft <= 3
            ? ' <strong class="warn">Running low:</strong> turn two-factor login off and on again to get ten new ones.'
            : ''
        }</p>
<h2>Turn two-factor login off</h2>
${alert}
<form class="login" method="post" action="${base}/disable">
${csrfInput(request)}
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<label>Code from your app, or a recovery code <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="20" required></label>
<button type="submit" class="danger">Turn off two-factor login</button>
</form>`,
      );
    }
    if (state.pendingSecret) {
      const uri = otpauthUri(state.pendingSecret, user?.email ?? 'veil');
      return page(
        request,
        reply,
        code,
        `<p>Two-factor login is <strong>off</strong>. Two steps to turn it on:</p>
<ol class="steps">
<li><p>In your authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, Aegis, …) add an account and type this key:</p>
<p class="secret-key mono" id="totp-secret">${esc(grouped(state.pendingSecret))}</p>
<p class="muted">Time-based, 6 digits, every 30 seconds. On this phone? <a href="${esc(
          uri,
        )}">Open it in your authenticator app</a>. The same as a link to copy:</p>
<input class="mono uri" type="text" readonly aria-label="otpauth link for your authenticator app" value="${esc(uri)}"></li>
<li><p>Type the 6-digit code the app now shows, to prove it works. Two-factor login is on only once this is done.</p>
${alert}
<form class="login" method="post" action="${base}/confirm">
${csrfInput(request)}
<label>Code from your app <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="10" required></label>
<button type="submit">Turn on two-factor login</button>
</form></li>
</ol>`,
      );
    }
    return page(
      request,
      reply,
      code,
      `<p>Two-factor login is <strong>off</strong>: your password alone lets you in.</p>
<p>Turn it on and every login also asks for a 6-digit code from an authenticator app on your phone, so a stolen password is not enough to see your visitors' recordings.</p>
${alert}
<form method="post" action="${base}/start">
${csrfInput(request)}
<button type="submit">Set up two-factor login</button>
</form>`,
    );
  }

  app.get(base, { preHandler: ctx.requireUser }, async (request, reply) => overview(request, reply));

  app.post(`${base}/start`, { preHandler: ctx.requireUser }, async (request, reply) => {
    if (!ctx.requireCsrf(request, reply)) return reply;
    const userId = request.viewer!.userId;
    const state = await storage.getTwoFactor(userId);
    if (!state.secret) await storage.setPendingTotpSecret(userId, newTotpSecret());
    return reply.redirect(base, 303);
  });

  app.post<{ Body: Record<string, unknown> }>(`${base}/confirm`, { preHandler: ctx.requireUser }, async (request, reply) => {
    if (!ctx.requireCsrf(request, reply)) return reply;
    const userId = request.viewer!.userId;
    const state = await storage.getTwoFactor(userId);
    if (state.secret || !state.pendingSecret) return reply.redirect(base, 303);
    const code = typeof request.body?.code === 'string' ? request.body.code : '';
    const step = matchTotp(state.pendingSecret, code, now());
    if (step === null) {
      return overview(
        request,
        reply,
        400,
        "That code does not match the key. Check that the app shows a 6-digit code for the key above, that the phone's clock is set automatically, and type the code it shows now.",
      );
    }
    const codes = newRecoveryCodes();
    const enabled = await storage.enableTwoFactor(userId, {
      secret: state.pendingSecret,
      step,
      recoveryCodeHashes: codes.map(hashRecoveryCode),
    });
    if (!enabled) return overview(request, reply, 409, 'The key changed meanwhile (set up again in another tab?). Use the key shown now.');
    await recordUserAudit(storage, { userId, action: 'two-factor.enable', ip: request.ip, at: now() });
    return page(
      request,
      reply,
      200,
      `<p class="done" role="status">Two-factor login is <strong>on</strong>. From now on every login asks for a code from your app.</p>
<h2>Your recovery codes</h2>
<p><strong>Save them now</strong> (print them, or keep them in your password manager): they are shown only this once. If you lose your phone, each of them logs you in once instead of a code.</p>
<ul class="recovery-codes mono" id="recovery-codes">${codes.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>
<p><a href="/">Done, back to the sites</a></p>`,
    );
  });

  app.post<{ Body: Record<string, unknown> }>(`${base}/disable`, { preHandler: ctx.requireUser }, async (request, reply) => {
    if (!ctx.requireCsrf(request, reply)) return reply;
    const userId = request.viewer!.userId;
    const user = await storage.getUserById(userId);
    if (!user) return reply.redirect('/login', 303);
    // a stolen session must not be enough: password and code, under the login limits
    const byIp = await guard.checkIp(request.ip);
    if (!byIp.ok) return overview(request, reply, 429, `Too many attempts. Try again in ${byIp.retryAfterSeconds} seconds.`);
    const password = typeof request.body?.password === 'string' ? request.body.password.slice(0, 1024) : '';
    const code = typeof request.body?.code === 'string' ? request.body.code : '';
    if (!(await verifyPassword(password, user.passwordHash))) {
      await guard.failed(request.ip, user.email);
      return overview(request, reply, 401, 'The password is not right. Two-factor login is still on.');
    }
    const result = await verifySecondFactor(storage, userId, code, now());
    if (!result.ok) {
      await guard.failed(request.ip, user.email);
      return overview(request, reply, 401, `${refusal(result)} Two-factor login is still on.`);
    }
    await storage.disableTwoFactor(userId);
    await recordUserAudit(storage, { userId, action: 'two-factor.disable', ip: request.ip, at: now() });
    return overview(request, reply, 200, '');
  });
}
