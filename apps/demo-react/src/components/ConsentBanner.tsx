import { useEffect } from 'react';
import { useConsent } from '@veil/react';
import { rememberConsent, rememberedConsent } from '../modes';

/** Asks before anything is recorded (the recorder was created with requireConsent: true). */
export function ConsentBanner() {
  const { state, grant, revoke } = useConsent();
  if (state !== 'pending') return null;
  return (
    <section className="consent" role="dialog" aria-labelledby="consent-title" aria-describedby="consent-text">
      <div>
        <h2 id="consent-title">May we record this visit?</h2>
        <p id="consent-text">
          Veil records clicks, scrolling and page changes to help us fix the shop. Passwords, card numbers and personal details never leave
          your browser. Nothing is recorded until you agree.
        </p>
      </div>
      <div className="consent-actions">
        <button type="button" className="primary" onClick={grant}>
          Allow recording
        </button>
        <button type="button" onClick={revoke}>
          No thanks
        </button>
      </div>
    </section>
  );
}

/**
 * Applies the choice the visitor made earlier in this tab to each new recorder
 * (one per privacy mode), and remembers new choices. Its effect runs before the
 * provider's, so a remembered consent lets recording begin at once.
 */
export function RestoreConsent() {
  const { state, grant, revoke } = useConsent();
  useEffect(() => {
    const choice = rememberedConsent();
    if (choice === 'granted') grant();
    else if (choice === 'revoked') revoke();
  }, [grant, revoke]);
  useEffect(() => {
    if (state === 'granted' || state === 'revoked') rememberConsent(state);
  }, [state]);
  return null;
}
