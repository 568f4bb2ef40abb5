import { Sensitive, useConsent, useRecorder, useSensitive } from '@veil/react';

function ConsentBanner() {
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

export function App() {
  const { state } = useRecorder();
  return (
    <main>
      <ConsentBanner />
      <h1>Veil consumer smoke page</h1>
      <p>
        Recorder: <span id="veil-state">{state}</span>
      </p>
      <form>
        <Sensitive>
          <label>
            Private note <input id="memo" />
          </label>
        </Sensitive>
        <label>
          Ordinary note <input id="note" />
        </label>
        <label>
          Delivery instructions <textarea id="instructions" {...useSensitive()} />
        </label>
      </form>
    </main>
  );
}
