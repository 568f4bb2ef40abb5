// What a person logging in sees while the collector is busy: GET /login at a
// steady rate (open loop: a slow answer does not delay the next request), its
// latency recorded with the time it was sent, so any stretch of the run can be
// summarised afterwards.
import http from 'node:http';

export function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (ms) => (ms === null || ms === undefined ? '–' : ms < 10 ? Number(ms.toFixed(1)) : Math.round(ms));

/** Requests `${url}/login` every `intervalMs`, taking the urls in turn (one per instance). */
export function startLoginProbe(urls, intervalMs) {
  const agent = new http.Agent({ keepAlive: true });
  const samples = [];
  let turn = 0;
  const timer = setInterval(() => {
    const sentAt = performance.now();
    const sample = { sentAt, ms: null, ok: false };
    samples.push(sample);
    http
      .get(`${urls[turn++ % urls.length]}/login`, { agent, timeout: 60_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          sample.ms = performance.now() - sentAt;
          sample.ok = res.statusCode === 200;
        });
      })
      .on('error', () => (sample.ms = performance.now() - sentAt));
  }, intervalMs);
  return {
    /** A point in time to summarise from. */
    mark: () => performance.now(),
    /** Latency of the requests sent between two marks (or since one), once they have all been answered. */
    async stats(from, to = performance.now()) {
      const chosen = samples.filter((s) => s.sentAt >= from && s.sentAt < to);
      while (chosen.some((s) => s.ms === null)) await new Promise((r) => setTimeout(r, 50));
      const ms = chosen.map((s) => s.ms);
      return { count: chosen.length, failed: chosen.filter((s) => !s.ok).length, p50: percentile(ms, 50), p99: percentile(ms, 99) };
    },
    stop() {
      clearInterval(timer);
      agent.destroy();
    },
  };
}

/** "p50 / p99 ms (n)" for a table cell. */
export function describeLogin({ count, failed, p50, p99 }) {
  return `${round(p50)} / ${round(p99)} (${count}${failed ? `, ${failed} failed` : ''})`;
}
