import { useConsent, useRecorder, type PrivacyMode } from '@veil/react';
import { MODES } from '../modes';
import { XraySwitch } from './XraySwitch';

function RecordingStatus({ mode }: { mode: PrivacyMode }) {
  const { state } = useRecorder();
  const consent = useConsent();
  return (
    <div className="rec">
      <span className={`dot ${state}`} aria-hidden="true" />
      <span id="rec-state" aria-live="polite">
        {state} · {mode}
      </span>
      {consent.state === 'granted' && (
        <button type="button" className="link" onClick={consent.revoke}>
          withdraw consent
        </button>
      )}
      {consent.state === 'revoked' && (
        <button type="button" className="link" onClick={consent.grant}>
          allow recording
        </button>
      )}
    </div>
  );
}

export function Header({ mode, onModeChange }: { mode: PrivacyMode; onModeChange: (mode: PrivacyMode) => void }) {
  return (
    <header className="topbar">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          V
        </span>
        <div>
          <h1>
            Veil demo <span className="sub">— React</span>
          </h1>
          <p className="tagline">Kestrel &amp; Pine Outfitters · a pretend shop, recorded privately by default</p>
        </div>
      </div>
      <fieldset className="modes">
        <legend>Privacy mode</legend>
        {MODES.map((value) => (
          <label key={value}>
            <input type="radio" name="privacy" value={value} checked={mode === value} onChange={() => onModeChange(value)} />{' '}
            <span>{value}</span>
          </label>
        ))}
      </fieldset>
      <XraySwitch mode={mode} />
      <RecordingStatus mode={mode} />
    </header>
  );
}
