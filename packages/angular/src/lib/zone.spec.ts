// Zone-based change detection: the recorder's listeners, observers and timers
// must live outside the Angular zone, or every mouse move, keystroke and flush
// timer would run change detection over the whole application.
import 'zone.js';
import { ApplicationRef, Component, NgZone, provideZoneChangeDetection, type DoCheck } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { createRecorder } from '@veil/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectingTransport, typeInto, until } from '../testing/helpers';
import { provideVeil } from './provide-veil';
import { SensitiveDirective } from './sensitive.directive';
import { VeilRecorder } from './veil-recorder.service';

let checks = 0;

@Component({
  selector: 'app-form',
  imports: [SensitiveDirective],
  template: `
    <p>Checked {{ count() }} times</p>
    <input id="name" />
    <section sensitive><input id="card" autocomplete="cc-number" /></section>
    <div id="feed"></div>
  `,
})
class Form implements DoCheck {
  ngDoCheck(): void {
    checks++;
  }
  count(): number {
    return checks;
  }
}

/** What a visitor does, as DOM events and mutations (dispatched from the root zone, like real events). */
async function visitorActivity(host: HTMLElement): Promise<void> {
  const name = host.querySelector<HTMLInputElement>('#name')!;
  const feed = host.querySelector<HTMLElement>('#feed')!;
  for (let i = 0; i < 20; i++) {
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: i * 5, clientY: i * 3, bubbles: true }));
    window.dispatchEvent(new Event('scroll'));
    name.dispatchEvent(new FocusEvent('focus'));
    typeInto(name, 'x');
    const item = document.createElement('span');
    item.textContent = `item ${i}`;
    feed.append(item);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // long enough for several flush timer rounds (flushInterval 100 ms)
  await new Promise((resolve) => setTimeout(resolve, 350));
}

describe('with zone.js change detection', () => {
  let host: HTMLElement;
  let appRef: ApplicationRef | undefined;
  const sink = collectingTransport();

  beforeEach(async () => {
    expect(typeof Zone).toBe('function');
    host = document.createElement('app-form');
    document.body.append(host);
    appRef = await createApplication({
      providers: [provideZoneChangeDetection(), provideVeil({ transport: sink.transport, privacy: 'relaxed', flushInterval: 100 })],
    });
    expect(appRef.injector.get(NgZone)).toBeInstanceOf(NgZone);
    expect(NgZone.isInAngularZone()).toBe(false);
    appRef.bootstrap(Form, host);
  });

  afterEach(() => {
    appRef?.destroy();
    host.remove();
  });

  it('records without running change detection for DOM events, mutations or flush timers', async () => {
    const veil = appRef!.injector.get(VeilRecorder);
    await until(() => veil.state() === 'recording', 'recording');
    await new Promise((resolve) => setTimeout(resolve, 50)); // let start-up settle
    const batchesBefore = sink.batches.length;
    checks = 0;

    await visitorActivity(host);

    expect(sink.batches.length, 'the flush timer sent batches meanwhile').toBeGreaterThan(batchesBefore + 1);
    expect(sink.json()).toContain('item 19');
    expect(checks, 'change detection runs caused by recording').toBe(0);
  });

  it('(control) a recorder started inside the Angular zone would run change detection all the time', async () => {
    const veil = appRef!.injector.get(VeilRecorder);
    await until(() => veil.state() === 'recording', 'recording');
    veil.stop(); // one recorder at a time
    const zone = appRef!.injector.get(NgZone);
    const inside = zone.run(() => createRecorder({ transport: () => {}, flushInterval: 100 }));
    try {
      zone.run(() => inside.start());
      expect(inside.state).toBe('recording');
      await new Promise((resolve) => setTimeout(resolve, 50));
      checks = 0;
      await visitorActivity(host);
      expect(checks).toBeGreaterThan(20);
    } finally {
      inside.stop();
    }
  });

  it('updates state() and change-detected templates when recording state changes', async () => {
    @Component({ selector: 'app-state', template: `<b>{{ veil.state() }}</b>` })
    class StateView {
      readonly veil = appRef!.injector.get(VeilRecorder);
    }
    const veil = appRef!.injector.get(VeilRecorder);
    await until(() => veil.state() === 'recording', 'recording');
    const el = document.createElement('app-state');
    document.body.append(el);
    try {
      appRef!.bootstrap(StateView, el);
      await until(() => el.textContent === 'recording', 'the template to show recording');
      // stop() from outside the zone (as from a timer the app does not own)
      NgZone.assertNotInAngularZone();
      veil.stop();
      await until(() => el.textContent === 'stopped', 'the template to show stopped');
    } finally {
      el.remove();
    }
  });
});
