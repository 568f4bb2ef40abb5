import { Component, type ReactNode } from 'react';
import { afterEach } from 'vitest';
import type { Recorder, RecordingBatch } from '../src/index';
import { useRecorder } from '../src/index';

/** A function transport that keeps JSON copies of what it receives. */
export function collector() {
  const batches: RecordingBatch[] = [];
  return {
    batches,
    transport: (batch: RecordingBatch) => {
      batches.push(JSON.parse(JSON.stringify(batch)) as RecordingBatch);
    },
    json: () => JSON.stringify(batches),
    events: () => batches.flatMap((batch) => batch.events),
    sessions: () => [...new Set(batches.map((batch) => batch.sessionId))],
  };
}

// Every recorder a test touches is stopped afterwards, so that one failing test
// cannot leave a recording running (one recorder per page) for the next.
const seen = new Set<Recorder>();
export function track<R extends Recorder>(recorder: R): R {
  seen.add(recorder);
  return recorder;
}
afterEach(() => {
  for (const recorder of seen)
    if (recorder.state === 'recording' || recorder.state === 'awaiting-consent') recorder.stop({ discard: true });
  seen.clear();
});

/** Renders the provider's recorder state and hands the recorder to `onRecorder`. */
export function Probe({ onRecorder }: { onRecorder?: (recorder: Recorder) => void }) {
  const { recorder, state, start, stop } = useRecorder();
  track(recorder);
  onRecorder?.(recorder);
  return (
    <div>
      <output data-testid="state">{state}</output>
      <button type="button" onClick={start}>
        start
      </button>
      <button type="button" onClick={() => stop()}>
        stop
      </button>
    </div>
  );
}

/** Catches a render error, to check its message. */
export class Catch extends Component<{ children?: ReactNode; onError: (error: Error) => void }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: Error) {
    this.props.onError(error);
  }
  override render() {
    return this.state.failed ? <p>failed</p> : this.props.children;
  }
}

export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** Clicks the button with this text, as a DOM click (no round trip to the browser driver). */
export function click(name: string): void {
  const button = Array.from(document.querySelectorAll('button')).find((el) => el.textContent === name);
  if (!button) throw new Error(`no button "${name}"`);
  button.click();
}
