import {
  ApplicationRef,
  Component,
  ElementRef,
  Injectable,
  createEnvironmentInjector,
  EnvironmentInjector,
  inject,
  viewChild,
} from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventType } from '@veil/core';
import { collectingTransport, typeInto, until } from '../testing/helpers';
import { provideVeil } from './provide-veil';
import { NoRecordDirective } from './no-record.directive';
import { SensitiveDirective } from './sensitive.directive';
import { UnmaskDirective } from './unmask.directive';
import { VeilModule } from './veil.module';
import type { VeilOptions } from './veil-options';
import { VeilRecorder } from './veil-recorder.service';

@Component({
  selector: 'app-shop',
  imports: [SensitiveDirective, NoRecordDirective, UnmaskDirective],
  template: `
    <h1 unmask>Linen Overshirt</h1>
    <p>Stone-washed Belgian linen, boxy fit.</p>
    <section sensitive>
      <p>Margarethe Quellbrunn</p>
      <p>Order VX-58213-QB</p>
    </section>
    <aside noRecord>
      <p>Wrenna from support</p>
      <input id="chat" />
    </aside>
    <input id="search" name="q" />
    <p #note>Internal note 7731</p>
  `,
})
class Shop {
  readonly note = viewChild.required<ElementRef<HTMLElement>>('note');
}

const SECRETS = ['Margarethe Quellbrunn', 'VX-58213-QB', 'Wrenna', 'Chat-Secret-8812'];

function setUp(options: Partial<VeilOptions> = {}, how: 'provideVeil' | 'forRoot' = 'provideVeil') {
  const sink = collectingTransport();
  const veilOptions: VeilOptions = { transport: sink.transport, privacy: 'relaxed', ...options };
  TestBed.configureTestingModule(
    how === 'provideVeil' ? { providers: [provideVeil(veilOptions)] } : { imports: [VeilModule.forRoot(veilOptions)] },
  );
  const fixture = TestBed.createComponent(Shop);
  fixture.detectChanges();
  const veil = TestBed.inject(VeilRecorder);
  const input = (id: string) => (fixture.nativeElement as HTMLElement).querySelector<HTMLInputElement>(`#${id}`)!;
  return { ...sink, fixture, veil, input };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(['provideVeil', 'forRoot'] as const)('VeilRecorder set up with %s', (how) => {
  it('starts recording after the first render and sends what the markers allow', async () => {
    const { veil, batches, json, input } = setUp({}, how);
    await until(() => veil.state() === 'recording', 'recording');
    expect(veil.recording()).toBe(true);
    expect(veil.sessionId()).toMatch(/\w{8}/);

    typeInto(input('search'), 'chunky wool scarf');
    typeInto(input('chat'), 'Chat-Secret-8812');
    await veil.flush();

    expect(batches.length).toBeGreaterThan(0);
    expect(batches.flatMap((b) => b.events).some((e) => e.type === EventType.FullSnapshot)).toBe(true);
    const sent = json();
    expect(sent).toContain('Linen Overshirt');
    expect(sent).toContain('Stone-washed Belgian linen');
    expect(sent).toContain('chunky wool scarf');
    for (const secret of SECRETS) expect(sent, secret).not.toContain(secret);
    expect(new Set(batches.map((b) => b.sessionId))).toEqual(new Set([veil.sessionId()]));
  });

  it('stops and sends the rest when the application (here: the test module) is destroyed', async () => {
    const { veil, batches, input } = setUp({ flushInterval: 60_000 }, how);
    await until(() => veil.state() === 'recording', 'recording');
    typeInto(input('search'), 'last words');
    expect(batches.length).toBe(0);
    TestBed.resetTestingModule();
    expect(veil.state()).toBe('stopped');
    expect(JSON.stringify(batches)).toContain('last words');
  });
});

describe('VeilRecorder', () => {
  it('waits for consent with requireConsent, then follows grant and revoke', async () => {
    const { veil, batches, fixture, input } = setUp({ requireConsent: true });
    await fixture.whenStable();
    await until(() => veil.state() === 'awaiting-consent', 'awaiting-consent');
    expect(veil.consent()).toBe('pending');
    typeInto(input('search'), 'before consent');
    await veil.flush();
    expect(batches).toEqual([]);

    veil.grantConsent();
    expect(veil.consent()).toBe('granted');
    expect(veil.state()).toBe('recording');
    typeInto(input('search'), ' after consent');
    await veil.flush();
    const sent = JSON.stringify(batches);
    expect(sent).toContain('after consent');

    const count = batches.length;
    veil.revokeConsent();
    expect(veil.consent()).toBe('revoked');
    expect(veil.state()).toBe('awaiting-consent');
    typeInto(input('search'), ' after revoking');
    await veil.flush();
    expect(batches.length).toBe(count);
  });

  it('does not start by itself with autoStart: false', async () => {
    const { veil, batches, fixture } = setUp({ autoStart: false });
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(veil.state()).toBe('idle');
    expect(veil.consent()).toBe('unknown'); // consent not required, nobody waits for an answer
    expect(batches).toEqual([]);
    veil.start();
    expect(veil.state()).toBe('recording');
    veil.stop();
    expect(veil.state()).toBe('stopped');
    expect(batches.flatMap((b) => b.events).some((e) => e.type === EventType.FullSnapshot)).toBe(true);
  });

  it('marks elements at run time, from an ElementRef too', async () => {
    const { veil, fixture, json } = setUp();
    await until(() => veil.state() === 'recording', 'recording');
    const note = fixture.componentInstance.note();
    await veil.flush();
    // relaxed mode: recorded until marked
    expect(json()).toContain('Internal note 7731');
    const before = json().length;

    veil.mask(note);
    expect(note.nativeElement.getAttribute('data-veil')).toBe('mask');
    note.nativeElement.append(' and 9912');
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the mutation be observed
    await veil.flush();
    const after = json().slice(before);
    expect(after).toContain('"data-veil":"mask"');
    expect(after).not.toContain('Internal note 7731');
    expect(after).not.toContain('9912');
  });

  it('gives components the service with the recorder underneath', async () => {
    @Injectable({ providedIn: 'root' })
    class Analytics {
      readonly veil = inject(VeilRecorder);
    }
    const { veil } = setUp();
    expect(TestBed.inject(Analytics).veil).toBe(veil);
    await until(() => veil.state() === 'recording', 'recording');
    expect(veil.recorder?.state).toBe('recording');
    expect(veil.recorder?.sessionId).toBe(veil.sessionId());
  });

  it('throws an error that names provideVeil and VeilModule.forRoot when injected without either', () => {
    TestBed.configureTestingModule({});
    expect(() => TestBed.inject(VeilRecorder)).toThrowError(/provideVeil\(.*VeilModule\.forRoot\(/s);
  });

  it('rejects options that are not an object or a function, with the fix', () => {
    expect(() => provideVeil(undefined as unknown as VeilOptions)).toThrowError(
      /\[veil\] provideVeil\(options\) expects an options object/,
    );
    expect(() => VeilModule.forRoot('https://x' as unknown as VeilOptions)).toThrowError(/\[veil\] VeilModule\.forRoot\(options\)/);
  });

  it("passes the core's option errors through", () => {
    TestBed.configureTestingModule({
      providers: [provideVeil({ transport: () => {}, privacy: 'paranoid' as 'strict' })],
    });
    expect(() => TestBed.inject(VeilRecorder)).toThrowError(/privacy/);
  });

  it('takes options from a function that may inject services', async () => {
    @Injectable({ providedIn: 'root' })
    class Sink {
      readonly sink = collectingTransport();
    }
    TestBed.configureTestingModule({
      providers: [provideVeil(() => ({ transport: inject(Sink).sink.transport, privacy: 'balanced' }))],
    });
    const fixture = TestBed.createComponent(Shop);
    fixture.detectChanges();
    const veil = TestBed.inject(VeilRecorder);
    await until(() => veil.state() === 'recording', 'recording');
    await veil.flush();
    expect(TestBed.inject(Sink).sink.json()).toContain('Linen Overshirt');
  });

  it('warns once, with [veil], when VeilModule.forRoot is imported twice', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const options: VeilOptions = { transport: () => {}, autoStart: false };
    TestBed.configureTestingModule({ imports: [VeilModule.forRoot(options), VeilModule.forRoot(options)] });
    TestBed.inject(VeilRecorder);
    const veilWarnings = warn.mock.calls.filter(([message]) => String(message).startsWith('[veil]'));
    expect(veilWarnings).toHaveLength(1);
    expect(String(veilWarnings[0][0])).toMatch(/more than once.*forRoot/s);

    // a set-up in a child injector of an app that already has one is the same mistake
    const child = createEnvironmentInjector([provideVeil(options)], TestBed.inject(EnvironmentInjector));
    child.get(VeilRecorder);
    child.destroy();
    expect(warn.mock.calls.filter(([message]) => String(message).startsWith('[veil]'))).toHaveLength(1);
  });

  it('does not warn for a single set-up', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    TestBed.configureTestingModule({ providers: [provideVeil({ transport: () => {}, autoStart: false })] });
    TestBed.inject(VeilRecorder);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('VeilRecorder in a real application', () => {
  it('starts after bootstrap and stops (sending the rest) when the application is destroyed', async () => {
    const host = document.createElement('app-shop');
    document.body.append(host);
    const sink = collectingTransport();
    const appRef: ApplicationRef = await createApplication({
      providers: [provideVeil({ transport: sink.transport, privacy: 'balanced', flushInterval: 60_000 })],
    });
    try {
      appRef.bootstrap(Shop, host);
      const veil = appRef.injector.get(VeilRecorder);
      await until(() => veil.state() === 'recording', 'recording');
      typeInto(host.querySelector<HTMLInputElement>('#chat')!, 'Chat-Secret-8812');
      host.querySelector('p')!.append(' — now 20% off');
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the mutation be observed
      expect(sink.batches).toEqual([]);
      appRef.destroy();
      expect(veil.state()).toBe('stopped');
      const sent = sink.json();
      expect(sent).toContain('now 20% off');
      for (const secret of SECRETS) expect(sent, secret).not.toContain(secret);
    } finally {
      if (!appRef.destroyed) appRef.destroy();
      host.remove();
    }
  });
});
