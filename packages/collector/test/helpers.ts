import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { EventType, IncrementalSource, PROTOCOL_VERSION, SerializedNodeType, type RecordedEvent } from '@veil/core/engine';
import { addUser } from '../src/auth/users';
import { decodeBlob } from '../src/recordings/blob';
import { createCollector, type Collector, type CollectorOptions } from '../src/server';
import { addSite } from '../src/settings/sites';
import { freshDatabase } from './postgres-server.mjs';

export type Backend = 'sqlite' | 'postgres' | 'sqlite+s3' | 'postgres+s3';
export const pgUrl = () => inject('pgUrl');
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];
/** The suites about recordings also run with their blobs in the test S3 server (global-setup.ts). */
export const RECORDING_BACKENDS: Backend[] = [...BACKENDS, 'postgres+s3'];
export const needsPostgres = (backend: Backend) => backend.startsWith('postgres') && !pgUrl();

export const TEST_BUCKET = 'veil-test';
// The collector finds these through the SDK's usual chain; s3rver's built-in account.
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
process.env.AWS_REGION = 'us-east-1';

/** A client of the test S3 server, for looking into the bucket behind the collector's back. */
export const testS3 = () => new S3Client({ endpoint: inject('s3Endpoint'), forcePathStyle: true, region: 'us-east-1' });

/** Every object key under a prefix of the test bucket. */
export async function bucketKeys(prefix: string): Promise<string[]> {
  const s3 = testS3();
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  } finally {
    s3.destroy();
  }
}

export const ORIGIN = 'https://shop.example';

/** What a new site tells its recorders (startTestCollector's sites are relaxed). */
export const SITE_SETTINGS = { v: 1, recording: true, privacy: 'relaxed', recordInputs: true, sampleRate: 1 } as const;
export const OTHER_ORIGIN = 'https://evil.example';

/**
 * A database for one suite: a SQLite file in a temp dir, or a fresh PostgreSQL
 * database; with `+s3`, also a fresh prefix of the test bucket (`blobPrefix`)
 * and the options that send the collector's blobs there.
 */
export async function makeDatabase(backend: Backend): Promise<{
  database: string;
  dir: string;
  blobPrefix: string | null;
  storeOptions: Pick<CollectorOptions, 'blobStore' | 'blobStoreEndpoint'>;
  cleanup(): void;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-collector-test-'));
  const database = backend.startsWith('sqlite') ? path.join(dir, 'veil.db') : await freshDatabase(pgUrl()!);
  const blobPrefix = backend.endsWith('+s3') ? `${path.basename(dir)}/` : null;
  const storeOptions = blobPrefix ? { blobStore: `s3://${TEST_BUCKET}/${blobPrefix}`, blobStoreEndpoint: inject('s3Endpoint') } : {};
  return { database, dir, blobPrefix, storeOptions, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestCollector {
  collector: Collector;
  database: string;
  dir: string;
  /** The prefix of the test bucket the recordings go to (`postgres+s3`), else null. */
  blobPrefix: string | null;
  /** What sends a collector's blobs to that prefix (empty without one): for a second instance. */
  storeOptions: Pick<CollectorOptions, 'blobStore' | 'blobStoreEndpoint'>;
  key: string;
  siteId: number;
  /** Starts the collector again on the same database (a restart, or a second instance). */
  restart(extra?: Partial<CollectorOptions>): Promise<void>;
  close(): Promise<void>;
}

export async function startTestCollector(
  backend: Backend,
  options: { privacy?: string; origins?: string[]; collector?: Partial<CollectorOptions> } = {},
): Promise<TestCollector> {
  const db = await makeDatabase(backend);
  const base: CollectorOptions = { database: db.database, listen: false, ...db.storeOptions, ...options.collector };
  let collector = await createCollector(base);
  const { site, key } = await addSite(collector.storage, {
    name: 'shop',
    origins: options.origins ?? [ORIGIN, 'http://127.0.0.1:4173'],
    privacy: options.privacy ?? 'relaxed',
  });
  const t: TestCollector = {
    collector,
    database: db.database,
    dir: db.dir,
    blobPrefix: db.blobPrefix,
    storeOptions: db.storeOptions,
    key,
    siteId: site.id,
    async restart(extra = {}) {
      await collector.close();
      collector = await createCollector({ ...base, ...extra });
      t.collector = collector;
    },
    async close() {
      await collector.close();
      db.cleanup();
    },
  };
  return t;
}

export async function addTestUser(collector: Collector, email: string, password: string, sites: string[]) {
  return addUser(collector.storage, { email, password, sites });
}

// ------------------------------------------------------------------ rrweb-shaped events

export const T0 = 1_764_383_003_000;

type Node = Record<string, unknown>;
const el = (id: number, tagName: string, attributes: Record<string, unknown>, childNodes: Node[] = []): Node => ({
  type: SerializedNodeType.Element,
  id,
  tagName,
  attributes,
  childNodes,
});
const text = (id: number, textContent: string): Node => ({ type: SerializedNodeType.Text, id, textContent });

/** An input event: the control with node id `id` now holds `text`. */
export const inputEvent = (id: number, text: string, timestamp: number): Node => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.Input, id, text, isChecked: false },
});

/** A mutation event that only changes the text of node `id`. */
export const textEdit = (id: number, value: string, timestamp: number): Node => ({
  type: EventType.IncrementalSnapshot,
  timestamp,
  data: { source: IncrementalSource.Mutation, texts: [{ id, value }], attributes: [], removes: [], adds: [] },
});

/** Planted in the tampered batches: none may be stored. */
export const SECRETS = {
  passwordValue: 'Hunter2-PlantedPw',
  typedPassword: 'Typed-Pw-Zq7xKd2',
  email: 'ottoline.secret7731@example.net',
  emailInAttribute: 'attr.mail4412@example.org',
  card: '4242 4242 4242 4242',
  cardInInput: '5555555555554444',
  laterEmail: 'later.mail9921@example.com',
} as const;

/** Page text a relaxed site keeps. */
export const PLAIN = {
  heading: 'Linen Overshirt for sale',
  search: 'chunky wool scarf',
  secondBatch: 'Second batch plain text',
} as const;

/** Meta + full snapshot of a small page with sensitive values in text, attributes and inputs. */
export function firstEvents(t = T0): Node[] {
  const body = el(5, 'body', {}, [
    el(6, 'h1', {}, [text(7, PLAIN.heading)]),
    el(8, 'p', { title: `write to ${SECRETS.emailInAttribute}` }, [text(9, `Contact ${SECRETS.email} or pay with ${SECRETS.card}`)]),
    el(10, 'input', { type: 'password', name: 'password', value: SECRETS.passwordValue }),
    el(11, 'input', { type: 'text', name: 'q', value: PLAIN.search }),
    el(12, 'input', { type: 'text', name: 'cardnumber', autocomplete: 'cc-number', value: SECRETS.cardInInput }),
    el(13, 'div', { id: 'live' }, []),
  ]);
  return [
    { type: EventType.Meta, timestamp: t, data: { href: `${ORIGIN}/checkout`, width: 1280, height: 720 } },
    {
      type: EventType.FullSnapshot,
      timestamp: t + 1,
      data: {
        node: {
          type: SerializedNodeType.Document,
          id: 1,
          childNodes: [
            { type: SerializedNodeType.DocumentType, id: 2, name: 'html', publicId: '', systemId: '' },
            el(3, 'html', {}, [el(4, 'head', {}, []), body]),
          ],
        },
        initialOffset: { left: 0, top: 0 },
      },
    },
    inputEvent(10, SECRETS.typedPassword, t + 2),
    inputEvent(11, PLAIN.search, t + 3),
  ];
}

/**
 * Meta + a full snapshot of a page of `n` paragraphs, about 100 bytes of JSON
 * each: a snapshot as large as a test needs. `paragraph` gives each one's text
 * and, optionally, its title attribute.
 */
export function paragraphPage(
  n: number,
  {
    t = T0,
    paragraph = (i: number) => ({ text: `paragraph ${i}` }),
  }: { t?: number; paragraph?: (i: number) => { text: string; title?: string } } = {},
): RecordedEvent[] {
  const paragraphs = [];
  for (let i = 0; i < n; i++) {
    const { text: content, title } = paragraph(i);
    paragraphs.push(el(100 + 2 * i, 'p', title === undefined ? {} : { title }, [text(101 + 2 * i, content)]));
  }
  return [
    { type: EventType.Meta, timestamp: t, data: { href: `${ORIGIN}/`, width: 1280, height: 720 } },
    {
      type: EventType.FullSnapshot,
      timestamp: t + 1,
      data: {
        node: { type: SerializedNodeType.Document, id: 1, childNodes: [el(3, 'html', {}, [el(5, 'body', {}, paragraphs)])] },
        initialOffset: { left: 0, top: 0 },
      },
    },
  ] as unknown as RecordedEvent[];
}

/** Events for a later batch: mutations and input on nodes of the first batch's snapshot. */
export function laterEvents(t = T0 + 1000): Node[] {
  return [
    {
      type: EventType.IncrementalSnapshot,
      timestamp: t,
      data: {
        source: IncrementalSource.Mutation,
        texts: [],
        attributes: [],
        removes: [],
        adds: [
          { parentId: 13, nextId: null, node: el(20, 'p', { 'aria-label': SECRETS.laterEmail }, []) },
          { parentId: 20, nextId: null, node: text(21, `${PLAIN.secondBatch} and ${SECRETS.laterEmail}`) },
        ],
      },
    },
    inputEvent(10, `${SECRETS.typedPassword}!`, t + 1),
    inputEvent(12, SECRETS.cardInInput, t + 2),
  ];
}

export function batch(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: PROTOCOL_VERSION, sessionId: 'session-1', seq: 0, events: firstEvents(), ...overrides };
}

export const gz = (value: unknown) => gzipSync(Buffer.from(JSON.stringify(value)));

export interface SendOptions {
  origin?: string | null;
  plain?: boolean;
  raw?: Buffer | string;
  contentType?: string | null;
  ip?: string;
  headers?: Record<string, string>;
  /** The key only inside the body (older recorders, the lazy transport's early beacon), not also in the URL. */
  keyInBodyOnly?: boolean;
  /** The key for the URL when the body does not carry it (raw bodies). */
  key?: string;
}

/** POSTs a batch to /v1/ingest through fastify's inject (no socket). */
export function send(collector: Collector, body: unknown, options: SendOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'text/plain;charset=UTF-8';
  if (options.origin !== null) headers.origin = options.origin ?? ORIGIN;
  const payload = options.raw ?? (options.plain ? JSON.stringify(body) : gz(body));
  // as @veil/core sends it: the key in the URL too, so the server checks it before reading the body
  const key = options.key ?? (body as { siteKey?: unknown } | null)?.siteKey;
  const url = typeof key === 'string' && !options.keyInBodyOnly ? `/v1/ingest?siteKey=${encodeURIComponent(key)}` : '/v1/ingest';
  return collector.app.inject({
    method: 'POST',
    url,
    headers,
    payload,
    ...(options.ip ? { remoteAddress: options.ip } : {}),
  });
}

/** Every stored event of a session, decompressed. */
export async function storedEvents(collector: Collector, siteId: number, sessionId: string) {
  const batches = await collector.storage.getBatches(siteId, sessionId);
  const events = [];
  for (const b of batches) events.push(...(await decodeBlob(b.blob)));
  return events;
}
