// The replay player lives on an origin of its own (a second listener), not in
// the viewer's. Why not an opaque-origin sandbox (`sandbox="allow-scripts"`)
// on the viewer's origin: rrweb's Replayer rebuilds the page in an iframe it
// creates with `sandbox="allow-same-origin"` and must reach its document; in
// an opaque-origin parent every nested frame gets a new opaque origin of its
// own (sandbox flags are inherited), so the Replayer cannot start (checked in
// Chromium: "createSandboxedIframe() requires root to be connected…").
//
// So: the viewer embeds the player from the player origin with
// `sandbox="allow-scripts allow-same-origin"`; "same origin" there is the
// player origin, which serves nothing but this shell and its static files: no
// cookies are read, no data routes exist. The events come in by postMessage
// from the viewer page. Inside, rrweb's own frame has no allow-scripts and
// inherits this CSP (no inline script, no event handlers, no connections, no
// remote images): a recorded script runs nowhere, and if the player itself
// were ever subverted it would be stuck on an origin that holds nothing.
import Fastify, { type FastifyInstance } from 'fastify';

export const PLAYER_FILES = ['player.css', 'player.js', 'rrweb-replay.js', 'rrweb-replay.css'];

export function playerCsp(viewerOrigins: string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // the replayer rebuilds the recorded page's <style> elements and style attributes
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${viewerOrigins.length ? viewerOrigins.join(' ') : "'none'"}`,
  ].join('; ');
}

export function playerHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Veil replay</title>
<link rel="stylesheet" href="/static/rrweb-replay.css">
<link rel="stylesheet" href="/static/player.css">
</head>
<body>
<div class="urlbar"><span class="label">Page</span> <span id="url" class="url">…</span></div>
<div class="main">
<div class="left">
<div id="stage" class="stage"></div>
<div id="timeline" class="timeline" role="slider" tabindex="0" aria-label="Timeline: click or drag to go to a moment" aria-valuemin="0" aria-valuemax="0" aria-valuenow="0"><div id="progress" class="progress"></div><div id="handle" class="handle"></div></div>
<div class="controls">
<button type="button" id="toggle" disabled aria-label="Play (space)">Play</button>
<button type="button" id="restart" disabled>Restart</button>
<span id="time" class="time">0:00 / 0:00</span>
<span class="speeds" role="group" aria-label="Speed (keys 1–4)"><button type="button" data-speed="1" aria-pressed="true" disabled>1×</button><button type="button" data-speed="2" aria-pressed="false" disabled>2×</button><button type="button" data-speed="4" aria-pressed="false" disabled>4×</button><button type="button" data-speed="8" aria-pressed="false" disabled>8×</button></span>
<label class="skip"><input type="checkbox" id="skip" checked disabled> Skip inactivity</label>
<button type="button" id="fullscreen">Full screen</button>
<span id="status" class="status" role="status">waiting for the recording…</span>
</div>
<p class="legend"><span class="key page"></span>page <span class="key click"></span>click <span class="key input"></span>input <span class="key gap"></span>gap <span class="key idle"></span>idle · keys: space play/pause, ← → 5 s, 1–4 speed, f full screen</p>
</div>
<aside class="events" aria-label="Events"><h2>Events <span class="hint">click one to go there</span></h2><ol id="event-list"></ol></aside>
</div>
<script src="/static/rrweb-replay.js"></script>
<script src="/static/player.js"></script>
</body>
</html>
`;
}

export interface PlayerAppOptions {
  statics: Map<string, { body: Buffer; type: string }>;
  /** Origins allowed to frame the player (the viewer's). */
  viewerOrigins: () => string[];
  https?: { cert: string | Buffer; key: string | Buffer };
}

/** The player origin's whole server: the shell and four static files. */
export function createPlayerApp(options: PlayerAppOptions): FastifyInstance {
  const app = Fastify({ logger: false, ...(options.https ? { https: options.https } : {}) } as any) as unknown as FastifyInstance;
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Content-Security-Policy', playerCsp(options.viewerOrigins()));
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });
  app.get('/player', async (_request, reply) => reply.type('text/html; charset=utf-8').send(playerHtml()));
  app.get<{ Params: { file: string } }>('/static/:file', async (request, reply) => {
    const file = PLAYER_FILES.includes(request.params.file) ? options.statics.get(request.params.file) : undefined;
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    return reply.header('Cache-Control', 'no-cache').type(file.type).send(file.body);
  });
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not found\n'));
  return app;
}
