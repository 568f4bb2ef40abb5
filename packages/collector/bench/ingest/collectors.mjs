// Collector instances for the ingest benchmark: each one is `veil-collector
// serve` (dist/cli.js) in its own process, as an operator runs it, with the
// per-IP and per-key rate limits raised out of the way and any extra flags the
// bench was given. Its output (start-up lines, warnings, errors) goes to a file.
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, '../../dist/cli.js');
const DIST = path.resolve(here, '../../dist/index.js');
export const BENCH_ORIGIN = 'https://shop.example';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A site for the replayed visitors; returns its ingest key. */
export async function seedDatabase(database) {
  const { openStorage, addSite } = await import(DIST);
  const storage = openStorage(database);
  try {
    await storage.migrate();
    const { key } = await addSite(storage, { name: 'bench', origins: [BENCH_ORIGIN], privacy: 'balanced' });
    return key;
  } finally {
    await storage.close();
  }
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

/** Starts one `veil-collector serve`; resolves once its output says where it listens. */
/**
 * A `veil-collector serve` process. The load comes from one address with one
 * key, so the per-IP and per-key request limits are raised; so is the per-IP
 * byte budget, unless `hostile`: then the hostile requests meet it as
 * attackers would, each from the address it names (X-Forwarded-For from the
 * trusted loopback).
 */
export async function startCollector({ database, logFile, extraArgs, hostile = false }) {
  const [port, playerPort] = [await freePort(), await freePort()];
  const log = openSync(logFile, 'a');
  const args = [
    CLI,
    'serve',
    '--database',
    database,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--player-port',
    String(playerPort),
    '--ip-rate',
    '1000000',
    '--key-rate',
    '1000000',
    // the hostile requests name their sender's address in X-Forwarded-For, as through a proxy
    ...(hostile ? ['--trust-proxy', 'loopback'] : ['--ip-bytes-rate', String(2 ** 40)]),
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', log, log] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  // generous: a migration on a busy machine takes a while
  const deadline = Date.now() + 120_000;
  for (;;) {
    const done = await Promise.race([exited, sleep(100).then(() => null)]);
    const output = readFileSync(logFile, 'utf8');
    if (output.includes(`running at ${url}/`)) break;
    const tail = output.split('\n').slice(-15).join('\n');
    if (done) throw new Error(`veil-collector serve exited (${done.code ?? done.signal}) before listening:\n${tail}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`veil-collector serve did not listen within 2 minutes (output in ${logFile}):\n${tail}`);
    }
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited, sleep(15_000).then(() => null)]);
      if (!stopped) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A process and its child processes (an ingest pool may use either threads or processes). */
function processTree(pid) {
  const pids = [pid];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (statFields(Number(entry))[1] === String(pid)) pids.push(Number(entry));
      } catch {
        // it ended while we looked
      }
    }
  } catch {
    // no /proc (not Linux): the process alone
  }
  return pids;
}

/** /proc/<pid>/stat from its third field on (the command name before it is in parentheses and may hold spaces). */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Resident memory in bytes of a process and its child processes. */
export function rssOfTree(pid) {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      if (kb) total += Number(kb) * 1024;
    } catch {
      // ended
    }
  }
  return total;
}

/** CPU time (user + system, all threads) a process and its child processes have used so far, in ms. */
export function cpuMsOfTree(pid) {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const fields = statFields(p);
      // utime and stime (fields 14 and 15 of stat), in clock ticks of 10 ms on Linux
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended
    }
  }
  return ticks * 10;
}

/** Samples the peak RSS of each instance every 200 ms until stopped. */
export function watchRss(instances) {
  const peaks = instances.map(() => 0);
  const sample = () => instances.forEach((c, i) => (peaks[i] = Math.max(peaks[i], rssOfTree(c.pid))));
  sample();
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}
