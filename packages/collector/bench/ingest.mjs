// The collector's ingest under load and under attack (a benchmark, not a test).
//
//   npm run build -w @veil/core -w @veil/collector
//   npm run bench -w @veil/collector [-- options] [-- collector flags]
//   node packages/collector/bench/ingest.mjs [--duration 30] [--connections 10,50]
//        [--instances 1,2] [--affinity none,visitor] [--only sqlite|postgres] [--quick]
//        [-- --some-serve-flag …]
//
// For SQLite, then PostgreSQL (a throw-away server, when /usr/lib/postgresql/
// <major>/bin exists, or VEIL_PG_BIN), with one and then two instances (those
// without and then with affinity), at each connection count:
//
// - Ingest: `veil-collector serve` processes (dist/cli.js; per-IP and per-key
//   rate limits raised; anything after a second `--` is passed to them) take
//   batches the real recorder sent during a visit to the shop page
//   (bench/ingest/recording.mjs records it once in Chromium and caches it),
//   replayed under fresh session ids by bench/ingest/load.mjs. Four times as
//   many visitors as connections are in progress, each sending its batches
//   in order, one at a time, over whichever connection is free, and waiting
//   as the recorder does (Retry-After, else its backoff) before it sends a
//   refused batch again. With two instances, affinity `none` lets a
//   visitor's batches land on either (a load balancer without sticky
//   sessions); `visitor` pins each visitor to one (an IP-hash balancer).
// - The login page: GET /login 20 times a second throughout, p50/p99.
// - RSS: the peak of each collector process (and any child process it has).
//
// Then, on one fresh instance per database, the hostile requests of issue 18
// (bench/ingest/hostile.mjs): gzip bombs, a batch over --max-batch-bytes, new
// sessions with large snapshots, batches out of sequence; each as what it
// cost the sender and what it cost the server.
//
// Figures mean something only on an otherwise quiet machine.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PG_BIN, postgresAvailable, startPostgres } from '../test/postgres-server.mjs';
import { seedDatabase, startCollector, watchRss } from './ingest/collectors.mjs';
import { DEFAULT_MAX_BATCH_BYTES, runHostile } from './ingest/hostile.mjs';
import { AFFINITIES, ingestLoad } from './ingest/load.mjs';
import { describeLogin, round, startLoginProbe } from './ingest/probe.mjs';
import { loadRecording, replayPlan } from './ingest/recording.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.resolve(here, '..', 'dist', 'cli.js');
const LOGIN_PROBE_INTERVAL_MS = 50;
const STORAGES = ['sqlite', 'postgres'];
/** Each collector's output (start-up lines, warnings, errors), kept after the run; the previous run's are removed. */
const LOG_DIR = path.join(os.tmpdir(), 'veil-bench', 'logs');

function usage(message) {
  console.error(`${message}
Usage: node packages/collector/bench/ingest.mjs [--duration <s>] [--connections 10,50] [--instances 1,2]
       [--affinity ${AFFINITIES.join(',')}] [--only sqlite|postgres] [--quick] [-- <veil-collector serve flags>]`);
  process.exit(2);
}

function listOption(flag, value) {
  const list = value.split(',').map(Number);
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < 1))
    usage(`${flag} takes positive whole numbers separated by commas, got ${JSON.stringify(value)}.`);
  return list;
}

function readOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        duration: { type: 'string' },
        connections: { type: 'string', default: '10,50' },
        instances: { type: 'string', default: '1,2' },
        affinity: { type: 'string', default: AFFINITIES.join(',') },
        only: { type: 'string' },
        quick: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    usage(error.message);
  }
  const { values, positionals } = parsed;
  // what follows `--` is for the collectors; anything else loose is a mistake
  const args = process.argv.slice(2);
  const terminator = args.indexOf('--');
  const collectorArgs = terminator >= 0 ? args.slice(terminator + 1) : [];
  if (positionals.length !== collectorArgs.length)
    usage(`Unexpected ${JSON.stringify(positionals[0])}: flags for the collector go after --.`);
  // A visitor sends 35 batches; at 50 connections, 200 are in progress: a shorter run is
  // mostly their first batches (full snapshots) rather than the trickle that follows.
  const duration = Number(values.duration ?? (values.quick ? 5 : 30));
  if (!(duration > 0)) usage(`--duration is in seconds, a positive number; got ${JSON.stringify(values.duration)}.`);
  const affinities = values.affinity.split(',');
  if (!affinities.length || affinities.some((a) => !AFFINITIES.includes(a)))
    usage(`--affinity takes ${AFFINITIES.join(' and/or ')}, separated by commas; got ${JSON.stringify(values.affinity)}.`);
  const connections = listOption('--connections', values.connections);
  const instances = listOption('--instances', values.instances);
  // pinned visitors of an instance with no connection of its own would never be sent
  if (affinities.includes('visitor') && Math.min(...connections) < Math.max(...instances))
    usage(
      `--affinity visitor splits the connections across the instances: give --connections at least ${Math.max(...instances)} (--instances), or --affinity none.`,
    );
  if (values.only !== undefined && !STORAGES.includes(values.only))
    usage(`--only takes ${STORAGES.join(' or ')}, got ${JSON.stringify(values.only)}.`);
  // the hostile over-size batch must outgrow the limit the collectors were given
  const limitFlag = collectorArgs.findLastIndex((arg) => arg === '--max-batch-bytes' || arg.startsWith('--max-batch-bytes='));
  const limit =
    limitFlag < 0
      ? undefined
      : collectorArgs[limitFlag].includes('=')
        ? collectorArgs[limitFlag].split('=')[1]
        : collectorArgs[limitFlag + 1];
  return {
    duration,
    maxBatchBytes: limit === undefined ? DEFAULT_MAX_BATCH_BYTES : Number(limit),
    connections,
    instances,
    affinities,
    storages: values.only ? [values.only] : STORAGES,
    quick: values.quick,
    collectorArgs,
  };
}

const log = (line) => console.log(line);
const mib = (bytes) => Math.round(bytes / 1024 / 1024);

async function runConfiguration({ storage, database, siteKey, plan, instanceCount, affinity, connections, options }) {
  const instances = [];
  const name = `${storage}-${instanceCount}x${connections}${affinity ? `-${affinity}` : ''}`;
  try {
    for (let i = 0; i < instanceCount; i++) {
      const logFile = path.join(LOG_DIR, `${name}-${i}.log`);
      instances.push(await startCollector({ database, logFile, extraArgs: options.collectorArgs }));
    }
    const probe = startLoginProbe(
      instances.map((c) => c.url),
      LOGIN_PROBE_INTERVAL_MS,
    );
    const rss = watchRss(instances);
    const from = probe.mark();
    const tag = `bench-${name}-${Date.now()}`;
    const load = await ingestLoad({ instances, siteKey, plan, connections, duration: options.duration, affinity, tag });
    const login = await probe.stats(from);
    const peaks = rss.stop();
    probe.stop();
    return {
      storage,
      instances: instanceCount,
      affinity: affinity ?? '–',
      connections,
      // stored, not answered: a 503 of a full queue is answered quickly and stores nothing
      'stored/s': Math.round(load.stored / options.duration),
      'p50 ms': round(load.p50),
      'p99 ms': round(load.p99),
      answers: load.answers,
      'batches refused': load.refusedBatches,
      // visitor-seconds spent waiting to send a refused batch again, and per wait
      'retry waits: n, s (mean s)': load.waits
        ? `${load.waits}, ${Math.round(load.waitedMs / 1000)} (${(load.waitedMs / load.waits / 1000).toFixed(1)})`
        : '0',
      // share of connection time with no visitor ready to send: the load the waits took away
      'connections idle': `${Math.round(load.idleShare * 100)} %`,
      'visitors started / done': `${load.started} / ${load.finished}`,
      'login p50 / p99 ms (n)': describeLogin(login),
      'RSS peak MiB': peaks.map(mib).join(' + '),
    };
  } finally {
    for (const c of instances) await c.stop();
  }
}

async function runStorage(storage, database, { recording, options, notes }) {
  const siteKey = await seedDatabase(database);
  const plan = replayPlan(recording, siteKey);
  const rows = [];
  for (const instanceCount of options.instances) {
    if (storage === 'sqlite' && instanceCount > 1) {
      notes.push(
        `sqlite × ${instanceCount} instances skipped: several instances are a PostgreSQL set-up (README, Storage); on one SQLite file they would take turns on its one write lock, each waiting synchronously (busy_timeout) with its event loop blocked.`,
      );
      continue;
    }
    for (const connections of options.connections) {
      // which instance a visitor reaches makes no difference with one instance
      for (const affinity of instanceCount > 1 ? options.affinities : [undefined]) {
        log(
          `${storage}: ${instanceCount} instance(s)${affinity ? `, affinity ${affinity}` : ''}, ${connections} connections, ${options.duration} s …`,
        );
        rows.push(await runConfiguration({ storage, database, siteKey, plan, instanceCount, affinity, connections, options }));
      }
    }
  }
  log(`${storage}: hostile requests on one fresh instance …`);
  const instance = await startCollector({
    database,
    logFile: path.join(LOG_DIR, `${storage}-hostile.log`),
    extraArgs: options.collectorArgs,
    hostile: true,
  });
  const probe = startLoginProbe([instance.url], LOGIN_PROBE_INTERVAL_MS);
  try {
    const hostile = await runHostile({ instance, siteKey, maxBatchBytes: options.maxBatchBytes, probe, quick: options.quick, log });
    return { rows, hostile };
  } finally {
    probe.stop();
    await instance.stop();
  }
}

async function main() {
  if (!existsSync(DIST)) {
    console.error('packages/collector/dist is missing: run `npm run build -w @veil/core -w @veil/collector` first.');
    process.exit(1);
  }
  const options = readOptions();
  const [load1] = os.loadavg();
  log(
    `Veil collector ingest benchmark: ${options.duration} s per run, connections ${options.connections.join(', ')}, instances ${options.instances.join(', ')}, affinity ${options.affinities.join(', ')} (with several instances)` +
      `${options.collectorArgs.length ? `, collector flags: ${options.collectorArgs.join(' ')}` : ''}; Node ${process.version}, ${os.cpus().length} cores, load average ${load1.toFixed(1)}` +
      `${options.quick ? ' (--quick: a smoke run, not figures)' : ''}`,
  );
  const recording = await loadRecording(log);
  log(
    `${recording.cached ? 'Replaying the recording cached in' : 'Recorded, and cached in'} ${recording.file} (delete it to record again)`,
  );
  log(`One visitor: ${replayPlan(recording, 'vk_any').describe()}`);

  rmSync(LOG_DIR, { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-bench-'));
  const notes = [];
  const results = [];
  try {
    for (const storage of options.storages) {
      if (storage === 'sqlite') {
        results.push({ storage, ...(await runStorage(storage, path.join(dir, 'bench.db'), { recording, options, notes })) });
      } else if (!postgresAvailable()) {
        notes.push(`postgres skipped: no PostgreSQL binaries in ${PG_BIN} (set VEIL_PG_BIN).`);
      } else {
        const pg = await startPostgres();
        try {
          results.push({ storage, ...(await runStorage(storage, pg.url, { recording, options, notes })) });
        } finally {
          await pg.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  log('\nIngest (recorded batches replayed; latency of a batch; login page requested 20/s meanwhile):');
  console.table(results.flatMap((r) => r.rows));
  for (const { storage, hostile } of results) {
    log(`\nHostile requests, ${storage}, one instance (sender cost / server cost):`);
    console.table(hostile.rows);
    for (const note of hostile.notes) log(`  - ${note}`);
  }
  for (const note of notes) log(`Note: ${note}`);
  log(`Collector logs: ${LOG_DIR}`);
  log(`Figures mean something only on an otherwise quiet machine (load average at the end: ${os.loadavg()[0].toFixed(1)}).`);
}

await main();
