// The X-ray the Angular way, in Chromium, in development mode (as `ng test`
// runs): <veil-xray> and provideVeil({ xray }). veil-xray.production.spec.ts
// checks that production mode draws nothing.
import { Component, signal, viewChild } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { collectingTransport, until } from '../testing/helpers';
import { provideVeil } from './provide-veil';
import { SensitiveDirective } from './sensitive.directive';
import type { VeilOptions } from './veil-options';
import { VeilXrayComponent } from './veil-xray.component';

/** The overlay's host: the core's 0×0 element, blocked from any recording (not the <veil-xray> component). */
const overlay = () => document.querySelector('veil-xray[data-veil="block"]');

@Component({
  selector: 'app-checkout',
  imports: [VeilXrayComponent, SensitiveDirective],
  template: `
    <form>
      <label>Card number <input id="card" autocomplete="cc-number" /></label>
      <label>Coupon <input id="coupon" /></label>
      <p sensitive>Ships to Margarethe Quellbrunn</p>
    </form>
    @if (show()) {
      <veil-xray [options]="options()" />
    }
  `,
})
class Checkout {
  readonly show = signal(true);
  readonly options = signal<VeilOptions | undefined>(undefined);
  readonly xray = viewChild(VeilXrayComponent);
}

function setUp(options: Partial<VeilOptions> = {}) {
  TestBed.configureTestingModule({ providers: [provideVeil({ transport: collectingTransport().transport, privacy: 'relaxed', ...options })] });
  const fixture = TestBed.createComponent(Checkout);
  fixture.detectChanges();
  return fixture;
}

/** Long enough for an overlay asked for to be drawn: the module is loaded, the app rendered, two frames passed. */
async function settled(fixture: { whenStable(): Promise<unknown> }) {
  await import('@veil/core/xray');
  await fixture.whenStable();
  for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}

const withQuery = (query: string) => history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
const search = location.search;
afterEach(() => withQuery(search));

describe('<veil-xray>', () => {
  it('outlines what the options of provideVeil() record while it is in the view, and is gone after', async () => {
    const fixture = setUp();
    const component = () => fixture.componentInstance.xray()!;
    await until(() => component().xray() !== null, 'the X-ray drawn');
    expect(overlay()).not.toBeNull();
    // relaxed, from provideVeil(): the coupon is recorded, the card number never, the sensitive text masked
    const counts = component().xray()!.counts();
    expect(counts.recorded.fields).toBe(1);
    expect(counts['never recorded'].fields).toBe(1);
    expect(counts.masked.all).toBeGreaterThanOrEqual(1);
    fixture.componentInstance.show.set(false);
    fixture.detectChanges();
    expect(overlay()).toBeNull();
  });

  it('shows [options] when given, and redraws when they change', async () => {
    const fixture = setUp();
    fixture.componentInstance.options.set({ privacy: 'strict', transport: () => {} });
    fixture.detectChanges();
    const xray = () => fixture.componentInstance.xray()!.xray();
    // strict masks every value: the coupon too
    await until(() => xray()?.counts().masked.fields === 1 && xray()?.counts().recorded.fields === 0, 'the strict X-ray');
    fixture.componentInstance.options.set({ privacy: 'relaxed', transport: () => {} });
    fixture.detectChanges();
    await until(() => xray()?.counts().recorded.fields === 1, 'the relaxed X-ray');
    // one overlay: the previous one was removed
    expect(document.querySelectorAll('veil-xray[data-veil="block"]').length).toBe(1);
  });
});

describe('provideVeil({ xray })', () => {
  it('xray: true shows the X-ray from the first render until the application is destroyed', async () => {
    const fixture = setUp({ xray: true });
    fixture.componentInstance.show.set(false);
    fixture.detectChanges();
    await until(() => overlay() !== null, 'the X-ray drawn by provideVeil({ xray: true })');
    TestBed.resetTestingModule();
    expect(overlay()).toBeNull();
  });

  it('shows it when the URL has ?veil-xray', async () => {
    withQuery('?veil-xray');
    const fixture = setUp();
    fixture.componentInstance.show.set(false);
    fixture.detectChanges();
    await until(() => overlay() !== null, 'the X-ray drawn for ?veil-xray');
  });

  it('shows nothing without the query, nor with it and xray: false', async () => {
    let fixture = setUp();
    fixture.componentInstance.show.set(false);
    fixture.detectChanges();
    await settled(fixture);
    expect(overlay()).toBeNull();
    TestBed.resetTestingModule();
    withQuery('?veil-xray');
    fixture = setUp({ xray: false });
    fixture.componentInstance.show.set(false);
    fixture.detectChanges();
    await settled(fixture);
    expect(overlay()).toBeNull();
  });
});
