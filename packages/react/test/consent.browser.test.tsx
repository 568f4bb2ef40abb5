import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { EventType } from '@veil/core';
import { render } from 'vitest-browser-react';
import { createRecorder, useConsent, VeilProvider, type Recorder } from '../src/index';
import { click, collector, Probe, tick, track } from './helpers';

function Banner({ id = 'consent' }: { id?: string }) {
  const { state, grant, revoke } = useConsent();
  return (
    <div>
      <output data-testid={id}>{state}</output>
      <button type="button" onClick={grant}>
        accept {id}
      </button>
      <button type="button" onClick={revoke}>
        decline {id}
      </button>
    </div>
  );
}

const text = (id: string) => () => document.querySelector(`[data-testid=${id}]`)?.textContent;

describe('useConsent()', () => {
  it('with requireConsent reports pending and nothing is recorded before consent', async () => {
    const sent = collector();
    let recorder: Recorder | undefined;
    await render(
      <VeilProvider options={{ transport: sent.transport, requireConsent: true }}>
        <Probe onRecorder={(r) => (recorder = r)} />
        <Banner />
      </VeilProvider>,
    );
    await expect.poll(text('consent')).toBe('pending');
    expect(text('state')()).toBe('awaiting-consent');
    await recorder!.flush();
    expect(sent.batches).toEqual([]);
  });

  it('grant() starts the recording and every useConsent() user sees granted', async () => {
    const sent = collector();
    let recorder: Recorder | undefined;
    await render(
      <VeilProvider options={{ transport: sent.transport, requireConsent: true }}>
        <Probe onRecorder={(r) => (recorder = r)} />
        <Banner />
        <Banner id="other" />
      </VeilProvider>,
    );
    await expect.poll(text('consent')).toBe('pending');
    click('accept consent');
    await expect.poll(text('consent')).toBe('granted');
    expect(text('other')()).toBe('granted');
    expect(text('state')()).toBe('recording');
    await recorder!.flush();
    expect(sent.events().some((event) => event.type === EventType.FullSnapshot)).toBe(true);
  });

  it('revoke() stops the recording, discards what was not sent and reports revoked', async () => {
    const sent = collector();
    let recorder: Recorder | undefined;
    await render(
      <VeilProvider options={{ transport: sent.transport, requireConsent: true }}>
        <Probe onRecorder={(r) => (recorder = r)} />
        <Banner />
      </VeilProvider>,
    );
    click('accept consent');
    await expect.poll(text('state')).toBe('recording');
    click('decline consent');
    await expect.poll(text('consent')).toBe('revoked');
    expect(text('state')()).toBe('awaiting-consent');
    await recorder!.flush();
    expect(sent.batches).toEqual([]); // the buffered snapshot was discarded, never sent
  });

  it('reports revoked when the visitor declines before recording ever began', async () => {
    await render(
      <VeilProvider options={{ transport: () => undefined, requireConsent: true }}>
        <Probe />
        <Banner />
      </VeilProvider>,
    );
    await expect.poll(text('consent')).toBe('pending');
    click('decline consent');
    await expect.poll(text('consent')).toBe('revoked');
    expect(text('state')()).toBe('awaiting-consent');
  });

  it('lets a consent remembered from an earlier visit be granted on mount, so recording begins at once', async () => {
    function RestoreConsent() {
      const { grant } = useConsent();
      useEffect(() => grant(), [grant]);
      return null;
    }
    await render(
      <VeilProvider options={{ transport: () => undefined, requireConsent: true }}>
        <RestoreConsent />
        <Probe />
        <Banner />
      </VeilProvider>,
    );
    await expect.poll(text('state')).toBe('recording');
    expect(text('consent')()).toBe('granted');
  });

  it('reports unknown while a recorder that needs no consent records, and follows a direct grant on the recorder', async () => {
    const recorder = track(createRecorder({ transport: () => undefined }));
    await render(
      <VeilProvider recorder={recorder} autoStart>
        <Probe />
        <Banner />
      </VeilProvider>,
    );
    await expect.poll(text('state')).toBe('recording');
    expect(text('consent')()).toBe('unknown');
    click('decline consent');
    await expect.poll(text('consent')).toBe('revoked');
    expect(text('state')()).toBe('awaiting-consent');
    recorder.grantConsent(); // not through the hook
    await expect.poll(text('state')).toBe('recording');
    expect(text('consent')()).toBe('granted');
    await tick();
  });
});
