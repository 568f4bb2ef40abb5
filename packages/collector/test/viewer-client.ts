// A cookie jar and form posts over app.inject, for the viewer tests that need
// no browser: two-factor login and the audit log.
import type { LightMyRequestResponse } from 'fastify';
import type { Collector } from '../src/server';

export class Jar {
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

export const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

export interface ClientOptions {
  ip?: string;
  headers?: Record<string, string>;
}

export function client(collector: () => Collector) {
  const common = (jar: Jar, o: ClientOptions) => ({ remoteAddress: o.ip ?? '127.0.0.1', headers: { ...o.headers, cookie: jar.header() } });
  const get = async (jar: Jar, url: string, o: ClientOptions = {}) =>
    jar.take(await collector().app.inject({ method: 'GET', url, ...common(jar, o) }));
  const post = async (jar: Jar, url: string, form: Record<string, string>, o: ClientOptions = {}) => {
    const c = common(jar, o);
    return jar.take(
      await collector().app.inject({
        method: 'POST',
        url,
        remoteAddress: c.remoteAddress,
        headers: { ...c.headers, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      }),
    );
  };
  /** The login form, filled and sent: answers what POST /login answered. */
  const login = async (email: string, password: string, jar = new Jar(), o: ClientOptions = {}) => {
    const page = await get(jar, '/login', o);
    const res = await post(jar, '/login', { _csrf: csrfFrom(page.body), email, password }, o);
    return { jar, res };
  };
  /** The second step: the code form, filled and sent. */
  const sendCode = async (jar: Jar, code: string, o: ClientOptions = {}) => {
    const page = await get(jar, '/login/code', o);
    return post(jar, '/login/code', { _csrf: csrfFrom(page.body), code }, o);
  };
  /** A form on a logged-in page, sent with that page's CSRF token. */
  const submit = async (jar: Jar, pageUrl: string, action: string, form: Record<string, string>, o: ClientOptions = {}) => {
    const page = await get(jar, pageUrl, o);
    return post(jar, action, { _csrf: csrfFrom(page.body), ...form }, o);
  };
  return { get, post, login, sendCode, submit };
}
