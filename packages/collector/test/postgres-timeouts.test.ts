// Issue 18, finding 8: a PostgreSQL that stops answering (frozen, or a network
// that drops everything) must not leave requests waiting for ever: they are
// answered 503 once the connection or query timeout passes, and the
// collector serves again when the database comes back.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector, type Collector } from '../src/server';
import { addSite } from '../src/settings/sites';
import { createPostgresStorage } from '../src/storage/postgres';
import { batch, pgUrl, send } from './helpers';
import { freshDatabase } from './postgres-server.mjs';

/** A TCP proxy in front of PostgreSQL that can stop forwarding anything, in both directions, and start again. */
async function freezableProxy(target: URL) {
  let frozen = false;
  const held: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    for (const s of [client, upstream]) s.on('error', () => undefined).on('close', () => sockets.delete(s));
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (frozen) held.push(() => to.write(chunk));
        else to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(target.href);
  url.port = String(port);
  return {
    url: url.href,
    freeze: () => void (frozen = true),
    thaw: () => {
      frozen = false;
      for (const write of held.splice(0)) write();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Resolves to the response, or to 'still waiting' when none came within `ms` (a generous bound, not a timing). */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref())]);

let collector: Collector | undefined;
let proxy: Awaited<ReturnType<typeof freezableProxy>> | undefined;
afterEach(async () => {
  proxy?.thaw();
  await collector?.close();
  await proxy?.close();
  collector = undefined;
  proxy = undefined;
});

describe.skipIf(!pgUrl())('a PostgreSQL that stops answering', () => {
  it('gets requests answered 503 instead of hanging, and the collector recovers when it answers again', async () => {
    proxy = await freezableProxy(new URL(await freshDatabase(pgUrl()!)));
    const storage = createPostgresStorage({ connectionString: proxy.url, connectTimeoutMs: 1000, queryTimeoutMs: 1000 });
    collector = await createCollector({ database: storage, listen: false });
    const { key } = await addSite(storage, { name: 'shop', origins: ['https://shop.example'], privacy: 'relaxed' });
    expect((await send(collector, batch({ siteKey: key }))).statusCode).toBe(200);

    proxy.freeze();
    // an open connection whose query gets no answer, and (the pool then being empty) a new one that gets no handshake
    for (let i = 0; i < 2; i++) {
      const answer = await within(send(collector, batch({ siteKey: key, seq: 1 })), 45_000);
      expect(answer === 'still waiting' ? answer : answer.statusCode).toBe(503);
    }
    // the viewer too: a login cookie is looked up in the database
    const page = await within(
      collector.app.inject({ method: 'GET', url: '/', headers: { cookie: `veil_session=${'x'.repeat(43)}` } }),
      45_000,
    );
    expect(page === 'still waiting' ? page : page.statusCode).toBe(503);

    proxy.thaw();
    const again = await send(collector, batch({ siteKey: key, seq: 1 }));
    expect(again.statusCode).toBe(200);
  });

  it('refuses timeouts that are not positive whole milliseconds, naming the option', () => {
    expect(() => createPostgresStorage({ connectionString: 'postgres://x@127.0.0.1/x', queryTimeoutMs: 0 })).toThrow(
      /queryTimeoutMs must be/,
    );
    expect(() => createPostgresStorage({ connectionString: 'postgres://x@127.0.0.1/x', connectTimeoutMs: -1 })).toThrow(
      /connectTimeoutMs must be/,
    );
  });
});
