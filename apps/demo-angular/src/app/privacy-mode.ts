import { InjectionToken } from '@angular/core';
import { DEFAULT_PRIVACY_MODE, PRIVACY_MODES, isPrivacyMode, type PrivacyMode } from '@veil/core';

export { PRIVACY_MODES };

export const MODE_HELP: Record<PrivacyMode, string> = {
  strict: 'strict — page text and every input value are masked; only text marked [unmask] is recorded.',
  balanced: 'balanced — page text is recorded; every input value is masked (except in [unmask] regions).',
  relaxed: 'relaxed — page text and ordinary input values are recorded; passwords, card fields and personal fields stay masked.',
};

/** The privacy mode of this page load: `?privacy=` in the URL, `strict` by default. */
export const PRIVACY_MODE = new InjectionToken<PrivacyMode>('PRIVACY_MODE', {
  providedIn: 'root',
  factory: () => {
    const fromUrl = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('privacy');
    return isPrivacyMode(fromUrl) ? fromUrl : DEFAULT_PRIVACY_MODE;
  },
});

/**
 * A recorder's privacy mode is fixed when it is created, so switching reloads
 * the page with `?privacy=`: a new recorder in that mode, which starts with a
 * fresh full snapshot (the core carries the tab's session across page loads).
 * Consent is kept for the tab, see ConsentChoice.
 */
export function switchPrivacyMode(mode: PrivacyMode): void {
  if (!isPrivacyMode(mode)) throw new Error(`[veil demo] unknown privacy mode ${String(mode)}`);
  const url = new URL(location.href);
  url.searchParams.set('privacy', mode);
  location.assign(url.href);
}
