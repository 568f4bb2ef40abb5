// Compiled (never run) against @types/react 18: what a React 18 app writes
// with @veil/react's published declarations must type-check.
import { StrictMode, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import {
  NoRecord,
  Sensitive,
  Unmask,
  VeilProvider,
  createRecorder,
  useConsent,
  useNoRecord,
  useRecorder,
  useSensitive,
  useUnmask,
  type ConsentStatus,
  type Recorder,
  type RecordingBatch,
  type RegionMark,
} from '@veil/react';
import * as veil from '@veil/react';

// the core's types come with @veil/react; its functions do not (import them from @veil/core)
const asked: ConsentStatus = 'pending';
const strongest: RegionMark = 'block';
// @ts-expect-error strongestMark is the core's, re-exported as a type only
veil.strongestMark(asked, strongest);

function Checkout() {
  const { state, start, stop } = useRecorder();
  const consent = useConsent();
  const sensitive = useSensitive();
  const noRecord = useNoRecord();
  const unmask = useUnmask();
  const merged: { className: string; 'data-veil': RegionMark } = useUnmask(useNoRecord({ className: 'codes' }));
  const blocked: 'block' = useNoRecord({ id: 'chat' })['data-veil'];
  const ref = useRef<HTMLFormElement>(null);
  return (
    <form ref={ref}>
      <p>
        {state} / {consent.state}
      </p>
      <button type="button" onClick={() => (state === 'recording' ? stop() : start())}>
        toggle
      </button>
      <button type="button" onClick={consent.grant}>
        accept
      </button>
      <button type="button" onClick={consent.revoke}>
        decline
      </button>
      <input name="card" {...sensitive} />
      <div {...noRecord}>chat</div>
      <ul {...merged} id={blocked} />
      <h2 {...unmask}>Your order</h2>
      <Sensitive as="section" className="customer">
        Ada
      </Sensitive>
      <NoRecord as="aside">support</NoRecord>
      <Unmask as="span">Total</Unmask>
    </form>
  );
}

const sent: RecordingBatch[] = [];
const recorder: Recorder = createRecorder({ transport: (batch) => void sent.push(batch) });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <VeilProvider options={{ transport: (batch) => void sent.push(batch), privacy: 'balanced' }}>
      <Checkout />
    </VeilProvider>
    <VeilProvider recorder={recorder}>
      <Checkout />
    </VeilProvider>
  </StrictMode>,
);
