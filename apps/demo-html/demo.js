// The plain-HTML demo: a pretend shop recorded by Veil's <script> build
// (window.Veil), and a live replay of exactly what the recorder's transport
// received, rebuilt by rrweb's player (window.rrweb).
//
// For tests and the curious: window.__veilBatches holds every batch the
// transport received (as JSON-parsed copies), window.__veilDemo the controls.
//
// Opt-in: `?collector=<ingest url>&siteKey=<key>` sends the recording to a
// Veil collector (e.g. http://127.0.0.1:4180/v1/ingest) through the core's URL
// transport instead of the in-page function; the live replay panel then stays
// empty, since the batches leave the page compressed.
(function () {
  'use strict';

  // the vocabulary comes from the <script> build itself
  const { PRIVACY_MODES: MODES, DEFAULT_PRIVACY_MODE, EventType, opensRecording } = window.Veil;
  const MODE_HELP = {
    strict: 'strict — page text and every input value are masked; only text marked data-veil="unmask" is recorded.',
    balanced: 'balanced — page text is recorded; every input value is masked (except in unmask regions).',
    relaxed: 'relaxed — page text and ordinary input values are recorded; passwords, card fields and personal fields stay masked.',
  };
  /** Event type numbers to names, for the "What was sent" counts. */
  const EVENT_TYPES = Object.fromEntries(Object.entries(EventType).map(([name, number]) => [number, name]));
  const LAST_BATCH_LIMIT = 4000;

  const $ = (id) => document.getElementById(id);

  /** Everything the transport received, in order: JSON round-tripped copies. */
  const batches = [];
  window.__veilBatches = batches;

  const stats = { batches: 0, events: 0, bytes: 0, sessions: new Set(), types: {} };
  const encoder = new TextEncoder();

  let recorder = null;
  let unsubscribe = null;
  let mode = initialMode();
  let switching = Promise.resolve();

  // ---------------------------------------------------------------------------
  // Recording

  function initialMode() {
    const fromUrl = new URLSearchParams(location.search).get('privacy');
    return MODES.includes(fromUrl) ? fromUrl : DEFAULT_PRIVACY_MODE;
  }

  /** The transport: keep a copy of the batch, show it, and feed the replay. */
  function transport(batch) {
    const json = JSON.stringify(batch);
    const copy = JSON.parse(json);
    batches.push(copy);
    stats.batches += 1;
    stats.events += copy.events.length;
    stats.bytes += encoder.encode(json).length;
    stats.sessions.add(copy.sessionId);
    for (const event of copy.events) {
      const name = EVENT_TYPES[event.type] ?? `type ${event.type}`;
      stats.types[name] = (stats.types[name] ?? 0) + 1;
    }
    scheduleStats(copy, json);
    // The player annotates the events it is given (e.g. `delay`): give it its own copy.
    replay(JSON.parse(json));
  }

  /** `{ url, siteKey }` from ?collector=&siteKey=, or null to keep the in-page transport. */
  function collectorTransport() {
    const params = new URLSearchParams(location.search);
    const url = params.get('collector');
    if (!url) return null;
    if (!/^https?:\/\//.test(url)) throw new Error(`[veil demo] ?collector= must be an http(s) URL, got ${url}`);
    const siteKey = params.get('siteKey');
    return siteKey ? { url, siteKey } : { url };
  }

  function createAndStart(nextMode) {
    mode = nextMode;
    recorder = window.Veil.createRecorder({
      privacy: nextMode,
      transport: collectorTransport() ?? transport,
      // Short batches so the replay panel follows closely (the default is 5 s).
      flushInterval: 1000,
      onError: (error) => showError(`Recording stopped: ${error && error.message ? error.message : error}`),
    });
    unsubscribe = recorder.subscribe(renderState);
    recorder.start();
    renderState(recorder.state);
    renderMode();
    redrawXray();
  }

  // The X-ray switch: Veil.xray(recorder) outlines what the current recorder
  // records, with its own privacy mode; the overlay's script is loaded on demand.
  let overlay = null;
  let drawing = Promise.resolve();
  function redrawXray() {
    drawing = drawing.then(async () => {
      if (overlay) overlay.destroy();
      overlay = null;
      if (!$('xray-switch').checked || !recorder) return;
      try {
        overlay = await window.Veil.xray(recorder);
      } catch (error) {
        showError(`The X-ray did not load: ${error && error.message}`);
      }
    });
  }

  /** Stops the current recorder (sending what it still holds) and starts a new one in `nextMode`. */
  function switchMode(nextMode) {
    if (!MODES.includes(nextMode)) throw new Error(`[veil demo] unknown privacy mode ${nextMode}`);
    switching = switching.then(async () => {
      if (nextMode === mode && recorder && recorder.state === 'recording') return;
      setModesDisabled(true);
      try {
        const old = recorder;
        if (old) {
          try {
            await old.flush();
          } catch (error) {
            showError(`Flushing the previous recorder failed: ${error && error.message}`);
          }
          old.stop();
          if (unsubscribe) unsubscribe();
        }
        createAndStart(nextMode);
        const url = new URL(location.href);
        url.searchParams.set('privacy', nextMode);
        history.replaceState(history.state, '', url);
      } catch (error) {
        showError(`Could not restart the recorder: ${error && error.message}`);
      } finally {
        setModesDisabled(false);
      }
    });
    return switching;
  }

  // ---------------------------------------------------------------------------
  // Live replay

  let replayer = null;
  let replaySession = null;
  let lastFedType = null;
  let recordedSize = null;

  function newReplayer(firstEvent, sessionId) {
    const stage = $('replay-stage');
    if (replayer) {
      try {
        replayer.destroy();
      } catch {
        /* an old player that never started */
      }
    }
    stage.replaceChildren();
    recordedSize = null;
    replayer = new window.rrweb.Replayer([], {
      root: stage,
      liveMode: true,
      mouseTail: false,
      showWarning: false,
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
      // A harmless rule that marks the replay's own document: the e2e test checks
      // that it never shows up in a recording (the panel is data-veil="block").
      insertStyleRules: ['.veil-demo-replay-frame { display: none }'],
    });
    replayer.on('resize', (size) => {
      recordedSize = size;
      fitReplay();
    });
    replayer.startLive(firstEvent.timestamp);
    replaySession = sessionId;
    $('replay-status').textContent = `replaying session ${sessionId.slice(0, 8)}…`;
  }

  function replay(batch) {
    if (!window.rrweb || !window.rrweb.Replayer) return;
    for (const event of batch.events) {
      const startsRecording = opensRecording(event, lastFedType);
      if (startsRecording) {
        newReplayer(event, batch.sessionId);
      } else if (!replayer || batch.sessionId !== replaySession) {
        // Events of a session whose snapshot we do not have (e.g. the tail of
        // the previous recorder arriving late) cannot be replayed: skip them.
        continue;
      }
      lastFedType = event.type;
      try {
        replayer.addEvent(event);
      } catch (error) {
        $('replay-status').textContent = `replay error: ${error && error.message}`;
      }
    }
  }

  /** Scales the player (which has the recorded viewport's size) to the panel's width. */
  function fitReplay() {
    const stage = $('replay-stage');
    const wrapper = stage.querySelector('.replayer-wrapper');
    if (!wrapper || !recordedSize || !recordedSize.width) return;
    const scale = Math.min(1, stage.clientWidth / recordedSize.width);
    wrapper.style.transformOrigin = '0 0';
    wrapper.style.transform = `scale(${scale})`;
    stage.style.height = `${Math.ceil(recordedSize.height * scale)}px`;
  }

  // ---------------------------------------------------------------------------
  // "What was sent"

  let statsFrame = 0;
  let lastBatch = null;

  function scheduleStats(batch, json) {
    lastBatch = { batch, json };
    if (statsFrame) return;
    statsFrame = requestAnimationFrame(() => {
      statsFrame = 0;
      renderStats();
    });
  }

  function renderStats() {
    $('stat-batches').textContent = String(stats.batches);
    $('stat-events').textContent = String(stats.events);
    $('stat-bytes').textContent = formatBytes(stats.bytes);
    $('stat-sessions').textContent = String(stats.sessions.size);
    $('stat-types').textContent = Object.entries(stats.types)
      .map(([name, count]) => `${name} ${count}`)
      .join(' · ');
    if (!lastBatch) return;
    const { batch, json } = lastBatch;
    $('session-id').textContent = `session ${batch.sessionId}`;
    const pretty = JSON.stringify(batch, null, 1);
    const truncated = pretty.length > LAST_BATCH_LIMIT;
    $('last-batch').textContent = truncated ? `${pretty.slice(0, LAST_BATCH_LIMIT)}\n… (truncated)` : pretty;
    $('last-batch-note').textContent = `seq ${batch.seq}, ${batch.events.length} events, ${formatBytes(encoder.encode(json).length)}`;
  }

  function formatBytes(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
    return `${(n / 1024 / 1024).toFixed(2)} MB`;
  }

  // ---------------------------------------------------------------------------
  // UI

  function renderState(state) {
    $('rec-state').textContent = `${state} · ${mode}`;
    $('rec-dot').className = `dot ${state}`;
  }

  function renderMode() {
    for (const input of document.querySelectorAll('input[name="privacy"]')) input.checked = input.value === mode;
    $('mode-help').textContent = MODE_HELP[mode];
    document.body.dataset.mode = mode;
  }

  function setModesDisabled(disabled) {
    for (const input of document.querySelectorAll('input[name="privacy"]')) input.disabled = disabled;
  }

  function showError(message) {
    const banner = $('load-error');
    banner.textContent = message;
    banner.hidden = false;
  }

  function wireShop() {
    // "show" toggles the password field between type=password and type=text.
    const password = $('password');
    const toggle = $('toggle-password');
    toggle.addEventListener('click', () => {
      const show = password.type === 'password';
      password.type = show ? 'text' : 'password';
      toggle.textContent = show ? 'hide' : 'show';
      toggle.setAttribute('aria-pressed', String(show));
    });

    let count = 0;
    let total = 0;
    for (const button of document.querySelectorAll('button.add')) {
      button.addEventListener('click', () => {
        count += 1;
        total += Number(button.dataset.price);
        $('cart-count').textContent = `${count} item${count === 1 ? '' : 's'}`;
        $('cart-total').textContent = `€${total.toFixed(2)}`;
      });
    }

    $('signup-form').addEventListener('submit', (event) => {
      event.preventDefault();
      $('signup-status').textContent = 'Account created (not really: this is a demo).';
    });
    $('checkout-form').addEventListener('submit', (event) => {
      event.preventDefault();
      $('checkout-status').textContent = 'Order placed (not really: nothing was charged).';
    });

    const log = $('chat-log');
    const input = $('chat-input');
    const addMessage = (text, who) => {
      const item = document.createElement('li');
      item.className = `msg ${who}`;
      item.textContent = text;
      log.append(item);
      log.scrollTop = log.scrollHeight;
    };
    $('chat-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      addMessage(text, 'me');
      input.value = '';
      setTimeout(() => addMessage('Thanks! Wrenna will get back to you in a minute.', 'agent'), 500);
    });

    for (const radio of document.querySelectorAll('input[name="privacy"]')) {
      radio.addEventListener('change', () => {
        if (radio.checked) switchMode(radio.value);
      });
    }

    $('xray-switch').addEventListener('change', redrawXray);

    $('flush-now').addEventListener('click', () => {
      if (recorder) recorder.flush().catch((error) => showError(`Flush failed: ${error && error.message}`));
    });

    window.addEventListener('resize', fitReplay);
    if ('ResizeObserver' in window) new ResizeObserver(fitReplay).observe($('replay-stage'));
  }

  // ---------------------------------------------------------------------------

  window.__veilDemo = {
    get recorder() {
      return recorder;
    },
    get mode() {
      return mode;
    },
    switchMode,
    /** Sends everything buffered now (after a pending mode switch). */
    flush: () => switching.then(() => (recorder ? recorder.flush() : undefined)),
  };

  wireShop();
  renderMode();
  if (!window.Veil || typeof window.Veil.createRecorder !== 'function') {
    showError("Veil's browser build did not load (/veil.js). Run `npm run build` from the repository root, then reload.");
    renderState('not loaded');
    return;
  }
  if (!window.rrweb || !window.rrweb.Replayer) {
    $('replay-status').textContent = "rrweb's player did not load: no live replay.";
  }
  try {
    createAndStart(mode);
  } catch (error) {
    showError(`Could not start the recorder: ${error && error.message}`);
  }
})();
