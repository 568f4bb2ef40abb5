// The commands of veil-collector, separate from the bin so tests can run them
// in-process with their output captured.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRIVACY_MODES } from '@veil/core/engine';
import { AdminError } from './admin-error';
import { addUser, listUsers, normalizeEmail, removeUser } from './auth/users';
import { parseRole } from './auth/roles';
import { invitationPath, inviteUser, setMemberRole } from './settings/members';
import { checkPasswordPolicy } from './auth/password-policy';
import { recordAudit } from './audit/audit';
import { Recordings } from './recordings/recordings';
import {
  createCollector,
  parseTrustProxy,
  TRUST_PROXY_HELP,
  DEFAULT_DATABASE,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMITS,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_DRAIN_SECONDS,
  MAX_INGEST_WORKERS,
  defaultIngestWorkers,
} from './server';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_QUEUED_BATCHES_PER_WORKER, DEFAULT_QUEUED_BYTES_PER_WORKER } from './ingest/http';
import { normalizeOrigin } from './settings/origins';
import { addSite, requireSite, rotateSiteKey, setSiteOrigins } from './settings/sites';
import { isPostgresUrl, openStorage, type OpenStorageOptions } from './storage/index';
import { createS3BlobStore, parseBlobStoreUrl } from './storage/s3';
import { BlobSweepError, DEFAULT_SWEEP_GRACE_HOURS, sweepOrphanBlobs, type BlobSweepReport } from './storage/blob-sweep';
import type { Storage } from './storage/types';

const USAGE = `Usage: veil-collector [command] [options]

Commands:
  (none) | serve                       run the collector (ingest at /v1/ingest, viewer at /)
  site add <name> --origin <origin>... [--privacy ${PRIVACY_MODES.join('|')}]
                                       create a site; prints its ingest key
  site list                            list sites with their origins and privacy mode
  site origins <name> [--origin <origin>...]
                                       show a site's origins, or replace them
  site rotate-key <name>               give a site a new ingest key; the old one is refused from now on
  user add <email> --site <name>... [--role admin|viewer] [--password-stdin]
                                       create a user (or reset their password) with access to sites;
                                       role default: admin for a site's first user, else viewer
  user invite <email> --site <name> [--role admin|viewer] [--url <viewer origin>]
                                       print a one-time invitation link (valid 7 days)
  user role <email> --site <name> --role admin|viewer
                                       change a user's role on a site
  user list                            list users, their sites and roles
  user remove <email>                  delete a user; their login sessions end
  user reset-2fa <email>               turn a user's two-factor login off (lost phone and recovery codes)
  delete --site <name> --session <id>  delete one recorded session (and its objects, with --blob-store)
  delete --site <name> --visitor <id>  delete every session of one visitor
  blobs sweep --database <…> --blob-store s3://<bucket>/<prefix> [--older-than <hours>] [--dry-run]
                                       delete the objects under the prefix no batch points to (a crash between
                                       writing an object and its row leaves them) once older than --older-than
                                       hours (default ${DEFAULT_SWEEP_GRACE_HOURS}, at least 1: a younger one may belong to a batch
                                       being written); files the collector does not write stay. The prefix
                                       must be this database's alone. --dry-run: count, delete nothing
  help                                 show this text

Options for every command:
  --database <path|postgres://…>       SQLite file (default ./${DEFAULT_DATABASE}; none for blobs sweep) or
                                       PostgreSQL URL; env VEIL_DATABASE_URL is used when the flag is absent

Options for serve, delete and blobs sweep:
  --blob-store s3://<bucket>/<prefix>  keep recordings in an S3-compatible bucket, the database only their keys;
                                       env VEIL_BLOB_STORE is used when the flag is absent. Credentials and
                                       region: the AWS SDK's usual AWS_* environment, config files or role
  --blob-store-endpoint <url>          an S3-compatible service (MinIO…), path-style (default: AWS_ENDPOINT_URL_S3, else AWS)

Options for serve:
  --host <address>                     default ${DEFAULT_HOST}
  --port <port>                        default ${DEFAULT_PORT} (0: a free port)
  --player-port <port>                 the replay player's own origin (default: --port + 1)
  --player-origin <origin>             public origin of the player listener behind a proxy
  --public-url <origin>                public origin of the viewer behind a proxy
  --retention-days <days>              delete recordings older than this, on start and hourly (default ${DEFAULT_RETENTION_DAYS})
  --tls-cert <file> --tls-key <file>   serve HTTPS directly
  --trust-proxy <addresses|hops>       trust X-Forwarded-For/-Proto from these reverse proxies in front:
                                       addresses or ranges (10.0.0.5,10.0.0.0/8,loopback) or a hop count
  --ip-rate <n>                        ingest requests per second per client IP (default ${DEFAULT_RATE_LIMITS.ip.perSecond}, bursts of 10x)
  --key-rate <n>                       ingest requests per second per site key (default ${DEFAULT_RATE_LIMITS.key.perSecond}, bursts of 5x)
  --ip-bytes-rate <n>                  inflated batch bytes per second per client IP (default ${DEFAULT_RATE_LIMITS.ipBytes.perSecond},
                                       bursts of 16x; a larger batch takes a full burst)
  --max-batch-bytes <n>                most bytes one batch may inflate to (default ${DEFAULT_MAX_DECOMPRESSED_BYTES})
  --ingest-workers <n>                 worker threads that parse and scrub batches, so logins, the viewer
                                       and /healthz stay quick under load (default: one per core, here
                                       ${defaultIngestWorkers()}; 0: on the main thread)
  --ingest-queue <n>                   most batches in hand at once; more are answered 503 with Retry-After,
                                       which recorders retry (default ${DEFAULT_QUEUED_BATCHES_PER_WORKER} per ingest worker)
  --ingest-queue-bytes <n>             most inflated bytes of the batches in hand at once; a batch that would go
                                       over waits the same way (default ${DEFAULT_QUEUED_BYTES_PER_WORKER} per ingest worker)
  --drain-seconds <n>                  on SIGTERM or SIGINT: /readyz answers 503 and new requests are refused
                                       at once, requests in progress get this long to finish and be stored
                                       (default ${DEFAULT_DRAIN_SECONDS}); then the collector exits 0
`;

export class UsageError extends Error {}

/** A failure outside the administrator's input (an object store down) whose message says all there is: no stack. Exit status 1. */
class CommandFailed extends Error {}

const DEFAULT_ORIGIN = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The whole of stdin (for --password-stdin). */
  readStdin(): Promise<string>;
  /** The clock (ms) for what depends on the time (blobs sweep); default Date.now. */
  now?: () => number;
}

const defaultIo: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  readStdin,
};

let io: CliIo = defaultIo;

function positiveNumber(flag: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new UsageError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(value)}.`);
  }
  return n;
}

function databaseFrom(value: string | undefined): string {
  return value ?? process.env.VEIL_DATABASE_URL ?? DEFAULT_DATABASE;
}

const BLOB_STORE_FLAGS = { 'blob-store': { type: 'string' }, 'blob-store-endpoint': { type: 'string' } } as const;

/** The --blob-store options, checked here so a typo is a usage error before anything opens. */
function blobStoreFrom(values: { 'blob-store'?: string; 'blob-store-endpoint'?: string }): OpenStorageOptions {
  const blobStore = values['blob-store'] ?? (process.env.VEIL_BLOB_STORE || undefined);
  const endpoint = values['blob-store-endpoint'];
  if (endpoint !== undefined && blobStore === undefined) {
    throw new UsageError('--blob-store-endpoint needs --blob-store s3://<bucket>/<prefix> too.');
  }
  if (blobStore === undefined) return {};
  try {
    parseBlobStoreUrl(blobStore);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint)) {
    throw new UsageError(
      `--blob-store-endpoint must be an http:// or https:// address, such as http://127.0.0.1:9000, got ${JSON.stringify(endpoint)}.`,
    );
  }
  return { blobStore, blobStoreEndpoint: endpoint };
}

async function withStorage<T>(database: string, fn: (storage: Storage) => Promise<T>, options: OpenStorageOptions = {}): Promise<T> {
  const storage = openStorage(database, options);
  try {
    await storage.migrate();
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/** Reads a password from the terminal without echoing it. */
async function promptPassword(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw new UsageError(
      'No terminal to ask for the password: pipe it in with --password-stdin (e.g. `printf %s "$PW" | veil-collector user add … --password-stdin`).',
    );
  }
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function serve(args: string[]): Promise<void> {
  const bare = args.indexOf('--trust-proxy');
  if (bare >= 0 && (bare === args.length - 1 || args[bare + 1].startsWith('--'))) {
    // it used to be a switch that trusted any X-Forwarded-For
    throw new UsageError(`--trust-proxy needs a value: ${TRUST_PROXY_HELP}, e.g. --trust-proxy 127.0.0.1 for a proxy on this machine.`);
  }
  const { values } = parseArgs({
    args,
    options: {
      database: { type: 'string' },
      ...BLOB_STORE_FLAGS,
      host: { type: 'string' },
      port: { type: 'string' },
      'player-port': { type: 'string' },
      'player-origin': { type: 'string' },
      'public-url': { type: 'string' },
      'retention-days': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'ip-rate': { type: 'string' },
      'key-rate': { type: 'string' },
      'ip-bytes-rate': { type: 'string' },
      'max-batch-bytes': { type: 'string' },
      'ingest-workers': { type: 'string' },
      'ingest-queue': { type: 'string' },
      'ingest-queue-bytes': { type: 'string' },
      'drain-seconds': { type: 'string' },
    },
  });
  const wholeNumber = (flag: string, value: string | undefined, min: number, max: number, what: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (${what}), got ${JSON.stringify(value)}.`);
    }
    return n;
  };
  const ingestWorkers = wholeNumber(
    '--ingest-workers',
    values['ingest-workers'],
    0,
    MAX_INGEST_WORKERS,
    '0: parse and scrub on the main thread',
  );
  const ingestQueue = wholeNumber('--ingest-queue', values['ingest-queue'], 1, 1_000_000, 'batches in hand at once');
  const ingestQueueBytes = wholeNumber(
    '--ingest-queue-bytes',
    values['ingest-queue-bytes'],
    64 * 1024,
    Number.MAX_SAFE_INTEGER,
    'inflated bytes of the batches in hand at once',
  );
  const drainSeconds = positiveNumber('--drain-seconds', values['drain-seconds'], true);
  const portFlag = (flag: string, value: string | undefined) => {
    const n = positiveNumber(flag, value, true);
    if (n !== undefined && (!Number.isInteger(n) || n > 65535))
      throw new UsageError(`${flag} must be an integer from 0 to 65535, got ${value}.`);
    return n;
  };
  const port = portFlag('--port', values.port);
  const playerPort = portFlag('--player-port', values['player-port']);
  const originFlag = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const origin = normalizeOrigin(value);
    if (!origin)
      throw new UsageError(`${flag} must be an origin such as https://replay.collector.example (no path), got ${JSON.stringify(value)}.`);
    return origin;
  };
  const playerOrigin = originFlag('--player-origin', values['player-origin']);
  const publicUrl = originFlag('--public-url', values['public-url']);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
    throw new UsageError('--tls-cert and --tls-key go together: give both files (PEM), or neither to serve plain HTTP.');
  }
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${file}: ${(error as Error).message}`);
    }
  };
  const tls = values['tls-cert'] ? { cert: read('--tls-cert', values['tls-cert']), key: read('--tls-key', values['tls-key']!) } : undefined;
  const ipRate = positiveNumber('--ip-rate', values['ip-rate']);
  const keyRate = positiveNumber('--key-rate', values['key-rate']);
  const ipBytesRate = wholeNumber(
    '--ip-bytes-rate',
    values['ip-bytes-rate'],
    64 * 1024,
    Number.MAX_SAFE_INTEGER,
    'inflated batch bytes per second per client IP',
  );
  const maxBatchBytes = positiveNumber('--max-batch-bytes', values['max-batch-bytes']);
  if (maxBatchBytes !== undefined && (!Number.isInteger(maxBatchBytes) || maxBatchBytes < 64 * 1024)) {
    throw new UsageError(
      `--max-batch-bytes must be a whole number of bytes, at least 65536 (a batch of a small page), got ${values['max-batch-bytes']}.`,
    );
  }
  let trustProxy: number | string[] | false = false;
  if (values['trust-proxy'] !== undefined) {
    const parsed = parseTrustProxy(values['trust-proxy']);
    if (parsed === null) throw new UsageError(`--trust-proxy takes ${TRUST_PROXY_HELP}; got ${JSON.stringify(values['trust-proxy'])}.`);
    trustProxy = parsed;
  }
  const database = databaseFrom(values.database);
  const blobStore = blobStoreFrom(values);
  const collector = await createCollector({
    database,
    ...blobStore,
    host: values.host ?? DEFAULT_HOST,
    port: port ?? DEFAULT_PORT,
    playerPort: playerPort ?? ((port ?? DEFAULT_PORT) === 0 ? 0 : (port ?? DEFAULT_PORT) + 1),
    playerOrigin,
    publicUrl,
    retentionDays: positiveNumber('--retention-days', values['retention-days']),
    maxDecompressedBytes: maxBatchBytes,
    ingestWorkers,
    maxQueuedBatches: ingestQueue,
    maxQueuedBytes: ingestQueueBytes,
    drainSeconds,
    tls,
    trustProxy,
    rateLimits: {
      ...(ipRate ? { ip: { perSecond: ipRate, burst: ipRate * 10 } } : {}),
      ...(keyRate ? { key: { perSecond: keyRate, burst: keyRate * 5 } } : {}),
      ...(ipBytesRate ? { ipBytes: { perSecond: ipBytesRate, burst: ipBytesRate * 16 } } : {}),
    },
    logger: true,
  });
  const shownDb = isPostgresUrl(database) ? database.replace(/\/\/[^@/]*@/, '//…@') : database;
  const sites = await collector.storage.listSites();
  const shownStore = blobStore.blobStore ? `; recordings in ${blobStore.blobStore}` : '';
  io.out(`Veil collector running at ${collector.url}/ (database: ${shownDb}${shownStore}; replay player at ${collector.playerUrl})`);
  io.out(`  ingest: POST ${collector.url}/v1/ingest    viewer: ${collector.url}/login`);
  if (values['trust-proxy'] && (!publicUrl || !playerOrigin)) {
    io.err(
      "Note: behind a proxy, pass --public-url (the viewer's public origin) and --player-origin (the player listener's public origin), or browsers will refuse to show replays.",
    );
  }
  if (sites.length === 0) {
    io.out(`
No sites yet. Create one, then a user who may see it:
  npx veil-collector site add shop --origin https://shop.example
  npx veil-collector user add you@example.com --site shop
(add --database ${JSON.stringify(database)} when it is not the default)`);
  }
  // The first signal drains (see --drain-seconds); a second one ends the process at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.err(`${signal} again: exiting without waiting for requests in progress.`);
      process.exit(1);
    }
    stopping = true;
    io.err(`${signal}: refusing new requests, letting those in progress finish (at most ${drainSeconds ?? DEFAULT_DRAIN_SECONDS} s).`);
    collector.close().then(
      () => process.exit(0),
      (error) => {
        io.err(`Shutting down failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function site(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { database: { type: 'string' }, origin: { type: 'string', multiple: true }, privacy: { type: 'string' } },
  });
  const database = databaseFrom(values.database);
  if (sub === 'add') {
    const name = positionals[0];
    if (!name) throw new UsageError('site add needs a name: veil-collector site add <name> --origin https://shop.example');
    await withStorage(database, async (storage) => {
      const { site, key } = await addSite(storage, { name, origins: values.origin ?? [], privacy: values.privacy });
      io.out(`Site ${site.name} created (privacy: ${site.privacy}; origins: ${site.origins.join(', ')}).`);
      io.out(`Ingest key (shown once, keep it with the site's recorder configuration):\n\n  ${key}\n`);
      io.out(`Recorder: createRecorder({ transport: { url: '<collector url>/v1/ingest', siteKey: '${key}' } })`);
    });
  } else if (sub === 'list') {
    await withStorage(database, async (storage) => {
      const sites = await storage.listSites();
      if (!sites.length) io.out('No sites. Create one with: veil-collector site add <name> --origin <origin>');
      for (const s of sites) io.out(`${s.name}\t${s.privacy}\t${s.origins.join(' ')}`);
    });
  } else if (sub === 'origins') {
    const name = positionals[0];
    if (!name) throw new UsageError('site origins needs a site name: veil-collector site origins <name> [--origin …]');
    await withStorage(database, async (storage) => {
      const site = values.origin ? await setSiteOrigins(storage, name, values.origin) : await requireSite(storage, name);
      io.out(site.origins.join('\n'));
    });
  } else if (sub === 'rotate-key') {
    const name = positionals[0];
    if (!name) throw new UsageError('site rotate-key needs a site name: veil-collector site rotate-key <name>');
    await withStorage(database, async (storage) => {
      const { site, key } = await rotateSiteKey(storage, name);
      io.out(`New ingest key for ${site.name} (shown once; the old key is refused from now on):\n\n  ${key}\n`);
    });
  } else {
    throw new UsageError(`Unknown site command ${JSON.stringify(sub ?? '')}: use site add, site list, site origins or site rotate-key.`);
  }
}

async function user(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'reset-2fa') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { database: { type: 'string' } } });
    if (!positionals[0]) throw new UsageError('user reset-2fa needs an e-mail address: veil-collector user reset-2fa alice@example.com');
    await withStorage(databaseFrom(values.database), async (storage) => {
      const found = await storage.getUserByEmail(normalizeEmail(positionals[0]));
      if (!found) throw new AdminError(`No user ${JSON.stringify(positionals[0])}; \`veil-collector user list\` shows the users.`);
      if (!(await storage.getTwoFactor(found.id)).secret) {
        io.out(`${found.email} has no two-factor login to reset; nothing was changed.`);
        return;
      }
      await storage.disableTwoFactor(found.id);
      // the account's own line, but done by no logged-in user: the command line
      for (const site of await storage.sitesOfUser(found.id)) {
        await recordAudit(storage, {
          siteId: site.id,
          userId: null,
          action: 'two-factor.reset',
          detail: `for ${found.email}, from the command line`,
          ip: null,
        });
      }
      io.out(`Two-factor login is off for ${found.email}: they log in with their password alone and can set it up again from the viewer.`);
    });
    return;
  }
  if (sub === 'list' || sub === 'remove') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { database: { type: 'string' } } });
    await withStorage(databaseFrom(values.database), async (storage) => {
      if (sub === 'list') {
        const users = await listUsers(storage);
        if (!users.length) io.out('No users. Create one with: veil-collector user add <email> --site <name>');
        for (const u of users) io.out(`${u.email}\t${u.sites.join(' ')}`);
        return;
      }
      const email = positionals[0];
      if (!email) throw new UsageError('user remove needs an e-mail address: veil-collector user remove alice@example.com');
      await removeUser(storage, email);
      io.out(`Removed ${email.trim().toLowerCase()}; their login sessions have ended.`);
    });
    return;
  }
  if (sub === 'invite' || sub === 'role') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { database: { type: 'string' }, site: { type: 'string' }, role: { type: 'string' }, url: { type: 'string' } },
    });
    const email = positionals[0];
    if (!email || !values.site)
      throw new UsageError(
        `user ${sub} needs an e-mail address and --site: veil-collector user ${sub} alice@example.com --site shop --role viewer`,
      );
    if (sub === 'role' && !values.role) throw new UsageError('user role needs --role admin or --role viewer.');
    const role = parseRole(values.role);
    let origin = DEFAULT_ORIGIN;
    if (values.url !== undefined) {
      const given = normalizeOrigin(values.url);
      if (!given)
        throw new UsageError(
          `--url must be the viewer's origin, such as https://veil.example.com (no path), got ${JSON.stringify(values.url)}.`,
        );
      origin = given;
    }
    await withStorage(databaseFrom(values.database), async (storage) => {
      const s = await requireSite(storage, values.site!);
      if (sub === 'invite') {
        const { token, invitation } = await inviteUser(storage, s, { email, role }, Date.now());
        io.out(
          `Invitation for ${invitation.email} to ${s.name} as ${invitation.role} (works once, for 7 days; shown only now):\n\n  ${origin}${invitationPath(token)}\n`,
        );
        if (values.url === undefined) io.out(`(give --url with the viewer's public origin when it is not ${DEFAULT_ORIGIN})`);
        return;
      }
      const user = await storage.getUserByEmail(normalizeEmail(email));
      if (!user) throw new AdminError(`No user ${JSON.stringify(email)}; \`veil-collector user list\` shows the users.`);
      await setMemberRole(storage, s, user.id, role);
      io.out(`${user.email} is now ${role === 'admin' ? 'an admin' : 'a viewer'} of ${s.name}.`);
    });
    return;
  }
  if (sub !== 'add')
    throw new UsageError(
      `Unknown user command ${JSON.stringify(sub ?? '')}: use user add, user invite, user role, user list, user remove or user reset-2fa.`,
    );
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      database: { type: 'string' },
      site: { type: 'string', multiple: true },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  });
  const requestedRole = values.role === undefined ? undefined : parseRole(values.role);
  const email = positionals[0];
  if (!email) throw new UsageError('user add needs an e-mail address: veil-collector user add alice@example.com --site shop');
  if (!values.site?.length) throw new UsageError('user add needs at least one --site the user may see.');
  let password: string;
  if (values['password-stdin']) {
    password = (await io.readStdin()).replace(/\r?\n$/, '');
  } else {
    password = await promptPassword(`Password for ${email}: `);
    // said before the second prompt, not after both
    const refused = checkPasswordPolicy(password, { email: email.trim().toLowerCase() });
    if (refused) throw new AdminError(refused);
    const again = await promptPassword('Again: ');
    if (again !== password) throw new UsageError('The passwords differ; nothing was changed.');
  }
  await withStorage(databaseFrom(values.database), async (storage) => {
    const { user, created } = await addUser(storage, { email, password, sites: values.site!, role: requestedRole });
    const roles = (await storage.sitesOfUser(user.id)).filter((s) => values.site!.includes(s.name)).map((s) => `${s.name} (${s.role})`);
    io.out(`${created ? 'Created' : 'Updated'} ${user.email}, with access to ${roles.join(', ')}.`);
  });
}

async function remove(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      database: { type: 'string' },
      ...BLOB_STORE_FLAGS,
      site: { type: 'string' },
      session: { type: 'string' },
      visitor: { type: 'string' },
    },
  });
  if (!values.site) throw new UsageError('delete needs --site <name>, and --session <id> or --visitor <id>.');
  if (Boolean(values.session) === Boolean(values.visitor)) {
    throw new UsageError("delete needs exactly one of --session <id> (one session) or --visitor <id> (all of a visitor's sessions).");
  }
  const blobStore = blobStoreFrom(values);
  await withStorage(
    databaseFrom(values.database),
    async (storage) => {
      const s = await requireSite(storage, values.site!);
      const recordings = new Recordings(storage);
      const count = values.session
        ? await recordings.deleteSession(s.id, values.session)
        : await recordings.deleteVisitor(s.id, values.visitor!);
      if (count) {
        await recordAudit(storage, {
          siteId: s.id,
          userId: null,
          action: values.session ? 'session.delete' : 'visitor.delete',
          detail: values.session
            ? `session ${values.session}, from the command line`
            : `visitor ${values.visitor}: ${count} ${count === 1 ? 'session' : 'sessions'}, from the command line`,
          ip: null,
        });
      }
      io.out(`Deleted ${count} session${count === 1 ? '' : 's'} of site ${s.name}.`);
    },
    blobStore,
  );
}

const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function sweepLines(report: BlobSweepReport, hours: number, dryRun: boolean): string[] {
  const age = counted(hours, 'hour', 'hours');
  return [
    `  ${counted(report.listed, 'object', 'objects')} listed`,
    `  ${counted(report.referenced, 'object', 'objects')} a batch points to: kept`,
    dryRun
      ? `  ${counted(report.orphans, 'orphan', 'orphans')} older than ${age} would be deleted (--dry-run: nothing was deleted)`
      : `  ${counted(report.deleted, 'orphan', 'orphans')} older than ${age} deleted`,
    `  ${counted(report.young, 'orphan', 'orphans')} younger than ${age}: kept (a batch may still be writing its row)`,
    `  ${counted(report.foreign, 'object', 'objects')} the collector does not write (other files): kept`,
  ];
}

async function blobs(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'sweep') throw new UsageError(`Unknown blobs command ${JSON.stringify(sub ?? '')}: use blobs sweep.`);
  const { values } = parseArgs({
    args: rest,
    options: { database: { type: 'string' }, ...BLOB_STORE_FLAGS, 'older-than': { type: 'string' }, 'dry-run': { type: 'boolean' } },
  });
  const { blobStore: url, blobStoreEndpoint } = blobStoreFrom(values);
  if (typeof url !== 'string') {
    throw new UsageError('blobs sweep needs --blob-store s3://<bucket>/<prefix> (or VEIL_BLOB_STORE): the store to sweep.');
  }
  // Against the wrong database every object is an orphan: no default file, and no new one created.
  const database = values.database ?? process.env.VEIL_DATABASE_URL;
  if (database === undefined) {
    throw new UsageError('blobs sweep needs --database (or VEIL_DATABASE_URL): the database whose batches point into the store.');
  }
  if (!isPostgresUrl(database) && !existsSync(database.replace(/^sqlite:/i, ''))) {
    throw new UsageError(`--database: there is no SQLite database at ${JSON.stringify(database)}; give the collector's own.`);
  }
  const hours = values['older-than'] === undefined ? DEFAULT_SWEEP_GRACE_HOURS : Number(values['older-than']);
  if (!(Number.isFinite(hours) && hours >= 1)) {
    throw new UsageError(
      `--older-than must be a number of hours, at least 1 (younger objects may belong to a batch being written), got ${JSON.stringify(values['older-than'])}.`,
    );
  }
  const dryRun = values['dry-run'] ?? false;
  const store = createS3BlobStore({ url, endpoint: blobStoreEndpoint });
  try {
    await store.check();
  } catch (error) {
    store.close();
    throw new CommandFailed(`${(error as Error).message} Nothing was deleted.`);
  }
  // storage.close() closes the store
  await withStorage(
    database,
    async (storage) => {
      let report: BlobSweepReport;
      let failure: BlobSweepError | undefined;
      try {
        report = await sweepOrphanBlobs(storage, store, { olderThanMs: hours * 3_600_000, dryRun, now: io.now });
      } catch (error) {
        if (!(error instanceof BlobSweepError)) throw error;
        ({ report } = error);
        failure = error;
      }
      for (const [siteId, count] of report.deletedBySite) {
        await recordAudit(storage, {
          siteId,
          userId: null,
          action: 'blobs.sweep',
          detail: `${counted(count, 'object', 'objects')} no batch pointed to, in ${store.location}, from the command line`,
          ip: null,
        });
      }
      io.out(`${failure ? 'Partly swept' : 'Swept'} ${store.location}:`);
      for (const line of sweepLines(report, hours, dryRun)) io.out(line);
      if (failure) {
        throw new CommandFailed(`${failure.message} Run the sweep again: it starts over and deletes only what is still an orphan.`);
      }
    },
    { blobStore: store },
  );
}

async function dispatch(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return serve([]);
    case 'serve':
      return serve(rest);
    case 'site':
      return site(rest);
    case 'user':
      return user(rest);
    case 'delete':
      return remove(rest);
    case 'blobs':
      return blobs(rest);
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return;
    default:
      if (command.startsWith('--')) return serve(argv);
      throw new UsageError(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
  }
}

/**
 * Runs one veil-collector command. Resolves with the exit code (0, 1 for
 * failures, 2 for usage errors) except for `serve`, which keeps running.
 */
export async function main(argv: string[], withIo: CliIo = defaultIo): Promise<number> {
  io = withIo;
  try {
    await dispatch(argv);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof AdminError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`veil-collector: ${(error as Error).message}`);
      return 2;
    }
    if (error instanceof CommandFailed) {
      io.err(`veil-collector: ${error.message}`);
      return 1;
    }
    io.err(`veil-collector: ${(error as Error).stack ?? error}`);
    return 1;
  }
}
