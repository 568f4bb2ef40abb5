'use client';
import { useConsent, useRecorder } from '@veil/react';

// The server renders the state 'unknown' (no banner); the banner appears after
// hydration, when the recorder is waiting for consent.
export function ConsentBanner() {
  const { state, grant, revoke } = useConsent();
  if (state !== 'pending') return null;
  return (
    <div role="dialog">
      May we record this visit?{' '}
      <button id="veil-consent-yes" onClick={grant}>
        Yes
      </button>{' '}
      <button onClick={revoke}>No</button>
    </div>
  );
}

export function RecorderState() {
  return <span id="veil-state">{useRecorder().state}</span>;
}
