// Issue 18, finding 8: another process holding the SQLite write lock (a
// backup, a command-line run) must not stop the server: better-sqlite3 is
// synchronous, so the wait for the lock happens outside it, between turns of
// the event loop. Here the lock is held by a second connection (as another
// process would hold it) with BEGIN IMMEDIATE.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector, type Collector } from '../src/server';
import { addSite } from '../src/settings/sites';
import { createSqliteStorage } from '../src/storage/sqlite';
import { batch, makeDatabase, send } from './helpers';

let collector: Collector | undefined;
let holder: Database.Database | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  if (holder?.inTransaction) holder.exec('ROLLBACK');
  holder?.close();
  await collector?.close();
  cleanup?.();
  collector = holder = cleanup = undefined;
});

async function start(lockWaitMs: number) {
  const db = await makeDatabase('sqlite');
  cleanup = db.cleanup;
  const storage = createSqliteStorage({ filename: path.join(db.dir, 'veil.db'), lockWaitMs });
  collector = await createCollector({ database: storage, listen: false });
  const { key } = await addSite(storage, { name: 'shop', origins: ['https://shop.example'], privacy: 'relaxed' });
  holder = new Database(path.join(db.dir, 'veil.db'));
  // resolves when a batch write begins: from then on the write waits for the lock
  let writing!: () => void;
  const writeBegins = new Promise<void>((resolve) => (writing = resolve));
  const realWrite = storage.writeBatch;
  storage.writeBatch = (b) => {
    writing();
    return realWrite(b);
  };
  return { storage, key, writeBegins };
}

describe('the SQLite write lock held by another process', () => {
  it('leaves the server answering while a batch waits for the lock; the batch is stored once it is free', async () => {
    const { key, writeBegins } = await start(120_000);
    holder!.exec('BEGIN IMMEDIATE');
    let answered = false;
    const ingest = send(collector!, batch({ siteKey: key })).then((res) => {
      answered = true;
      return res;
    });
    await writeBegins;
    const health = await collector!.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect((await collector!.app.inject({ method: 'GET', url: '/login' })).statusCode).toBe(200);
    expect(answered).toBe(false); // still waiting for the lock, without holding up the rest
    holder!.exec('COMMIT');
    expect((await ingest).statusCode).toBe(200);
    expect((await collector!.storage.getSession(1, 'session-1'))?.batches).toBe(1);
  });

  it('answers ingest 503 with Retry-After when the lock stays held, and stores the retry once it is free', async () => {
    const { key } = await start(200);
    holder!.exec('BEGIN IMMEDIATE');
    const refused = await send(collector!, batch({ siteKey: key }));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    holder!.exec('COMMIT');
    expect((await send(collector!, batch({ siteKey: key }))).statusCode).toBe(200);
  });

  it('refuses a lock wait that is not whole milliseconds, naming the option', async () => {
    const db = await makeDatabase('sqlite');
    cleanup = db.cleanup;
    expect(() => createSqliteStorage({ filename: path.join(db.dir, 'x.db'), lockWaitMs: -1 })).toThrow(/lockWaitMs must be/);
  });
});
