// A throw-away PostgreSQL server for the tests and the ingest benchmark: a
// free port on 127.0.0.1, a temporary data directory, fsync off; stop() shuts
// it down and removes the directory. Plain JavaScript so that the benchmark,
// run by node itself, shares it with the tests.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** Debian's newest installed server (`/usr/lib/postgresql/<major>/bin`), or VEIL_PG_BIN. */
export const PG_BIN = process.env.VEIL_PG_BIN || debianPostgresBin();

function debianPostgresBin() {
  const root = '/usr/lib/postgresql';
  let majors = [];
  try {
    majors = readdirSync(root).filter((name) => /^\d+$/.test(name));
  } catch {
    // not installed: postgresAvailable() says so
  }
  majors.sort((a, b) => Number(b) - Number(a));
  return path.join(root, majors[0] ?? '15', 'bin');
}

export function postgresAvailable() {
  return existsSync(path.join(PG_BIN, 'initdb')) && existsSync(path.join(PG_BIN, 'postgres'));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** As root, PostgreSQL refuses to run: run its binaries as the postgres user. */
function command(bin, args) {
  const full = path.join(PG_BIN, bin);
  if (process.getuid?.() === 0) return ['runuser', ['-u', 'postgres', '--', full, ...args]];
  return [full, args];
}

/** @returns {Promise<{ url: string, stop(): Promise<void> }>} */
export async function startPostgres() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
    chownSync(dir, uid, gid);
  }
  let child;
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const [initCmd, initArgs] = command('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
    const port = await freePort();
    const [cmd, args] = command('postgres', [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]);
    child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        await client.end();
        break;
      } catch {
        await client.end().catch(() => undefined);
        if (attempt > 300) throw new Error(`postgres did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const running = child;
    return {
      url,
      async stop() {
        // The postmaster's own pid (runuser may not forward signals): SIGINT is a fast shutdown.
        const pidFile = path.join(data, 'postmaster.pid');
        const exited = new Promise((resolve) => (running.exitCode !== null ? resolve() : running.once('exit', () => resolve())));
        if (existsSync(pidFile)) {
          const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
          try {
            process.kill(pid, 'SIGINT');
          } catch {
            /* already gone */
          }
        } else running.kill('SIGINT');
        await exited;
        cleanup();
      },
    };
  } catch (error) {
    child?.kill('SIGKILL');
    cleanup();
    throw error;
  }
}

let counter = 0;
/** A new, empty database on the running server; returns its URL. */
export async function freshDatabase(serverUrl) {
  const name = `veil_test_${process.pid}_${Date.now()}_${counter++}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}
