// The recorder: a small state machine over the parts that do the work.
//
//                start()                          start(), consent missing
//   ┌──────┐ ─────────────► ┌───────────┐ ◄──────────────────────────── idle / stopped
//   │ idle │                │ recording │ ──revokeConsent()──► ┌──────────────────┐
//   └──────┘ ◄───────────── └───────────┘ ◄──grantConsent()─── │ awaiting-consent │
//      sampled out (at start,     │                            └──────────────────┘
//      or when a new session      │ stop(), or a failure
//      begins after a pause)      ▼
//                           ┌─────────┐
//                           │ stopped │ ──start()──► recording (a new session)
//                           └─────────┘
//
// Global Privacy Control keeps a started recorder where it is. A recorder
// that sends to a URL asks the collector for the site's settings as it
// begins and obeys the stricter of them and the page's options
// (engine/site-settings.ts); a site whose recording is switched off stops it.
// While
// recording, the parts are: the session (session.ts), the batches
// (batcher.ts), the page's life (lifecycle.ts) and one rrweb recording with
// Veil's layers around it (recording.ts). Events flow one way: rrweb →
// recording (watcher, scrubber, typed values held until they settle) →
// accept → batcher → transport.
import { BLOCK, MASK, UNMASK, markOf, parseMark, type Region } from '../engine/classify';
import { NAVIGATION_EVENT } from '../engine/protocol';
import { createScrubber } from '../engine/scrub';
import { readSiteSettings, stricterPolicy, type RecordingPolicy } from '../engine/site-settings';
import { MARK_ATTRIBUTE } from '../engine/vocabulary';
import { warnOnce } from '../engine/warn';
import { lazyUrlTransport, type SettingsTransport } from '../transport/lazy';
import type { Transport } from '../transport/types';
import { createBatcher } from './batcher';
import { watchPageLifecycle } from './lifecycle';
import { checkSelector, resolveOptions } from './options';
import { rememberPasswordFields } from './passwords';
import { startRecording, type Recording } from './recording';
import { addCustomEvent } from './rrweb';
import { createSessions, defaultSessionStorage } from './session';
import type { ConsentState, RecorderState } from '../engine/vocabulary';
import type { MarkTarget, Recorder, RecorderEnvironment, RecorderListener, RecorderOptions } from './types';

export { SESSION_STORAGE_KEY } from './session';

// rrweb keeps global state: one recording per page at a time.
let activeRecorder: Recorder | null = null;

/**
 * How long what is recorded waits for the site's settings before it leaves
 * under the page's own options: the default flush interval, so the first
 * batch is no later than it would be anyway.
 */
export const SETTINGS_WAIT = 5000;

const inBrowser = () => typeof window !== 'undefined' && typeof document !== 'undefined';

/**
 * Creates a recorder. Nothing is recorded until `start()`; nothing touches the
 * page before that but a watch on password fields (in the document, its shadow
 * roots, through `attachShadow`, and its same-origin frames), so a field
 * toggled to plain text before recording starts stays sensitive.
 *
 * @example
 * const recorder = createRecorder({ privacy: 'strict', transport: 'https://collector.example.com/v1/ingest' });
 * recorder.start();
 */
export function createRecorder(options: RecorderOptions, environment: RecorderEnvironment = {}): Recorder {
  const opts = resolveOptions(options);
  const now = environment.now ?? Date.now;
  const random = environment.random ?? Math.random;
  const transport: Transport & Partial<SettingsTransport> =
    typeof opts.transport === 'function'
      ? { send: opts.transport }
      : 'send' in opts.transport
        ? opts.transport
        : lazyUrlTransport(opts.transport, { fetch: environment.fetch, random, now, report, onSettings: obeySite });
  /**
   * What recording runs under: the page's options, tightened by every site
   * setting heard on this page (never loosened again: a setting relaxed on
   * the server applies from the next page on).
   */
  const policy: RecordingPolicy = { recording: true, privacy: opts.privacy, recordInputs: opts.recordInputs, sampleRate: opts.sampleRate };
  const selectors = { mask: [...opts.mask], block: [...opts.block], unmask: [...opts.unmask] };
  const listeners = new Set<RecorderListener>();
  const sessions = createSessions({
    storage: environment.storage === undefined ? defaultSessionStorage() : environment.storage,
    now,
    random,
    sampleRate: opts.sampleRate,
    sessionTimeout: opts.sessionTimeout,
  });
  const batcher = createBatcher({
    transport,
    maxBatchEvents: opts.maxBatchEvents,
    visitorId: opts.visitorId,
    nextBatch: sessions.nextBatch,
    report,
  });
  if (inBrowser()) rememberPasswordFields();

  let state: RecorderState = 'idle';
  let consent: ConsentState = 'unknown';
  /** start() was called and stop() was not. */
  let wanted = false;
  /** What runs while the state is 'recording'. */
  let live: { recording: Recording; timer: ReturnType<typeof setInterval>; detachPage: () => void } | null = null;
  /** While the site's settings are awaited, batches are held back (batcher.pause()); resolves when they go again. */
  let awaitingSite: { settled: Promise<void>; open(): void } | null = null;

  const self: Recorder = {
    get state() {
      return state;
    },
    get sessionId() {
      return sessions.lastId;
    },
    get consent() {
      return consent;
    },
    start,
    stop(stopOptions = {}) {
      if (typeof stopOptions !== 'object' || stopOptions === null)
        throw new Error('[veil] stop(options) expects an object like { discard: true }.');
      wanted = false;
      if (state === 'idle' && !sessions.current) return;
      end(stopOptions.discard === true);
      // stop() ends the session: a later start() or the next page begins a new one
      sessions.end();
      setState('stopped');
    },
    async flush() {
      // rrweb hears of DOM changes in a MutationObserver callback, a microtask
      // queued when the page made them: let it run, so a change made just
      // before flush() is in what gets sent.
      await undefined;
      await awaitingSite?.settled;
      live?.recording.settle();
      await batcher.flush();
    },
    grantConsent() {
      const changed = consent !== 'granted';
      consent = 'granted';
      if (wanted && state === 'awaiting-consent') begin();
      else if (changed) setState(state, true);
    },
    revokeConsent() {
      consent = 'revoked';
      if (state === 'recording') end(true);
      else transport.close?.(true);
      sessions.end();
      setState(wanted ? 'awaiting-consent' : state, true);
    },
    mask: (target) => mark(target, MASK),
    block: (target) => mark(target, BLOCK),
    unmask: (target) => mark(target, UNMASK),
    subscribe(listener) {
      if (typeof listener !== 'function') throw new Error('[veil] subscribe(listener) expects a function.');
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  function setState(next: RecorderState, force = false) {
    if (next === state && !force) return;
    state = next;
    for (const l of Array.from(listeners)) {
      try {
        l(next);
      } catch (error) {
        report(error);
      }
    }
  }

  function report(error: unknown) {
    if (!opts.onError) {
      warnOnce('error', `recording error: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    try {
      opts.onError(error);
    } catch {
      // an error handler that throws must not take the page down either
    }
  }

  function start() {
    if (state === 'recording') return;
    if (activeRecorder && activeRecorder !== self) {
      throw new Error(
        '[veil] Another recorder is already recording on this page. Call stop() on it before starting this one (rrweb can record only once per page).',
      );
    }
    if (!inBrowser()) {
      warnOnce('ssr', 'start() was called outside a browser; nothing is recorded. Start the recorder in client-side code.');
      return;
    }
    wanted = true;
    if (!policy.recording) {
      warnOnce('site-off', "not recording: recording is switched off in the site's settings on the collector.");
      setState('stopped');
      return;
    }
    const gpc = (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
    if (opts.respectGlobalPrivacyControl && gpc) {
      warnOnce(
        'gpc',
        'not recording: the browser sends Global Privacy Control (set respectGlobalPrivacyControl: false only if your policy allows).',
      );
      return;
    }
    if (opts.requireConsent ? consent !== 'granted' : consent === 'revoked') {
      setState('awaiting-consent');
      return;
    }
    begin();
  }

  function begin() {
    activeRecorder = self;
    batcher.discard();
    try {
      sessions.open();
      if (!sessions.sampledAt(policy.sampleRate)) {
        // sampled out: this session records nothing, on this page or the next
        activeRecorder = null;
        setState('idle');
        return;
      }
      setState('recording');
      transport.preload?.();
      if (transport.fetchSettings) awaitSite(transport.fetchSettings);
      const recording = startRecording({
        policy,
        selectors,
        checkoutInterval: opts.checkoutInterval,
        visitorActive,
        accept: batcher.add,
        fail,
      });
      live = {
        recording,
        timer: setInterval(() => batcher.send(), opts.flushInterval),
        detachPage: watchPageLifecycle({
          leaving() {
            live?.recording.settle();
            batcher.send(true);
            sessions.save();
          },
          navigated() {
            if (state === 'recording') addCustomEvent(NAVIGATION_EVENT, { href: location.href });
          },
        }),
      };
    } catch (error) {
      fail(error);
    }
  }

  /**
   * Holds batches back until the site's settings arrive, or SETTINGS_WAIT
   * has passed (then what is recorded leaves under the page's options, and
   * settings that arrive later apply from then on).
   */
  function awaitSite(fetchSettings: () => Promise<unknown>) {
    let open!: () => void;
    const settled = new Promise<void>((resolve) => {
      open = () => {
        clearTimeout(timer);
        if (awaitingSite === gate) {
          awaitingSite = null;
          batcher.resume();
        }
        resolve();
      };
    });
    const gate = { settled, open };
    const timer = setTimeout(open, SETTINGS_WAIT);
    awaitingSite = gate;
    batcher.pause();
    fetchSettings().then(
      (site) => {
        obeySite(site);
        open();
      },
      (error) => {
        report(error);
        open();
      },
    );
  }

  /**
   * The site's settings, from the settings request or an ingest answer: the
   * stricter of them and what is in force wins. What is not settings of a
   * version this recorder knows changes nothing.
   */
  function obeySite(answer: unknown) {
    const site = readSiteSettings(answer);
    if (!site) return;
    const was = { ...policy };
    Object.assign(policy, stricterPolicy(policy, site));
    if (!live) return;
    if (!policy.recording) {
      warnOnce('site-off', "not recording: recording is switched off in the site's settings on the collector.");
      wanted = false;
      end(true);
      sessions.end();
      setState('stopped');
    } else if (!sessions.sampledAt(policy.sampleRate)) {
      // sampled out at the site's rate: the same draw decides on every page of the session
      end(true);
      setState('idle');
    } else if (policy.privacy !== was.privacy || policy.recordInputs !== was.recordInputs) {
      tighten();
    }
  }

  /** Records under a stricter policy from now on, and re-masks what has not left yet. */
  function tighten() {
    try {
      live!.recording.settle();
      if (awaitingSite) {
        // nothing has left since recording began: what is held opens with its full snapshot and can be scrubbed again
        batcher.rescrub(createScrubber({ privacy: policy.privacy, recordInputs: policy.recordInputs }).scrub);
      } else {
        // what is held continues batches already sent, without a snapshot to scrub it against: the new snapshot shows its outcome
        batcher.discard();
      }
      live!.recording.restart();
    } catch (error) {
      fail(error);
    }
  }

  /** After a long pause the visitor begins a new session, which opens with its own full snapshot. */
  function visitorActive(): boolean {
    if (!sessions.active()) return true;
    batcher.send();
    sessions.renew();
    // the new session's one draw, at the rate in force: the site's settings may have lowered it
    if (sessions.sampledAt(policy.sampleRate)) live?.recording.reopen();
    else {
      end(false);
      setState('idle');
    }
    return false;
  }

  function end(discard: boolean) {
    const was = live;
    live = null;
    awaitingSite?.open();
    if (was) {
      if (!discard) was.recording.settle();
      clearInterval(was.timer);
      was.detachPage();
      try {
        was.recording.stop();
      } catch (error) {
        report(error);
      }
    }
    if (discard) {
      batcher.discard();
      transport.close?.(true);
    } else if (was) batcher.send();
    batcher.discard();
    if (activeRecorder === self) activeRecorder = null;
  }

  function fail(error: unknown) {
    report(error);
    wanted = false;
    end(false);
    setState('stopped');
  }

  function mark(target: MarkTarget, region: Region) {
    const name = markOf(region)!;
    if (typeof target === 'string') {
      checkSelector(name, target);
      selectors[name].push(target);
    } else if (target && typeof target === 'object' && (target as Element).nodeType === 1) {
      const el = target as Element;
      const existing = el.getAttribute(MARK_ATTRIBUTE);
      // run-time calls only add protection: unmask never lifts a mask or block already there
      if (region === UNMASK ? existing == null : existing == null || parseMark(existing) < region) el.setAttribute(MARK_ATTRIBUTE, name);
    } else {
      throw new Error(`[veil] recorder.${name}(target) expects an Element or a CSS selector string.`);
    }
    if (!live) return;
    // re-evaluate what is already recorded under the new rules
    try {
      live.recording.restart();
    } catch (error) {
      fail(error);
    }
  }

  return self;
}
