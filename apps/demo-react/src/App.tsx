import { useCallback, useEffect, useMemo, useState } from 'react';
import { createRecorder, VeilProvider, type PrivacyMode, type Recorder } from '@veil/react';
import { collect } from './sent';
import { initialMode, MODE_HELP } from './modes';
import { Header } from './components/Header';
import { ConsentBanner, RestoreConsent } from './components/ConsentBanner';
import { Products } from './components/Products';
import { ShippingNotice } from './components/ShippingNotice';
import { SignUpForm } from './components/SignUpForm';
import { CheckoutForm } from './components/CheckoutForm';
import { ProfileForm } from './components/ProfileForm';
import { CustomerPanel } from './components/CustomerPanel';
import { SupportChat } from './components/SupportChat';
import { ReplayPanel } from './components/ReplayPanel';

declare global {
  interface Window {
    /** The demo's controls, for tests and the curious. */
    __veilDemo: { recorder: Recorder; mode: PrivacyMode; switchMode(mode: PrivacyMode): void; flush(): Promise<void> };
  }
}

export function App() {
  const [mode, setMode] = useState<PrivacyMode>(initialMode);
  const [error, setError] = useState<string | null>(null);

  // One recorder per privacy mode. Switching modes hands the provider a new
  // recorder: it stops the old one (sending what it holds) and starts the new
  // one, without remounting the page, so what the visitor typed stays.
  const recorder = useMemo(
    () =>
      createRecorder({
        privacy: mode,
        requireConsent: true,
        transport: collect,
        // short batches so that the replay panel follows closely (the default is 5 s)
        flushInterval: 1000,
        onError: (cause) => setError(`Recording stopped: ${cause instanceof Error ? cause.message : String(cause)}`),
      }),
    [mode],
  );

  const switchMode = useCallback((next: PrivacyMode) => {
    setMode(next);
    const url = new URL(location.href);
    url.searchParams.set('privacy', next);
    history.replaceState(history.state, '', url);
  }, []);

  useEffect(() => {
    window.__veilDemo = { recorder, mode, switchMode, flush: () => recorder.flush() };
    document.body.dataset.mode = mode;
  }, [recorder, mode, switchMode]);

  return (
    <VeilProvider recorder={recorder} autoStart autoStop>
      <RestoreConsent />
      <Header mode={mode} onModeChange={switchMode} />
      <p className="mode-help">{MODE_HELP[mode]}</p>
      {error && (
        <p className="banner error" role="alert">
          {error}
        </p>
      )}
      <ConsentBanner />
      <div className="layout">
        <main className="shop">
          <Products />
          <ShippingNotice />
          <div className="forms">
            <SignUpForm />
            <CheckoutForm />
          </div>
          <ProfileForm />
          <div className="panels">
            <CustomerPanel />
            <SupportChat />
          </div>
        </main>
        <ReplayPanel />
      </div>
    </VeilProvider>
  );
}
