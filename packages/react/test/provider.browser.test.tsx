import { StrictMode, useMemo, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventType } from '@veil/core';
import { render } from 'vitest-browser-react';
import { createRecorder, useConsent, useRecorder, VeilProvider, type Recorder, type RecorderOptions } from '../src/index';
import { Catch, click, collector, Probe, tick, track } from './helpers';

afterEach(() => vi.restoreAllMocks());

const stateText = () => document.querySelector('[data-testid=state]')?.textContent;

describe('<VeilProvider options>', () => {
  it('starts recording after mounting and on unmount stops, sending what it holds', async () => {
    const sent = collector();
    let recorder: Recorder | undefined;
    const screen = await render(
      <VeilProvider options={{ transport: sent.transport }}>
        <Probe onRecorder={(r) => (recorder = r)} />
      </VeilProvider>,
    );
    await expect.poll(stateText).toBe('recording');
    expect(sent.batches).toHaveLength(0); // buffered until the flush interval or stop
    await screen.unmount();
    await expect.poll(() => recorder!.state).toBe('stopped');
    expect(sent.events().some((event) => event.type === EventType.FullSnapshot)).toBe(true);
  });

  it('takes autoStart in its options as the Vue and Angular packages do: false leaves the recorder idle until start()', async () => {
    await render(
      <VeilProvider options={{ transport: () => undefined, autoStart: false }}>
        <Probe />
      </VeilProvider>,
    );
    await tick(50);
    expect(stateText()).toBe('idle');
    click('start');
    await expect.poll(stateText).toBe('recording');
  });

  it('re-renders useRecorder() users when the state changes through start() and stop()', async () => {
    await render(
      <VeilProvider options={{ transport: () => undefined }}>
        <Probe />
      </VeilProvider>,
    );
    await expect.poll(stateText).toBe('recording');
    click('stop');
    await expect.poll(stateText).toBe('stopped');
    click('start');
    await expect.poll(stateText).toBe('recording');
  });

  it('keeps the functions useRecorder() returns while the recorder stays the same', async () => {
    const seen: ReturnType<typeof useRecorder>[] = [];
    function Spy() {
      seen.push(useRecorder());
      return null;
    }
    await render(
      <VeilProvider options={{ transport: () => undefined, requireConsent: true }}>
        <Spy />
      </VeilProvider>,
    );
    await expect.poll(() => seen.at(-1)?.state).toBe('awaiting-consent');
    expect(new Set(seen.map((controls) => controls.start)).size).toBe(1);
    expect(new Set(seen.map((controls) => controls.recorder)).size).toBe(1);
  });

  it('in StrictMode records once: the double mount neither restarts nor stops the recording', async () => {
    const sent = collector();
    const recorders = new Set<Recorder>();
    await render(
      <StrictMode>
        <VeilProvider options={{ transport: sent.transport }}>
          <Probe onRecorder={(r) => recorders.add(r)} />
        </VeilProvider>
      </StrictMode>,
    );
    await expect.poll(stateText).toBe('recording');
    expect(recorders.size).toBe(1); // the provider did not lose its recorder
    const [recorder] = recorders;
    const session = recorder.sessionId;
    await tick(50); // past the deferred stop of StrictMode's simulated unmount
    expect(recorder.state).toBe('recording');
    expect(recorder.sessionId).toBe(session);
    await recorder.flush();
    expect(sent.sessions()).toEqual([session]);
    expect(sent.events().filter((event) => event.type === EventType.FullSnapshot)).toHaveLength(1);
  });

  it('in StrictMode starts a given recorder once with autoStart, and stops it once on unmount with autoStop', async () => {
    const recorder = track(createRecorder({ transport: () => undefined }));
    const start = vi.spyOn(recorder, 'start');
    const stop = vi.spyOn(recorder, 'stop');
    const screen = await render(
      <StrictMode>
        <VeilProvider recorder={recorder} autoStart autoStop>
          <Probe />
        </VeilProvider>
      </StrictMode>,
    );
    await expect.poll(stateText).toBe('recording');
    await tick(50);
    expect(start).toHaveBeenCalledTimes(1);
    expect(stop).not.toHaveBeenCalled();
    await screen.unmount();
    await expect.poll(() => recorder.state).toBe('stopped');
    expect(stop).toHaveBeenCalledTimes(1);
  });
});

describe('<VeilProvider recorder>', () => {
  it('neither starts nor stops a recorder it was given, unless told', async () => {
    const recorder = track(createRecorder({ transport: () => undefined }));
    const start = vi.spyOn(recorder, 'start');
    const stop = vi.spyOn(recorder, 'stop');
    const screen = await render(
      <VeilProvider recorder={recorder}>
        <Probe />
      </VeilProvider>,
    );
    await tick(20);
    expect(stateText()).toBe('idle');
    recorder.start();
    await expect.poll(stateText).toBe('recording');
    await screen.unmount();
    await tick(20);
    expect(recorder.state).toBe('recording');
    expect(start).toHaveBeenCalledTimes(1);
    expect(stop).not.toHaveBeenCalled();
    recorder.stop();
  });

  it('does not start again a recorder that was stopped through useRecorder() when its props change', async () => {
    const recorder = track(createRecorder({ transport: () => undefined }));
    const start = vi.spyOn(recorder, 'start');
    const ui = (autoStop: boolean) => (
      <VeilProvider recorder={recorder} autoStart autoStop={autoStop}>
        <Probe />
      </VeilProvider>
    );
    const screen = await render(ui(false));
    await expect.poll(stateText).toBe('recording');
    click('stop');
    await expect.poll(stateText).toBe('stopped');
    await screen.rerender(ui(true));
    await tick(20);
    expect(recorder.state).toBe('stopped');
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('with autoStart and autoStop swaps recorders without remounting its children', async () => {
    const recorders: Recorder[] = [];
    let mounts = 0;
    function Counter() {
      useState(() => mounts++);
      return null;
    }
    function App({ privacy }: { privacy: RecorderOptions['privacy'] }) {
      const recorder = useMemo(() => track(createRecorder({ privacy, transport: () => undefined })), [privacy]);
      recorders.push(recorder);
      return (
        <VeilProvider recorder={recorder} autoStart autoStop>
          <Counter />
          <Probe />
        </VeilProvider>
      );
    }
    const screen = await render(<App privacy="strict" />);
    await expect.poll(stateText).toBe('recording');
    const first = recorders.at(-1)!;
    await screen.rerender(<App privacy="relaxed" />);
    const second = recorders.at(-1)!;
    expect(second).not.toBe(first);
    await expect.poll(() => second.state).toBe('recording');
    expect(first.state).toBe('stopped');
    expect(stateText()).toBe('recording');
    expect(mounts).toBe(1);
  });
});

describe('replacing a provider', () => {
  it('lets a provider remounted with a new key record at once: the old recorder is stopped first', async () => {
    const errors: Error[] = [];
    const recorders: Recorder[] = [];
    const ui = (key: string) => (
      <Catch onError={(error) => errors.push(error)}>
        <VeilProvider key={key} options={{ privacy: key as 'strict', transport: () => undefined }}>
          <Probe onRecorder={(r) => recorders.at(-1) !== r && recorders.push(r)} />
        </VeilProvider>
      </Catch>
    );
    const screen = await render(ui('strict'));
    await expect.poll(stateText).toBe('recording');
    await screen.rerender(ui('balanced'));
    await expect.poll(() => recorders.length).toBe(2);
    await expect.poll(stateText).toBe('recording');
    expect(recorders[0].state).toBe('stopped');
    expect(recorders[1].state).toBe('recording');
    expect(errors).toEqual([]);
  });
});

describe('provider options', () => {
  it('are read once, with one [veil] warning when they change later', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let recorder: Recorder | undefined;
    const ui = (privacy: 'strict' | 'relaxed') => (
      // an inline transport is a new function on every render: that alone is no change
      <VeilProvider options={{ privacy, transport: () => undefined }}>
        <Probe onRecorder={(r) => (recorder ??= r)} />
      </VeilProvider>
    );
    const screen = await render(ui('strict'));
    await expect.poll(stateText).toBe('recording');
    await screen.rerender(ui('strict'));
    expect(warn).not.toHaveBeenCalled();
    await screen.rerender(ui('relaxed'));
    await screen.rerender(ui('strict'));
    await screen.rerender(ui('relaxed'));
    const ours = warn.mock.calls.filter(([message]) => String(message).startsWith('[veil]'));
    expect(ours).toHaveLength(1);
    expect(String(ours[0][0])).toContain('key');
    let current: Recorder | undefined;
    await screen.rerender(
      <VeilProvider options={{ privacy: 'relaxed', transport: () => undefined }}>
        <Probe onRecorder={(r) => (current = r)} />
      </VeilProvider>,
    );
    expect(current).toBe(recorder);
  });

  it('throw a clear error when both options and recorder are given, or neither', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const errors: Error[] = [];
    const recorder = track(createRecorder({ transport: () => undefined }));
    await render(
      <>
        <Catch onError={(error) => errors.push(error)}>
          <VeilProvider recorder={recorder} options={{ transport: () => undefined }} />
        </Catch>
        <Catch onError={(error) => errors.push(error)}>
          <VeilProvider />
        </Catch>
      </>,
    );
    await expect.poll(() => errors.length).toBe(2);
    expect(errors[0].message).toMatch(/^\[veil\] <VeilProvider> takes either options/);
    expect(errors[1].message).toMatch(/^\[veil\] <VeilProvider> needs options/);
  });
});

describe('hooks outside <VeilProvider>', () => {
  it.each([
    ['useRecorder()', () => useRecorder()],
    ['useConsent()', () => useConsent()],
  ])('%s throws an error that says to wrap the tree in <VeilProvider>', async (name, hook) => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const errors: Error[] = [];
    function Orphan() {
      hook();
      return null;
    }
    await render(
      <Catch onError={(error) => errors.push(error)}>
        <Orphan />
      </Catch>,
    );
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0].message).toContain(`[veil] ${name} must be called inside <VeilProvider>`);
    expect(errors[0].message).toContain('Wrap');
  });
});
