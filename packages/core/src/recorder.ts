import { record } from '@rrweb/record';
import { createCapture, type Capture } from './capture';
import { modeLevel, parseMark, type Region, BLOCK, CLASSIFYING_ATTRIBUTES, FIELD_ONLY_ATTRIBUTES, FIELD_TAGS, MASK, UNMASK } from './classify';
import { checkSelector, resolveOptions, type ResolvedOptions } from './options';
import { hearShadowRoots, rememberPasswordFields } from './passwords';
import { CUSTOM_EVENT_PREFIX, createScrubber, type Scrubber } from './scrub';
import { lazyUrlTransport } from './lazy-transport';
import type {
  ConsentState,
  RecorderEnvironment,
  MarkTarget,
  RecordedEvent,
  Recorder,
  RecorderListener,
  RecorderOptions,
  RecorderState,
  RecordingBatch,
  StopOptions,
  Transport,
} from './types';
import { warnOnce } from './warn';

// rrweb keeps global state: one recording per page at a time.
let activeRecorder: Recorder | null = null;

function newSessionId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function inBrowser(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

const MARK_NAMES: Record<number, string> = { [UNMASK]: 'unmask', [MASK]: 'mask', [BLOCK]: 'block' };

/** Where a session lives between page loads of one tab. */
export const SESSION_STORAGE_KEY = 'veil:session';

interface Session {
  id: string;
  /** The next batch's sequence number. */
  seq: number;
  lastActivity: number;
  sampled: boolean;
}

function readSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    return typeof s.id === 'string' && s.seq >= 0 && s.lastActivity > 0 ? s : null;
  } catch {
    return null;
  }
}

function defaultStorage(): RecorderEnvironment['storage'] {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    // storage blocked (sandboxed frame, privacy settings): sessions last one page
    return null;
  }
}

// Incremental sources a visitor causes: mouse, scroll, input, touch, drag, selection.
const ACTIVITY_SOURCES = new Set([1, 2, 3, 5, 6, 12, 14]);

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
  const opts: ResolvedOptions = resolveOptions(options);
  const mode = modeLevel(opts.privacy);
  const now = environment.now ?? Date.now;
  const random = environment.random ?? Math.random;
  const storage = environment.storage === undefined ? defaultStorage() : environment.storage;
  const transport: Transport & { preload?(): void } =
    typeof opts.transport === 'function'
      ? { send: opts.transport }
      : 'send' in opts.transport
        ? opts.transport
        : lazyUrlTransport(opts.transport, { fetch: environment.fetch, random, now, report });
  const selectors = { mask: [...opts.mask], block: [...opts.block], unmask: [...opts.unmask] };
  const listeners = new Set<RecorderListener>();
  if (inBrowser()) rememberPasswordFields();

  let state: RecorderState = 'idle';
  let wanted = false; // start() was called and stop() was not
  let consent: ConsentState = 'unknown';
  let session: Session | null = null;
  let sessionId: string | null = null;
  let buffer: RecordedEvent[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let stopRrweb: (() => void) | undefined;
  let scrubber: Scrubber | undefined;
  let capture: Capture | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let checkoutTimer: ReturnType<typeof setTimeout> | undefined;
  let detachPage: (() => void) | undefined;
  let broken = false;
  let unwatchMarks: (() => void) | undefined;
  let takePendingChanges: () => void = () => undefined;
  let watchTree: (tree: Node) => void = () => undefined;

  const self: Recorder = {
    get state() {
      return state;
    },
    get sessionId() {
      return sessionId;
    },
    get consent() {
      return consent;
    },
    start,
    stop,
    flush,
    grantConsent,
    revokeConsent,
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
    if (opts.onError) {
      try {
        opts.onError(error);
      } catch {
        // an error handler that throws must not take the page down either
      }
    } else {
      warnOnce('error', `recording error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  function gpcOn(): boolean {
    return opts.respectGlobalPrivacyControl && typeof navigator !== 'undefined' && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
  }

  function consentMissing(): boolean {
    return opts.requireConsent ? consent !== 'granted' : consent === 'revoked';
  }

  function start() {
    if (state === 'recording') return;
    if (activeRecorder && activeRecorder !== self) {
      throw new Error('[veil] Another recorder is already recording on this page. Call stop() on it before starting this one (rrweb can record only once per page).');
    }
    if (!inBrowser()) {
      warnOnce('ssr', 'start() was called outside a browser; nothing is recorded. Start the recorder in client-side code.');
      return;
    }
    wanted = true;
    if (gpcOn()) {
      warnOnce('gpc', 'not recording: the browser sends Global Privacy Control (set respectGlobalPrivacyControl: false only if your policy allows).');
      return;
    }
    if (consentMissing()) {
      setState('awaiting-consent');
      return;
    }
    begin();
  }

  /**
   * rrweb swallows errors thrown while it serializes. A hook that fails
   * instead returns nothing, marks the recording broken so no event of the
   * stretch in progress is kept, and stops recording right after.
   */
  function guarded<E extends HTMLElement | null>(hook: (text: string, element: E) => string): (text: string, element: E) => string {
    // two named parameters, not rest and spread: rrweb calls this for every text and value
    return (text, element) => {
      try {
        return hook(text, element);
      } catch (error) {
        if (!broken) {
          broken = true;
          queueMicrotask(() => fail(error));
        }
        return '';
      }
    };
  }

  function rrwebOptions(cap: Capture) {
    return {
      emit: (event: unknown) => accept(event as RecordedEvent),
      checkoutEveryNms: opts.checkoutInterval || undefined,
      maskAllInputs: true,
      maskInputFn: guarded((text: string, el: HTMLElement) => {
        takePendingChanges();
        return cap.value(text, el);
      }),
      // every text goes through maskTextFn (build/trim-rrweb.ts relies on it)
      maskTextSelector: '*',
      maskTextFn: guarded((text: string, el: HTMLElement | null) => cap.text(text, el)),
      blockSelector: cap.blockSelector,
      slimDOMOptions: { script: true, comment: true, headFavicon: true, headMetaVerification: true },
      recordCanvas: false,
      collectFonts: false,
      inlineImages: false,
      recordCrossOriginIframes: false,
      errorHandler: (error: unknown) => {
        fail(error);
        return true;
      },
    };
  }

  /**
   * Tells the capture layer and the scrubber that the page changed what
   * classifies its elements (marks, classes, field names and types, the tree
   * itself), before rrweb reports (or, for an element that just became
   * blocked, fails to report) the mutations under them. Observers are called in
   * the order they were created, so this one, created first, runs before
   * rrweb's. Input events do not wait for observers: page code can change a
   * field and fire one in the same task, so the value hook first takes what
   * this observer has pending (`takePendingChanges`).
   *
   * It watches the document and, like rrweb, every shadow root and frame
   * document rrweb records (`watchTree`, as the scrubber meets them): rrweb
   * does not report the attribute that blocks an element there either, but
   * does report changes further inside.
   */
  function watchMarks(): () => void {
    const changed = (all: MutationRecord[]) => {
      // called before every event and input value, mostly with nothing pending
      if (!all.length) return;
      // Without selectors, names, ids, types and the like classify form
      // controls (and meta elements) only: on other elements they change nothing.
      const records = selectorsOn ? all : all.filter(classifies);
      if (!records.length) return;
      capture?.noteChanges(records);
      for (const r of records) {
        if (r.type === 'childList') {
          // rrweb records a shadow root's children under its host
          const parentId = record.mirror.getId(r.target.nodeType === 11 ? (r.target as ShadowRoot).host : r.target);
          for (const node of r.removedNodes) {
            const id = record.mirror.getId(node);
            if (id > 0) scrubber?.noteParent(id, null);
          }
          for (const node of r.addedNodes) {
            const id = record.mirror.getId(node);
            if (id > 0) scrubber?.noteParent(id, parentId > 0 ? parentId : null);
          }
          continue;
        }
        // With selectors configured any attribute can change a mark: the
        // scrubber gets every classifying attribute and asks again. Without,
        // only the one that changed can differ from what it knows.
        const el = r.target as Element;
        const id = record.mirror.getId(el);
        if (id > 0) {
          const attributes: Record<string, string | null> = {};
          for (const name of selectorsOn ? CLASSIFYING_ATTRIBUTES : [r.attributeName!]) attributes[name] = el.getAttribute(name);
          scrubber?.noteAttributes(id, attributes, selectorsOn);
        }
      }
    };
    const selectorsOn = hasSelectors();
    const watcher = new MutationObserver(changed);
    const watching: MutationObserverInit = {
      subtree: true,
      childList: true,
      attributes: true,
      // a configured selector may depend on any attribute
      ...(selectorsOn ? {} : { attributeFilter: CLASSIFYING_ATTRIBUTES }),
    };
    // observing a tree again only renews the same registration
    watchTree = (tree) => watcher.observe(tree, watching);
    watchTree(document);
    takePendingChanges = () => changed(watcher.takeRecords());
    // A shadow root attached by script is filled in the same task, and rrweb
    // reports the document's changes before its content: watched at once, its
    // slots reach the capture layer, and the scrubber knows the host shows its
    // light-DOM children in them.
    hearShadowRoots((host, root) => {
      try {
        watchTree(root);
        const id = record.mirror.getId(host);
        if (id > 0) scrubber?.noteHost(id);
      } catch (error) {
        fail(error);
      }
    });
    return () => {
      watcher.disconnect();
      hearShadowRoots(undefined);
      takePendingChanges = watchTree = () => undefined;
    };
  }

  function classifies(r: MutationRecord): boolean {
    if (r.type !== 'attributes' || !FIELD_ONLY_ATTRIBUTES.has(r.attributeName!)) return true;
    const tag = (r.target as Element).localName;
    return FIELD_TAGS.has(tag) || tag === 'meta';
  }

  function hasSelectors() {
    return selectors.mask.length + selectors.block.length + selectors.unmask.length > 0;
  }

  function startRrweb() {
    unwatchMarks?.();
    unwatchMarks = watchMarks();
    capture = createCapture(mode, selectors);
    const cap = capture;
    // without configured selectors only the password memory, which concerns
    // inputs, and the slots of shadow hosts know more than the serialized element
    const everyElement = hasSelectors();
    scrubber = createScrubber({
      privacy: opts.privacy,
      elementHint: (id, tag, slotted) => {
        if (!everyElement && !slotted && tag !== 'input') return undefined;
        const node = record.mirror.getNode(id);
        return node && node.nodeType === 1 ? cap.hint(node as Element) : undefined;
      },
      nestedTree: (id) => {
        const node = record.mirror.getNode(id) as Element | null;
        if (node) watchTree(node.shadowRoot ?? node);
      },
    });
    stopRrweb = record(rrwebOptions(cap) as Parameters<typeof record>[0]) ?? undefined;
    if (!stopRrweb) throw new Error('[veil] rrweb could not start recording this page (see the console for its warning).');
  }

  function storeSession() {
    if (!session) return;
    try {
      storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
    } catch {
      // full or blocked storage: the session just does not outlive this page
    }
  }

  function forgetSession() {
    try {
      storage?.removeItem(SESSION_STORAGE_KEY);
    } catch {
      // nothing to forget
    }
  }

  function newSession(): Session {
    return { id: newSessionId(), seq: 0, lastActivity: now(), sampled: random() < opts.sampleRate };
  }

  /** Continues this tab's session if it is still active, else starts a new one. */
  function openSession() {
    let stored: Session | null = null;
    try {
      stored = readSession(storage?.getItem(SESSION_STORAGE_KEY) ?? null);
    } catch {
      stored = null;
    }
    session = stored && now() - stored.lastActivity <= opts.sessionTimeout ? stored : newSession();
    session.lastActivity = now();
    sessionId = session.id;
    storeSession();
  }

  function begin() {
    activeRecorder = self;
    buffer = [];
    broken = false;
    try {
      openSession();
      if (!session!.sampled) {
        // sampled out: this session records nothing, on this page or the next
        activeRecorder = null;
        setState('idle');
        return;
      }
      setState('recording');
      transport.preload?.();
      startRrweb();
      timer = setInterval(send, opts.flushInterval);
      detachPage = watchPage();
    } catch (error) {
      fail(error);
    }
  }

  /** After a long pause the visitor starts a new session, which opens with its own full snapshot. */
  function rotateSession() {
    send();
    session = newSession();
    sessionId = session.id;
    storeSession();
    if (!session.sampled) {
      end(false);
      setState('idle');
      return;
    }
    record.takeFullSnapshot(true);
  }

  function accept(event: RecordedEvent) {
    if (state !== 'recording' || !scrubber || !session || broken) return;
    try {
      // What the page changed in the same task reaches both layers first:
      // rrweb reports checkbox and radio input without asking the capture
      // layer, and opens every full snapshot with a meta event, so the
      // capture layer never serializes with contexts kept from before a change.
      // (Mutations come from rrweb's observer, which runs after the watcher.)
      takePendingChanges();
      if (event.type === 3 && ACTIVITY_SOURCES.has((event.data as { source?: number })?.source as number)) {
        const t = now();
        if (t - session.lastActivity > opts.sessionTimeout) {
          rotateSession();
          if (state !== 'recording' || !scrubber || !session) return;
        }
        session.lastActivity = t;
      }
      const clean = scrubber.scrub(event);
      if (clean) buffer.push(clean);
      if (scrubber.takeCheckoutRequest()) scheduleCheckout();
      if (buffer.length >= opts.maxBatchEvents) send();
    } catch (error) {
      fail(error);
    }
  }

  function scheduleCheckout() {
    if (checkoutTimer !== undefined) return;
    checkoutTimer = setTimeout(() => {
      checkoutTimer = undefined;
      if (state === 'recording') record.takeFullSnapshot(true);
    }, 0);
  }

  function send(final = false) {
    if (!buffer.length || !session) return;
    const batch: RecordingBatch = { v: 1, sessionId: session.id, seq: session.seq++, events: buffer };
    if (opts.visitorId) batch.visitorId = opts.visitorId;
    buffer = [];
    // the sequence number is spent before sending, so a reload can never reuse it
    storeSession();
    try {
      if (final && transport.sendFinal) {
        transport.sendFinal(batch);
        return;
      }
      const result = transport.send(batch);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        const p = Promise.resolve(result).catch(report);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    } catch (error) {
      report(error);
    }
  }

  function watchPage(): () => void {
    const onHide = () => {
      send(true);
      storeSession();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') onHide();
    };
    const onNavigate = () => {
      if (state === 'recording') record.addCustomEvent(`${CUSTOM_EVENT_PREFIX}navigation`, { href: location.href });
    };
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('popstate', onNavigate);
    window.addEventListener('hashchange', onNavigate);
    // single-page apps navigate with history.pushState/replaceState, which fire no event
    const history = window.history;
    const originals = { pushState: history.pushState, replaceState: history.replaceState };
    const wrap = (name: 'pushState' | 'replaceState') =>
      function (this: History, ...args: Parameters<History['pushState']>) {
        const out = originals[name].apply(this, args);
        onNavigate();
        return out;
      };
    const wrapped = { pushState: wrap('pushState'), replaceState: wrap('replaceState') };
    history.pushState = wrapped.pushState;
    history.replaceState = wrapped.replaceState;
    return () => {
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('popstate', onNavigate);
      window.removeEventListener('hashchange', onNavigate);
      // leave another library's later wrapper in place rather than cut it out
      if (history.pushState === wrapped.pushState) history.pushState = originals.pushState;
      if (history.replaceState === wrapped.replaceState) history.replaceState = originals.replaceState;
    };
  }

  function end(discard: boolean) {
    const wasRecording = state === 'recording';
    try {
      stopRrweb?.();
    } catch (error) {
      report(error);
    }
    stopRrweb = undefined;
    unwatchMarks?.();
    unwatchMarks = undefined;
    if (timer !== undefined) clearInterval(timer);
    if (checkoutTimer !== undefined) clearTimeout(checkoutTimer);
    timer = checkoutTimer = undefined;
    detachPage?.();
    detachPage = undefined;
    if (discard) buffer = [];
    else if (wasRecording) send();
    buffer = [];
    if (discard) transport.close?.(true);
    scrubber = undefined;
    capture = undefined;
    if (activeRecorder === self) activeRecorder = null;
  }

  function fail(error: unknown) {
    report(error);
    wanted = false;
    end(false);
    setState('stopped');
  }

  function stop(stopOptions: StopOptions = {}) {
    if (typeof stopOptions !== 'object' || stopOptions === null) throw new Error('[veil] stop(options) expects an object like { discard: true }.');
    wanted = false;
    if (state === 'idle' && !session) return;
    end(stopOptions.discard === true);
    // stop() ends the session: a later start() or the next page begins a new one
    forgetSession();
    session = null;
    setState('stopped');
  }

  async function flush() {
    // rrweb hears of DOM changes in a MutationObserver callback, a microtask
    // queued when the page made them: let it run, so a change made just
    // before flush() is in what gets sent.
    await undefined;
    send();
    while (inFlight.size) await Promise.all(Array.from(inFlight));
    await transport.flush?.();
  }

  function grantConsent() {
    const changed = consent !== 'granted';
    consent = 'granted';
    if (wanted && state === 'awaiting-consent') begin();
    else if (changed) setState(state, true);
  }

  function revokeConsent() {
    consent = 'revoked';
    if (state === 'recording') end(true);
    else transport.close?.(true);
    forgetSession();
    session = null;
    setState(wanted ? 'awaiting-consent' : state, true);
  }

  function mark(target: MarkTarget, region: Region) {
    const name = MARK_NAMES[region];
    if (typeof target === 'string') {
      checkSelector(name, target);
      selectors[name as 'mask' | 'block' | 'unmask'].push(target);
    } else if (target && typeof target === 'object' && (target as Element).nodeType === 1) {
      const el = target as Element;
      const existing = el.getAttribute('data-veil');
      // run-time calls only add protection: unmask never lifts a mask or block already there
      if (region === UNMASK ? existing == null : existing == null || parseMark(existing) < region) el.setAttribute('data-veil', name);
    } else {
      throw new Error(`[veil] recorder.${name}(target) expects an Element or a CSS selector string.`);
    }
    if (state === 'recording') {
      // re-evaluate what is already recorded under the new rules
      try {
        stopRrweb?.();
        startRrweb();
      } catch (error) {
        fail(error);
      }
    }
  }

  return self;
}
