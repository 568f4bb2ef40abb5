// The ingest load: visitors replaying the recording over a fixed number of
// keep-alive connections, each visitor behaving as the real recorder does
// (packages/core/src/transport/url-transport.ts): its batches in order, one
// at a time, and a batch the collector refuses for now (429, 503, any 5xx,
// 408, a network error) sent again only after the delay the recorder would
// wait. While a visitor waits, its connection serves another visitor who is
// ready, or waits for one: a refusal slows the load down, as it does in
// production, instead of turning into a retry storm.
//
// Visitors go to instances as a load balancer would send them:
// - affinity `none`: each connection is bound to one instance (connection i
//   to instance i modulo their number) and any visitor goes over any free
//   connection, so a visitor's batches land on either instance;
// - affinity `visitor`: each visitor is pinned to one instance by a hash of
//   its visitor id (as an IP-hash balancer pins a client address), the
//   connections are split across the instances, and a visitor is only sent
//   over its instance's connections.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { BENCH_ORIGIN } from './collectors.mjs';
import { percentile } from './probe.mjs';

/** Visitors in progress per connection: each sends a batch, then waits for its turn again. */
export const VISITORS_PER_CONNECTION = 4;
export const AFFINITIES = ['none', 'visitor'];
/** A request with no answer for this long counts as a network error (the recorder then backs off). */
const REQUEST_TIMEOUT_MS = 60_000;
// the recorder's backoff when there is no Retry-After (url-transport.ts: BASE_DELAY, MAX_DELAY)
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;

/** Seconds or an HTTP date, as url-transport.ts's retryAfterMs reads Retry-After; undefined when absent or unreadable. */
function retryAfterMs(header, now) {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The recorder's exponential backoff with full jitter, for the `attempt`-th retry of a batch. */
function backoffMs(attempt) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.max(100, Math.floor(Math.random() * ceiling));
}

/** The answers the recorder keeps its batch for and sends again later; any other is final. */
const mustRetry = (status) => status === 408 || status === 429 || status >= 500;

/** Which of `count` instances an IP-hash balancer would send this visitor to. */
function instanceFor(visitorId, count) {
  return createHash('sha1').update(visitorId).digest().readUInt32BE(0) % count;
}

/** `connections` spread as evenly as they go over `count` instances: how many each gets. */
function split(connections, count) {
  return Array.from({ length: count }, (_, i) => Math.floor(connections / count) + (i < connections % count ? 1 : 0));
}

/** One POST; resolves with the status and Retry-After, or with the error. */
function post(target, agent, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.path,
        method: 'POST',
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': String(body.length), origin: BENCH_ORIGIN },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] }));
        res.on('error', (error) => resolve({ error }));
      },
    );
    req.on('timeout', () => {
      const error = new Error('timed out');
      error.timedOut = true;
      req.destroy(error);
    });
    req.on('error', (error) => resolve({ error }));
    req.end(body);
  });
}

/**
 * Replays the recording from `connections` connections for `duration`
 * seconds over `instances` with the given affinity (ignored for one
 * instance). Returns what the benchmark's table shows.
 */
export async function ingestLoad({ instances, siteKey, plan, connections, duration, affinity, tag }) {
  const perInstance = split(connections, instances.length);
  const agents = instances.map((_, i) => new http.Agent({ keepAlive: true, maxSockets: Math.max(1, perInstance[i]) }));
  const targets = instances.map((c) => {
    const url = new URL(`${c.url}/v1/ingest?siteKey=${encodeURIComponent(siteKey)}`);
    return { hostname: url.hostname, port: url.port, path: url.pathname + url.search };
  });
  const pinned = affinity === 'visitor' && instances.length > 1;

  // A lane: connections that share one set of visitors (all of them without affinity, one instance's with it).
  const newLane = (connectionCount) => ({
    connections: connectionCount,
    target: connectionCount * VISITORS_PER_CONNECTION,
    ready: [],
    /** Connections waiting for a visitor to be ready. */
    waiting: [],
    /** Visitor ids the balancer has routed to this lane, not yet arrived. */
    routed: [],
    started: 0,
    finished: 0,
    sent: 0,
  });
  const lanes = pinned ? perInstance.map(newLane) : [newLane(connections)];
  const connectionsOf = pinned
    ? perInstance.flatMap((n, instance) => Array.from({ length: n }, () => ({ instance, lane: lanes[instance] })))
    : Array.from({ length: connections }, (_, i) => ({ instance: i % instances.length, lane: lanes[0] }));

  let visitorNumber = 0;
  /** The next visitor whose balancer hash sends it to `lane` (those sent elsewhere arrive there later). */
  const arrive = (lane) => {
    while (!lane.routed.length) {
      const visitorId = `${tag}-visitor-${visitorNumber}`;
      const sessionId = `${tag}-${visitorNumber++}`;
      lanes[pinned ? instanceFor(visitorId, lanes.length) : 0].routed.push({ visitorId, sessionId });
    }
    lane.started++;
    return { ...lane.routed.shift(), lane, next: 0, attempt: 0, body: undefined, refused: false };
  };

  // Visitors arrive one per connection at first, then one every `arrivalEvery` batches until
  // VISITORS_PER_CONNECTION per connection are in progress (and one for each that leaves):
  // all of them starting at once would make the first seconds nothing but full snapshots.
  // A visitor waiting out a refusal does not bring another one in early: its connection waits
  // for a visitor who is ready, so a refusal lightens the load rather than adding first batches.
  const arrivalEvery = Math.ceil(plan.steps.length / VISITORS_PER_CONNECTION);
  let running = true;
  const take = (lane) => {
    const inProgress = lane.started - lane.finished;
    const arriving = inProgress < lane.target && (inProgress < lane.connections || lane.sent % arrivalEvery === 0);
    if (arriving) return arrive(lane);
    if (lane.ready.length) return lane.ready.shift();
    return new Promise((resolve) => lane.waiting.push(resolve));
  };
  const readyAgain = (visitor) => {
    const connection = visitor.lane.waiting.shift();
    if (connection) connection(visitor);
    else visitor.lane.ready.push(visitor);
  };

  const latencies = [];
  const statuses = new Map();
  let errors = 0;
  let timeouts = 0;
  let unanswered = 0;
  let refusedBatches = 0;
  let waits = 0;
  let waitedMs = 0;
  let idleMs = 0;
  const timers = new Set();
  const startedAt = performance.now();
  const endsAt = startedAt + duration * 1000;

  /** The visitor's current batch is kept: it goes again after the recorder's delay. */
  const retryLater = (visitor, delayMs) => {
    if (!visitor.refused) refusedBatches++;
    visitor.refused = true;
    visitor.attempt++;
    waits++;
    // only the part of the wait inside the run counts
    waitedMs += Math.max(0, Math.min(delayMs, endsAt - performance.now()));
    const timer = setTimeout(() => {
      timers.delete(timer);
      readyAgain(visitor);
    }, delayMs);
    timers.add(timer);
  };

  const connectionLoop = async ({ instance, lane }) => {
    while (running) {
      const askedAt = performance.now();
      const visitor = await take(lane);
      idleMs += performance.now() - askedAt;
      if (!visitor) return;
      lane.sent++;
      // like the recorder, a batch is compressed once and the same body is sent again on a retry
      visitor.body ??= plan.body(visitor.next, visitor.sessionId, visitor.visitorId);
      const sentAt = performance.now();
      const answer = await post(targets[instance], agents[instance], visitor.body);
      if (!running) {
        unanswered++;
        return;
      }
      if (answer.error) {
        errors++;
        if (answer.error.timedOut) timeouts++;
        retryLater(visitor, backoffMs(visitor.attempt));
        continue;
      }
      latencies.push(performance.now() - sentAt);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (mustRetry(answer.status)) {
        retryLater(visitor, retryAfterMs(answer.retryAfter, Date.now()) ?? backoffMs(visitor.attempt));
        continue;
      }
      // stored, or refused for good (the recorder drops it): on to the next batch
      visitor.next++;
      visitor.attempt = 0;
      visitor.body = undefined;
      visitor.refused = false;
      if (visitor.next < plan.steps.length) readyAgain(visitor);
      else lane.finished++;
    }
  };

  const loops = connectionsOf.map(connectionLoop);
  await new Promise((resolve) => setTimeout(resolve, duration * 1000));
  running = false;
  for (const timer of timers) clearTimeout(timer);
  for (const lane of lanes) for (const connection of lane.waiting.splice(0)) connection(null);
  // what is still on its way is left unanswered, as the time is up: its loop ends on the error
  for (const agent of agents) agent.destroy();
  await Promise.all(loops);

  const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${count}× ${status}`);
  // a batch still unanswered when the time is up counts in no latency figure: say how many
  if (unanswered) answers.push(`${unanswered} unanswered at the end`);
  if (errors) answers.push(`${errors} errors (${timeouts} timeouts)`);
  return {
    stored: statuses.get(200) ?? 0,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    answers: answers.join(', '),
    refusedBatches,
    waits,
    waitedMs,
    idleShare: idleMs / (connections * duration * 1000),
    started: lanes.reduce((n, lane) => n + lane.started, 0),
    finished: lanes.reduce((n, lane) => n + lane.finished, 0),
  };
}
