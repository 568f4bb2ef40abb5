// The veil-collector commands, run in-process against a SQLite file.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/commands';
import { openStorage } from '../src/storage/index';
import { postgresDriver } from '../src/storage/postgres';
import { createCollector } from '../src/server';
import { batch, makeDatabase, send } from './helpers';

let db: Awaited<ReturnType<typeof makeDatabase>>;
beforeEach(async () => {
  db = await makeDatabase('sqlite');
});
afterEach(() => db.cleanup());

async function run(args: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--database', db.database], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readStdin: async () => stdin,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('veil-collector site', () => {
  it('add prints a random ingest key of at least 128 bits; list and origins show the site', async () => {
    const added = await run([
      'site',
      'add',
      'shop',
      '--origin',
      'https://shop.example',
      '--origin',
      'http://127.0.0.1:4173/',
      '--privacy',
      'balanced',
    ]);
    expect(added.code, added.err).toBe(0);
    const key = /\b(vk_[A-Za-z0-9_-]+)/.exec(added.out)![1];
    expect(Buffer.from(key.slice(3), 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    const other = await run(['site', 'add', 'blog', '--origin', 'https://blog.example']);
    expect(/\b(vk_[A-Za-z0-9_-]+)/.exec(other.out)![1]).not.toBe(key);

    const list = await run(['site', 'list']);
    expect(list.out).toContain('shop\tbalanced\thttps://shop.example http://127.0.0.1:4173');
    expect(list.out).toContain('blog\tstrict\thttps://blog.example');

    const set = await run(['site', 'origins', 'shop', '--origin', 'https://www.shop.example']);
    expect(set.out).toBe('https://www.shop.example');
    expect((await run(['site', 'origins', 'shop'])).out).toBe('https://www.shop.example');
  });

  it('refuses bad input with the flag and the accepted values', async () => {
    const privacy = await run(['site', 'add', 'shop', '--origin', 'https://shop.example', '--privacy', 'loose']);
    expect(privacy.code).toBe(2);
    expect(privacy.err).toContain('--privacy must be one of strict, balanced, relaxed');
    const origin = await run(['site', 'add', 'shop', '--origin', 'https://shop.example/path']);
    expect(origin.code).toBe(2);
    expect(origin.err).toContain('--origin "https://shop.example/path" is not an origin');
    const none = await run(['site', 'add', 'shop']);
    expect(none.err).toContain('at least one --origin');
    const unknown = await run(['site', 'origins', 'nope']);
    expect(unknown.err).toContain('No site named "nope"');
    const flag = await run(['site', 'list', '--colour']);
    expect(flag.code).toBe(2);
  });
});

describe('veil-collector user add', () => {
  it('reads the password from stdin and the user can log in to their sites only', async () => {
    await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    const added = await run(['user', 'add', 'Alice@Example.com', '--site', 'shop', '--password-stdin'], 'correct horse battery\n');
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain('Created alice@example.com');
    const storage = openStorage(db.database);
    try {
      const user = await storage.getUserByEmail('alice@example.com');
      expect(user!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect((await storage.sitesOfUser(user!.id)).map((s) => s.name)).toEqual(['shop']);
    } finally {
      await storage.close();
    }
  });

  it('refuses a short password, a missing --site, and an unknown site', async () => {
    await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    expect((await run(['user', 'add', 'a@example.com', '--site', 'shop', '--password-stdin'], 'short')).err).toContain(
      'at least 12 are needed',
    );
    expect((await run(['user', 'add', 'a@example.com', '--password-stdin'], 'long enough pw')).err).toContain('--site');
    expect((await run(['user', 'add', 'a@example.com', '--site', 'nope', '--password-stdin'], 'long enough pw')).err).toContain(
      'No site named "nope"',
    );
  });
});

describe('veil-collector delete', () => {
  it('deletes one session, or every session of a visitor', async () => {
    const added = await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    const key = /\b(vk_[A-Za-z0-9_-]+)/.exec(added.out)![1];
    const collector = await createCollector({ database: db.database, listen: false });
    try {
      for (const [sessionId, visitorId] of [
        ['s1', 'v1'],
        ['s2', 'v1'],
        ['s3', 'v2'],
      ]) {
        expect((await send(collector, batch({ siteKey: key, sessionId, visitorId }))).statusCode).toBe(200);
      }
    } finally {
      await collector.close();
    }
    expect((await run(['delete', '--site', 'shop', '--visitor', 'v1'])).out).toBe('Deleted 2 sessions of site shop.');
    expect((await run(['delete', '--site', 'shop', '--session', 's3'])).out).toBe('Deleted 1 session of site shop.');
    expect((await run(['delete', '--site', 'shop', '--session', 's3'])).out).toBe('Deleted 0 sessions of site shop.');
    const both = await run(['delete', '--site', 'shop', '--session', 'a', '--visitor', 'b']);
    expect(both.code).toBe(2);
    expect(both.err).toContain('exactly one of --session');
  });
});

describe('veil-collector site rotate-key and user list / remove', () => {
  it('a rotated key replaces the old one at once', async () => {
    const added = await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    const oldKey = /\b(vk_[A-Za-z0-9_-]+)/.exec(added.out)![1];
    const rotated = await run(['site', 'rotate-key', 'shop']);
    expect(rotated.code, rotated.err).toBe(0);
    const newKey = /\b(vk_[A-Za-z0-9_-]+)/.exec(rotated.out)![1];
    expect(newKey).not.toBe(oldKey);
    const collector = await createCollector({ database: db.database, listen: false });
    try {
      expect((await send(collector, batch({ siteKey: oldKey, sessionId: 'old' }))).statusCode).toBe(401);
      expect((await send(collector, batch({ siteKey: newKey, sessionId: 'new' }))).statusCode).toBe(200);
    } finally {
      await collector.close();
    }
    expect((await run(['site', 'rotate-key', 'nope'])).err).toContain('No site named "nope"');
  });

  it('lists users with their sites, and a removed user can no longer log in', async () => {
    await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    await run(['site', 'add', 'blog', '--origin', 'https://blog.example']);
    await run(['user', 'add', 'alice@example.com', '--site', 'shop', '--site', 'blog', '--password-stdin'], 'correct horse battery');
    await run(['user', 'add', 'bob@example.com', '--site', 'blog', '--password-stdin'], 'correct horse battery');
    expect((await run(['user', 'list'])).out).toBe('alice@example.com\tblog (admin) shop (admin)\nbob@example.com\tblog (viewer)');
    const removed = await run(['user', 'remove', 'Alice@example.com']);
    expect(removed.code, removed.err).toBe(0);
    expect((await run(['user', 'list'])).out).toBe('bob@example.com\tblog (viewer)');
    const storage = openStorage(db.database);
    try {
      expect(await storage.getUserByEmail('alice@example.com')).toBeNull();
    } finally {
      await storage.close();
    }
    expect((await run(['user', 'remove', 'alice@example.com'])).err).toContain('No user "alice@example.com"');
  });
});

describe('veil-collector help', () => {
  it('lists the commands', async () => {
    const help = await run(['help']);
    expect(help.out).toContain('site add <name> --origin');
    expect(path.basename(db.database)).toBe('veil.db');
  });
});

describe('npx @veil/collector', () => {
  // npm runs a package's command by the package's name when the package has
  // exactly one: that is what lets the README say `npx @veil/collector`, a
  // name nobody else can publish, instead of `npx veil-collector`.
  it('has one command, veil-collector, which runs and answers --help', async () => {
    const collectorDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const manifest = JSON.parse(readFileSync(path.join(collectorDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(manifest.bin)).toEqual(['veil-collector']);
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(collectorDir, manifest.bin['veil-collector']), '--help'], {
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^Usage: veil-collector /);
  });
});

describe('the PostgreSQL driver, an optional peer', () => {
  it('is loaded for a postgres:// database, and its absence says what to install', () => {
    expect(typeof postgresDriver().Pool).toBe('function');
    const missing = () => {
      throw Object.assign(new Error("Cannot find module 'pg'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => postgresDriver(missing)).toThrow(/^\[veil\] A postgres:\/\/ database needs the PostgreSQL driver: .*npm install pg/);
    const broken = () => {
      throw new Error('the driver failed to load');
    };
    expect(() => postgresDriver(broken)).toThrow('the driver failed to load');
  });
});

describe('veil-collector serve --trust-proxy', () => {
  it('takes proxy addresses or a hop count, and refuses the old bare switch that trusted any X-Forwarded-For', async () => {
    const bare = await run(['serve', '--trust-proxy']);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('--trust-proxy needs a value');
    expect(bare.err).toMatch(/hop count/);
    const wrong = await run(['serve', '--trust-proxy', 'true']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("--trust-proxy takes the proxies' addresses");
    const badRange = await run(['serve', '--trust-proxy', '10.0.0.0/99']);
    expect(badRange.code).toBe(2);
  });
});

describe('veil-collector serve, the ingest queue', () => {
  it('refuses a queue bound or byte budget that is not a whole number in range, naming the flag and the range', async () => {
    const bytes = await run(['serve', '--ingest-queue-bytes', '1000']);
    expect(bytes.code).toBe(2);
    expect(bytes.err).toContain('--ingest-queue-bytes must be a whole number from 65536 to');
    expect(bytes.err).toContain('inflated bytes of the batches in hand at once');
    const budget = await run(['serve', '--ip-bytes-rate', '1.5']);
    expect(budget.code).toBe(2);
    expect(budget.err).toContain('--ip-bytes-rate must be a whole number from 65536 to');
    const count = await run(['serve', '--ingest-queue', '0']);
    expect(count.code).toBe(2);
    expect(count.err).toContain('--ingest-queue must be a whole number from 1 to 1000000 (batches in hand at once)');
  });

  it('says both bounds and their defaults in the usage', async () => {
    const help = await run(['help']);
    expect(help.out).toMatch(/--ingest-queue <n> +most batches in hand at once;[^]*default 64 per ingest worker/);
    expect(help.out).toMatch(/--ingest-queue-bytes <n> +most inflated bytes[^]*default 33554432 per ingest worker/);
  });
});

describe('veil-collector roles: user add --role, user role, user invite', () => {
  const PW = 'correct horse battery';
  it("makes a site's first user its admin and the next ones viewers unless --role says otherwise", async () => {
    await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    const first = await run(['user', 'add', 'owner@example.com', '--site', 'shop', '--password-stdin'], PW);
    expect(first.out).toContain('with access to shop (admin)');
    const second = await run(['user', 'add', 'watcher@example.com', '--site', 'shop', '--password-stdin'], PW);
    expect(second.out).toContain('with access to shop (viewer)');
    const third = await run(['user', 'add', 'deputy@example.com', '--site', 'shop', '--role', 'admin', '--password-stdin'], PW);
    expect(third.out).toContain('with access to shop (admin)');
    // a password reset keeps the role the user has
    await run(['user', 'add', 'watcher@example.com', '--site', 'shop', '--password-stdin'], `${PW}!`);
    expect((await run(['user', 'list'])).out).toContain('watcher@example.com\tshop (viewer)');
    const wrong = await run(['user', 'add', 'x@example.com', '--site', 'shop', '--role', 'owner', '--password-stdin'], PW);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('--role must be admin or viewer; got "owner"');
  });

  it("changes a role, but never demotes a site's last admin", async () => {
    await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    await run(['user', 'add', 'owner@example.com', '--site', 'shop', '--password-stdin'], PW);
    await run(['user', 'add', 'watcher@example.com', '--site', 'shop', '--password-stdin'], PW);
    const last = await run(['user', 'role', 'owner@example.com', '--site', 'shop', '--role', 'viewer']);
    expect(last.code).toBe(2);
    expect(last.err).toContain('only admin of shop');
    const promoted = await run(['user', 'role', 'watcher@example.com', '--site', 'shop', '--role', 'admin']);
    expect(promoted.code, promoted.err).toBe(0);
    expect(promoted.out).toBe('watcher@example.com is now an admin of shop.');
    expect((await run(['user', 'role', 'owner@example.com', '--site', 'shop', '--role', 'viewer'])).code).toBe(0);
    expect((await run(['user', 'list'])).out).toBe('owner@example.com\tshop (viewer)\nwatcher@example.com\tshop (admin)');
  });

  it('prints a one-time invitation link that the viewer accepts once', async () => {
    await run(['site', 'add', 'shop', '--origin', 'https://shop.example']);
    const invited = await run([
      'user',
      'invite',
      'new@example.com',
      '--site',
      'shop',
      '--role',
      'viewer',
      '--url',
      'https://veil.example.com/',
    ]);
    expect(invited.code, invited.err).toBe(0);
    const link = /(https:\/\/veil\.example\.com\/invite\/[A-Za-z0-9_-]{43})/.exec(invited.out)?.[1];
    expect(link, invited.out).toBeTruthy();
    const collector = await createCollector({ database: db.database, listen: false });
    try {
      const path = new URL(link!).pathname;
      const page = await collector.app.inject({ method: 'GET', url: path });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('new@example.com');
      const pre = page.cookies.find((c) => c.name === 'veil_pre')!.value;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
      const accept = (password: string) =>
        collector.app.inject({
          method: 'POST',
          url: path,
          headers: { cookie: `veil_pre=${pre}`, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: csrf, password }).toString(),
        });
      const short = await accept('short');
      expect(short.statusCode).toBe(400);
      expect(short.body).toContain('at least 12 are needed');
      const ok = await accept(PW);
      expect(ok.statusCode, ok.body).toBe(303);
      expect(ok.headers.location).toBe('/sites/shop');
      expect(ok.cookies.some((c) => c.name === 'veil_session' && c.value)).toBe(true);
      const again = await accept(PW);
      expect(again.statusCode).toBe(404);
      expect(again.body).toContain('expired or was used already');
    } finally {
      await collector.close();
    }
    expect((await run(['user', 'list'])).out).toBe('new@example.com\tshop (viewer)');
    const member = await run(['user', 'invite', 'new@example.com', '--site', 'shop']);
    expect(member.code).toBe(2);
    expect(member.err).toContain('is a viewer of shop already');
  });
});
