// What the page's life tells a recording: the page may be leaving (pagehide,
// or hidden), or it navigated without loading (popstate, hashchange, and the
// history.pushState / replaceState calls of single-page apps, which fire no
// event at all).
//
// history is wrapped once per window and never unwrapped, the way
// attachShadow is (passwords.ts): recordings come and go by joining and
// leaving a set of listeners. Unwrapping on stop cannot work in general (a
// library that wrapped history after Veil holds Veil's wrapper, and wrapping
// again on the next start would hear each navigation twice).

type NavigationListener = () => void;

const navigationListeners = new Set<NavigationListener>();
const patchedHistories = new WeakSet<History>();

function patchHistory(history: History): void {
  if (patchedHistories.has(history)) return;
  patchedHistories.add(history);
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const out = original.apply(this, args);
      for (const listener of Array.from(navigationListeners)) listener();
      return out;
    };
  }
}

export interface PageLifecycleHandlers {
  /** The page may be leaving: whatever is held must go now, synchronously. */
  leaving(): void;
  /** The page's URL changed without a page load. */
  navigated(): void;
}

/** Listens to the page's life until the returned function is called. */
export function watchPageLifecycle(handlers: PageLifecycleHandlers): () => void {
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') handlers.leaving();
  };
  const onNavigate = () => handlers.navigated();
  window.addEventListener('pagehide', handlers.leaving);
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('popstate', onNavigate);
  window.addEventListener('hashchange', onNavigate);
  patchHistory(window.history);
  navigationListeners.add(onNavigate);
  return () => {
    window.removeEventListener('pagehide', handlers.leaving);
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('popstate', onNavigate);
    window.removeEventListener('hashchange', onNavigate);
    navigationListeners.delete(onNavigate);
  };
}
