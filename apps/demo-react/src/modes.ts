import { DEFAULT_PRIVACY_MODE, PRIVACY_MODES, type PrivacyMode } from '@veil/core';

export const MODES = PRIVACY_MODES;

export const MODE_HELP: Record<PrivacyMode, string> = {
  strict: 'strict — page text and every input value are masked; only text marked <Unmask> is recorded.',
  balanced: 'balanced — page text is recorded; every input value is masked (except in <Unmask> regions).',
  relaxed: 'relaxed — page text and ordinary input values are recorded; passwords, card fields and personal fields stay masked.',
};

/** `?privacy=relaxed` picks the starting mode. */
export function initialMode(): PrivacyMode {
  const wanted = new URLSearchParams(location.search).get('privacy');
  return MODES.find((mode) => mode === wanted) ?? DEFAULT_PRIVACY_MODE;
}

const CONSENT_KEY = 'veil-demo:consent';

/** The visitor's consent choice, remembered for this tab (a real site would use its consent platform). */
export function rememberedConsent(): 'granted' | 'revoked' | null {
  try {
    const value = sessionStorage.getItem(CONSENT_KEY);
    return value === 'granted' || value === 'revoked' ? value : null;
  } catch {
    return null;
  }
}

export function rememberConsent(choice: 'granted' | 'revoked'): void {
  try {
    sessionStorage.setItem(CONSENT_KEY, choice);
  } catch {
    // storage blocked: the choice lasts until the page closes
  }
}
